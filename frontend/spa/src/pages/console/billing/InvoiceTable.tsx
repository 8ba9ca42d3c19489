import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Invoice } from '../../../api/billing';
import { PagedTable, type PagedQuery } from '../../../components/PagedTable';
import { useDateTime } from '../../../lib/format';
import { CustomerName } from '../../../lib/names';
import { InvoiceLink, InvoiceStatusTag, Purpose, useMoney } from './shared';

/** Invoices a page at a time: the list's (with the customer) or one customer's or subscription's (without). */
export function InvoiceTable({ query, emptyText, withCustomer = true }: {
  query: PagedQuery<Invoice>;
  emptyText: string;
  withCustomer?: boolean;
}) {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const money = useMoney();
  return (
    <PagedTable<Invoice>
      query={query}
      rowKey="id"
      size="small"
      minWidth={withCustomer ? 980 : 760}
      emptyText={emptyText}
      columns={[
        { key: 'number', title: t('billing.invoices.number'), fixed: 'left', width: 120, render: (_, i) => <InvoiceLink invoice={i} /> },
        ...(withCustomer ? [{ key: 'customer', title: t('billing.customer'), render: (_: unknown, i: Invoice) => <CustomerName orgId={i.org_id} /> }] : []),
        {
          key: 'purpose',
          title: t('billing.invoices.purpose'),
          render: (_, i) => <Typography.Text ellipsis><Purpose purpose={i.purpose} /></Typography.Text>,
        },
        { key: 'total', title: t('billing.invoices.total'), width: 140, align: 'right', render: (_, i) => money(i.total) },
        { key: 'status', title: t('billing.invoices.status'), width: 120, render: (_, i) => <InvoiceStatusTag status={i.status} /> },
        { key: 'due', title: t('billing.invoices.dueAt'), width: 170, render: (_, i) => dateTime(i.due_at) },
      ]}
    />
  );
}
