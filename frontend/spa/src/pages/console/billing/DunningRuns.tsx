import { Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { billingKeys, DUNNING_STATES, listDunningRuns, type DunningRun, type DunningRunFilters, type DunningState } from '../../../api/billing';
import { PagedTable, usePagedQuery, type PagedQuery } from '../../../components/PagedTable';
import { PageHeader } from '../../../components/PageHeader';
import { useDateTime } from '../../../lib/format';
import { CustomerName } from '../../../lib/names';
import { DunningStateTag } from './dunning';
import { customerFrom, FilterBar, InvoiceLink, oneOf, useAddressFilters } from './shared';

/** The list's filters from the address; values the API would refuse are ignored. */
export function dunningFiltersFrom(params: URLSearchParams): DunningRunFilters {
  const state = oneOf(params.get('state'), DUNNING_STATES);
  return { ...customerFrom(params), ...(state ? { state } : {}) };
}

/** «Дожим»: runs that retry a failed renewal charge, write to the customer and suspend or restore access. */
export default function DunningRuns() {
  const { t } = useTranslation();
  const { filters, change, reset, filtered } = useAddressFilters(dunningFiltersFrom);
  const runs = usePagedQuery(billingKeys.dunningRuns(filters), (cursor) => listDunningRuns(filters, cursor));
  return (
    <>
      <PageHeader title={t('billing.dunning.title')}>{t('billing.dunning.intro')}</PageHeader>
      <FilterBar
        label={t('billing.dunning.filters')}
        orgId={filters.org_id ?? undefined}
        onCustomer={(orgId) => change('org_id', orgId)}
        filtered={filtered}
        onReset={reset}
      >
        <Select<DunningState>
          allowClear
          value={filters.state ?? undefined}
          placeholder={t('billing.dunning.stateFilter')}
          aria-label={t('billing.dunning.stateFilter')}
          options={DUNNING_STATES.map((value) => ({ value, label: t(`billing.dunning.state.${value}`) }))}
          onChange={(value) => change('state', value)}
          style={{ width: 200 }}
        />
      </FilterBar>
      <DunningRunTable query={runs} emptyText={filtered ? t('billing.dunning.emptyFiltered') : t('billing.dunning.empty')} />
    </>
  );
}

/** Runs a page at a time: the list's (with customer) or one subscription's (without). */
export function DunningRunTable({ query, emptyText, withCustomer = true }: { query: PagedQuery<DunningRun>; emptyText: string; withCustomer?: boolean }) {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  return (
    <PagedTable<DunningRun>
      query={query}
      rowKey="id"
      size="small"
      minWidth={withCustomer ? 900 : 700}
      emptyText={emptyText}
      columns={[
        {
          key: 'started', title: t('billing.dunning.startedAt'), width: 190, fixed: 'left',
          render: (_, r) => <Link to={`/console/billing/dunning/${r.id}`}>{dateTime(r.started_at)}</Link>,
        },
        { key: 'state', title: t('billing.dunning.stateLabel'), width: 150, render: (_, r) => <DunningStateTag state={r.state} /> },
        ...(withCustomer ? [{ key: 'customer', title: t('billing.customer'), render: (_: unknown, r: DunningRun) => <CustomerName orgId={r.org_id} /> }] : []),
        {
          key: 'invoice', title: t('billing.dunning.invoice'), width: 110,
          render: (_, r) => <InvoiceLink invoice={{ id: r.invoice_id, number: r.invoice_number }} />,
        },
        {
          key: 'tries', title: t('billing.dunning.tries'), width: 110,
          render: (_, r) => <Typography.Text>{t('billing.dunning.triesOf', { tries: r.tries, max: r.max_attempts })}</Typography.Text>,
        },
        { key: 'ended', title: t('billing.dunning.endedAt'), width: 190, render: (_, r) => dateTime(r.ended_at) },
      ]}
    />
  );
}
