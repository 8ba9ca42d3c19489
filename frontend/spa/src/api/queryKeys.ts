import type { AuditFilters, StaffQuery } from './contract';

/** One place for cache keys, so invalidations name exactly what they mean. */
export const queryKeys = {
  me: ['me'] as const,
  sessions: ['sessions'] as const,
  invite: (token: string) => ['invite', token] as const,
  confirm: (token: string) => ['confirm', token] as const,
  staff: ['staff'] as const,
  staffList: (filters: Omit<StaffQuery, 'cursor'>) => ['staff', 'list', filters] as const,
  staffOptions: ['staff', 'options'] as const,
  grants: ['grants'] as const,
  audit: (filters: AuditFilters) => ['audit', filters] as const,
  members: (orgId: string) => ['members', orgId] as const,
  staffAccess: (orgId: string) => ['staff-access', orgId] as const,
};
