import { Button, Flex, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { deploysKeys, listInstallations, type Installation } from '../../../api/deploys';
import { CustomerPicker } from '../../../components/CustomerPicker';
import { PagedTable, usePagedQuery, type PagedQuery } from '../../../components/PagedTable';
import { PageHeader } from '../../../components/PageHeader';
import { useDateTime } from '../../../lib/format';
import { CustomerName, ORG_ID } from '../../../lib/names';
import { useAddressFilters } from '../billing/shared';
import { installationPath, InstallationStatusTag, Version } from './shared';

interface InstallationFilters {
  q?: string;
  org_id?: string;
}

export function installationFiltersFrom(params: URLSearchParams): InstallationFilters {
  const q = params.get('q')?.trim().slice(0, 100);
  const orgId = params.get('org_id')?.trim();
  return { ...(q ? { q } : {}), ...(orgId && ORG_ID.test(orgId) ? { org_id: orgId } : {}) };
}

/** Whether an installation answers the search: its domain, ids or versions contain the text. */
export function matches(item: Installation, { q, org_id: orgId }: InstallationFilters): boolean {
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
  const { filters, change, reset, filtered } = useAddressFilters(installationFiltersFrom);
  const installations = usePagedQuery(deploysKeys.installations, (cursor) => listInstallations(cursor));
  return (
    <>
      <PageHeader title={t('deploys.installations.title')}>{t('deploys.installations.intro')}</PageHeader>
      <Flex wrap gap={8} style={{ marginBottom: 16 }} role="search" aria-label={t('deploys.installations.filters')}>
        <Input.Search
          allowClear
          defaultValue={filters.q}
          maxLength={100}
          placeholder={t('deploys.installations.searchPlaceholder')}
          aria-label={t('deploys.installations.search')}
          onSearch={(value) => change('q', value.trim() || undefined)}
          style={{ width: 300, maxWidth: '100%' }}
        />
        <CustomerPicker value={filters.org_id} onChange={(orgId) => change('org_id', orgId)} style={{ width: 300, maxWidth: '100%' }} />
        {filtered && <Button onClick={reset}>{t('deploys.resetFilters')}</Button>}
      </Flex>
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
