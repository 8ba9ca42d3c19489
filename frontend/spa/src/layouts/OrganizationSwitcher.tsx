import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { switchMembership } from '../api/auth';
import type { Membership } from '../api/contract';
import { currentMembership, useMe } from '../auth/session';
import { useShowError } from '../components/errors';

const keyOf = (m: Pick<Membership, 'org_id' | 'workspace_id'>) => `${m.org_id}|${m.workspace_id ?? ''}`;

function labelOf(m: Membership): string {
  return m.workspace_id ? `${m.org_name} · ${m.workspace_id}` : m.org_name;
}

/** The organization (and workspace) the session acts in; switching reloads every query for it. */
export function OrganizationSwitcher() {
  const { t } = useTranslation();
  const me = useMe();
  const queryClient = useQueryClient();
  const showError = useShowError();
  const switching = useMutation({
    mutationFn: (m: Membership) => switchMembership({ org_id: m.org_id, ...(m.workspace_id ? { workspace_id: m.workspace_id } : {}) }),
    onSuccess: () => queryClient.invalidateQueries(),
    onError: (error) => showError(error),
  });

  const current = currentMembership(me);
  if (me.memberships.length === 0) return <Typography.Text type="secondary">{t('layout.noOrganization')}</Typography.Text>;
  if (me.memberships.length === 1) {
    return <Typography.Text strong ellipsis>{labelOf(me.memberships[0])}</Typography.Text>;
  }
  return (
    <Select
      aria-label={t('layout.organization')}
      style={{ width: '100%', maxWidth: 320, minWidth: 0 }}
      value={current ? keyOf(current) : undefined}
      placeholder={t('layout.chooseOrganization')}
      loading={switching.isPending}
      disabled={switching.isPending}
      options={me.memberships.map((m) => ({ value: keyOf(m), label: labelOf(m) }))}
      onChange={(key: string) => {
        const chosen = me.memberships.find((m) => keyOf(m) === key);
        if (chosen) switching.mutate(chosen);
      }}
    />
  );
}
