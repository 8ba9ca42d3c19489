import { InputNumber, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { billingKeys, INVOICE_STATUSES, listInvoices, type InvoiceFilters, type InvoiceStatus } from '../../../api/billing';
import { usePagedQuery } from '../../../components/PagedTable';
import { PageHeader } from '../../../components/PageHeader';
import { InvoiceTable } from './InvoiceTable';
import { FilterBar, oneOf, searchAndCustomer, useAddressFilters } from './shared';

/** The list's filters from the address; values the API would refuse are ignored. */
export function invoiceFiltersFrom(params: URLSearchParams): InvoiceFilters {
  const status = oneOf(params.get('status'), INVOICE_STATUSES);
  const number = Number(params.get('number'));
  return {
    ...searchAndCustomer(params),
    ...(status ? { status } : {}),
    ...(Number.isSafeInteger(number) && number >= 1 ? { number } : {}),
  };
}

/** Invoices newest first: search by customer or ИНН, filters by status, number and customer. */
export default function InvoicesList() {
  const { t } = useTranslation();
  const { filters, change, reset, filtered } = useAddressFilters(invoiceFiltersFrom);
  const invoices = usePagedQuery(billingKeys.invoices(filters), (cursor) => listInvoices(filters, cursor));
  return (
    <>
      <PageHeader title={t('billing.invoices.title')}>{t('billing.invoices.intro')}</PageHeader>
      <FilterBar
        label={t('billing.invoices.filters')}
        q={filters.q ?? undefined}
        placeholder={t('billing.searchPlaceholder')}
        onSearch={(q) => change('q', q)}
        orgId={filters.org_id ?? undefined}
        onCustomer={(orgId) => change('org_id', orgId)}
        filtered={filtered}
        onReset={reset}
      >
        <Select<InvoiceStatus>
          allowClear
          value={filters.status ?? undefined}
          placeholder={t('billing.invoices.statusFilter')}
          aria-label={t('billing.invoices.statusFilter')}
          options={INVOICE_STATUSES.map((value) => ({ value, label: t(`billing.invoiceStatus.${value}`) }))}
          onChange={(value) => change('status', value)}
          style={{ width: 160 }}
        />
        <InputNumber<number>
          key={filters.number ?? 'none'}
          min={1}
          precision={0}
          defaultValue={filters.number ?? undefined}
          placeholder={t('billing.invoices.numberFilter')}
          aria-label={t('billing.invoices.numberFilter')}
          onPressEnter={(e) => change('number', (e.target as HTMLInputElement).value.replace(/\D/g, '') || undefined)}
          onBlur={(e) => change('number', e.target.value.replace(/\D/g, '') || undefined)}
          style={{ width: 140 }}
        />
      </FilterBar>
      <InvoiceTable query={invoices} emptyText={filtered ? t('billing.invoices.emptyFiltered') : t('billing.invoices.empty')} />
    </>
  );
}
