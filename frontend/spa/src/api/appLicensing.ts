import { answer, api, file } from './client';

/** The customer's own licenses (app area): every path carries the current organization. */
const org = (orgId: string) => ({ params: { path: { org_id: orgId } } });
const one = (orgId: string, licenseId: string) => ({ params: { path: { org_id: orgId, license_id: licenseId } } });

export const listMyLicenses = (orgId: string, cursor?: string) =>
  answer(api.GET('/api/app/orgs/{org_id}/licenses', { params: { path: { org_id: orgId }, query: { cursor } } }));
export const listMyActivations = (orgId: string, licenseId: string) =>
  answer(api.GET('/api/app/orgs/{org_id}/licenses/{license_id}/activations', one(orgId, licenseId)));
export const downloadMyLicenseFile = (orgId: string, licenseId: string) =>
  file(api.GET('/api/app/orgs/{org_id}/licenses/{license_id}/file', { ...one(orgId, licenseId), parseAs: 'blob' }));
/** The key to activate an installation with: each read is audited, so it is asked for on demand only. */
export const revealMyLicenseKey = (orgId: string, licenseId: string) =>
  answer(api.GET('/api/app/orgs/{org_id}/licenses/{license_id}/key', one(orgId, licenseId)));
export const listMyProducts = (orgId: string) => answer(api.GET('/api/app/orgs/{org_id}/catalog/products', org(orgId)));
