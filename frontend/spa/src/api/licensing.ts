import type { Page } from './contract';
import { api, download } from './http';
import type { components } from './schema';

type Schemas = components['schemas'];

export type Product = Schemas['Product'];
export type Plan = Schemas['Plan'];
export type CatalogModule = Schemas['Module'];
export type Limit = Schemas['Limit'];
export type LimitMode = Limit['mode'];
export type License = Schemas['LicenseView'];
export type LicenseState = License['state'];
export type LicenseStatus = License['status'];
export type LicenseRequest = Schemas['LicenseRequest'];
export type RenewRequest = Schemas['RenewRequest'];
export type IssuedLicense = Schemas['IssuedLicense'];
export type LicenseKey = Schemas['LicenseKey'];
export type LicenseDetail = Schemas['LicenseDetail'];
export type LicenseVersion = Schemas['VersionView'];
export type Activation = Schemas['ActivationView'];
export type ActivationList = Schemas['ActivationList'];
export type LimitViolation = Schemas['LimitViolation'];

/** The limits every plan carries (the backend's LimitName). */
export const LIMIT_NAMES = ['users', 'departments', 'integrations', 'api_rate'] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];
export const LIMIT_MODES: LimitMode[] = ['hard', 'soft', 'advisory'];

const licenses = '/api/console/licenses';
const one = (licenseId: string) => `${licenses}/${encodeURIComponent(licenseId)}`;

export const listProducts = () => api<Product[]>('/api/console/catalog/products');

/** A license in the console's list, with its customer's current name. */
export type LicenseRow = Schemas['LicenseListItem'];
export const LICENSE_STATUSES: LicenseStatus[] = ['active', 'suspended', 'revoked'];
export type ListedState = Exclude<LicenseState, 'UNKNOWN_LICENSE'>;
export const LICENSE_STATES: ListedState[] = ['VALID', 'NOT_YET_VALID', 'IN_GRACE', 'EXPIRED', 'SUSPENDED', 'REVOKED'];

/** The list's filters (all optional, combined): without org_id, every customer's licenses. */
export interface LicenseFilters {
  org_id?: string;
  status?: LicenseStatus;
  state?: ListedState;
  plan?: string;
  /** YYYY-MM-DD: the last day is before it */
  expires_before?: string;
  /** a license id or part of one, a customer's name (part of it) or ИНН */
  q?: string;
}

/** Licenses newest first, a page at a time. */
export const listLicenses = (filters: LicenseFilters, cursor?: string) =>
  api<Page<LicenseRow>>(licenses, { query: { ...filters, cursor } });
export const issueLicense = (body: LicenseRequest) => api<IssuedLicense>(licenses, { method: 'POST', body });
export const getLicense = (licenseId: string) => api<LicenseDetail>(one(licenseId));
export const listActivations = (licenseId: string) => api<ActivationList>(`${one(licenseId)}/activations`);
export const downloadLicenseFile = (licenseId: string) => download(`${one(licenseId)}/file`);
export const renewLicense = (licenseId: string, body: RenewRequest) =>
  api<License>(`${one(licenseId)}/renew`, { method: 'POST', body });
export const suspendLicense = (licenseId: string, reason: string) =>
  api<License>(`${one(licenseId)}/suspend`, { method: 'POST', body: { reason } });
export const resumeLicense = (licenseId: string, reason: string) =>
  api<License>(`${one(licenseId)}/resume`, { method: 'POST', body: { reason } });
export type SendLicenseRequest = Schemas['SendLicenseRequest'];
export type SendAnswer = Schemas['SendAnswer'];
/** E-mails the newest .lic file to the given addresses, or to the customer's license recipients. */
export const sendLicense = (licenseId: string, body: SendLicenseRequest) =>
  api<SendAnswer>(`${one(licenseId)}/send`, { method: 'POST', body });
export type ReissuedKey = Schemas['ReissuedKey'];
/** A new license key (shown once here); the old one activates nothing new. */
export const reissueLicenseKey = (licenseId: string, reason: string) =>
  api<ReissuedKey>(`${one(licenseId)}/reissue-key`, { method: 'POST', body: { reason } });
/** The seed's staff path; the installation learns of it at its next check. */
export const revokeLicense = (licenseId: string, reason: string) =>
  api<License>('/api/licenses/revoke', { method: 'POST', body: { license_id: licenseId, reason } });

// --- the fleet: installations of every license (monitoring) ---------------------------------------

export type ActivationState = Activation['state'];

export interface FleetFilters {
  state?: ActivationState;
  org_id?: string;
  software_version?: string;
  behind_latest?: boolean;
  clone_suspected?: boolean;
  with_violations?: boolean;
}

/** One installation with the license and customer it runs under. */
export type FleetActivation = Schemas['FleetActivation'];

export const listFleet = (filters: FleetFilters, cursor?: string) =>
  api<Page<FleetActivation>>('/api/console/licensing/activations', { query: { ...filters, cursor } });
