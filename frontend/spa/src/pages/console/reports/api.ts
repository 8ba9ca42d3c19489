import { answer, api, file, type Answer, type Body, type PathParams, type Query } from '../../../api/client';
import { saveBlob } from '../../../lib/download';

export type Dashboard = Answer<'/api/console/licensing/dashboard', 'get'>;
export type PlanFactReport = Answer<'/api/console/licensing/reports/sales', 'get'>;
export type PlanFactRow = PlanFactReport['rows'][number];
export type RenewalReport = Answer<'/api/console/licensing/reports/renewals', 'get'>;
export type RenewalMonth = RenewalReport['months'][number];
export type UsageReport = Answer<'/api/console/licensing/reports/usage', 'get'>;
export type SalesPlanRequest = Body<'/api/console/licensing/sales-plan/{month}', 'put'>;

export type ReportName = PathParams<'/api/console/licensing/reports/{report}/export', 'get'>['report'];
export type FileFormat = NonNullable<Query<'/api/console/licensing/reports/{report}/export', 'get'>['format']>;
/** First and last month (YYYY-MM), as the sales and renewals reports take them. */
export type Period = Pick<Query<'/api/console/licensing/reports/sales', 'get'>, 'from' | 'to'>;

export const reportKeys = {
  dashboard: ['licensing', 'dashboard'] as const,
  sales: (period: Period) => ['licensing', 'reports', 'sales', period] as const,
  renewals: (period: Period) => ['licensing', 'reports', 'renewals', period] as const,
  usage: ['licensing', 'reports', 'usage'] as const,
};

export const getDashboard = () => answer(api.GET('/api/console/licensing/dashboard'));
export const getSales = (period: Period) => answer(api.GET('/api/console/licensing/reports/sales', { params: { query: period } }));
export const getRenewals = (period: Period) =>
  answer(api.GET('/api/console/licensing/reports/renewals', { params: { query: period } }));
export const getUsage = () => answer(api.GET('/api/console/licensing/reports/usage'));
export const setSalesPlan = (month: string, body: SalesPlanRequest) =>
  answer(api.PUT('/api/console/licensing/sales-plan/{month}', { params: { path: { month } }, body }));

/** Downloads a report as a file named by the server (the language follows the interface's). */
export async function downloadReport(report: ReportName, format: FileFormat, period: Period = {}): Promise<void> {
  const { blob, filename } = await file(api.GET('/api/console/licensing/reports/{report}/export', {
    params: { path: { report }, query: { format, ...period } }, parseAs: 'blob',
  }));
  saveBlob(blob, filename ?? `${report}.${format}`);
}
