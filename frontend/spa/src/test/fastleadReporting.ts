import type { AlertSettings, Dashboard, ExportJob } from '../api/fastleadReporting';
import { ORG } from './catalog';
import { workspace, WS, WS_BASE } from './fastlead';
import { json, problem, stubFetch, type Call } from './fetch';

/** The reporting API's answers as the Fast Lead pages get them (tessera.reporting). */
export const ONE = `${WS_BASE}/${WS}`;
const FEATURES = `/api/app/orgs/${ORG}/features`;
export const ANALYTICS = `${ONE}/analytics`;
export const ALERTS = `${ONE}/analytics/alerts`;
export const EXPORT_ID = 'exp_01JABCDEFGHJKMNPQRSTVWXYZ0';
export const EXPORT = `${ONE}/exports/${EXPORT_ID}`;
export const DOWNLOAD_URL = 'https://tessera-exports.s3.amazonaws.com/leads.csv?X-Amz-Signature=abc';

/** Three days of a workspace with 42 leads: 30 from the widget, 12 from Telegram. */
export function dashboard(overrides: Partial<Dashboard> = {}): Dashboard {
  return {
    workspace_id: WS, from: '2026-12-01', to: '2026-12-03', timezone: 'Europe/Moscow',
    totals: { leads: 42, contacted: 30, booked: 10, lost: 5, conversion: 10 / 42, contact_rate: 30 / 42, avg_first_contact_seconds: 720 },
    by_channel: [
      { channel: 'widget', leads: 30, contacted: 22, booked: 9, lost: 3, conversion: 0.3 },
      { channel: 'telegram', leads: 12, contacted: 8, booked: 1, lost: 2, conversion: 1 / 12 },
    ],
    funnel: [
      { stage: 'lead', count: 42, rate_from_previous: 1, rate_from_start: 1 },
      { stage: 'contacted', count: 30, rate_from_previous: 30 / 42, rate_from_start: 30 / 42 },
      { stage: 'booked', count: 10, rate_from_previous: 1 / 3, rate_from_start: 10 / 42 },
    ],
    daily: [
      { date: '2026-12-01', leads: 10, contacted: 8, booked: 3, lost: 1 },
      { date: '2026-12-02', leads: 20, contacted: 14, booked: 5, lost: 2 },
      { date: '2026-12-03', leads: 12, contacted: 8, booked: 2, lost: 2 },
    ],
    ...overrides,
  };
}

export function emptyDashboard(): Dashboard {
  return dashboard({
    totals: { leads: 0, contacted: 0, booked: 0, lost: 0, conversion: 0, contact_rate: 0, avg_first_contact_seconds: null },
    by_channel: [],
    funnel: (['lead', 'contacted', 'booked'] as const).map((stage) => ({ stage, count: 0, rate_from_previous: 0, rate_from_start: 0 })),
    daily: dashboard().daily.map((day) => ({ ...day, leads: 0, contacted: 0, booked: 0, lost: 0 })),
  });
}

export function exportJob(overrides: Partial<ExportJob> = {}): ExportJob {
  return {
    id: EXPORT_ID, kind: 'leads', format: 'csv', status: 'running', rows: 1200, created_at: '2026-12-03T09:00:00Z',
    finished_at: null, file_name: null, size: null, download_url: null, download_expires_at: null, error: null,
    ...overrides,
  };
}

export function doneJob(overrides: Partial<ExportJob> = {}): ExportJob {
  return exportJob({
    status: 'done', rows: 2500, finished_at: '2026-12-03T09:00:05Z', file_name: 'leads-2026-12-03.csv', size: 300_000,
    download_url: DOWNLOAD_URL, download_expires_at: '2026-12-03T09:15:05Z', ...overrides,
  });
}

export const alertSettings = (overrides: Partial<AlertSettings> = {}): AlertSettings =>
  ({ weekly_report: true, no_leads_days: null, min_conversion_percent: null, ...overrides });

/**
 * A backend with the workspace, an empty leads list, the dashboard, the alerts and one export job: either
 * POST starts it with `started`, then each GET answers the next of `polls` (the last one again when they
 * run out). A Response in place of an answer is sent as it is (once).
 */
export function reportingBackend({ data = dashboard(), alerts = alertSettings(), started = exportJob(), polls = [doneJob()],
  dashboardFlag = true }: {
  data?: Dashboard | Response; alerts?: AlertSettings; started?: ExportJob | Response; polls?: ExportJob[];
  dashboardFlag?: boolean;
} = {}): Call[] {
  let poll = 0;
  return stubFetch((call) => {
    const path = call.url.split('?')[0];
    if (path === ONE) return json(workspace());
    if (path === FEATURES) return json({ dashboard: dashboardFlag, onboarding: false, billing: true });
    if (path === `${ONE}/leads`) return json({ items: [], next_cursor: null });
    if (path === ANALYTICS) return data instanceof Response ? data : json(data);
    if (path === ALERTS) return json(call.method === 'PUT' ? call.body : alerts);
    if (call.method === 'POST' && (path === `${ONE}/leads/exports` || path === `${ANALYTICS}/exports`)) {
      return started instanceof Response ? started : json(started, 202);
    }
    if (path === EXPORT) return json(polls[Math.min(poll++, polls.length - 1)]);
    return problem(404);
  });
}

/** The query of each dashboard request, as a plain object. */
export const dashboardQueries = (calls: Call[]) => calls
  .filter((c) => c.url.split('?')[0] === ANALYTICS)
  .map((c) => Object.fromEntries(new URLSearchParams(c.url.split('?')[1] ?? '')));
