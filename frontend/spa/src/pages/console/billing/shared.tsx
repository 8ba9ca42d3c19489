import { useQuery } from '@tanstack/react-query';
import { Button, Flex, Input, Tag, Typography } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { billingKeys, listBillingPlans, type Amount, type Invoice, type InvoiceStatus, type PaymentStatus, type SubscriptionState } from '../../../api/billing';
import { CustomerPicker } from '../../../components/CustomerPicker';
import { formatRubles } from '../../../lib/format';
import { ORG_ID } from '../../../lib/names';

const SUBSCRIPTION_COLOR: Record<SubscriptionState, string> = {
  trial: 'blue', active: 'green', past_due: 'orange', suspended: 'red', canceled: 'default',
};
const INVOICE_COLOR: Record<InvoiceStatus, string> = { draft: 'default', issued: 'blue', paid: 'green', void: 'default' };
const PAYMENT_COLOR: Record<PaymentStatus, string> = { applied: 'green', refund_due: 'orange', mismatch: 'red' };

export function SubscriptionStateTag({ state }: { state: SubscriptionState }) {
  const { t } = useTranslation();
  return <Tag color={SUBSCRIPTION_COLOR[state]}>{t(`billing.subscriptionState.${state}`)}</Tag>;
}

export function InvoiceStatusTag({ status }: { status: InvoiceStatus }) {
  const { t } = useTranslation();
  return <Tag color={INVOICE_COLOR[status]}>{t(`billing.invoiceStatus.${status}`)}</Tag>;
}

export function PaymentStatusTag({ status }: { status: PaymentStatus }) {
  const { t } = useTranslation();
  return <Tag color={PAYMENT_COLOR[status]}>{t(`billing.paymentStatus.${status}`)}</Tag>;
}

/** An amount as people read it in the UI language: 4 990,00 ₽ / RUB 4,990.00. */
export function useMoney(): (amount: Pick<Amount, 'kopecks'> | null | undefined) => string {
  const { i18n } = useTranslation();
  return (amount) => formatRubles(amount?.kopecks, i18n.language);
}

/** «№ 17», or «черновик» while the invoice has no number yet. */
export function useInvoiceNumber(): (invoice: Pick<Invoice, 'number'>) => string {
  const { t } = useTranslation();
  return (invoice) => (invoice.number === null || invoice.number === undefined ? t('billing.invoices.noNumber') : `№ ${invoice.number}`);
}

export function InvoiceLink({ invoice }: { invoice: Pick<Invoice, 'id' | 'number'> }) {
  const number = useInvoiceNumber();
  return <Link to={`/console/billing/invoices/${invoice.id}`}>{number(invoice)}</Link>;
}

/** Where a payment came from: ЮKassa, Т-Банк, 1С / CRM, or billing staff by hand. */
export function useProviderName(): (provider: string) => string {
  const { t } = useTranslation();
  return (provider) => t(`billing.provider.${provider}`, { defaultValue: provider });
}

/** What the invoice is for, from its purpose: a subscription period, a plan change, a license renewal. */
export function Purpose({ purpose }: { purpose: Invoice['purpose'] }) {
  const { t } = useTranslation();
  const kind = String(purpose.kind ?? '');
  const label = t(`billing.purpose.${kind}`, { defaultValue: kind || '—' });
  if (kind === 'license_renewal' && typeof purpose.license_id === 'string') {
    return <Link to={`/console/licenses/${purpose.license_id}`}>{label}</Link>;
  }
  if (typeof purpose.subscription_id === 'string') {
    return <Link to={`/console/billing/subscriptions/${purpose.subscription_id}`}>{label}</Link>;
  }
  return <Typography.Text>{label}</Typography.Text>;
}

/**
 * A list's filters kept in the address (?q=…&status=…), so a filtered list can be linked to: `read` keeps the
 * valid values of the address, `change` sets or clears one, `reset` clears them all.
 */
export function useAddressFilters<F extends object>(read: (params: URLSearchParams) => F) {
  const [params, setParams] = useSearchParams();
  const filters = read(params);
  const change = (name: keyof F & string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  return { filters, change, reset: () => setParams({}, { replace: true }), filtered: Object.keys(filters).length > 0 };
}

/** An address value if it is one of `allowed`. */
export function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | undefined {
  return allowed.includes(value as T) ? (value as T) : undefined;
}

/** The customer a billing list is narrowed to, from the address. */
export function customerFrom(params: URLSearchParams): { org_id?: string } {
  const orgId = params.get('org_id')?.trim();
  return orgId && ORG_ID.test(orgId) ? { org_id: orgId } : {};
}

/** The search text and customer every billing list takes from the address. */
export function searchAndCustomer(params: URLSearchParams): { q?: string; org_id?: string } {
  const q = params.get('q')?.trim();
  return { ...(q ? { q: q.slice(0, 100) } : {}), ...customerFrom(params) };
}

/**
 * The filter row every billing list shares: a search (sent on Enter; lists the API cannot search have none),
 * the list's own selects, a customer and "reset"; the values live in the address (useAddressFilters).
 */
export function FilterBar({ label, q, placeholder, onSearch, orgId, onCustomer, filtered, onReset, children }: {
  label: string;
  q?: string;
  placeholder?: string;
  onSearch?: (q: string | undefined) => void;
  orgId: string | undefined;
  onCustomer: (orgId: string | undefined) => void;
  filtered: boolean;
  onReset: () => void;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState(q ?? '');
  useEffect(() => setText(q ?? ''), [q]);
  return (
    <Flex wrap gap={8} style={{ marginBottom: 16 }} role="search" aria-label={label}>
      {onSearch && (
        <Input.Search
          allowClear
          value={text}
          maxLength={100}
          placeholder={placeholder}
          aria-label={t('billing.search')}
          onChange={(e) => {
            setText(e.target.value);
            if (e.target.value === '') onSearch(undefined);
          }}
          onSearch={(value) => onSearch(value.trim() || undefined)}
          style={{ width: 300, maxWidth: '100%' }}
        />
      )}
      {children}
      <CustomerPicker value={orgId} onChange={onCustomer} style={{ width: 300, maxWidth: '100%' }} />
      {filtered && <Button onClick={onReset}>{t('billing.resetFilters')}</Button>}
    </Flex>
  );
}

/** The plans on sale (cached), and a plan's name by code in the UI language (the code itself if unknown). */
export function usePlans() {
  const { i18n } = useTranslation();
  const plans = useQuery({ queryKey: billingKeys.plans, queryFn: listBillingPlans, staleTime: 5 * 60_000 });
  const planName = (code: string) => {
    const plan = plans.data?.find((p) => p.code === code);
    if (!plan) return code;
    return i18n.language === 'en' ? plan.name_en : plan.name_ru;
  };
  return { plans, planName };
}
