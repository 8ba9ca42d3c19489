import { FilePdfOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Button, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { actPdf, billingKeys, listActs, type Act, type ActFilters } from '../../../api/billing';
import { useShowError } from '../../../components/errors';
import { PagedTable, usePagedQuery } from '../../../components/PagedTable';
import { PageHeader } from '../../../components/PageHeader';
import { saveBlob } from '../../../lib/download';
import { useDay } from '../../../lib/format';
import { CustomerName } from '../../../lib/names';
import { customerFrom, FilterBar, InvoiceLink, useAddressFilters, useMoney } from './shared';

export const actFiltersFrom = (params: URLSearchParams): ActFilters => customerFrom(params);

/** «Закрывающие документы»: the акт or УПД made for each paid invoice, newest first, by customer; as PDFs. */
export default function ActsList() {
  const { t } = useTranslation();
  const day = useDay();
  const money = useMoney();
  const showError = useShowError();
  const { filters, change, reset, filtered } = useAddressFilters(actFiltersFrom);
  const acts = usePagedQuery(billingKeys.acts(filters), (cursor) => listActs(filters, cursor));
  const pdf = useMutation({
    mutationFn: (act: Act) => actPdf(act.id),
    onSuccess: ({ blob, filename }, act) => saveBlob(blob, filename ?? `${act.kind}-${act.number}.pdf`),
    onError: (e) => showError(e),
  });
  return (
    <>
      <PageHeader title={t('billing.acts.title')}>{t('billing.acts.intro')}</PageHeader>
      <FilterBar
        label={t('billing.acts.filters')}
        orgId={filters.org_id ?? undefined}
        onCustomer={(orgId) => change('org_id', orgId)}
        filtered={filtered}
        onReset={reset}
      />
      <PagedTable<Act>
        query={acts}
        rowKey="id"
        size="small"
        minWidth={900}
        emptyText={filtered ? t('billing.acts.emptyFiltered') : t('billing.acts.empty')}
        columns={[
          { key: 'number', title: t('billing.acts.number'), width: 90, fixed: 'left', render: (_, a) => `№ ${a.number}` },
          { key: 'kind', title: t('billing.acts.kind'), width: 90, render: (_, a) => <Tag>{t(`billing.acts.kinds.${a.kind}`)}</Tag> },
          { key: 'date', title: t('billing.acts.issuedOn'), width: 120, render: (_, a) => day(a.issued_on) },
          { key: 'invoice', title: t('billing.acts.invoice'), width: 100, render: (_, a) => <InvoiceLink invoice={{ id: a.invoice_id, number: a.invoice_number }} /> },
          { key: 'customer', title: t('billing.customer'), render: (_, a) => <CustomerName orgId={a.org_id} /> },
          { key: 'total', title: t('billing.acts.total'), width: 140, align: 'right', render: (_, a) => money(a.total) },
          {
            key: 'pdf', title: '', width: 80, align: 'right',
            render: (_, a) => (
              <Button size="small" icon={<FilePdfOutlined />} aria-label={t('billing.acts.pdfOf', { number: a.number })}
                loading={pdf.isPending && pdf.variables?.id === a.id} onClick={() => pdf.mutate(a)}>PDF</Button>
            ),
          },
        ]}
      />
    </>
  );
}
