import { api, download } from '../../../api/http';
import type { components } from '../../../api/schema';
import { saveBlob } from '../../../lib/download';

type Schemas = components['schemas'];

export type Dashboard = Schemas['Dashboard'];
export type PlanFactReport = Schemas['PlanFactReport'];
export type PlanFactRow = Schemas['PlanFactRow'];
export type RenewalReport = Schemas['RenewalReport'];
export type RenewalMonth = Schemas['RenewalMonth'];
export type UsageReport = Schemas['UsageReport'];
export type SalesPlan = Schemas['SalesPlan'];
export type SalesPlanRequest = Schemas['SalesPlanRequest'];

export type ReportName = 'sales' | 'renewals' | 'usage';
export type FileFormat = 'xlsx' | 'pdf';
export interface Period {
  from?: string;
  to?: string;
}

const base = '/api/console/licensing';

export const reportKeys = {
  dashboard: ['licensing', 'dashboard'] as const,
  sales: (period: Period) => ['licensing', 'reports', 'sales', period] as const,
  renewals: (period: Period) => ['licensing', 'reports', 'renewals', period] as const,
  usage: ['licensing', 'reports', 'usage'] as const,
};

export const getDashboard = () => api<Dashboard>(`${base}/dashboard`);
export const getSales = (period: Period) => api<PlanFactReport>(`${base}/reports/sales`, { query: { ...period } });
export const getRenewals = (period: Period) => api<RenewalReport>(`${base}/reports/renewals`, { query: { ...period } });
export const getUsage = () => api<UsageReport>(`${base}/reports/usage`);
export const setSalesPlan = (month: string, body: SalesPlanRequest) =>
  api<SalesPlan>(`${base}/sales-plan/${encodeURIComponent(month)}`, { method: 'PUT', body });

/** Downloads a report as a file named by the server (the language follows the interface's). */
export async function downloadReport(report: ReportName, format: FileFormat, period: Period = {}): Promise<void> {
  const { blob, filename } = await download(`${base}/reports/${report}/export`, { query: { format, ...period } });
  saveBlob(blob, filename ?? `${report}.${format}`);
}

/** Kopecks as rubles for a table cell: 1 234 567,00 ₽ / RUB 1,234,567.00. */
export function formatRubles(kopecks: number | null | undefined, language: string): string {
  if (kopecks === null || kopecks === undefined) return '—';
  const value = kopecks / 100;
  return language === 'en'
    ? `RUB ${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`
    : `${value.toLocaleString('ru-RU', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ₽`;
}
