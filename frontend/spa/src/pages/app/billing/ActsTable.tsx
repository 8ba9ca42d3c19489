import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { billingKeys, downloadActPdf, listActs, type Act } from '../../../api/appBilling';
import { PagedTable, usePagedQuery } from '../../../components/PagedTable';
import { useDay } from '../../../lib/format';
import { DownloadButton } from './DownloadButton';
import { useMoney } from './labels';

/** «Закрывающие документы»: the акт (or УПД) of each paid invoice, newest first, as PDFs. */
export function ActsTable({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const money = useMoney();
  const day = useDay();
  const acts = usePagedQuery(billingKeys.acts(orgId), (cursor) => listActs(orgId, cursor));
  return (
    <PagedTable<Act>
      query={acts}
      rowKey="id"
      emptyText={t('appBilling.acts.empty')}
      minWidth={720}
      columns={[
        {
          key: 'document', title: t('appBilling.acts.document'), width: 170, fixed: 'left',
          render: (_, act) => t(`appBilling.actKind.${act.kind}`, { number: act.number }),
        },
        { key: 'date', title: t('appBilling.acts.date'), width: 130, render: (_, act) => day(act.issued_on) },
        {
          key: 'invoice', title: t('appBilling.acts.invoice'),
          render: (_, act) => <Link to={`/app/billing/invoices/${act.invoice_id}`}>{t('appBilling.invoices.numbered', { number: act.invoice_number })}</Link>,
        },
        { key: 'total', title: t('appBilling.acts.total'), width: 150, align: 'right', render: (_, act) => money(act.total.kopecks) },
        {
          key: 'pdf', title: '', width: 110, fixed: 'right',
          render: (_, act) => (
            <DownloadButton size="small" load={() => downloadActPdf(orgId, act.id)} fallback={`${act.kind}-${act.number}.pdf`}>PDF</DownloadButton>
          ),
        },
      ]}
    />
  );
}
