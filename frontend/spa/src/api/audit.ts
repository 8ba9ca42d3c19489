import type { AuditEvent, AuditFilters, AuditVerifyJob, Page } from './contract';
import { api, download } from './http';

export type ExportFormat = 'csv' | 'xlsx';

export const searchAudit = (filters: AuditFilters, cursor?: string) =>
  api<Page<AuditEvent>>('/api/console/audit', { query: { ...filters, cursor } });

export const exportAudit = (filters: AuditFilters, format: ExportFormat) =>
  download('/api/console/audit/export', { query: { ...filters, format } });

export const startAuditVerification = () => api<AuditVerifyJob>('/api/console/audit/verify', { method: 'POST' });

export const getAuditVerification = (id: string) => api<AuditVerifyJob>(`/api/console/audit/verify/${encodeURIComponent(id)}`);
