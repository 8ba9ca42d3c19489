import { answer, api, file, type Answer, type Query } from './client';

export type AuditEvent = Answer<'/api/console/audit', 'get'>['items'][number];
/** Who, what, which customer and which days (inclusive, YYYY-MM-DD). */
export type AuditFilters = Omit<Query<'/api/console/audit', 'get'>, 'cursor' | 'limit'>;
export type ExportFormat = NonNullable<Query<'/api/console/audit/export', 'get'>['format']>;
/** A verification runs as a job: POST starts it, GET follows its progress until it is done. */
export type AuditVerifyJob = Answer<'/api/console/audit/verify/{job_id}', 'get'>;
export type AuditVerifyResult = NonNullable<AuditVerifyJob['result']>;

export const searchAudit = (filters: AuditFilters, cursor?: string) =>
  answer(api.GET('/api/console/audit', { params: { query: { ...filters, cursor } } }));

export const exportAudit = (filters: AuditFilters, format: ExportFormat) =>
  file(api.GET('/api/console/audit/export', { params: { query: { ...filters, format } }, parseAs: 'blob' }));

export const startAuditVerification = () => answer(api.POST('/api/console/audit/verify'));

export const getAuditVerification = (jobId: string) =>
  answer(api.GET('/api/console/audit/verify/{job_id}', { params: { path: { job_id: jobId } } }));
