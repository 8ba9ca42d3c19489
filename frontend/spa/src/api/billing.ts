import { answer, api, file, type Answer, type Body, type Query } from './client';
import * as schema from './schema';

// The enumerations the billing pages filter by and label, as docs/openapi.json lists them (the generated lists
// of nullable query parameters carry `null` in their element type; the values never do).
const values = <T>(list: readonly T[]) => list as readonly NonNullable<T>[];
export const SUBSCRIPTION_STATES = values(schema.pathsApiConsoleBillingSubscriptionsGetParametersQueryStateAnyOf0Values);
export const INVOICE_STATUSES = values(schema.pathsApiConsoleBillingInvoicesGetParametersQueryStatusAnyOf0Values);
export const PAYMENT_STATUSES = values(schema.billingPaymentViewStatusValues);
export const PAYMENT_PROVIDERS = values(schema.activeProviderChoiceProviderValues);
export const DUNNING_STATES = values(schema.dunningRunViewStateValues);
export const TAX_REGIMES = schema.taxRegimeValues;
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
  acts: (filters: ActFilters) => ['billing', 'acts', filters] as const,
  dunningRuns: (filters: DunningRunFilters) => ['billing', 'dunning-runs', filters] as const,
  dunningRun: (id: string) => ['billing', 'dunning-run', id] as const,
  seller: ['billing', 'seller'] as const,
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
export type BillingPayment = Answer<'/api/console/billing/payments', 'get'>['items'][number];
/** A payment with its refunds (oldest first) and what they hold back. */
export type PaymentWithRefunds = Answer<'/api/console/billing/payments/{provider}/{provider_payment_id}', 'get'>;
export type Refund = PaymentWithRefunds['refunds'][number];
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

/** The счёт as a PDF file (with the server's file name). */
export const invoicePdf = (invoiceId: string) =>
  file(api.GET('/api/console/billing/invoices/{invoice_id}/pdf', { params: { path: { invoice_id: invoiceId } }, parseAs: 'blob' }));

// --- refunds and payment files --------------------------------------------------------------------

export type RefundRequest = Body<'/api/console/billing/payments/{provider}/{provider_payment_id}/refund', 'post'>;
export type PaymentExportQuery = Query<'/api/console/billing/payments/export', 'get'>;
export type ExportFormat = NonNullable<PaymentExportQuery['format']>;
export type PaymentImportRequest = Body<'/api/console/billing/payments/import', 'post'>;
export type PaymentImportReport = Answer<'/api/console/billing/payments/import', 'post'>;

/** Refunds through the payment's provider (all that is left without an amount); a repeat refunds nothing twice. */
export const refundPayment = (provider: string, providerPaymentId: string, body: RefundRequest) =>
  answer(api.POST('/api/console/billing/payments/{provider}/{provider_payment_id}/refund', {
    params: { path: { provider, provider_payment_id: providerPaymentId } }, body,
  }));
/** Asks the provider about a pending refund and records its answer. */
export const checkRefund = (provider: string, providerPaymentId: string, number: number) =>
  answer(api.POST('/api/console/billing/payments/{provider}/{provider_payment_id}/refunds/{number}/check', {
    params: { path: { provider, provider_payment_id: providerPaymentId, number } },
  }));
export const exportPayments = (query: PaymentExportQuery) =>
  file(api.GET('/api/console/billing/payments/export', { params: { query }, parseAs: 'blob' }));
/** A bank statement (CSV or XLSX): `dryRun` previews and changes nothing. */
export const importPayments = (body: PaymentImportRequest, dryRun: boolean) =>
  answer(api.POST('/api/console/billing/payments/import', { params: { query: { dry_run: dryRun } }, body }));

// --- closing documents (акт, УПД) and the seller's requisites --------------------------------------

export type Act = Answer<'/api/console/billing/acts', 'get'>['items'][number];
export type ActFilters = Omit<Query<'/api/console/billing/acts', 'get'>, 'cursor' | 'limit'>;
export type SellerRequisites = Answer<'/api/console/billing/seller', 'get'>;
export type Requisites = Body<'/api/console/billing/seller', 'put'>;

export const listActs = (filters: ActFilters, cursor?: string) =>
  answer(api.GET('/api/console/billing/acts', { params: { query: { ...filters, cursor } } }));
export const actPdf = (actId: string) =>
  file(api.GET('/api/console/billing/acts/{act_id}/pdf', { params: { path: { act_id: actId } }, parseAs: 'blob' }));
export const getSeller = () => answer(api.GET('/api/console/billing/seller'));
export const saveSeller = (body: Requisites) => answer(api.PUT('/api/console/billing/seller', { body }));

// --- dunning runs («дожим»: retries of a failed renewal charge, then suspension) --------------------

export type DunningRun = Answer<'/api/console/billing/dunning-runs/{run_id}', 'get'>;
export type DunningState = DunningRun['state'];
export type DunningStep = DunningRun['steps'][number];
export type DunningRunFilters = Omit<Query<'/api/console/billing/dunning-runs', 'get'>, 'cursor' | 'limit'>;

export const listDunningRuns = (filters: DunningRunFilters, cursor?: string) =>
  answer(api.GET('/api/console/billing/dunning-runs', { params: { query: { ...filters, cursor } } }));
export const getDunningRun = (runId: string) =>
  answer(api.GET('/api/console/billing/dunning-runs/{run_id}', { params: { path: { run_id: runId } } }));

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
