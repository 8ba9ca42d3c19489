import { Empty } from 'antd';
import { useTranslation } from 'react-i18next';
import { queryKeys } from '../../api/queryKeys';
import { listStaffAccess, type StaffAccessEntry } from '../../api/team';
import { useMe } from '../../auth/session';
import { PagedTable, usePagedQuery } from '../../components/PagedTable';
import { PageHeader } from '../../components/PageHeader';
import { useDateTime } from '../../lib/format';
import { useLabels } from '../../lib/labels';

/** Who at the vendor looked at or changed this organization's data, when, and the reason they gave. */
export default function StaffAccess() {
  const { t } = useTranslation();
  const me = useMe();
  const orgId = me.current.org_id;
  return (
    <>
      <PageHeader title={t('staffAccess.title')}>{t('staffAccess.intro')}</PageHeader>
      {orgId ? <StaffAccessTable orgId={orgId} /> : <Empty description={t('team.noOrganization')} />}
    </>
  );
}

function StaffAccessTable({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const dateTime = useDateTime();
  const entries = usePagedQuery(queryKeys.staffAccess(orgId), (cursor) => listStaffAccess(orgId, cursor));
  return (
    <PagedTable<StaffAccessEntry>
      query={entries}
      rowKey={(e) => `${e.at}|${e.staff}|${e.action}`}
      emptyText={t('staffAccess.empty')}
      minWidth={720}
      columns={[
        { key: 'at', title: t('staffAccess.when'), dataIndex: 'at', width: 180, render: dateTime },
        { key: 'who', title: t('staffAccess.who'), dataIndex: 'staff', ellipsis: true },
        { key: 'what', title: t('staffAccess.what'), ellipsis: true, render: (_, e) => labels.auditAction(e.action) },
        { key: 'why', title: t('staffAccess.why'), dataIndex: 'reason', ellipsis: true, render: (reason: string | null) => reason ?? '—' },
      ]}
    />
  );
}
