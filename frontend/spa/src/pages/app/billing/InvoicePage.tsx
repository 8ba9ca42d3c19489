import { ArrowLeftOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Checkbox, Descriptions, Empty, Flex, Result, Spin, Table, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { billingKeys, getInvoice, payInvoice, type Checkout, type Invoice } from '../../../api/appBilling';
import { useMe } from '../../../auth/session';
import { ErrorState, useShowError } from '../../../components/errors';
import { PageHeader } from '../../../components/PageHeader';
import { PageSpin } from '../../../components/PageSpin';
import { useDateTime } from '../../../lib/format';
import { useCan } from '../../../lib/permissions';
import { InvoicePdfButton, invoiceNumber } from './InvoicesTable';
import { InvoiceStatusTag, useMoney } from './labels';
import { forgetCheckout, goToCheckout, rememberCheckout, returnedFromCheckout } from './model';

/** How long the return page waits for the provider's notification before it calls the payment failed. */
export const CHECK_WINDOW_MS = 12_000;
const POLL_MS = 2_000;

/** The route: /app/billing/invoices/:invoiceId, also where the payment provider sends the customer back. */
export default function InvoiceRoute() {
  const { t } = useTranslation();
  const orgId = useMe().current.org_id;
  const { invoiceId = '' } = useParams();
  if (!orgId) return <Empty description={t('appBilling.noOrganization')} />;
  return <InvoicePage orgId={orgId} invoiceId={invoiceId} />;
}

/**
 * An invoice and paying it. «Оплатить» sends the customer to the provider's page; back here the page polls
 * the invoice until the payment's notification has marked it paid, or, after `checkWindowMs`, says that the
 * payment did not go through and offers to try again.
 */
export function InvoicePage({ orgId, invoiceId, checkWindowMs = CHECK_WINDOW_MS }: { orgId: string; invoiceId: string; checkWindowMs?: number }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const dateTime = useDateTime();
  const [checking] = useState(() => returnedFromCheckout(invoiceId));
  const [gaveUp, setGaveUp] = useState(false);
  const invoice = useQuery({
    queryKey: billingKeys.invoice(orgId, invoiceId),
    queryFn: () => getInvoice(orgId, invoiceId),
    refetchInterval: (query) => (checking && !gaveUp && query.state.data?.status === 'issued' ? POLL_MS : false),
  });
  const status = invoice.data?.status;
  useEffect(() => {
    if (!checking) return undefined;
    const timer = setTimeout(() => setGaveUp(true), checkWindowMs);
    return () => clearTimeout(timer);
  }, [checking, checkWindowMs]);
  useEffect(() => {
    if (status !== 'paid' || !checking) return;
    forgetCheckout(invoiceId);
    // the subscription, the invoices and the payments changed with it
    void queryClient.invalidateQueries({ queryKey: billingKeys.all(orgId) });
  }, [status, checking, invoiceId, orgId, queryClient]);

  if (invoice.isPending) return <PageSpin />;
  if (invoice.isError) return <ErrorState error={invoice.error} onRetry={() => void invoice.refetch()} />;
  const data = invoice.data;
  return (
    <>
      <PageHeader
        title={t('appBilling.invoice.title', { number: invoiceNumber(data, t) })}
        extra={(
          <>
            {data.number !== null && <InvoicePdfButton orgId={orgId} invoice={data}>{t('appBilling.downloadPdf')}</InvoicePdfButton>}
            <Link to="/app/billing?tab=invoices"><Button icon={<ArrowLeftOutlined />}>{t('appBilling.invoice.back')}</Button></Link>
          </>
        )}
      />
      <Flex vertical gap={16}>
        {data.status === 'paid' && (
          <Result status="success" title={t('appBilling.invoice.paidTitle')}
            subTitle={t('appBilling.invoice.paidText', { date: dateTime(data.paid_at) })}
            extra={<Link to="/app/billing"><Button type="primary">{t('appBilling.invoice.toSubscription')}</Button></Link>} />
        )}
        {data.status === 'void' && <Alert type="info" showIcon title={t('appBilling.invoice.voidText')} />}
        {data.status === 'issued' && checking && !gaveUp && (
          <Card>
            <Flex vertical align="center" gap={12} style={{ padding: 24 }} role="status">
              <Spin size="large" />
              <Typography.Title level={4} style={{ margin: 0 }}>{t('appBilling.invoice.checking')}</Typography.Title>
              <Typography.Text type="secondary">{t('appBilling.invoice.checkingText')}</Typography.Text>
            </Flex>
          </Card>
        )}
        {data.status === 'issued' && (!checking || gaveUp) && (
          <PayPanel orgId={orgId} invoice={data} failed={gaveUp} onRecheck={() => void invoice.refetch()} />
        )}
        <InvoiceDetails invoice={data} />
      </Flex>
    </>
  );
}

/** «Оплатить»: the card-saving consent, then off to the provider's page (never two payments: see below). */
function PayPanel({ orgId, invoice, failed, onRecheck }: { orgId: string; invoice: Invoice; failed: boolean; onRecheck: () => void }) {
  const { t } = useTranslation();
  const can = useCan();
  const money = useMoney();
  const showError = useShowError();
  const [saveMethod, setSaveMethod] = useState(false);
  const [declined, setDeclined] = useState<Checkout | null>(null);
  // Set from the first click until the browser has left for the provider's page: a second click in between
  // does nothing (the server would answer the same attempt anyway: its key is the invoice and attempt).
  const leaving = useRef(false);
  const [redirecting, setRedirecting] = useState(false);
  useEffect(() => {
    // «Back» from the provider's page can restore this page from the browser's cache, button still disabled
    const restored = (event: PageTransitionEvent) => {
      if (!event.persisted) return;
      leaving.current = false;
      setRedirecting(false);
    };
    window.addEventListener('pageshow', restored);
    return () => window.removeEventListener('pageshow', restored);
  }, []);
  const pay = useMutation({
    mutationFn: () => payInvoice(orgId, invoice.id, { save_method: saveMethod }),
    onSuccess: (checkout) => {
      if (checkout.confirmation_url && checkout.status === 'pending') {
        rememberCheckout(invoice.id);
        setRedirecting(true);
        goToCheckout(checkout.confirmation_url);
        return;
      }
      leaving.current = false;
      if (checkout.status === 'canceled') setDeclined(checkout);
      else onRecheck(); // paid at once (or still starting): the invoice tells
    },
    onError: (e) => {
      leaving.current = false;
      showError(e);
    },
  });
  const start = () => {
    if (leaving.current) return;
    leaving.current = true;
    setDeclined(null);
    pay.mutate();
  };
  const amount = money(invoice.total.kopecks);
  if (!can('app.billing.change')) {
    return <Alert type="info" showIcon title={t('appBilling.invoice.toPay', { amount })} description={t('appBilling.readOnly')} />;
  }
  return (
    <Card>
      {(failed || declined) && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('appBilling.invoice.failedTitle')}
          description={declined?.decline_action === 'new_card' || declined?.decline_action === 'stop'
            ? t('appBilling.invoice.failedNewCard')
            : t('appBilling.invoice.failedText')}
          action={failed && <Button size="small" onClick={onRecheck}>{t('appBilling.invoice.recheck')}</Button>}
        />
      )}
      <Flex vertical gap={12}>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('appBilling.invoice.toPay', { amount })}</Typography.Title>
        <Checkbox checked={saveMethod} onChange={(e) => setSaveMethod(e.target.checked)}>{t('appBilling.invoice.saveCard')}</Checkbox>
        <Typography.Text type="secondary" style={{ fontSize: 13 }}>{t('appBilling.invoice.consent')}</Typography.Text>
        <div>
          <Button type="primary" size="large" loading={pay.isPending || redirecting} disabled={pay.isPending || redirecting} onClick={start}>
            {failed || declined ? t('appBilling.invoice.tryAgain') : t('appBilling.invoice.pay', { amount })}
          </Button>
        </div>
        <Typography.Text type="secondary" style={{ fontSize: 13 }}>{t('appBilling.invoice.redirectHint')}</Typography.Text>
      </Flex>
    </Card>
  );
}

