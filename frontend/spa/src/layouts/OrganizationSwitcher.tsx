import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { switchMembership } from '../api/auth';
import type { Membership } from '../api/auth';
import { currentMembership, useMe } from '../auth/session';
import { useShowError } from '../components/errors';


/** The organization (and workspace) the session acts in; switching reloads every query for it. */
export function OrganizationSwitcher() {
  const { t } = useTranslation();
  const me = useMe();
  const queryClient = useQueryClient();
  const showError = useShowError();
  const switching = useMutation({
    mutationFn: (m: Membership) => switchMembership({ org_id: m.org_id }),
    onSuccess: () => queryClient.invalidateQueries(),
    onError: (error) => showError(error),
  });

  const current = currentMembership(me);
  if (me.memberships.length === 0) return <Typography.Text type="secondary">{t('layout.noOrganization')}</Typography.Text>;
  if (me.memberships.length === 1) {
    return <Typography.Text strong ellipsis>{me.memberships[0].org_name}</Typography.Text>;
  }
  return (
    <Select
      aria-label={t('layout.organization')}
      style={{ width: '100%', maxWidth: 320, minWidth: 0 }}
      value={current?.org_id}
      placeholder={t('layout.chooseOrganization')}
      loading={switching.isPending}
      disabled={switching.isPending}
      options={me.memberships.map((m) => ({ value: m.org_id, label: m.org_name }))}
      onChange={(orgId: string) => {
        const chosen = me.memberships.find((m) => m.org_id === orgId);
        if (chosen) switching.mutate(chosen);
      }}
    />
  );
}
