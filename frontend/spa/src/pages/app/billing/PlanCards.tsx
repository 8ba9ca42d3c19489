import { CheckOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Empty, Flex, Row, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { billingKeys, periodInvoice, startTrial, type BillingPlan } from '../../../api/appBilling';
import { useShowError } from '../../../components/errors';
import { useCan } from '../../../lib/permissions';
import { useLimitValue, useMoney } from './labels';
import { byPrice, planName } from './model';

/** No subscription yet (or it ended): the plans, each to try free or to pay for at once. */
export function PlanCards({ orgId, plans }: { orgId: string; plans: BillingPlan[] }) {
  const { t } = useTranslation();
  const can = useCan();
  const navigate = useNavigate();
  const showError = useShowError();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: billingKeys.all(orgId) });
  const trial = useMutation({
    mutationFn: (plan: string) => startTrial(orgId, plan),
    onSuccess: () => {
      void message.success(t('appBilling.trialStarted'));
      return refresh();
    },
    onError: (e) => showError(e),
  });
  // Paying at once is the trial started and its first period's invoice paid right away: the period then
  // starts at the payment, so no trial day is lost.
  const buy = useMutation({
    mutationFn: async (plan: string) => periodInvoice(orgId, (await startTrial(orgId, plan)).id),
    onSuccess: (invoice) => navigate(`/app/billing/invoices/${invoice.id}`),
    onError: (e) => {
      showError(e);
      return refresh(); // the trial may have started before the invoice failed: show it
    },
  });
  const busy = trial.isPending || buy.isPending;
  if (plans.length === 0) return <Empty description={t('appBilling.noPlans')} />;
  return (
    <Flex vertical gap={16}>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>{t('appBilling.choosePlan')}</Typography.Paragraph>
      <Row gutter={[16, 16]}>
        {byPrice(plans).map((plan) => (
          <Col key={plan.code} xs={24} md={8}>
            <PlanCard plan={plan}>
              {can('app.billing.change') && (
                <Flex vertical gap={8}>
                  <Button type="primary" block disabled={busy} loading={buy.isPending && buy.variables === plan.code}
                    onClick={() => buy.mutate(plan.code)}>
                    {t('appBilling.buy')}
                  </Button>
                  {plan.trial_days > 0 && (
                    <Button block disabled={busy} loading={trial.isPending && trial.variables === plan.code}
                      onClick={() => trial.mutate(plan.code)}>
                      {t('appBilling.tryFree', { count: plan.trial_days })}
                    </Button>
                  )}
                </Flex>
              )}
            </PlanCard>
          </Col>
        ))}
      </Row>
      {!can('app.billing.change') && <Typography.Text type="secondary">{t('appBilling.readOnly')}</Typography.Text>}
    </Flex>
  );
}

/** A plan as offered: name, price per period, limits; `children` are its actions. */
export function PlanCard({ plan, selected, children }: { plan: BillingPlan; selected?: boolean; children?: ReactNode }) {
  const { t, i18n } = useTranslation();
  const money = useMoney();
  const limitValue = useLimitValue();
  return (
    <Card title={planName(plan, plan.code, i18n.language)} style={{ height: '100%', borderColor: selected ? '#1677ff' : undefined }}
      data-plan={plan.code}>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t('appBilling.perMonths', { price: money(plan.price.kopecks), count: plan.period_months })}
      </Typography.Title>
      <Flex vertical gap={4} style={{ marginBottom: children ? 16 : 0 }}>
        {Object.entries(plan.limits).map(([limit, value]) => (
          <Typography.Text key={limit}>
            <CheckOutlined style={{ color: '#52c41a', marginRight: 8 }} />
            {t(`appBilling.limits.${limit}`, { defaultValue: limit })}: {limitValue(value)}
          </Typography.Text>
        ))}
        <Typography.Text type="secondary">{plan.vat_rate === null ? t('appBilling.noVat') : t('appBilling.vatIncluded', { rate: plan.vat_rate })}</Typography.Text>
      </Flex>
      {children}
    </Card>
  );
}
