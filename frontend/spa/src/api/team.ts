import type { Member, Page, StaffAccessEntry, TeamInviteRequest, TeamUpdateRequest } from './contract';
import { api } from './http';

const org = (orgId: string) => `/api/app/orgs/${encodeURIComponent(orgId)}`;
const member = (orgId: string, memberId: string) => `${org(orgId)}/members/${encodeURIComponent(memberId)}`;

export const listMembers = (orgId: string, cursor?: string) =>
  api<Page<Member>>(`${org(orgId)}/members`, { query: { cursor } });
export const inviteMember = (orgId: string, body: TeamInviteRequest) =>
  api<Member>(`${org(orgId)}/invites`, { method: 'POST', body });
export const updateMemberRole = (orgId: string, memberId: string, body: TeamUpdateRequest) =>
  api<Member>(member(orgId, memberId), { method: 'PATCH', body });
export const removeMember = (orgId: string, memberId: string) =>
  api<void>(member(orgId, memberId), { method: 'DELETE' });

export const listStaffAccess = (orgId: string, cursor?: string) =>
  api<Page<StaffAccessEntry>>(`${org(orgId)}/staff-access`, { query: { cursor } });
