import { answer, api, type Answer, type Body } from './client';

export type Member = Answer<'/api/app/orgs/{org_id}/members', 'get'>['items'][number];
export type CustomerRole = Member['role'];
/** One staff access to the organization's data: who, when, what and why. */
export type StaffAccessEntry = Answer<'/api/app/orgs/{org_id}/staff-access', 'get'>['items'][number];

const member = (orgId: string, memberId: string) => ({ params: { path: { org_id: orgId, member_id: memberId } } });

export const listMembers = (orgId: string, cursor?: string) =>
  answer(api.GET('/api/app/orgs/{org_id}/members', { params: { path: { org_id: orgId }, query: { cursor } } }));
export const inviteMember = (orgId: string, body: Body<'/api/app/orgs/{org_id}/invites', 'post'>) =>
  answer(api.POST('/api/app/orgs/{org_id}/invites', { params: { path: { org_id: orgId } }, body }));
export const updateMemberRole = (orgId: string, memberId: string, body: Body<'/api/app/orgs/{org_id}/members/{member_id}', 'patch'>) =>
  answer(api.PATCH('/api/app/orgs/{org_id}/members/{member_id}', { ...member(orgId, memberId), body }));
export const removeMember = (orgId: string, memberId: string) =>
  answer(api.DELETE('/api/app/orgs/{org_id}/members/{member_id}', member(orgId, memberId)));

export const listStaffAccess = (orgId: string, cursor?: string) =>
  answer(api.GET('/api/app/orgs/{org_id}/staff-access', { params: { path: { org_id: orgId }, query: { cursor } } }));
