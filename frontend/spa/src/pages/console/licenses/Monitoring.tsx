import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Checkbox, Flex, Input, Segmented, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { listFleet, type ActivationState, type FleetActivation, type FleetFilters } from '../../../api/licensing';
import { queryKeys } from '../../../api/queryKeys';
import { describeError, ErrorState } from '../../../components/errors';
import { usePagedQuery } from '../../../components/PagedTable';
import { PageHeader } from '../../../components/PageHeader';
import { useCatalog, useCatalogNames } from '../../../lib/licensing';
import { ActivationsTable } from '../../../components/ActivationsTable';

type StateFilter = ActivationState | 'all';

/** What the page narrows down among the loaded installations, on top of the server's filters. */
export interface LocalFilters {
  search: string;
  behind: boolean;
  violations: boolean;
  clones: boolean;
}

export function matchesLocal(row: FleetActivation, filters: LocalFilters): boolean {
  const needle = filters.search.trim().toLowerCase();
  if (needle && ![row.domain, row.installation_id, row.license_id, row.org_id, row.org_name ?? '', row.server_ip ?? '', row.fingerprint]
    .some((text) => text.toLowerCase().includes(needle))) return false;
  if (filters.behind && !row.behind_latest) return false;
  if (filters.violations && row.violations.length === 0) return false;
  if (filters.clones && !row.clone_suspected) return false;
  return true;
}

/** Every installation of every license: state by last heartbeat, versions behind, clones, limit violations. */
export default function Monitoring() {
  const { t } = useTranslation();
  const catalog = useCatalog();
  const names = useCatalogNames(catalog.data);
  const [state, setState] = useState<StateFilter>('all');
  const [local, setLocal] = useState<LocalFilters>({ search: '', behind: false, violations: false, clones: false });
  const filters: FleetFilters = state === 'all' ? {} : { state };
  const fleet = usePagedQuery(queryKeys.fleet(filters), (cursor) => listFleet(filters, cursor));
  const loaded = useMemo(() => fleet.data?.pages.flatMap((page) => page.items) ?? [], [fleet.data]);
  const rows = loaded.filter((row) => matchesLocal(row, local));
  const narrowed = local.search !== '' || local.behind || local.violations || local.clones;

  return (
    <>
      <PageHeader
        title={t('monitoring.title')}
        extra={<Button icon={<ReloadOutlined />} loading={fleet.isRefetching} onClick={() => void fleet.refetch()}>{t('monitoring.refresh')}</Button>}
      >
        {t('monitoring.intro')}
      </PageHeader>
      <Flex wrap gap={12} align="center" style={{ marginBottom: 16 }}>
        <Segmented<StateFilter>
          value={state}
          onChange={setState}
          options={(['all', 'active', 'stale', 'inactive'] as const).map((value) => ({ value, label: t(`monitoring.states.${value}`) }))}
        />
        <Input.Search
          allowClear
          placeholder={t('monitoring.search')}
          aria-label={t('monitoring.search')}
          onSearch={(search) => setLocal((f) => ({ ...f, search }))}
          style={{ width: 300, maxWidth: '100%' }}
        />
        <Checkbox checked={local.behind} onChange={(e) => setLocal((f) => ({ ...f, behind: e.target.checked }))}>{t('monitoring.onlyBehind')}</Checkbox>
        <Checkbox checked={local.violations} onChange={(e) => setLocal((f) => ({ ...f, violations: e.target.checked }))}>{t('monitoring.onlyViolations')}</Checkbox>
        <Checkbox checked={local.clones} onChange={(e) => setLocal((f) => ({ ...f, clones: e.target.checked }))}>{t('monitoring.onlyClones')}</Checkbox>
      </Flex>
      {fleet.isError && !fleet.data ? (
        <ErrorState error={fleet.error} onRetry={() => void fleet.refetch()} />
      ) : (
        <>
          {narrowed && fleet.hasNextPage && (
            <Typography.Paragraph type="secondary">{t('monitoring.narrowedLoaded', { shown: rows.length, loaded: loaded.length })}</Typography.Paragraph>
          )}
          <ActivationsTable
            rows={rows}
            loading={fleet.isPending}
            moduleName={(code) => names.module('itbm', code)}
            emptyText={narrowed || state !== 'all' ? t('monitoring.emptyFiltered') : t('monitoring.empty')}
            extraColumns={[{
              key: 'license',
              title: t('monitoring.license'),
              render: (_, row) => (
                <Flex vertical>
                  <Link to={`/console/licenses/${row.license_id}`}>{row.license_id}</Link>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>{row.org_name ?? row.org_id}</Typography.Text>
                </Flex>
              ),
            }]}
          />
          {fleet.isFetchNextPageError && <Alert style={{ marginTop: 12 }} type="error" showIcon title={describeError(fleet.error, t)} />}
          {fleet.hasNextPage && (
            <Flex justify="center" style={{ marginTop: 16 }}>
              <Button onClick={() => void fleet.fetchNextPage()} loading={fleet.isFetchingNextPage}>{t('common.loadMore')}</Button>
            </Flex>
          )}
        </>
      )}
    </>
  );
}
