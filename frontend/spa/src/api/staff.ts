import type { Page, StaffInviteRequest, StaffQuery, StaffUpdateRequest, StaffUser } from './contract';
import { api } from './http';

const base = '/api/console/staff';
const one = (userId: string) => `${base}/${encodeURIComponent(userId)}`;

export const listStaff = (query: StaffQuery) => api<Page<StaffUser>>(base, { query: { ...query } });
export const inviteStaff = (body: StaffInviteRequest) => api<StaffUser>(base, { method: 'POST', body });
export const updateStaffRoles = (userId: string, body: StaffUpdateRequest) =>
  api<StaffUser>(one(userId), { method: 'PATCH', body });
export const deactivateStaff = (userId: string) => api<StaffUser>(`${one(userId)}/deactivate`, { method: 'POST' });
export const resetStaffMfa = (userId: string) => api<StaffUser>(`${one(userId)}/reset-mfa`, { method: 'POST' });
