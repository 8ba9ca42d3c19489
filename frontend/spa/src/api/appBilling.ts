import { answer, api, file, type Answer, type Body } from './client';
import * as schema from './schema';

/** The customer's own billing (app area): plans, the subscription, invoices, paying them, payments. */
export type BillingPlan = Answer<'/api/app/orgs/{org_id}/billing/plans', 'get'>[number];
export type Subscription = Answer<'/api/app/orgs/{org_id}/billing/subscriptions/{subscription_id}', 'get'>;
export type Invoice = Answer<'/api/app/orgs/{org_id}/billing/invoices/{invoice_id}', 'get'>;
export type BillingPayment = Answer<'/api/app/orgs/{org_id}/billing/payments', 'get'>['items'][number];
export type PlanChangePreview = Answer<'/api/app/orgs/{org_id}/billing/subscriptions/{subscription_id}/plan-change', 'get'>;
export type Checkout = Answer<'/api/app/orgs/{org_id}/billing/invoices/{invoice_id}/pay', 'post'>;
export type PayInvoice = Body<'/api/app/orgs/{org_id}/billing/invoices/{invoice_id}/pay', 'post'>;
export type Act = Answer<'/api/app/orgs/{org_id}/billing/acts', 'get'>['items'][number];
export type PaymentMethod = Answer<'/api/app/orgs/{org_id}/billing/payment-methods', 'get'>['items'][number];

/** The values the pages label (the i18n test of pages/app/billing checks each has a text). */
export const SUBSCRIPTION_STATES = schema.subscriptionViewStateValues;
export const INVOICE_STATUSES = schema.invoiceViewStatusValues;
export const BILLING_PAYMENT_STATUSES = schema.billingPaymentViewStatusValues;
export const PLAN_CHANGE_KINDS = schema.planChangePreviewKindValues;
export const ACT_KINDS = schema.actViewKindValues;

const org = (orgId: string) => ({ params: { path: { org_id: orgId } } });
const subscription = (orgId: string, subscriptionId: string) =>
  ({ params: { path: { org_id: orgId, subscription_id: subscriptionId } } });
const invoice = (orgId: string, invoiceId: string) => ({ params: { path: { org_id: orgId, invoice_id: invoiceId } } });

export const listPlans = (orgId: string) => answer(api.GET('/api/app/orgs/{org_id}/billing/plans', org(orgId)));
export const listSubscriptions = (orgId: string, cursor?: string) =>
  answer(api.GET('/api/app/orgs/{org_id}/billing/subscriptions', { params: { path: { org_id: orgId }, query: { cursor } } }));
export const startTrial = (orgId: string, plan: string) =>
  answer(api.POST('/api/app/orgs/{org_id}/billing/subscriptions', { ...org(orgId), body: { plan } }));
export const previewPlanChange = (orgId: string, subscriptionId: string, plan: string) =>
  answer(api.GET('/api/app/orgs/{org_id}/billing/subscriptions/{subscription_id}/plan-change', {
    params: { path: { org_id: orgId, subscription_id: subscriptionId }, query: { plan } },
  }));
export const changePlan = (orgId: string, subscriptionId: string, plan: string) =>
  answer(api.POST('/api/app/orgs/{org_id}/billing/subscriptions/{subscription_id}/plan-change', { ...subscription(orgId, subscriptionId), body: { plan } }));
export const cancelAtPeriodEnd = (orgId: string, subscriptionId: string) =>
  answer(api.POST('/api/app/orgs/{org_id}/billing/subscriptions/{subscription_id}/cancel', subscription(orgId, subscriptionId)));
/** The invoice for the next period (the open one, or a new one): what «Оплатить» on the subscription pays. */
export const periodInvoice = (orgId: string, subscriptionId: string) =>
  answer(api.POST('/api/app/orgs/{org_id}/billing/subscriptions/{subscription_id}/invoice', subscription(orgId, subscriptionId)));

export const listInvoices = (orgId: string, cursor?: string) =>
  answer(api.GET('/api/app/orgs/{org_id}/billing/invoices', { params: { path: { org_id: orgId }, query: { cursor } } }));
export const getInvoice = (orgId: string, invoiceId: string) =>
  answer(api.GET('/api/app/orgs/{org_id}/billing/invoices/{invoice_id}', invoice(orgId, invoiceId)));
/**
 * Starts (or, for a double click, repeats) the invoice's checkout: answers the provider's page to send the
 * customer to. The server keys the attempt, so a repeat never opens a second payment.
 */
export const payInvoice = (orgId: string, invoiceId: string, body: PayInvoice) =>
  answer(api.POST('/api/app/orgs/{org_id}/billing/invoices/{invoice_id}/pay', { ...invoice(orgId, invoiceId), body }));

export const listPayments = (orgId: string, cursor?: string) =>
  answer(api.GET('/api/app/orgs/{org_id}/billing/payments', { params: { path: { org_id: orgId }, query: { cursor } } }));

/** The счёт as a PDF, named by the server («Счёт № 42 от 01.12.2026.pdf»). */
export const downloadInvoicePdf = (orgId: string, invoiceId: string) =>
  file(api.GET('/api/app/orgs/{org_id}/billing/invoices/{invoice_id}/pdf', { ...invoice(orgId, invoiceId), parseAs: 'blob' }));

/** The closing documents (акт, or УПД for an invoice with VAT), made when an invoice is paid; newest first. */
export const listActs = (orgId: string, cursor?: string) =>
  answer(api.GET('/api/app/orgs/{org_id}/billing/acts', { params: { path: { org_id: orgId }, query: { cursor } } }));
export const downloadActPdf = (orgId: string, actId: string) =>
  file(api.GET('/api/app/orgs/{org_id}/billing/acts/{act_id}/pdf', { params: { path: { org_id: orgId, act_id: actId } }, parseAs: 'blob' }));

/** The saved cards renewals are charged to (masked). */
export const listPaymentMethods = (orgId: string) =>
  answer(api.GET('/api/app/orgs/{org_id}/billing/payment-methods', org(orgId)));
/** Withdraws the autopayment consent: the card is forgotten and each period is then paid by hand. */
export const withdrawPaymentMethod = (orgId: string, methodId: string) =>
  answer(api.DELETE('/api/app/orgs/{org_id}/billing/payment-methods/{method_id}', { params: { path: { org_id: orgId, method_id: methodId } } }));

/** Cache keys of the billing pages; everything under `all(orgId)` changes when a payment lands. */
export const billingKeys = {
  all: (orgId: string) => ['app-billing', orgId] as const,
  plans: (orgId: string) => ['app-billing', orgId, 'plans'] as const,
  subscriptions: (orgId: string) => ['app-billing', orgId, 'subscriptions'] as const,
  preview: (orgId: string, subscriptionId: string, plan: string) => ['app-billing', orgId, 'preview', subscriptionId, plan] as const,
  invoices: (orgId: string) => ['app-billing', orgId, 'invoices'] as const,
  invoice: (orgId: string, invoiceId: string) => ['app-billing', orgId, 'invoice', invoiceId] as const,
  payments: (orgId: string) => ['app-billing', orgId, 'payments'] as const,
  acts: (orgId: string) => ['app-billing', orgId, 'acts'] as const,
  paymentMethods: (orgId: string) => ['app-billing', orgId, 'payment-methods'] as const,
};
