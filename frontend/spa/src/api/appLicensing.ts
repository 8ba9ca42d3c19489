import type { Page } from './contract';
import { api, download } from './http';
import type { ActivationList, License, LicenseKey, Product } from './licensing';

/** The customer's own licenses (app area): every path carries the current organization. */
const org = (orgId: string) => `/api/app/orgs/${encodeURIComponent(orgId)}`;
const one = (orgId: string, licenseId: string) => `${org(orgId)}/licenses/${encodeURIComponent(licenseId)}`;

export const listMyLicenses = (orgId: string, cursor?: string) =>
  api<Page<License>>(`${org(orgId)}/licenses`, { query: { cursor } });
export const listMyActivations = (orgId: string, licenseId: string) =>
  api<ActivationList>(`${one(orgId, licenseId)}/activations`);
export const downloadMyLicenseFile = (orgId: string, licenseId: string) => download(`${one(orgId, licenseId)}/file`);
/** The key to activate an installation with: each read is audited, so it is asked for on demand only. */
export const revealMyLicenseKey = (orgId: string, licenseId: string) => api<LicenseKey>(`${one(orgId, licenseId)}/key`);
export const listMyProducts = (orgId: string) => api<Product[]>(`${org(orgId)}/catalog/products`);
