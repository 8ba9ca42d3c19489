import { useQuery } from '@tanstack/react-query';
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { billingKeys, listPlans, type BillingPayment, type Invoice, type Subscription } from '../../../api/appBilling';
import { formatRubles } from '../../../lib/format';
import { planName } from './model';

const STATE_COLOR: Record<Subscription['state'], string> = {
  trial: 'processing', active: 'success', past_due: 'warning', suspended: 'error', canceled: 'default',
};
const INVOICE_COLOR: Record<Invoice['status'], string> = { draft: 'default', issued: 'processing', paid: 'success', void: 'default' };
const PAYMENT_COLOR: Record<BillingPayment['status'], string> = { applied: 'success', refund_due: 'warning', mismatch: 'error' };

export function SubscriptionStateTag({ state }: { state: Subscription['state'] }) {
  const { t } = useTranslation();
  return <Tag color={STATE_COLOR[state]}>{t(`appBilling.state.${state}`)}</Tag>;
}

export function InvoiceStatusTag({ status }: { status: Invoice['status'] }) {
  const { t } = useTranslation();
  return <Tag color={INVOICE_COLOR[status]}>{t(`appBilling.invoiceStatus.${status}`)}</Tag>;
}

export function PaymentStatusTag({ status }: { status: BillingPayment['status'] }) {
  const { t } = useTranslation();
  return <Tag color={PAYMENT_COLOR[status]}>{t(`appBilling.paymentStatus.${status}`)}</Tag>;
}

/** `(kopecks) => "4 990,00 ₽"` in the UI language. */
export function useMoney(): (kopecks: number) => string {
  const { i18n } = useTranslation();
  return (kopecks) => formatRubles(kopecks, i18n.language);
}

/** The plans on sale (they change rarely) and a plan's name in the UI language by its code. */
export function usePlans(orgId: string) {
  const { i18n } = useTranslation();
  const plans = useQuery({ queryKey: billingKeys.plans(orgId), queryFn: () => listPlans(orgId), staleTime: 5 * 60_000 });
  const find = (code: string) => plans.data?.find((plan) => plan.code === code);
  return { plans, find, name: (code: string) => planName(find(code), code, i18n.language) };
}

/** A plan's limit: "2 000" or «без ограничений» (null). */
export function useLimitValue(): (value: number | null | undefined) => string {
  const { t, i18n } = useTranslation();
  return (value) => (value === null || value === undefined
    ? t('appBilling.unlimited')
    : value.toLocaleString(i18n.language === 'en' ? 'en-US' : 'ru-RU'));
}
