import { useQuery } from '@tanstack/react-query';
import { Navigate } from 'react-router';
import { getOnboarding, onboardingKeys } from '../../../api/onboarding';
import { useMe } from '../../../auth/session';
import { useFeature } from '../../../lib/features';
import { PageSpin } from '../../../components/PageSpin';
import { useCan } from '../../../lib/permissions';

/** `/app`: a Fast Lead owner whose onboarding is under way goes to the wizard, everyone else to the team. */
export default function AppHome() {
  const orgId = useMe().current.org_id;
  const enabled = useFeature('onboarding');
  const mayOnboard = useCan()('app.onboarding.update') && enabled && !!orgId;
  const state = useQuery({ queryKey: onboardingKeys.state(orgId ?? ''), queryFn: () => getOnboarding(orgId!), enabled: mayOnboard });
  if (mayOnboard && state.isPending) return <PageSpin />;
  return <Navigate to={state.data?.status === 'active' ? '/app/onboarding' : '/app/team'} replace />;
}
