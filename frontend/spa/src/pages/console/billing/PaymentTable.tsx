import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { BillingPayment } from '../../../api/billing';
import { PagedTable, type PagedQuery } from '../../../components/PagedTable';
import { useDateTime } from '../../../lib/format';
import { CustomerName } from '../../../lib/names';
import { PaymentStatusTag, useMoney, useProviderName } from './shared';

export const paymentPath = (p: Pick<BillingPayment, 'provider' | 'provider_payment_id'>) =>
  `/console/billing/payments/${encodeURIComponent(p.provider)}/${encodeURIComponent(p.provider_payment_id)}`;

/** Payments a page at a time: the list's (with customer and invoice) or one invoice's (without). */
export function PaymentTable({ query, emptyText, withInvoice = true }: {
  query: PagedQuery<BillingPayment>;
  emptyText: string;
  withInvoice?: boolean;
}) {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const money = useMoney();
  const providerName = useProviderName();
  return (
    <PagedTable<BillingPayment>
      query={query}
      rowKey="id"
      size="small"
      minWidth={withInvoice ? 980 : 700}
      emptyText={emptyText}
      columns={[
        {
          key: 'payment',
          title: t('billing.payments.payment'),
          fixed: 'left',
          render: (_, p) => (
            <Typography.Text ellipsis={{ tooltip: p.provider_payment_id }}>
              <Link to={paymentPath(p)}>{p.provider_payment_id}</Link>
            </Typography.Text>
          ),
        },
        { key: 'provider', title: t('billing.payments.provider'), width: 130, render: (_, p) => providerName(p.provider) },
        ...(withInvoice ? [
          { key: 'customer', title: t('billing.customer'), render: (_: unknown, p: BillingPayment) => <CustomerName orgId={p.org_id} /> },
          {
            key: 'invoice',
            title: t('billing.payments.invoice'),
            width: 120,
            render: (_: unknown, p: BillingPayment) => <Link to={`/console/billing/invoices/${p.invoice_id}`}>{t('billing.payments.toInvoice')}</Link>,
          },
        ] : []),
        { key: 'amount', title: t('billing.payments.amount'), width: 140, align: 'right', render: (_, p) => money(p.amount) },
        { key: 'status', title: t('billing.payments.status'), width: 150, render: (_, p) => <PaymentStatusTag status={p.status} /> },
        { key: 'at', title: t('billing.payments.createdAt'), width: 170, render: (_, p) => dateTime(p.created_at) },
      ]}
    />
  );
}
