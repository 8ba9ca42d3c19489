import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Descriptions, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { billingKeys, getInvoice, getPayment } from '../../../api/billing';
import { ErrorState } from '../../../components/errors';
import { PageHeader } from '../../../components/PageHeader';
import { PageSpin } from '../../../components/PageSpin';
import { useDateTime } from '../../../lib/format';
import { useCustomer } from '../../../lib/names';
import { InvoiceStatusTag, PaymentStatusTag, useInvoiceNumber, useMoney, useProviderName } from './shared';

/** A payment by the provider's id of it: amounts against its invoice's, a mismatch or a refund due flagged. */
export default function PaymentDetail() {
  const { provider = '', paymentId = '' } = useParams();
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const money = useMoney();
  const number = useInvoiceNumber();
  const providerName = useProviderName();
  const detail = useQuery({ queryKey: billingKeys.payment(provider, paymentId), queryFn: () => getPayment(provider, paymentId) });
  const invoiceId = detail.data?.invoice_id ?? '';
  const invoice = useQuery({ queryKey: billingKeys.invoice(invoiceId), queryFn: () => getInvoice(invoiceId), enabled: !!invoiceId });
  const customer = useCustomer(detail.data?.org_id);

  if (detail.isPending) return <PageSpin />;
  if (detail.isError) return <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />;
  const payment = detail.data;
  return (
    <>
      <PageHeader title={t('billing.payments.detailTitle', { provider: providerName(payment.provider), id: payment.provider_payment_id })}>
        <Typography.Text code copyable>{payment.id}</Typography.Text>
      </PageHeader>
      {payment.status !== 'applied' && (
        <Alert
          type={payment.status === 'mismatch' ? 'error' : 'warning'}
          showIcon
          style={{ marginBottom: 16 }}
          title={t(`billing.payments.flag.${payment.status}`)}
          description={invoice.data && t('billing.payments.flagDetail', { paid: money(payment.amount), total: money(invoice.data.total) })}
        />
      )}
      {/* TODO(issue 10, money): «Вернуть деньги» — POST /api/console/billing/payments/{provider}/{provider_payment_id}/refund
          ({amount?, reason}, confirmation with the amount) — once the route is in docs/openapi.json. */}
      <Card>
        <Descriptions size="small" column={{ xs: 1, sm: 1, md: 2, xl: 3 }}>
          <Descriptions.Item label={t('billing.payments.status')}><PaymentStatusTag status={payment.status} /></Descriptions.Item>
          <Descriptions.Item label={t('billing.payments.amount')}><Typography.Text strong>{money(payment.amount)}</Typography.Text></Descriptions.Item>
          <Descriptions.Item label={t('billing.payments.provider')}>{providerName(payment.provider)}</Descriptions.Item>
          <Descriptions.Item label={t('billing.payments.providerPaymentId')}>
            <Typography.Text code copyable>{payment.provider_payment_id}</Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('billing.payments.attempt')}>{payment.attempt}</Descriptions.Item>
          <Descriptions.Item label={t('billing.payments.createdAt')}>{dateTime(payment.created_at)}</Descriptions.Item>
          <Descriptions.Item label={t('billing.customer')}>
            <Link to={`/console/customers/${encodeURIComponent(payment.org_id)}`}>{customer.data?.name ?? payment.org_id}</Link>
          </Descriptions.Item>
          <Descriptions.Item label={t('billing.payments.invoice')}>
            <Link to={`/console/billing/invoices/${payment.invoice_id}`}>{invoice.data ? number(invoice.data) : payment.invoice_id}</Link>
            {invoice.data && <> · <InvoiceStatusTag status={invoice.data.status} /></>}
          </Descriptions.Item>
          <Descriptions.Item label={t('billing.payments.invoiceTotal')}>{invoice.data ? money(invoice.data.total) : '—'}</Descriptions.Item>
        </Descriptions>
      </Card>
    </>
  );
}
