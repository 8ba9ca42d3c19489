import { Flex, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { deploysKeys, listInstallations, type Installation } from '../../../api/deploys';
import { PagedTable, usePagedQuery, type PagedQuery } from '../../../components/PagedTable';
import { PageHeader } from '../../../components/PageHeader';
import { useDateTime } from '../../../lib/format';
import { CustomerName } from '../../../lib/names';
import { FilterBar, searchAndCustomer, useAddressFilters } from '../billing/shared';
import { installationPath, InstallationStatusTag, Version } from './shared';

type InstallationFilters = ReturnType<typeof searchAndCustomer>;

/** Whether an installation answers the search: its domain, ids or versions contain the text. */
function matches(item: Installation, { q, org_id: orgId }: InstallationFilters): boolean {
  if (orgId && item.org_id !== orgId) return false;
  if (!q) return true;
  const needle = q.toLowerCase();
  return [item.domain, item.id, item.license_id, item.current_version, item.target_version]
    .some((value) => value?.toLowerCase().includes(needle));
}

/**
 * The API lists installations a page at a time and cannot search, so the search narrows the pages loaded so
 * far (the count of installations is the count of on-premise customers: tens, a few pages at most).
 */
function narrowed(query: PagedQuery<Installation>, filters: InstallationFilters): PagedQuery<Installation> {
  if (!query.data) return query;
  const pages = query.data.pages.map((page) => ({ ...page, items: page.items.filter((item) => matches(item, filters)) }));
  return { ...query, data: { ...query.data, pages } } as PagedQuery<Installation>;
}

/** «Установки»: each installation whose agent has called, with its versions and newest heartbeat. */
export default function Installations() {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const { filters, change, reset, filtered } = useAddressFilters(searchAndCustomer);
  const installations = usePagedQuery(deploysKeys.installations, (cursor) => listInstallations(cursor));
  return (
    <>
      <PageHeader title={t('deploys.installations.title')}>{t('deploys.installations.intro')}</PageHeader>
      <FilterBar
        label={t('deploys.installations.filters')}
        q={filters.q}
        placeholder={t('deploys.installations.searchPlaceholder')}
        onSearch={(q) => change('q', q)}
        orgId={filters.org_id}
        onCustomer={(orgId) => change('org_id', orgId)}
        filtered={filtered}
        onReset={reset}
      />
      <PagedTable<Installation>
        query={filtered ? narrowed(installations, filters) : installations}
        rowKey="id"
        size="small"
        minWidth={1100}
        emptyText={filtered ? t('deploys.installations.emptyFiltered') : t('deploys.installations.empty')}
        columns={[
          {
            key: 'domain', title: t('deploys.installations.domain'), width: 220, fixed: 'left',
            render: (_, r) => (
              <Flex vertical style={{ minWidth: 0 }}>
                <Link to={installationPath(r.id)}>{r.domain ?? r.id}</Link>
                <Typography.Text type="secondary" ellipsis={{ tooltip: r.id }} style={{ fontSize: 12 }}>{r.id}</Typography.Text>
              </Flex>
            ),
          },
          { key: 'customer', title: t('deploys.customer'), render: (_, r) => <CustomerName orgId={r.org_id} /> },
          {
            key: 'license', title: t('deploys.license'), width: 180,
            render: (_, r) => <Link to={`/console/licenses/${r.license_id}`}><Typography.Text ellipsis={{ tooltip: r.license_id }}>{r.license_id}</Typography.Text></Link>,
          },
          { key: 'current', title: t('deploys.installations.current'), width: 120, render: (_, r) => <Version value={r.current_version} /> },
          { key: 'target', title: t('deploys.installations.target'), width: 120, render: (_, r) => <Version value={r.target_version} /> },
          { key: 'seen', title: t('deploys.installations.lastSeen'), width: 190, render: (_, r) => dateTime(r.last_seen_at) },
          { key: 'status', title: t('deploys.installations.status'), width: 150, render: (_, r) => <InstallationStatusTag item={r} /> },
        ]}
      />
    </>
  );
}
