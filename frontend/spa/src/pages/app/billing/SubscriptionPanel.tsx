import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Flex, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import {
  billingKeys, cancelAtPeriodEnd, listSubscriptions, periodInvoice, type Subscription,
} from '../../../api/appBilling';
import { ErrorState, useShowError } from '../../../components/errors';
import { PageSpin } from '../../../components/PageSpin';
import { useDateTime } from '../../../lib/format';
import { useCan } from '../../../lib/permissions';
import { ChangePlanDialog } from './ChangePlanDialog';
import { SubscriptionStateTag, useLimitValue, useMoney, usePlans } from './labels';
import { currentSubscription, daysLeft } from './model';
import { PaymentMethodsCard } from './PaymentMethodsCard';
import { PlanCards } from './PlanCards';

/** The current subscription with what to do next, or the plans to choose from when there is none. */
export function SubscriptionPanel({ orgId }: { orgId: string }) {
  // One live subscription per organization and product, and one product on sale: the first page holds it.
  const subscriptions = useQuery({ queryKey: billingKeys.subscriptions(orgId), queryFn: () => listSubscriptions(orgId) });
  const { plans } = usePlans(orgId);
  if (subscriptions.isPending || plans.isPending) return <PageSpin />;
  if (subscriptions.isError) return <ErrorState error={subscriptions.error} onRetry={() => void subscriptions.refetch()} />;
  if (plans.isError) return <ErrorState error={plans.error} onRetry={() => void plans.refetch()} />;
  const current = currentSubscription(subscriptions.data.items);
  if (!current) return <PlanCards orgId={orgId} plans={plans.data} />;
  return <SubscriptionCard orgId={orgId} subscription={current} />;
}

function SubscriptionCard({ orgId, subscription }: { orgId: string; subscription: Subscription }) {
  const { t } = useTranslation();
  const can = useCan();
  const money = useMoney();
  const limitValue = useLimitValue();
  const dateTime = useDateTime();
  const navigate = useNavigate();
  const showError = useShowError();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [changing, setChanging] = useState(false);
  const [canceling, setCanceling] = useState(false);
  const { plans, find, name } = usePlans(orgId);
  const plan = find(subscription.plan);
  const { state, pending_change: pending } = subscription;
  const mayChange = can('app.billing.change');
  const open = state === 'trial' || state === 'active' || state === 'past_due';

  const pay = useMutation({
    mutationFn: () => periodInvoice(orgId, subscription.id),
    onSuccess: (invoice) => navigate(`/app/billing/invoices/${invoice.id}`),
    onError: (e) => showError(e),
  });
  const cancel = useMutation({
    mutationFn: () => cancelAtPeriodEnd(orgId, subscription.id),
    onSuccess: () => {
      setCanceling(false);
      void message.success(t('appBilling.canceled'));
      return queryClient.invalidateQueries({ queryKey: billingKeys.subscriptions(orgId) });
    },
    onError: (e) => showError(e),
  });
  const payButton = (label: string) => mayChange && (
    <Button type="primary" loading={pay.isPending} onClick={() => pay.mutate()}>{label}</Button>
  );

  return (
    <Flex vertical gap={16}>
      {state === 'past_due' && (
        <Alert type="warning" showIcon title={t('appBilling.pastDue.title')} description={t('appBilling.pastDue.text')}
          action={payButton(t('appBilling.payNow'))} />
      )}
      {state === 'suspended' && (
        <Alert type="error" showIcon title={t('appBilling.suspended.title')} description={t('appBilling.suspended.text')}
          action={payButton(t('appBilling.payNow'))} />
      )}
      {pending?.kind === 'upgrade' && pending.invoice_id && (
        <Alert type="info" showIcon title={t('appBilling.upgradeAwaitsPayment', { plan: name(pending.plan) })}
          action={mayChange && <Button onClick={() => navigate(`/app/billing/invoices/${pending.invoice_id}`)}>{t('appBilling.payInvoice')}</Button>} />
      )}
      {pending?.kind === 'downgrade' && (
        <Alert type="info" showIcon title={t('appBilling.downgradeScheduled', { plan: name(pending.plan), date: dateTime(pending.effective_at ?? subscription.period_end) })} />
      )}
      {subscription.cancel_at_period_end && (
        <Alert type="info" showIcon title={t('appBilling.endsAt', { date: dateTime(subscription.period_end) })} />
      )}
      <Card
        title={<Flex wrap gap={8} align="center">{t('appBilling.planTitle', { plan: name(subscription.plan) })}<SubscriptionStateTag state={state} /></Flex>}
        extra={mayChange && open && (
          <Flex wrap gap={8}>
            <Button onClick={() => setChanging(true)}>{t('appBilling.changePlan')}</Button>
            {!subscription.cancel_at_period_end && <Button danger onClick={() => setCanceling(true)}>{t('appBilling.cancel')}</Button>}
          </Flex>
        )}
      >
        <Descriptions size="small" column={1}>
          {plan && <Descriptions.Item label={t('appBilling.price')}>{t('appBilling.perMonths', { price: money(plan.price.kopecks), count: plan.period_months })}</Descriptions.Item>}
          <Descriptions.Item label={t('appBilling.status')}>
            {state === 'trial' && t('appBilling.trialLeft', { count: daysLeft(subscription.period_end), date: dateTime(subscription.period_end) })}
            {state === 'active' && t('appBilling.activeUntil', { date: dateTime(subscription.period_end) })}
            {state === 'past_due' && t('appBilling.pastDue.short')}
            {state === 'suspended' && t('appBilling.suspended.short')}
          </Descriptions.Item>
          {plan && Object.entries(plan.limits).map(([limit, value]) => (
            <Descriptions.Item key={limit} label={t(`appBilling.limits.${limit}`, { defaultValue: limit })}>{limitValue(value)}</Descriptions.Item>
          ))}
        </Descriptions>
        {state === 'trial' && mayChange && (
          <Flex wrap gap={8} align="center" style={{ marginTop: 12 }}>
            {payButton(t('appBilling.payTrialNow'))}
            <Typography.Text type="secondary">{t('appBilling.payTrialHint')}</Typography.Text>
          </Flex>
        )}
        {!mayChange && <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>{t('appBilling.readOnly')}</Typography.Paragraph>}
      </Card>
      <PaymentMethodsCard orgId={orgId} />
      {changing && <ChangePlanDialog orgId={orgId} subscription={subscription} plans={plans.data ?? []} onClose={() => setChanging(false)} />}
      <Modal
        open={canceling}
        title={t('appBilling.cancelTitle')}
        okText={t('appBilling.cancelConfirm')}
        okButtonProps={{ danger: true }}
        cancelText={t('appBilling.keep')}
        confirmLoading={cancel.isPending}
        onOk={() => cancel.mutate()}
        onCancel={() => setCanceling(false)}
      >
        {t('appBilling.cancelText', { date: dateTime(subscription.period_end) })}
      </Modal>
    </Flex>
  );
}
