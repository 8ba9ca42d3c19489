import { answer, api, type Answer, type Body } from './client';
import * as schema from './schema';

/**
 * Fast Lead analytics in the app (tessera.reporting): a workspace's dashboard for a range of Moscow days,
 * export jobs (the leads with the list's filters, or the dashboard's days) polled for progress until a
 * presigned link, and the owner's alert settings.
 */
export type Dashboard = Answer<'/api/app/orgs/{org_id}/workspaces/{workspace_id}/analytics', 'get'>;
export type ExportJob = Answer<'/api/app/orgs/{org_id}/workspaces/{workspace_id}/exports/{export_id}', 'get'>;
export type ExportFormat = ExportJob['format'];
export type LeadExportFilters = NonNullable<Body<'/api/app/orgs/{org_id}/workspaces/{workspace_id}/leads/exports', 'post'>['filters']>;
export type AlertSettings = Answer<'/api/app/orgs/{org_id}/workspaces/{workspace_id}/analytics/alerts', 'get'>;
/** Calendar days (Moscow), YYYY-MM-DD, both inclusive. */
export interface DayRange {
  from: string;
  to: string;
}

/** The values the pages label (pages/app/fastlead/i18n.test.ts checks each has a text). */
export const EXPORT_FORMATS = schema.leadExportCreateFormatValues;
export const FUNNEL_STAGES = schema.funnelStageStageValues;
/** The server's bound on a range (tessera.reporting.service.MAX_RANGE_DAYS). */
export const MAX_RANGE_DAYS = 366;

const workspace = (orgId: string, workspaceId: string) =>
  ({ path: { org_id: orgId, workspace_id: workspaceId } });

export const getDashboard = (orgId: string, workspaceId: string, range: DayRange) =>
  answer(api.GET('/api/app/orgs/{org_id}/workspaces/{workspace_id}/analytics', { params: { ...workspace(orgId, workspaceId), query: range } }));

/** Starts exporting the leads the list shows (its filters); answers the job to poll. */
export const startLeadsExport = (orgId: string, workspaceId: string, format: ExportFormat, filters: LeadExportFilters) =>
  answer(api.POST('/api/app/orgs/{org_id}/workspaces/{workspace_id}/leads/exports', { params: workspace(orgId, workspaceId), body: { format, filters } }));

/** Starts exporting the dashboard's days of `range`; answers the job to poll. */
export const startAnalyticsExport = (orgId: string, workspaceId: string, format: ExportFormat, range: DayRange) =>
  answer(api.POST('/api/app/orgs/{org_id}/workspaces/{workspace_id}/analytics/exports', { params: workspace(orgId, workspaceId), body: { format, ...range } }));

export const getExport = (orgId: string, workspaceId: string, exportId: string) =>
  answer(api.GET('/api/app/orgs/{org_id}/workspaces/{workspace_id}/exports/{export_id}', {
    params: { path: { org_id: orgId, workspace_id: workspaceId, export_id: exportId } },
  }));

export const getAlerts = (orgId: string, workspaceId: string) =>
  answer(api.GET('/api/app/orgs/{org_id}/workspaces/{workspace_id}/analytics/alerts', { params: workspace(orgId, workspaceId) }));
export const saveAlerts = (orgId: string, workspaceId: string, body: AlertSettings) =>
  answer(api.PUT('/api/app/orgs/{org_id}/workspaces/{workspace_id}/analytics/alerts', { params: workspace(orgId, workspaceId), body }));

/** Cache keys, under the organization's Fast Lead key (fastleadKeys.all) so leaving it drops them too. */
export const reportingKeys = {
  dashboard: (orgId: string, workspaceId: string, range: DayRange) =>
    ['fastlead', orgId, 'analytics', workspaceId, range] as const,
  alerts: (orgId: string, workspaceId: string) => ['fastlead', orgId, 'alerts', workspaceId] as const,
  export: (orgId: string, workspaceId: string, exportId: string) =>
    ['fastlead', orgId, 'exports', workspaceId, exportId] as const,
};
