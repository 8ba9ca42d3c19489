import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Checkbox, Flex, Input, Segmented } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ACTIVATION_STATES } from '../../../api/enums';
import { listFleet, type ActivationState, type FleetFilters, type LicenseState } from '../../../api/licensing';
import { queryKeys } from '../../../api/queryKeys';
import { ActivationsTable } from '../../../components/ActivationsTable';
import { CustomerPicker } from '../../../components/CustomerPicker';
import { describeError, ErrorState } from '../../../components/errors';
import { usePagedQuery } from '../../../components/PagedTable';
import { PageHeader } from '../../../components/PageHeader';
import { LicenseStateTag, useCatalog, useCatalogNames } from '../../../lib/licensing';
import { NameWithId } from '../../../lib/names';

type StateFilter = ActivationState | 'all';
const VERSION = /^\d+\.\d+(\.\d+)?$/;

/** Every installation of every license: state by last heartbeat, versions behind, clones, limit violations. */
export default function Monitoring() {
  const { t } = useTranslation();
  const catalog = useCatalog();
  const names = useCatalogNames(catalog.data);
  const [state, setState] = useState<StateFilter>('all');
  const [filters, setFilters] = useState<Omit<FleetFilters, 'state'>>({});
  const [versionText, setVersionText] = useState('');
  const query: FleetFilters = { ...filters, ...(state === 'all' ? {} : { state }) };
  const fleet = usePagedQuery(queryKeys.fleet(query), (cursor) => listFleet(query, cursor));
  const rows = fleet.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = state !== 'all' || Object.values(filters).some((v) => v !== undefined);
  const flag = (name: 'behind_latest' | 'clone_suspected' | 'with_violations', on: boolean) =>
    setFilters((f) => ({ ...f, [name]: on ? true : undefined }));
  const badVersion = versionText !== '' && !VERSION.test(versionText.trim());

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
          options={(['all', ...ACTIVATION_STATES] as const).map((value) => ({ value, label: t(`monitoring.states.${value}`) }))}
        />
        <CustomerPicker value={filters.org_id ?? undefined} onChange={(org_id) => setFilters((f) => ({ ...f, org_id }))} style={{ width: 320 }} />
        <Input.Search
          allowClear
          placeholder={t('monitoring.version')}
          aria-label={t('monitoring.version')}
          status={badVersion ? 'error' : undefined}
          onChange={(e) => setVersionText(e.target.value)}
          onSearch={(value) => {
            const version = value.trim();
            if (version === '' || VERSION.test(version)) setFilters((f) => ({ ...f, software_version: version || undefined }));
          }}
          style={{ width: 200 }}
        />
        <Checkbox checked={!!filters.behind_latest} onChange={(e) => flag('behind_latest', e.target.checked)}>{t('monitoring.onlyBehind')}</Checkbox>
        <Checkbox checked={!!filters.with_violations} onChange={(e) => flag('with_violations', e.target.checked)}>{t('monitoring.onlyViolations')}</Checkbox>
        <Checkbox checked={!!filters.clone_suspected} onChange={(e) => flag('clone_suspected', e.target.checked)}>{t('monitoring.onlyClones')}</Checkbox>
      </Flex>
      {fleet.isError && !fleet.data ? (
        <ErrorState error={fleet.error} onRetry={() => void fleet.refetch()} />
      ) : (
        <>
          <ActivationsTable
            rows={rows}
            loading={fleet.isPending}
            moduleName={(code) => names.module('itbm', code)}
            emptyText={filtered ? t('monitoring.emptyFiltered') : t('monitoring.empty')}
            extraColumns={[{
              key: 'license',
              title: t('monitoring.license'),
              fixed: 'left',
              render: (_, row) => (
                <Flex vertical gap={2} style={{ minWidth: 0 }}>
                  <NameWithId
                    name={<Link to={`/console/licenses/${row.license_id}`}>{row.customer ?? row.org_id}</Link>}
                    id={row.license_id ?? ''}
                    hint={names.plan(row.product ?? 'itbm', row.plan ?? '')}
                  />
                  {row.license_state && <LicenseStateTag state={row.license_state as LicenseState} />}
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
