import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Col, Modal, Radio, Row, Skeleton, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import {
  billingKeys, changePlan, previewPlanChange, type BillingPlan, type PlanChangePreview, type Subscription,
} from '../../../api/appBilling';
import { describeError, useShowError } from '../../../components/errors';
import { useDateTime } from '../../../lib/format';
import { useMoney } from './labels';
import { byPrice, planName } from './model';
import { PlanCard } from './PlanCards';

/**
 * «Сменить тариф»: pick another plan, see what it costs now (the server's preview: a prorated upgrade, or a
 * downgrade from the next period), confirm. An upgrade answers its invoice, which the customer pays next.
 */
export function ChangePlanDialog({ orgId, subscription, plans, onClose }: {
  orgId: string; subscription: Subscription; plans: BillingPlan[]; onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const showError = useShowError();
  const money = useMoney();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const others = byPrice(plans).filter((plan) => plan.code !== subscription.plan);
  const [target, setTarget] = useState<string | undefined>(others.length === 1 ? others[0].code : undefined);
  const preview = useQuery({
    queryKey: billingKeys.preview(orgId, subscription.id, target ?? ''),
    queryFn: () => previewPlanChange(orgId, subscription.id, target ?? ''),
    enabled: !!target,
  });
  const change = useMutation({
    mutationFn: () => changePlan(orgId, subscription.id, target ?? ''),
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: billingKeys.all(orgId) });
      onClose();
      if (result.invoice) {
        navigate(`/app/billing/invoices/${result.invoice.id}`);
        return;
      }
      void message.success(result.preview.kind === 'downgrade' ? t('appBilling.change.scheduled') : t('appBilling.change.done'));
    },
    onError: (e) => showError(e),
  });
  const name = (code: string) => planName(plans.find((p) => p.code === code), code, i18n.language);
  const shown = target ? preview.data : undefined;
  const toPay = shown?.kind === 'upgrade' && shown.amount_now.kopecks > 0;
  return (
    <Modal
      open
      width={880}
      title={t('appBilling.change.title', { plan: name(subscription.plan) })}
      okText={toPay ? t('appBilling.change.confirmAndPay', { amount: money(shown?.amount_now.kopecks ?? 0) }) : t('appBilling.change.confirm')}
      cancelText={t('common.cancel')}
      okButtonProps={{ disabled: !shown }}
      confirmLoading={change.isPending}
      onOk={() => change.mutate()}
      onCancel={onClose}
    >
      <Radio.Group value={target} onChange={(e) => setTarget(e.target.value as string)} style={{ width: '100%' }}>
        <Row gutter={[12, 12]}>
          {others.map((plan) => (
            <Col key={plan.code} xs={24} md={12}>
              <PlanCard plan={plan} selected={plan.code === target}>
                <Radio value={plan.code}>{t('appBilling.change.choose', { plan: name(plan.code) })}</Radio>
              </PlanCard>
            </Col>
          ))}
        </Row>
      </Radio.Group>
      <div style={{ marginTop: 16 }} aria-live="polite">
        {!target && <Typography.Text type="secondary">{t('appBilling.change.pick')}</Typography.Text>}
        {target && preview.isPending && <Skeleton active paragraph={{ rows: 1 }} />}
        {target && preview.isError && <Alert type="error" showIcon title={describeError(preview.error, t)} />}
        {shown && <PreviewText preview={shown} planName={name(shown.plan)} />}
      </div>
    </Modal>
  );
}

/** What the change means, in words: the amount now and when the new plan starts. */
function PreviewText({ preview, planName }: { preview: PlanChangePreview; planName: string }) {
  const { t } = useTranslation();
  const money = useMoney();
  const dateTime = useDateTime();
  const amount = money(preview.amount_now.kopecks);
  const texts: Record<PlanChangePreview['kind'], string> = {
    upgrade: t('appBilling.change.upgrade', { plan: planName, amount, days: preview.days_left, period: preview.period_days }),
    downgrade: t('appBilling.change.downgrade', { plan: planName, date: dateTime(preview.effective_at) }),
    trial: t('appBilling.change.trial', { plan: planName }),
    same: t('appBilling.change.same', { plan: planName }),
  };
  return (
    <Alert
      type={preview.kind === 'upgrade' ? 'warning' : 'info'}
      showIcon
      title={preview.kind === 'upgrade' ? t('appBilling.change.toPayNow', { amount }) : t('appBilling.change.nothingNow')}
      description={texts[preview.kind]}
    />
  );
}
