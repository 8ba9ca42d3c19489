import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Tour, type TourProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { getOnboarding, markTourSeen, onboardingKeys } from '../../../api/onboarding';
import { useFeature } from '../../../lib/features';
import { useCan } from '../../../lib/permissions';

/** A workspace tab as antd renders it (a missing one makes the step centred: antd's `() => null`). */
const tab = (key: string) => () => document.querySelector<HTMLElement>(`.ant-tabs-tab[data-node-key="${key}"]`) as HTMLElement;

/**
 * The guided tour of a workspace's pages (with the onboarding flag on), shown once per user (the server remembers who has seen it):
 * a word of welcome, then the leads, widget and settings tabs.
 */
export function FastleadTour({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const can = useCan();
  const enabled = useFeature('onboarding');
  const queryClient = useQueryClient();
  const state = useQuery({
    queryKey: onboardingKeys.state(orgId), queryFn: () => getOnboarding(orgId), enabled: enabled && can('app.onboarding.read'),
  });
  const seen = useMutation({
    mutationFn: () => markTourSeen(orgId),
    onSuccess: (fresh) => queryClient.setQueryData(onboardingKeys.state(orgId), fresh),
  });
  const steps: TourProps['steps'] = [
    { title: t('onboarding.tour.welcome.title'), description: t('onboarding.tour.welcome.text'), target: null },
    { title: t('onboarding.tour.leads.title'), description: t('onboarding.tour.leads.text'), target: tab('leads') },
    { title: t('onboarding.tour.widget.title'), description: t('onboarding.tour.widget.text'), target: tab('widget') },
    { title: t('onboarding.tour.settings.title'), description: t('onboarding.tour.settings.text'), target: tab('settings') },
  ];
  const open = state.data !== undefined && !state.data.tour_seen && !seen.isPending && !seen.isSuccess;
  return <Tour open={open} steps={steps} onClose={() => seen.mutate()} onFinish={() => seen.mutate()} />;
}
