import { Button, Flex, Typography } from 'antd';
import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { billingKeys, downloadInvoicePdf, listInvoices, type Invoice } from '../../../api/appBilling';
import { PagedTable, usePagedQuery } from '../../../components/PagedTable';
import { useDateTime } from '../../../lib/format';
import { useCan } from '../../../lib/permissions';
import { DownloadButton } from './DownloadButton';
import { InvoiceStatusTag, useMoney } from './labels';

/** The organization's invoices, newest first; an open one is paid from its page. */
export function InvoicesTable({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const can = useCan();
  const money = useMoney();
  const dateTime = useDateTime();
  const navigate = useNavigate();
  const invoices = usePagedQuery(billingKeys.invoices(orgId), (cursor) => listInvoices(orgId, cursor));
  const page = (invoice: Invoice) => `/app/billing/invoices/${invoice.id}`;
  return (
    <PagedTable<Invoice>
      query={invoices}
      rowKey="id"
      emptyText={t('appBilling.invoices.empty')}
      minWidth={720}
      columns={[
        {
          key: 'number', title: t('appBilling.invoices.number'), width: 130, fixed: 'left',
          render: (_, invoice) => <Link to={page(invoice)}>{invoiceNumber(invoice, t)}</Link>,
        },
        { key: 'date', title: t('appBilling.invoices.date'), width: 180, render: (_, invoice) => dateTime(invoice.issued_at ?? invoice.created_at) },
        {
          key: 'purpose', title: t('appBilling.invoices.purpose'), ellipsis: true,
          render: (_, invoice) => <Typography.Text ellipsis={{ tooltip: true }}>{invoice.lines[0]?.description ?? '—'}</Typography.Text>,
        },
        { key: 'total', title: t('appBilling.invoices.total'), width: 150, align: 'right', render: (_, invoice) => money(invoice.total.kopecks) },
        { key: 'status', title: t('appBilling.invoices.status'), width: 130, render: (_, invoice) => <InvoiceStatusTag status={invoice.status} /> },
        {
          key: 'actions', title: '', width: 190, fixed: 'right',
          render: (_, invoice) => (
            <Flex gap={8}>
              {invoice.status === 'issued' && can('app.billing.change') && (
                <Button size="small" type="primary" onClick={() => navigate(page(invoice))}>{t('appBilling.payInvoice')}</Button>
              )}
              {invoice.number !== null && <InvoicePdfButton orgId={orgId} invoice={invoice} size="small" />}
            </Flex>
          ),
        },
      ]}
    />
  );
}

/** The счёт as a PDF; a draft has no number yet, so no document either. */
export function InvoicePdfButton({ orgId, invoice, size, children = 'PDF' }: {
  orgId: string; invoice: Invoice; size?: 'small'; children?: ReactNode;
}) {
  return (
    <DownloadButton size={size} load={() => downloadInvoicePdf(orgId, invoice.id)} fallback={`invoice-${invoice.number}.pdf`}>{children}</DownloadButton>
  );
}

/** «№ 12», or «черновик» before the invoice is issued (numbers are given at issue). */
export function invoiceNumber(invoice: Invoice, t: TFunction): string {
  return invoice.number === null ? t('appBilling.invoices.draft') : t('appBilling.invoices.numbered', { number: invoice.number });
}
