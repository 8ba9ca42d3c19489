import { describe, expect, it } from 'vitest';
import { ACT_KINDS, BILLING_PAYMENT_STATUSES, INVOICE_STATUSES, PLAN_CHANGE_KINDS, SUBSCRIPTION_STATES } from '../../../api/appBilling';
import en from '../../../i18n/en.json';
import ru from '../../../i18n/ru.json';
import { expectSameKeysAndPlaceholders, flatten } from '../../../test/i18nNamespace';
import { PLANS } from '../../../test/appBilling';

const ruKeys = flatten(ru.appBilling);
const enKeys = flatten(en.appBilling);

describe('the appBilling texts', () => {
  it('have the same keys and placeholders in ru and en', () => {
    expectSameKeysAndPlaceholders(ruKeys, enKeys);
  });

  it('name every state, status and plan limit the API answers', () => {
    const wanted = [
      ...SUBSCRIPTION_STATES.map((state) => `state.${state}`),
      ...INVOICE_STATUSES.map((status) => `invoiceStatus.${status}`),
      ...BILLING_PAYMENT_STATUSES.map((status) => `paymentStatus.${status}`),
      ...PLAN_CHANGE_KINDS.map((kind) => `change.${kind}`),
      ...ACT_KINDS.map((kind) => `actKind.${kind}`),
      ...PLANS.flatMap((plan) => Object.keys(plan.limits)).map((limit) => `limits.${limit}`),
      'purpose.subscription_period', 'purpose.plan_change', 'purpose.license_renewal',
      'provider.yookassa', 'provider.tbank',
    ];
    expect(wanted.filter((key) => !ruKeys.has(key))).toEqual([]);
  });
});
