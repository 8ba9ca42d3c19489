import { answer, api, file, type Answer, type Body, type Query } from './client';

export type Product = Answer<'/api/console/catalog/products', 'get'>[number];
export type Plan = Product['plans'][number];
export type CatalogModule = Product['modules'][number];
export type Limit = Plan['limits'][string];
export type LimitMode = Limit['mode'];
export type License = Answer<'/api/console/licenses/{license_id}/renew', 'post'>;
export type LicenseState = License['state'];
export type LicenseStatus = License['status'];
export type LicenseRequest = Body<'/api/console/licenses', 'post'>;
export type RenewRequest = Body<'/api/console/licenses/{license_id}/renew', 'post'>;
export type IssuedLicense = Answer<'/api/console/licenses', 'post'>;
export type LicenseDetail = Answer<'/api/console/licenses/{license_id}', 'get'>;
export type LicenseVersion = LicenseDetail['versions'][number];
export type ActivationList = Answer<'/api/console/licenses/{license_id}/activations', 'get'>;
export type Activation = ActivationList['items'][number];
export type LimitViolation = Activation['violations'][number];
/** A license in the console's list, with its customer's current name. */
export type LicenseRow = Answer<'/api/console/licenses', 'get'>['items'][number];
export type SendLicenseRequest = Body<'/api/console/licenses/{license_id}/send', 'post'>;
export type SendAnswer = Answer<'/api/console/licenses/{license_id}/send', 'post'>;

/**
 * The limits a product's plans carry, in the catalog's order. The schema types plan limits as a map
 * (its names are the backend's LimitName), so the names come from the catalog itself.
 */
export function limitNames(product: Product | undefined): string[] {
  return [...new Set((product?.plans ?? []).flatMap((plan) => Object.keys(plan.limits)))];
}

const license = (licenseId: string) => ({ params: { path: { license_id: licenseId } } });

export const listProducts = () => answer(api.GET('/api/console/catalog/products'));

/** The list's filters (all optional, combined): without org_id, every customer's licenses. */
export type LicenseFilters = Omit<Query<'/api/console/licenses', 'get'>, 'cursor' | 'limit'>;

/** Licenses newest first, a page at a time. */
export const listLicenses = (filters: LicenseFilters, cursor?: string) =>
  answer(api.GET('/api/console/licenses', { params: { query: { ...filters, cursor } } }));
export const issueLicense = (body: LicenseRequest) => answer(api.POST('/api/console/licenses', { body }));
export const getLicense = (licenseId: string) => answer(api.GET('/api/console/licenses/{license_id}', license(licenseId)));
export const listActivations = (licenseId: string) =>
  answer(api.GET('/api/console/licenses/{license_id}/activations', license(licenseId)));
export const downloadLicenseFile = (licenseId: string) =>
  file(api.GET('/api/console/licenses/{license_id}/file', { ...license(licenseId), parseAs: 'blob' }));
export const renewLicense = (licenseId: string, body: RenewRequest) =>
  answer(api.POST('/api/console/licenses/{license_id}/renew', { ...license(licenseId), body }));
export const suspendLicense = (licenseId: string, reason: string) =>
  answer(api.POST('/api/console/licenses/{license_id}/suspend', { ...license(licenseId), body: { reason } }));
export const resumeLicense = (licenseId: string, reason: string) =>
  answer(api.POST('/api/console/licenses/{license_id}/resume', { ...license(licenseId), body: { reason } }));
/** E-mails the newest .lic file to the given addresses, or to the customer's license recipients. */
export const sendLicense = (licenseId: string, body: SendLicenseRequest) =>
  answer(api.POST('/api/console/licenses/{license_id}/send', { ...license(licenseId), body }));
/** A new license key (shown once here); the old one activates nothing new. */
export const reissueLicenseKey = (licenseId: string, reason: string) =>
  answer(api.POST('/api/console/licenses/{license_id}/reissue-key', { ...license(licenseId), body: { reason } }));
/** The seed's staff path; the installation learns of it at its next check. */
export const revokeLicense = (licenseId: string, reason: string) =>
  answer(api.POST('/api/licenses/revoke', { body: { license_id: licenseId, reason } }));

// --- the fleet: installations of every license (monitoring) ---------------------------------------

/** One installation with the license and customer it runs under. */
export type FleetActivation = Answer<'/api/console/licensing/activations', 'get'>['items'][number];
export type ActivationState = FleetActivation['state'];
export type FleetFilters = Omit<Query<'/api/console/licensing/activations', 'get'>, 'cursor' | 'limit'>;

export const listFleet = (filters: FleetFilters, cursor?: string) =>
  answer(api.GET('/api/console/licensing/activations', { params: { query: { ...filters, cursor } } }));
