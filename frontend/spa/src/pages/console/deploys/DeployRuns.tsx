import { Button, Flex, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { deploysKeys, listRuns, RUN_STATES, type RunFilters, type RunState } from '../../../api/deploys';
import { usePagedQuery } from '../../../components/PagedTable';
import { PageHeader } from '../../../components/PageHeader';
import { oneOf, useAddressFilters } from '../billing/shared';
import { DeployRunTable } from './shared';

const INSTALLATION_ID = /^ins_[A-Z2-7]{26}$/;

/** The list's filters from the address; values the API would refuse are ignored. */
export function runFiltersFrom(params: URLSearchParams): RunFilters {
  const state = oneOf(params.get('state'), RUN_STATES);
  const installationId = params.get('installation_id')?.trim();
  return { ...(state ? { state } : {}), ...(installationId && INSTALLATION_ID.test(installationId) ? { installation_id: installationId } : {}) };
}

/** «Запуски развёртывания»: every deploy and rollback run, newest first, by state. */
export default function DeployRuns() {
  const { t } = useTranslation();
  const { filters, change, reset, filtered } = useAddressFilters(runFiltersFrom);
  const runs = usePagedQuery(deploysKeys.runs(filters), (cursor) => listRuns(filters, cursor));
  return (
    <>
      <PageHeader title={t('deploys.runs.title')}>{t('deploys.runs.intro')}</PageHeader>
      <Flex wrap gap={8} style={{ marginBottom: 16 }} role="search" aria-label={t('deploys.runs.filters')}>
        <Select<RunState>
          allowClear
          value={filters.state ?? undefined}
          placeholder={t('deploys.runs.stateFilter')}
          aria-label={t('deploys.runs.stateFilter')}
          options={RUN_STATES.map((value) => ({ value, label: t(`deploys.runState.${value}`) }))}
          onChange={(value) => change('state', value)}
          style={{ width: 220 }}
        />
        {filtered && <Button onClick={reset}>{t('deploys.resetFilters')}</Button>}
      </Flex>
      <DeployRunTable query={runs} emptyText={filtered ? t('deploys.runs.emptyFiltered') : t('deploys.runs.empty')} />
    </>
  );
}
