import { CheckCircleOutlined, FilePdfOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Table, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { billingKeys, getInvoice, invoicePdf, listPayments, type InvoiceLine } from '../../../api/billing';
import { ErrorState, useShowError } from '../../../components/errors';
import { usePagedQuery } from '../../../components/PagedTable';
import { PageHeader } from '../../../components/PageHeader';
import { PageSpin } from '../../../components/PageSpin';
import { saveBlob } from '../../../lib/download';
import { useDateTime } from '../../../lib/format';
import { useCustomer } from '../../../lib/names';
import { useCan } from '../../../lib/permissions';
import { MarkPaidDialog } from './MarkPaidDialog';
import { PaymentTable } from './PaymentTable';
import { InvoiceStatusTag, Purpose, useInvoiceNumber, useMoney } from './shared';

/** An invoice: its lines with VAT, totals, the payments against it; billing staff mark a bank transfer paid. */
export default function InvoiceDetail() {
  const { invoiceId = '' } = useParams();
  const { t } = useTranslation();
  const can = useCan();
  const dateTime = useDateTime();
  const money = useMoney();
  const number = useInvoiceNumber();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [marking, setMarking] = useState(false);
  const detail = useQuery({ queryKey: billingKeys.invoice(invoiceId), queryFn: () => getInvoice(invoiceId) });
  const customer = useCustomer(detail.data?.org_id);
  const payments = usePagedQuery(billingKeys.payments({ invoice_id: invoiceId }), (cursor) => listPayments({ invoice_id: invoiceId }, cursor));
  const showError = useShowError();
  const pdf = useMutation({
    mutationFn: () => invoicePdf(invoiceId),
    onSuccess: ({ blob, filename }) => saveBlob(blob, filename ?? `invoice-${invoiceId}.pdf`),
    onError: (e) => showError(e),
  });

  if (detail.isPending) return <PageSpin />;
  if (detail.isError) return <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />;
  const invoice = detail.data;
  const vatRate = (rate: number | null | undefined) => (rate === null || rate === undefined ? t('billing.noVat') : `${rate}%`);
  const markPaid = invoice.status === 'issued' && (
    can('console.billing.mark_paid')
      ? <Button type="primary" icon={<CheckCircleOutlined />} onClick={() => setMarking(true)}>{t('billing.markPaid.action')}</Button>
      : <Tooltip title={t('billing.markPaid.notAllowed')}><Button icon={<CheckCircleOutlined />} disabled>{t('billing.markPaid.action')}</Button></Tooltip>
  );
  return (
    <>
      <PageHeader
        title={t('billing.invoices.detailTitle', { number: number(invoice) })}
        extra={
          <>
            {/* A draft has no number yet: the счёт exists as a document once issued. */}
            {invoice.status !== 'draft' && (
              <Button icon={<FilePdfOutlined />} loading={pdf.isPending} onClick={() => pdf.mutate()}>{t('billing.invoices.pdf')}</Button>
            )}
            {markPaid}
          </>
        }
      >
        <Typography.Text code copyable>{invoice.id}</Typography.Text>
      </PageHeader>
      {invoice.status === 'paid' && (
        <Alert type="success" showIcon style={{ marginBottom: 16 }} title={t('billing.invoices.paidBanner', { date: dateTime(invoice.paid_at) })} />
      )}
      <Card style={{ marginBottom: 16 }}>
        <Descriptions size="small" column={{ xs: 1, sm: 1, md: 2, xl: 3 }}>
          <Descriptions.Item label={t('billing.customer')}>
            <Link to={`/console/customers/${encodeURIComponent(invoice.org_id)}`}>{customer.data?.name ?? invoice.org_id}</Link>
          </Descriptions.Item>
          <Descriptions.Item label={t('billing.invoices.status')}><InvoiceStatusTag status={invoice.status} /></Descriptions.Item>
          <Descriptions.Item label={t('billing.invoices.purpose')}><Purpose purpose={invoice.purpose} /></Descriptions.Item>
          <Descriptions.Item label={t('billing.invoices.total')}><Typography.Text strong>{money(invoice.total)}</Typography.Text></Descriptions.Item>
          <Descriptions.Item label={t('billing.invoices.vatTotal')}>{money(invoice.vat_total)}</Descriptions.Item>
          <Descriptions.Item label={t('billing.createdAt')}>{dateTime(invoice.created_at)}</Descriptions.Item>
          <Descriptions.Item label={t('billing.invoices.issuedAt')}>{dateTime(invoice.issued_at)}</Descriptions.Item>
          <Descriptions.Item label={t('billing.invoices.dueAt')}>{dateTime(invoice.due_at)}</Descriptions.Item>
          <Descriptions.Item label={t('billing.invoices.paidAt')}>{dateTime(invoice.paid_at)}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title={t('billing.invoices.lines')} style={{ marginBottom: 16 }}>
        <Table<InvoiceLine>
          size="small"
          dataSource={invoice.lines.map((line, index) => ({ ...line, key: index }))}
          pagination={false}
          scroll={{ x: 720 }}
          columns={[
            { key: 'description', title: t('billing.invoices.line'), dataIndex: 'description' },
            { key: 'quantity', title: t('billing.invoices.quantity'), dataIndex: 'quantity', width: 80, align: 'right' },
            { key: 'unit', title: t('billing.invoices.unitPrice'), width: 140, align: 'right', render: (_, l) => money(l.unit_price) },
            { key: 'vatRate', title: t('billing.invoices.vatRate'), width: 100, align: 'right', render: (_, l) => vatRate(l.vat_rate) },
            { key: 'vat', title: t('billing.invoices.vat'), width: 130, align: 'right', render: (_, l) => money(l.vat) },
            { key: 'amount', title: t('billing.invoices.amount'), width: 140, align: 'right', render: (_, l) => money(l.amount) },
          ]}
          summary={() => (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0} colSpan={4}><Typography.Text strong>{t('billing.invoices.total')}</Typography.Text></Table.Summary.Cell>
              <Table.Summary.Cell index={4} align="right">{money(invoice.vat_total)}</Table.Summary.Cell>
              <Table.Summary.Cell index={5} align="right"><Typography.Text strong>{money(invoice.total)}</Typography.Text></Table.Summary.Cell>
            </Table.Summary.Row>
          )}
        />
      </Card>
      <Card title={t('billing.invoices.payments')}>
        <PaymentTable query={payments} withInvoice={false} emptyText={t('billing.invoices.noPayments')} />
      </Card>
      <MarkPaidDialog
        invoice={invoice}
        open={marking}
        onClose={() => setMarking(false)}
        onDone={(payment) => {
          setMarking(false);
          void message.success(t(`billing.markPaid.done.${payment.status}`));
          // The invoice, its payments and the subscription it pays for all change.
          void queryClient.invalidateQueries({ queryKey: billingKeys.all });
        }}
      />
    </>
  );
}