function InvoiceDetails({ invoice }: { invoice: Invoice }) {
  const { t } = useTranslation();
  const money = useMoney();
  const dateTime = useDateTime();
  const purpose = String(invoice.purpose.kind ?? '');
  return (
    <Card title={t('appBilling.invoice.details')}>
      <Descriptions size="small" column={{ xs: 1, md: 2 }} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('appBilling.invoices.status')}><InvoiceStatusTag status={invoice.status} /></Descriptions.Item>
        <Descriptions.Item label={t('appBilling.invoice.purpose')}>{t(`appBilling.purpose.${purpose}`, { defaultValue: purpose || '—' })}</Descriptions.Item>
        <Descriptions.Item label={t('appBilling.invoice.issuedAt')}>{dateTime(invoice.issued_at)}</Descriptions.Item>
        <Descriptions.Item label={t('appBilling.invoice.dueAt')}>{dateTime(invoice.due_at)}</Descriptions.Item>
        {invoice.paid_at && <Descriptions.Item label={t('appBilling.invoice.paidAt')}>{dateTime(invoice.paid_at)}</Descriptions.Item>}
      </Descriptions>
      <Table
        rowKey={(_, index) => String(index)}
        size="small"
        pagination={false}
        tableLayout="fixed"
        scroll={{ x: 560 }}
        dataSource={invoice.lines}
        columns={[
          { key: 'description', title: t('appBilling.invoice.line'), dataIndex: 'description', ellipsis: true },
          { key: 'quantity', title: t('appBilling.invoice.quantity'), dataIndex: 'quantity', width: 80, align: 'right' },
          { key: 'price', title: t('appBilling.invoice.unitPrice'), width: 140, align: 'right', render: (_, line) => money(line.unit_price.kopecks) },
          { key: 'vat', title: t('appBilling.invoice.vat'), width: 130, align: 'right',
            render: (_, line) => (line.vat_rate === null ? t('appBilling.noVatShort') : `${line.vat_rate}% · ${money(line.vat.kopecks)}`) },
          { key: 'amount', title: t('appBilling.invoice.amount'), width: 140, align: 'right', render: (_, line) => money(line.amount.kopecks) },
        ]}
        summary={() => (
          <Table.Summary.Row>
            <Table.Summary.Cell index={0} colSpan={3}><Typography.Text strong>{t('appBilling.invoice.total')}</Typography.Text></Table.Summary.Cell>
            <Table.Summary.Cell index={3} align="right">{money(invoice.vat_total.kopecks)}</Table.Summary.Cell>
            <Table.Summary.Cell index={4} align="right"><Typography.Text strong>{money(invoice.total.kopecks)}</Typography.Text></Table.Summary.Cell>
          </Table.Summary.Row>
        )}
      />
    </Card>
  );
}
