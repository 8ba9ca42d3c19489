import type { AuditEvent, AuditFilters, AuditVerifyResult, Page } from './contract';
import { api, download } from './http';

export type ExportFormat = 'csv' | 'xlsx';

export const searchAudit = (filters: AuditFilters, cursor?: string) =>
  api<Page<AuditEvent>>('/api/console/audit', { query: { ...filters, cursor } });

export const exportAudit = (filters: AuditFilters, format: ExportFormat) =>
  download('/api/console/audit/export', { query: { ...filters, format } });

export const verifyAuditChain = () => api<AuditVerifyResult>('/api/console/audit/verify', { method: 'POST' });
