import { answer, api, type Answer, type Body, type Query } from './client';
import * as schema from './schema';

// The enumerations the billing pages filter by and label, as docs/openapi.json lists them (the generated lists
// of nullable query parameters carry `null` in their element type; the values never do).
const values = <T>(list: readonly T[]) => list as readonly NonNullable<T>[];
export const SUBSCRIPTION_STATES = values(schema.pathsApiConsoleBillingSubscriptionsGetParametersQueryStateAnyOf0Values);
export const INVOICE_STATUSES = values(schema.pathsApiConsoleBillingInvoicesGetParametersQueryStatusAnyOf0Values);
export const PAYMENT_STATUSES = values(schema.billingPaymentViewStatusValues);
export const PAYMENT_PROVIDERS = values(schema.activeProviderChoiceProviderValues);
/** Who reports payments besides the card providers: 1С / a CRM, and billing staff by hand. */
export const PAYMENT_SOURCES = [...PAYMENT_PROVIDERS, 'external', 'manual'] as const;

/** Cache keys of the billing pages (everything under `billing`, so one invalidation refreshes them all). */
export const billingKeys = {
  all: ['billing'] as const,
  plans: ['billing', 'plans'] as const,
  subscriptions: (filters: SubscriptionFilters) => ['billing', 'subscriptions', filters] as const,
  subscription: (id: string) => ['billing', 'subscription', id] as const,
  invoices: (filters: InvoiceFilters) => ['billing', 'invoices', filters] as const,
  subscriptionInvoices: (subscriptionId: string) => ['billing', 'invoices', 'of', subscriptionId] as const,
  invoice: (id: string) => ['billing', 'invoice', id] as const,
  payments: (filters: PaymentFilters) => ['billing', 'payments', filters] as const,
  payment: (provider: string, id: string) => ['billing', 'payment', provider, id] as const,
  providers: ['billing', 'providers'] as const,
  integrationKeys: ['billing', 'integration-keys'] as const,
};

// --- plans, subscriptions, invoices, payments (read by admins, billing staff and auditors) -------------

export type BillingPlan = Answer<'/api/console/billing/plans', 'get'>[number];
export type Subscription = Answer<'/api/console/billing/subscriptions/{subscription_id}', 'get'>;
export type SubscriptionState = Subscription['state'];
export type Invoice = Answer<'/api/console/billing/invoices/{invoice_id}', 'get'>;
export type InvoiceStatus = Invoice['status'];
export type InvoiceLine = Invoice['lines'][number];
export type Amount = Invoice['total'];
export type BillingPayment = Answer<'/api/console/billing/payments/{provider}/{provider_payment_id}', 'get'>;
export type PaymentStatus = BillingPayment['status'];

export type SubscriptionFilters = Omit<Query<'/api/console/billing/subscriptions', 'get'>, 'cursor' | 'limit'>;
export type InvoiceFilters = Omit<Query<'/api/console/billing/invoices', 'get'>, 'cursor' | 'limit'>;
export type PaymentFilters = Omit<Query<'/api/console/billing/payments', 'get'>, 'cursor' | 'limit'>;
export type ManualPayment = Body<'/api/console/billing/invoices/{invoice_id}/mark-paid', 'post'>;
export type RenewalInvoiceRequest = Body<'/api/console/billing/licenses/{license_id}/renewal-invoice', 'post'>;

export const listBillingPlans = () => answer(api.GET('/api/console/billing/plans'));

export const listSubscriptions = (filters: SubscriptionFilters, cursor?: string) =>
  answer(api.GET('/api/console/billing/subscriptions', { params: { query: { ...filters, cursor } } }));
export const getSubscription = (subscriptionId: string) =>
  answer(api.GET('/api/console/billing/subscriptions/{subscription_id}', { params: { path: { subscription_id: subscriptionId } } }));

export const listInvoices = (filters: InvoiceFilters, cursor?: string) =>
  answer(api.GET('/api/console/billing/invoices', { params: { query: { ...filters, cursor } } }));
export const getInvoice = (invoiceId: string) =>
  answer(api.GET('/api/console/billing/invoices/{invoice_id}', { params: { path: { invoice_id: invoiceId } } }));
/** A bank transfer billing staff see: applied once per `reference` (a repeat changes nothing), audited. */
export const markInvoicePaid = (invoiceId: string, body: ManualPayment) =>
  answer(api.POST('/api/console/billing/invoices/{invoice_id}/mark-paid', { params: { path: { invoice_id: invoiceId } }, body }));

export const listPayments = (filters: PaymentFilters, cursor?: string) =>
  answer(api.GET('/api/console/billing/payments', { params: { query: { ...filters, cursor } } }));
export const getPayment = (provider: string, providerPaymentId: string) =>
  answer(api.GET('/api/console/billing/payments/{provider}/{provider_payment_id}', {
    params: { path: { provider, provider_payment_id: providerPaymentId } },
  }));

/** «Счёт на продление»: an invoice for the license's new terms; paying it signs the license's next version. */
export const createRenewalInvoice = (licenseId: string, body: RenewalInvoiceRequest) =>
  answer(api.POST('/api/console/billing/licenses/{license_id}/renewal-invoice', { params: { path: { license_id: licenseId } }, body }));

// --- payment providers (credentials are write-only: only their masks come back) ---------------------

export type ProviderSettings = Answer<'/api/console/billing/providers', 'get'>;
export type PaymentProvider = NonNullable<ProviderSettings['active']>;
export type YooKassaCredentials = Body<'/api/console/billing/providers/yookassa', 'put'>;
export type TBankCredentials = Body<'/api/console/billing/providers/tbank', 'put'>;

export const getProviderSettings = () => answer(api.GET('/api/console/billing/providers'));
export const saveYooKassaCredentials = (body: YooKassaCredentials) =>
  answer(api.PUT('/api/console/billing/providers/yookassa', { body }));
export const saveTBankCredentials = (body: TBankCredentials) =>
  answer(api.PUT('/api/console/billing/providers/tbank', { body }));
export const setActiveProvider = (provider: PaymentProvider) =>
  answer(api.PUT('/api/console/billing/providers/active', { body: { provider } }));

// --- integration keys (1С, CRM): the secret is in the answer to create and rotate only ----------------

export type IntegrationKey = Answer<'/api/console/integrations/credentials', 'get'>[number];
export type IssuedIntegrationKey = Answer<'/api/console/integrations/credentials', 'post'>;

const credential = (credentialId: string) => ({ params: { path: { credential_id: credentialId } } });

export const listIntegrationKeys = () => answer(api.GET('/api/console/integrations/credentials'));
export const createIntegrationKey = (name: string) =>
  answer(api.POST('/api/console/integrations/credentials', { body: { name } }));
export const rotateIntegrationKey = (credentialId: string) =>
  answer(api.POST('/api/console/integrations/credentials/{credential_id}/rotate', credential(credentialId)));
export const revokeIntegrationKey = (credentialId: string, reason: string) =>
  answer(api.POST('/api/console/integrations/credentials/{credential_id}/revoke', { ...credential(credentialId), body: { reason } }));
