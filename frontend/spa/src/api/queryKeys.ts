import type { AuditFilters } from './audit';
import type { FleetFilters, LicenseFilters } from './licensing';
import type { StaffQuery } from './staff';

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
  auditVerification: (id: string) => ['audit', 'verification', id] as const,
  members: (orgId: string) => ['members', orgId] as const,
  staffAccess: (orgId: string) => ['staff-access', orgId] as const,
  customer: (orgId: string) => ['customers', 'one', orgId] as const,
  catalog: ['catalog'] as const,
  licenses: ['licenses'] as const,
  licenseList: (filters: LicenseFilters) => ['licenses', 'list', filters] as const,
  customerLicenses: (orgId: string) => ['licenses', 'customer', orgId] as const,
  license: (licenseId: string) => ['licenses', 'one', licenseId] as const,
  activations: (licenseId: string) => ['licenses', 'activations', licenseId] as const,
  fleet: (filters: FleetFilters) => ['licenses', 'fleet', filters] as const,
  myLicenses: (orgId: string) => ['my-licenses', orgId] as const,
  myActivations: (orgId: string, licenseId: string) => ['my-licenses', orgId, 'activations', licenseId] as const,
  myCatalog: (orgId: string) => ['my-catalog', orgId] as const,
};
