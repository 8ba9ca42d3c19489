import { ReloadOutlined, RollbackOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { billingKeys, checkRefund, getInvoice, getPayment, PAYMENT_PROVIDERS, type Refund } from '../../../api/billing';
import { ErrorState, useShowError } from '../../../components/errors';
import { PageHeader } from '../../../components/PageHeader';
import { PageSpin } from '../../../components/PageSpin';
import { useDateTime } from '../../../lib/format';
import { useCustomer } from '../../../lib/names';
import { useCan } from '../../../lib/permissions';
import { refundable, RefundDialog } from './RefundDialog';
import { InvoiceStatusTag, PaymentStatusTag, useInvoiceNumber, useMoney, useProviderName } from './shared';

const PENDING_POLL_MS = 3000;
const REFUND_COLOR: Record<Refund['status'], string> = { starting: 'processing', pending: 'processing', succeeded: 'green', canceled: 'default' };

/**
 * A payment by the provider's id of it: amounts against its invoice's, a mismatch or a refund due flagged, its
 * refunds; billing staff refund a provider's payment (others are returned by bank transfer). While a refund is
 * pending, the page re-reads the payment (the provider's notification settles it) and staff may ask the provider.
 */
export default function PaymentDetail() {
  const { provider = '', paymentId = '' } = useParams();
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const money = useMoney();
  const number = useInvoiceNumber();
  const providerName = useProviderName();
  const detail = useQuery({
    queryKey: billingKeys.payment(provider, paymentId),
    queryFn: () => getPayment(provider, paymentId),
    refetchInterval: (query) => (query.state.data?.refunds.some((r) => r.status === 'pending') ? PENDING_POLL_MS : false),
  });
  const invoiceId = detail.data?.invoice_id ?? '';
  const invoice = useQuery({ queryKey: billingKeys.invoice(invoiceId), queryFn: () => getInvoice(invoiceId), enabled: !!invoiceId });
  const customer = useCustomer(detail.data?.org_id);
  const can = useCan();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const showError = useShowError();
  const [refunding, setRefunding] = useState(false);
  const check = useMutation({
    mutationFn: (refund: Refund) => checkRefund(provider, paymentId, refund.number),
    onSuccess: (refund) => {
      void message.info(t(`billing.refund.checked.${refund.status === 'starting' ? 'pending' : refund.status}`));
      void queryClient.invalidateQueries({ queryKey: billingKeys.all });
    },
    onError: (error) => showError(error),
  });

  if (detail.isPending) return <PageSpin />;
  if (detail.isError) return <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />;
  const payment = detail.data;
  const left = refundable(payment);
  const refuseReason = !can('console.billing.refund') ? t('billing.refund.notAllowed')
    : !(PAYMENT_PROVIDERS as readonly string[]).includes(payment.provider) ? t('billing.refund.notThroughProvider')
      : left === 0 ? t('billing.refund.nothingLeft') : null;
  const refundButton = refuseReason
    ? <Tooltip title={refuseReason}><Button icon={<RollbackOutlined />} disabled>{t('billing.refund.action')}</Button></Tooltip>
    : <Button danger icon={<RollbackOutlined />} onClick={() => setRefunding(true)}>{t('billing.refund.action')}</Button>;
  return (
    <>
      <PageHeader title={t('billing.payments.detailTitle', { provider: providerName(payment.provider), id: payment.provider_payment_id })} extra={refundButton}>
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
      <Card style={{ marginBottom: 16 }}>
        <Descriptions size="small" column={{ xs: 1, sm: 1, md: 2, xl: 3 }}>
          <Descriptions.Item label={t('billing.payments.status')}><PaymentStatusTag status={payment.status} /></Descriptions.Item>
          <Descriptions.Item label={t('billing.payments.amount')}><Typography.Text strong>{money(payment.amount)}</Typography.Text></Descriptions.Item>
          <Descriptions.Item label={t('billing.payments.refunded')}>{money(payment.refunded)}</Descriptions.Item>
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
      <Card title={t('billing.refund.list')}>
        <Table<Refund>
          size="small"
          rowKey="id"
          dataSource={payment.refunds}
          pagination={false}
          scroll={{ x: 720 }}
          locale={{ emptyText: t('billing.refund.empty') }}
          columns={[
            { key: 'number', title: '№', dataIndex: 'number', width: 60 },
            { key: 'created', title: t('billing.refund.createdAt'), width: 170, render: (_, r) => dateTime(r.created_at) },
            { key: 'amount', title: t('billing.refund.amount'), width: 140, align: 'right', render: (_, r) => money(r.amount) },
            {
              key: 'status', title: t('billing.refund.status'), width: 160,
              render: (_, r) => (
                <Tooltip title={r.error_code ?? undefined}><Tag color={REFUND_COLOR[r.status]}>{t(`billing.refund.state.${r.status}`)}</Tag></Tooltip>
              ),
            },
            { key: 'reason', title: t('billing.refund.reason'), dataIndex: 'reason' },
            {
              key: 'check', width: 180,
              render: (_, r) => r.status === 'pending' && can('console.billing.refund') && (
                <Button size="small" icon={<ReloadOutlined />} loading={check.isPending && check.variables?.id === r.id} onClick={() => check.mutate(r)}>
                  {t('billing.refund.check')}
                </Button>
              ),
            },
          ]}
        />
      </Card>
      <RefundDialog
        payment={payment}
        open={refunding}
        onClose={() => setRefunding(false)}
        onDone={(refund) => {
          setRefunding(false);
          void message.success(t(`billing.refund.done.${refund.status}`, { amount: money(refund.amount) }));
          void queryClient.invalidateQueries({ queryKey: billingKeys.all });
        }}
      />
    </>
  );
}
