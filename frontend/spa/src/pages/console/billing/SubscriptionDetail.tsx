import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Descriptions, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { billingKeys, getSubscription, listDunningRuns, listInvoices } from '../../../api/billing';
import { ErrorState } from '../../../components/errors';
import { usePagedQuery } from '../../../components/PagedTable';
import { PageHeader } from '../../../components/PageHeader';
import { PageSpin } from '../../../components/PageSpin';
import { useDateTime } from '../../../lib/format';
import { useCustomer } from '../../../lib/names';
import { DunningRunTable } from './DunningRuns';
import { InvoiceTable } from './InvoiceTable';
import { SubscriptionStateTag, usePlans } from './shared';

/** A subscription: its customer, plan, state, period, a pending plan change, the saved method, its invoices. */
export default function SubscriptionDetail() {
  const { subscriptionId = '' } = useParams();
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const { planName } = usePlans();
  const detail = useQuery({ queryKey: billingKeys.subscription(subscriptionId), queryFn: () => getSubscription(subscriptionId) });
  const orgId = detail.data?.org_id ?? '';
  const customer = useCustomer(orgId || undefined);
  // The API lists invoices by customer; this subscription's are those whose purpose names it.
  const invoices = usePagedQuery(
    billingKeys.subscriptionInvoices(subscriptionId),
    async (cursor) => {
      const page = await listInvoices({ org_id: orgId }, cursor);
      return { ...page, items: page.items.filter((invoice) => invoice.purpose.subscription_id === subscriptionId) };
    },
    !!orgId,
  );
  // Dunning runs likewise: the customer's, those of this subscription.
  const dunningRuns = usePagedQuery(
    [...billingKeys.dunningRuns({ org_id: orgId }), 'of', subscriptionId],
    async (cursor) => {
      const page = await listDunningRuns({ org_id: orgId }, cursor);
      return { ...page, items: page.items.filter((run) => run.subscription_id === subscriptionId) };
    },
    !!orgId,
  );

  if (detail.isPending) return <PageSpin />;
  if (detail.isError) return <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />;
  const subscription = detail.data;
  const change = subscription.pending_change;
  return (
    <>
      <PageHeader title={t('billing.subscriptions.detailTitle', { plan: planName(subscription.plan) })}>
        <Typography.Text code copyable>{subscription.id}</Typography.Text>
      </PageHeader>
      {subscription.state === 'past_due' && <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={t('billing.subscriptions.pastDueBanner')} />}
      {subscription.state === 'suspended' && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={t('billing.subscriptions.suspendedBanner')} />}
      <Card style={{ marginBottom: 16 }}>
        <Descriptions size="small" column={{ xs: 1, sm: 1, md: 2, xl: 3 }}>
          <Descriptions.Item label={t('billing.customer')}>
            <Link to={`/console/customers/${encodeURIComponent(subscription.org_id)}`}>{customer.data?.name ?? subscription.org_id}</Link>
          </Descriptions.Item>
          <Descriptions.Item label={t('billing.subscriptions.plan')}>{planName(subscription.plan)}</Descriptions.Item>
          <Descriptions.Item label={t('billing.subscriptions.state')}><SubscriptionStateTag state={subscription.state} /></Descriptions.Item>
          <Descriptions.Item label={t('billing.subscriptions.period')}>
            {dateTime(subscription.period_start)} — {dateTime(subscription.period_end)}
          </Descriptions.Item>
          <Descriptions.Item label={t('billing.subscriptions.savedMethod')}>
            {subscription.saved_method ? `${t('common.yes')} · ${subscription.saved_method.title}` : t('common.no')}
          </Descriptions.Item>
          <Descriptions.Item label={t('billing.subscriptions.cancelAtPeriodEnd')}>
            {subscription.cancel_at_period_end ? t('common.yes') : t('common.no')}
          </Descriptions.Item>
          <Descriptions.Item label={t('billing.subscriptions.pendingChange')} span="filled">
            {!change ? '—' : change.kind === 'upgrade'
              ? <>
                  {t('billing.subscriptions.upgradeTo', { plan: planName(change.plan) })}
                  {change.invoice_id && <> · <Link to={`/console/billing/invoices/${change.invoice_id}`}>{t('billing.subscriptions.upgradeInvoice')}</Link></>}
                </>
              : t('billing.subscriptions.downgradeTo', { plan: planName(change.plan), date: dateTime(change.effective_at) })}
          </Descriptions.Item>
          <Descriptions.Item label={t('billing.createdAt')}>{dateTime(subscription.created_at)}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title={t('billing.subscriptions.invoices')} style={{ marginBottom: 16 }}>
        <InvoiceTable query={invoices} withCustomer={false} emptyText={t('billing.subscriptions.noInvoices')} />
      </Card>
      <Card
        title={t('billing.dunning.ofSubscription')}
        extra={<Link to={`/console/billing/dunning?org_id=${encodeURIComponent(subscription.org_id)}`}>{t('billing.dunning.ofCustomer')}</Link>}
      >
        <DunningRunTable query={dunningRuns} withCustomer={false} emptyText={t('billing.dunning.noneForSubscription')} />
      </Card>
    </>
  );
}
