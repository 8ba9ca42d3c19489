import type { Act, BillingPlan, Invoice, PaymentMethod, Subscription } from '../api/appBilling';
import type { Me } from '../api/auth';
import { ORG } from './catalog';
import { staffMe } from './render';

/** The billing API's answers as the app's pages get them (tessera.billing.plans.default_plans). */
const amount = (kopecks: number) => ({ kopecks, currency: 'RUB' as const, formatted: '' });

function plan(code: string, nameRu: string, nameEn: string, rubles: number, limits: BillingPlan['limits']): BillingPlan {
  return {
    code, product: 'fastlead', name_ru: nameRu, name_en: nameEn, price: amount(rubles * 100), period_months: 1,
    trial_days: 14, vat_rate: 22, limits,
  };
}

export const PLANS: BillingPlan[] = [
  plan('fastlead_business', 'Бизнес', 'Business', 19_990, { leads_per_month: null, workspaces: null, team_members: null }),
  plan('fastlead_start', 'Старт', 'Start', 4_990, { leads_per_month: 500, workspaces: 1, team_members: 3 }),
  plan('fastlead_pro', 'Про', 'Pro', 9_990, { leads_per_month: 2_000, workspaces: 3, team_members: 10 }),
];

export const SUBSCRIPTION_ID = 'sub_01JABCDEFGHJKMNPQRSTVWXYZ0';
export const INVOICE_ID = 'inv_01JABCDEFGHJKMNPQRSTVWXYZ0';

export function subscription(overrides: Partial<Subscription> = {}): Subscription {
  return {
    id: SUBSCRIPTION_ID, org_id: ORG, product: 'fastlead', plan: 'fastlead_pro', state: 'active',
    period_start: '2026-11-20T09:00:00Z', period_end: '2026-12-20T09:00:00Z', cancel_at_period_end: false,
    pending_change: null, saved_method: null, created_at: '2026-11-06T09:00:00Z', updated_at: '2026-11-20T09:00:00Z',
    ...overrides,
  };
}

export function invoice(overrides: Partial<Invoice> = {}): Invoice {
  return {
    id: INVOICE_ID, org_id: ORG, seller_id: 'tessera', number: 42, status: 'issued',
    purpose: { kind: 'subscription_period', subscription_id: SUBSCRIPTION_ID, plan: 'fastlead_pro' },
    lines: [{
      description: 'Подписка Fast Lead, тариф «Про», 1 мес.', quantity: 1, unit_price: amount(999_000),
      amount: amount(999_000), vat_rate: 22, vat: amount(180_147),
    }],
    total: amount(999_000), vat_total: amount(180_147), created_at: '2026-12-01T09:00:00Z',
    issued_at: '2026-12-01T09:00:00Z', due_at: '2026-12-06T09:00:00Z', paid_at: null,
    ...overrides,
  };
}

export const ACT_ID = 'act_01JABCDEFGHJKMNPQRSTVWXYZ0';
export const METHOD_ID = 'pm_01JABCDEFGHJKMNPQRSTVWXYZ0';

/** The акт of a paid invoice № 41 (an УПД when the invoice bears VAT, as the Про plan's does). */
export function act(overrides: Partial<Act> = {}): Act {
  return {
    id: ACT_ID, number: 7, kind: 'upd', invoice_id: 'inv_01JABCDEFGHJKMNPQRSTVWXYZ1', invoice_number: 41, org_id: ORG,
    issued_on: '2026-11-20', total: amount(999_000), ...overrides,
  };
}

export function paymentMethod(overrides: Partial<PaymentMethod> = {}): PaymentMethod {
  return {
    id: METHOD_ID, provider: 'yookassa', title: 'Bank card *1111', autopay: true, saved_at: '2026-11-20T09:00:00Z',
    subscription_id: SUBSCRIPTION_ID, ...overrides,
  };
}

export function customerMe(role: string): Me {
  return staffMe({
    user: { id: 'usr_2', email: 'owner@romashka.ru', name: 'Ольга', locale: 'ru', mfa_enabled: false, kind: 'customer' },
    roles: [role], current: { org_id: ORG },
  });
}

export const page = <T>(items: T[]) => ({ items, next_cursor: null });
