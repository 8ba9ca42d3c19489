import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { billingKeys, listPayments, type BillingPayment } from '../../../api/appBilling';
import { PagedTable, usePagedQuery } from '../../../components/PagedTable';
import { useDateTime } from '../../../lib/format';
import { PaymentStatusTag, useMoney } from './labels';

/** Money received from the organization, newest first (a declined card is not a payment: it is not here). */
export function PaymentsTable({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const money = useMoney();
  const dateTime = useDateTime();
  const payments = usePagedQuery(billingKeys.payments(orgId), (cursor) => listPayments(orgId, cursor));
  return (
    <PagedTable<BillingPayment>
      query={payments}
      rowKey="id"
      emptyText={t('appBilling.payments.empty')}
      minWidth={640}
      columns={[
        { key: 'date', title: t('appBilling.payments.date'), width: 190, fixed: 'left', render: (_, p) => dateTime(p.created_at) },
        { key: 'amount', title: t('appBilling.payments.amount'), width: 150, align: 'right', render: (_, p) => money(p.amount.kopecks) },
        { key: 'provider', title: t('appBilling.payments.provider'), width: 150, render: (_, p) => t(`appBilling.provider.${p.provider}`, { defaultValue: p.provider }) },
        { key: 'invoice', title: t('appBilling.payments.invoice'), render: (_, p) => <Link to={`/app/billing/invoices/${p.invoice_id}`}>{t('appBilling.payments.openInvoice')}</Link> },
        { key: 'status', title: t('appBilling.payments.status'), width: 170, render: (_, p) => <PaymentStatusTag status={p.status} /> },
      ]}
    />
  );
}
