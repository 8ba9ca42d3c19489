import type { AccessGrant, GrantRequest, Page } from './contract';
import { api } from './http';

const base = '/api/console/access-grants';

export const listGrants = (cursor?: string) => api<Page<AccessGrant>>(base, { query: { cursor } });
export const createGrant = (body: GrantRequest) => api<AccessGrant>(base, { method: 'POST', body });
export const revokeGrant = (grantId: string) =>
  api<AccessGrant>(`${base}/${encodeURIComponent(grantId)}/revoke`, { method: 'POST' });
