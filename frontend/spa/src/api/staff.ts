import { answer, api, type Answer, type Body, type Query } from './client';

export type StaffUser = Answer<'/api/console/staff', 'post'>;
export type StaffRole = StaffUser['roles'][number];
export type StaffStatus = StaffUser['status'];
export type StaffQuery = Query<'/api/console/staff', 'get'>;

const user = (userId: string) => ({ params: { path: { user_id: userId } } });

export const listStaff = (query: StaffQuery) => answer(api.GET('/api/console/staff', { params: { query } }));
export const inviteStaff = (body: Body<'/api/console/staff', 'post'>) => answer(api.POST('/api/console/staff', { body }));
export const updateStaffRoles = (userId: string, body: Body<'/api/console/staff/{user_id}', 'patch'>) =>
  answer(api.PATCH('/api/console/staff/{user_id}', { ...user(userId), body }));
export const deactivateStaff = (userId: string) => answer(api.POST('/api/console/staff/{user_id}/deactivate', user(userId)));
export const resetStaffMfa = (userId: string) => answer(api.POST('/api/console/staff/{user_id}/reset-mfa', user(userId)));
