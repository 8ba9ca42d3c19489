import { answer, api, type Answer, type Body } from './client';

export type AccessGrant = Answer<'/api/console/access-grants', 'post'>;
export type GrantRequest = Body<'/api/console/access-grants', 'post'>;
export type GrantScope = AccessGrant['scope'];

export const listGrants = (cursor?: string) => answer(api.GET('/api/console/access-grants', { params: { query: { cursor } } }));
export const createGrant = (body: GrantRequest) => answer(api.POST('/api/console/access-grants', { body }));
export const revokeGrant = (grantId: string) =>
  answer(api.POST('/api/console/access-grants/{grant_id}/revoke', { params: { path: { grant_id: grantId } } }));
