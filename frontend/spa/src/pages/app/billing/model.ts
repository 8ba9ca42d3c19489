import type { BillingPlan, Subscription } from '../../../api/appBilling';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The subscription the page is about: the organization's one that is not canceled (one per product). */
export function currentSubscription(items: readonly Subscription[]): Subscription | undefined {
  return items.find((item) => item.state !== 'canceled');
}

/** Whole days left until `iso` (a started day counts); 0 once it passed. */
export function daysLeft(iso: string, now: number = Date.now()): number {
  return Math.max(0, Math.ceil((new Date(iso).getTime() - now) / DAY_MS));
}

export function planName(plan: BillingPlan | undefined, code: string, language: string): string {
  if (!plan) return code;
  return language === 'en' ? plan.name_en : plan.name_ru;
}

/** Cheapest first: the order the plans are offered and compared in. */
export function byPrice(plans: readonly BillingPlan[]): BillingPlan[] {
  return [...plans].sort((a, b) => a.price.kopecks - b.price.kopecks);
}

/**
 * The customer went to the provider's page to pay this invoice. Kept in the tab's sessionStorage (the
 * provider sends the same return address whether the card paid or not), so the invoice page knows to wait
 * for the payment's notification rather than just offering «Оплатить».
 */
const CHECKOUT_KEY = (invoiceId: string) => `tessera.checkout.${invoiceId}`;
/** A return later than this is a visit, not the end of a checkout. */
const CHECKOUT_TTL_MS = 60 * 60 * 1000;

export function rememberCheckout(invoiceId: string, now: number = Date.now()): void {
  try {
    sessionStorage.setItem(CHECKOUT_KEY(invoiceId), String(now));
  } catch {
    // storage blocked: the return page then simply offers to pay again
  }
}

export function returnedFromCheckout(invoiceId: string, now: number = Date.now()): boolean {
  try {
    const started = Number(sessionStorage.getItem(CHECKOUT_KEY(invoiceId)));
    return started > 0 && now - started < CHECKOUT_TTL_MS;
  } catch {
    return false;
  }
}

export function forgetCheckout(invoiceId: string): void {
  try {
    sessionStorage.removeItem(CHECKOUT_KEY(invoiceId));
  } catch {
    // nothing to forget
  }
}

/** Leaves the SPA for the provider's checkout page (a full navigation: the provider's own site). */
export function goToCheckout(url: string): void {
  window.location.assign(url);
}
