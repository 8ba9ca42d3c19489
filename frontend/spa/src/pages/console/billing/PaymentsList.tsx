import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { billingKeys, listPayments, PAYMENT_SOURCES, PAYMENT_STATUSES, type PaymentFilters, type PaymentStatus } from '../../../api/billing';
import { usePagedQuery } from '../../../components/PagedTable';
import { PageHeader } from '../../../components/PageHeader';
import { useCan } from '../../../lib/permissions';
import { ExportDialog, ImportDialog } from './PaymentFiles';
import { PaymentTable } from './PaymentTable';
import { FilterBar, oneOf, searchAndCustomer, useAddressFilters, useProviderName } from './shared';

/** The list's filters from the address; values the API would refuse are ignored. */
export function paymentFiltersFrom(params: URLSearchParams): PaymentFilters {
  const provider = oneOf(params.get('provider'), PAYMENT_SOURCES);
  const status = oneOf(params.get('status'), PAYMENT_STATUSES);
  return { ...searchAndCustomer(params), ...(provider ? { provider } : {}), ...(status ? { status } : {}) };
}

/**
 * Payments newest first: search by customer or ИНН, filters by provider, status and customer; export of a period
 * and import of a bank statement (a dry run first).
 */
export default function PaymentsList() {
  const { t } = useTranslation();
  const providerName = useProviderName();
  const { filters, change, reset, filtered } = useAddressFilters(paymentFiltersFrom);
  const payments = usePagedQuery(billingKeys.payments(filters), (cursor) => listPayments(filters, cursor));
  const can = useCan();
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<'export' | 'import' | null>(null);
  const files = (
    <>
      {can('console.billing.export') && <Button icon={<DownloadOutlined />} onClick={() => setDialog('export')}>{t('billing.paymentFiles.export')}</Button>}
      {can('console.billing.import') && <Button icon={<UploadOutlined />} onClick={() => setDialog('import')}>{t('billing.paymentFiles.import')}</Button>}
    </>
  );
  return (
    <>
      <PageHeader title={t('billing.payments.title')} extra={files}>{t('billing.payments.intro')}</PageHeader>
      <FilterBar
        label={t('billing.payments.filters')}
        q={filters.q ?? undefined}
        placeholder={t('billing.searchPlaceholder')}
        onSearch={(q) => change('q', q)}
        orgId={filters.org_id ?? undefined}
        onCustomer={(orgId) => change('org_id', orgId)}
        filtered={filtered}
        onReset={reset}
      >
        <Select<string>
          allowClear
          value={filters.provider ?? undefined}
          placeholder={t('billing.payments.providerFilter')}
          aria-label={t('billing.payments.providerFilter')}
          options={PAYMENT_SOURCES.map((value) => ({ value, label: providerName(value) }))}
          onChange={(value) => change('provider', value)}
          style={{ width: 180 }}
        />
        <Select<PaymentStatus>
          allowClear
          value={(filters.status ?? undefined) as PaymentStatus | undefined}
          placeholder={t('billing.payments.statusFilter')}
          aria-label={t('billing.payments.statusFilter')}
          options={PAYMENT_STATUSES.map((value) => ({ value, label: t(`billing.paymentStatus.${value}`) }))}
          onChange={(value) => change('status', value)}
          style={{ width: 200 }}
        />
      </FilterBar>
      <PaymentTable query={payments} emptyText={filtered ? t('billing.payments.emptyFiltered') : t('billing.payments.empty')} />
      {dialog === 'export' && <ExportDialog orgId={filters.org_id ?? undefined} onClose={() => setDialog(null)} />}
      {dialog === 'import' && (
        <ImportDialog onClose={() => setDialog(null)} onApplied={() => void queryClient.invalidateQueries({ queryKey: billingKeys.all })} />
      )}
    </>
  );
}
