import type { Act, BillingPayment, BillingPlan, DunningRun, Invoice, PaymentWithRefunds, ProviderSettings, Refund, SellerRequisites, Subscription } from '../api/billing';

/** Billing data as the console's API answers it (tessera.billing.models), for the billing pages' tests. */
export const ROMASHKA = 'org_01JAAAAAAAAAAAAAAAAAAAAAAA';
export const SUBSCRIPTION_ID = 'sub_01JSSSSSSSSSSSSSSSSSSSSSS1';
export const INVOICE_ID = 'inv_01JIIIIIIIIIIIIIIIIIIIIII1';

export const rub = (kopecks: number) => ({ kopecks, currency: 'RUB' as const, formatted: `${kopecks / 100} ₽` });

export const PLANS: BillingPlan[] = [
  { code: 'fastlead_start', product: 'fastlead', name_ru: 'Старт', name_en: 'Start', price: rub(499_000), period_months: 1,
    trial_days: 14, vat_rate: 22, limits: { leads_per_month: 500, workspaces: 1, team_members: 3 } },
  { code: 'fastlead_pro', product: 'fastlead', name_ru: 'Про', name_en: 'Pro', price: rub(999_000), period_months: 1,
    trial_days: 14, vat_rate: 22, limits: { leads_per_month: 2000, workspaces: 3, team_members: 10 } },
  { code: 'fastlead_business', product: 'fastlead', name_ru: 'Бизнес', name_en: 'Business', price: rub(1_999_000), period_months: 1,
    trial_days: 14, vat_rate: null, limits: { leads_per_month: null, workspaces: null, team_members: null } },
];

export function subscription(overrides: Partial<Subscription> = {}): Subscription {
  return {
    id: SUBSCRIPTION_ID, org_id: ROMASHKA, product: 'fastlead', plan: 'fastlead_pro', state: 'trial',
    period_start: '2026-12-01T09:00:00Z', period_end: '2026-12-15T09:00:00Z', cancel_at_period_end: false,
    pending_change: null, saved_method: null, created_at: '2026-12-01T09:00:00Z', updated_at: '2026-12-01T09:00:00Z',
    ...overrides,
  };
}

export function invoice(overrides: Partial<Invoice> = {}): Invoice {
  return {
    id: INVOICE_ID, org_id: ROMASHKA, seller_id: 'default', number: 17, status: 'issued',
    purpose: { kind: 'subscription_period', subscription_id: SUBSCRIPTION_ID, plan: 'fastlead_pro' },
    lines: [{ description: 'Fast Lead «Про», декабрь 2026', quantity: 1, unit_price: rub(999_000), amount: rub(999_000),
      vat_rate: 22, vat: rub(180_147) }],
    total: rub(999_000), vat_total: rub(180_147), created_at: '2026-12-01T09:00:00Z', issued_at: '2026-12-01T09:00:00Z',
    due_at: '2026-12-06T09:00:00Z', paid_at: null,
    ...overrides,
  };
}

export function payment(overrides: Partial<BillingPayment> = {}): BillingPayment {
  return {
    id: 'pay_01JPPPPPPPPPPPPPPPPPPPPPP1', org_id: ROMASHKA, provider: 'yookassa', provider_payment_id: '2f6b1c1e-000f-5000-9000-1b2c3d4e5f60',
    invoice_id: INVOICE_ID, attempt: 1, amount: rub(999_000), status: 'applied', refunded: rub(0), created_at: '2026-12-02T10:00:00Z',
    ...overrides,
  };
}

export function paymentWithRefunds(overrides: Partial<PaymentWithRefunds> = {}): PaymentWithRefunds {
  return { ...payment(), refunds: [], ...overrides };
}

export function refund(overrides: Partial<Refund> = {}): Refund {
  return {
    id: 'rfd_01JRRRRRRRRRRRRRRRRRRRRRR1', number: 1, amount: rub(300_000), reason: 'Клиент отказался от части мест',
    status: 'succeeded', provider_refund_id: '2f6b1c1e-0015-5000-a000-1b2c3d4e5f60', error_code: null,
    created_by: 'usr_01JBBBBBBBBBBBBBBBBBBBBBB1', created_at: '2026-12-03T10:00:00Z', updated_at: '2026-12-03T10:00:05Z',
    ...overrides,
  };
}

export const ACT_ID = 'act_01JCCCCCCCCCCCCCCCCCCCCCC1';

export function act(overrides: Partial<Act> = {}): Act {
  return {
    id: ACT_ID, number: 5, kind: 'upd', invoice_id: INVOICE_ID, invoice_number: 17, org_id: ROMASHKA,
    issued_on: '2026-12-02', total: rub(999_000), ...overrides,
  };
}

export const RUN_ID = 'dun_01JDDDDDDDDDDDDDDDDDDDDDD1';

export function dunningRun(overrides: Partial<DunningRun> = {}): DunningRun {
  return {
    id: RUN_ID, invoice_id: INVOICE_ID, invoice_number: 17, subscription_id: SUBSCRIPTION_ID, org_id: ROMASHKA,
    state: 'running', tries: 1, max_attempts: 3, started_at: '2026-12-15T09:00:00Z', ended_at: null,
    steps: [
      { at: '2026-12-15T09:00:01Z', step: 'check', outcome: 'issued', detail: null },
      { at: '2026-12-15T09:00:02Z', step: 'charge', outcome: 'retry', detail: 'attempt 1: insufficient_funds' },
      { at: '2026-12-15T09:00:03Z', step: 'mail:declined', outcome: 'sent 1', detail: null },
    ],
    ...overrides,
  };
}

export function seller(overrides: Partial<SellerRequisites> = {}): SellerRequisites {
  return {
    seller_id: 'default', name: 'ООО «Тессера»', inn: '7707083893', kpp: '770701001', ogrn: '1027700132195',
    address: '125009, г. Москва, ул. Тверская, д. 1', phone: null,
    bank: { bank_name: 'ПАО Сбербанк', bik: '044525225', account: '40702810938000000001', corr_account: '30101810400000000225' },
    head: { position: 'Генеральный директор', name: 'Иванов И. И.' }, accountant: null, tax_regime: 'osn',
    saved_at: '2026-12-01T09:00:00Z', saved_by: 'usr_01JBBBBBBBBBBBBBBBBBBBBBB1',
    ...overrides,
  };
}

export function providerSettings(overrides: Partial<ProviderSettings> = {}): ProviderSettings {
  return {
    active: 'yookassa',
    yookassa: { configured: true, public_id: '100500', secret_hint: '••••_key' },
    tbank: { configured: false, public_id: null, secret_hint: null },
    ...overrides,
  };
}
