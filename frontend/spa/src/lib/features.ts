import { useQuery } from '@tanstack/react-query';
import { answer, api, type Answer } from '../api/client';
import { useMe } from '../auth/session';
import { can } from './permissions';

/** The feature flags evaluated for the organization (GET /api/app/orgs/{org_id}/features). */
export type Features = Answer<'/api/app/orgs/{org_id}/features', 'get'>;
export type Feature = keyof Features;

/** What the server's defaults say (tessera/core/feature_flags.json): used until the flags arrive or if they cannot. */
const DEFAULTS: Features = { dashboard: true, onboarding: true, billing: true };

export const getFeatures = (orgId: string) =>
  answer(api.GET('/api/app/orgs/{org_id}/features', { params: { path: { org_id: orgId } } }));

/** Whether `feature` is on for the current organization; the app hides what a flag turns off. */
export function useFeature(feature: Feature): boolean {
  const me = useMe();
  const orgId = me.current.org_id;
  const flags = useQuery({
    queryKey: ['features', orgId],
    queryFn: () => getFeatures(orgId!),
    enabled: !!orgId && can(me, 'app.features.read'),
    staleTime: 60_000,
  });
  return (flags.data ?? DEFAULTS)[feature];
}
