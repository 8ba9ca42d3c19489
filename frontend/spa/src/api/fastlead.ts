import { answer, api, type Answer, type Body, type Query } from './client';
import * as schema from './schema';

/**
 * Fast Lead in the app (docs/design/workspaces.md): an organization's workspaces, each with one widget
 * (its settings, publishing, the snippet) and its leads.
 */
export type Workspace = Answer<'/api/app/orgs/{org_id}/workspaces/{workspace_id}', 'get'>;
export type WorkspaceList = Answer<'/api/app/orgs/{org_id}/workspaces', 'get'>;
export type WorkspaceCreate = Body<'/api/app/orgs/{org_id}/workspaces', 'post'>;
export type WorkspaceUpdate = Body<'/api/app/orgs/{org_id}/workspaces/{workspace_id}', 'patch'>;
export type Widget = Answer<'/api/app/orgs/{org_id}/workspaces/{workspace_id}/widget', 'get'>;
/** What the configurator saves: the widget's settings and the version the edit started from. */
export type WidgetUpdate = Body<'/api/app/orgs/{org_id}/workspaces/{workspace_id}/widget', 'put'>;
export type Snippet = Answer<'/api/app/orgs/{org_id}/workspaces/{workspace_id}/widget/snippet', 'get'>;
export type Lead = Answer<'/api/app/orgs/{org_id}/workspaces/{workspace_id}/leads', 'get'>['items'][number];
export type LeadDetail = Answer<'/api/app/orgs/{org_id}/workspaces/{workspace_id}/leads/{lead_id}', 'get'>;
export type LeadEvent = LeadDetail['timeline'][number];
export type LeadStatus = Lead['status'];
export type LeadChannel = Lead['channel'];
export type StatusChange = Body<'/api/app/orgs/{org_id}/workspaces/{workspace_id}/leads/{lead_id}/status', 'post'>;
/** The list's filters (the cursor is the pager's). */
export type LeadFilters = Omit<Query<'/api/app/orgs/{org_id}/workspaces/{workspace_id}/leads', 'get'>, 'cursor' | 'limit'>;

/** The values the pages offer and label (pages/app/fastlead/i18n.test.ts checks each has a text). */
export const LEAD_STATUSES = schema.leadViewStatusValues;
export const LEAD_CHANNELS = schema.leadViewChannelValues;
export const FIELD_MODES = schema.fieldsPhoneValues;
export const CHANNEL_TYPES = schema.channelTypeValues;
export const WIDGET_LOCALES = schema.widgetUpdateLocaleValues;
export const WIDGET_POSITIONS = schema.widgetUpdatePositionValues;

/**
 * Where a lead may go from each status: the server's table (tessera.workspaces.leads.MOVES), so the card
 * offers only moves it accepts. A booking may come straight from a new lead, and a lost lead may come back.
 */
export const STATUS_MOVES: Record<LeadStatus, readonly LeadStatus[]> = {
  new: ['contacted', 'booked', 'lost'],
  contacted: ['booked', 'lost'],
  booked: ['lost'],
  lost: ['contacted'],
};

const org = (orgId: string) => ({ params: { path: { org_id: orgId } } });
const workspace = (orgId: string, workspaceId: string) =>
  ({ params: { path: { org_id: orgId, workspace_id: workspaceId } } });
const lead = (orgId: string, workspaceId: string, leadId: string) =>
  ({ params: { path: { org_id: orgId, workspace_id: workspaceId, lead_id: leadId } } });

export const listWorkspaces = (orgId: string) => answer(api.GET('/api/app/orgs/{org_id}/workspaces', org(orgId)));
export const getWorkspace = (orgId: string, workspaceId: string) =>
  answer(api.GET('/api/app/orgs/{org_id}/workspaces/{workspace_id}', workspace(orgId, workspaceId)));
export const createWorkspace = (orgId: string, body: WorkspaceCreate) =>
  answer(api.POST('/api/app/orgs/{org_id}/workspaces', { ...org(orgId), body }));
export const updateWorkspace = (orgId: string, workspaceId: string, body: WorkspaceUpdate) =>
  answer(api.PATCH('/api/app/orgs/{org_id}/workspaces/{workspace_id}', { ...workspace(orgId, workspaceId), body }));
/** The widget stops taking leads; leads and settings are kept. */
export const archiveWorkspace = (orgId: string, workspaceId: string) =>
  answer(api.POST('/api/app/orgs/{org_id}/workspaces/{workspace_id}/archive', workspace(orgId, workspaceId)));

export const getWidget = (orgId: string, workspaceId: string) =>
  answer(api.GET('/api/app/orgs/{org_id}/workspaces/{workspace_id}/widget', workspace(orgId, workspaceId)));
/** Saves a new version; a `version` older than the newest answers 409 `widget-version-conflict`. */
export const saveWidget = (orgId: string, workspaceId: string, body: WidgetUpdate) =>
  answer(api.PUT('/api/app/orgs/{org_id}/workspaces/{workspace_id}/widget', { ...workspace(orgId, workspaceId), body }));
/** Writes the saved `version` to the CDN, where the widget on the customer's site reads it. */
export const publishWidget = (orgId: string, workspaceId: string, version: number) =>
  answer(api.POST('/api/app/orgs/{org_id}/workspaces/{workspace_id}/widget/publish', {
    ...workspace(orgId, workspaceId), body: { version },
  }));
export type AssetUploadRequest = Body<'/api/app/orgs/{org_id}/workspaces/{workspace_id}/widget/assets', 'post'>;
export type AssetKind = AssetUploadRequest['kind'];
export type AssetUpload = Answer<'/api/app/orgs/{org_id}/workspaces/{workspace_id}/widget/assets', 'post'>;
/** The image types the server takes (SVG is refused: docs/design/workspaces.md). */
export const IMAGE_TYPES = schema.assetUploadRequestContent_typeValues;
/** A logo or avatar upload: a presigned POST bound to the type and at most `size` bytes. */
export const startAssetUpload = (orgId: string, workspaceId: string, body: AssetUploadRequest) =>
  answer(api.POST('/api/app/orgs/{org_id}/workspaces/{workspace_id}/widget/assets', { ...workspace(orgId, workspaceId), body }));
/** The uploaded image checked and saved into the widget's settings on top of `version` (a new version). */
export const confirmAssetUpload = (orgId: string, workspaceId: string, assetId: string, version: number) =>
  answer(api.POST('/api/app/orgs/{org_id}/workspaces/{workspace_id}/widget/assets/{asset_id}/confirm', {
    params: { path: { org_id: orgId, workspace_id: workspaceId, asset_id: assetId } }, body: { version },
  }));

/** The storage refused the presigned POST (status 0: no answer at all). */
export class AssetUploadFailed extends Error {
  constructor(readonly status: number) {
    super(`upload failed: ${status}`);
  }
}

/**
 * The presigned POST: the signed fields, then the file last (S3 ignores fields after it), as
 * multipart/form-data. XMLHttpRequest rather than fetch: only it reports the upload's progress.
 */
export function postToPresignedForm(
  form: { url: string; fields: Record<string, string> }, file: Blob, onProgress: (percent: number) => void,
): Promise<void> {
  const body = new FormData();
  for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
  body.append('file', file);
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(Math.round((event.loaded / event.total) * 100));
    };
    request.onload = () => (request.status >= 200 && request.status < 300
      ? resolve()
      : reject(new AssetUploadFailed(request.status)));
    request.onerror = () => reject(new AssetUploadFailed(0));
    request.open('POST', form.url);
    request.send(body);
  });
}
export const getSnippet = (orgId: string, workspaceId: string) =>
  answer(api.GET('/api/app/orgs/{org_id}/workspaces/{workspace_id}/widget/snippet', workspace(orgId, workspaceId)));

/** One page of leads, newest first. */
export const listLeads = (orgId: string, workspaceId: string, filters: LeadFilters, cursor?: string) =>
  answer(api.GET('/api/app/orgs/{org_id}/workspaces/{workspace_id}/leads', {
    params: { path: { org_id: orgId, workspace_id: workspaceId }, query: { ...filters, cursor } },
  }));
export const getLead = (orgId: string, workspaceId: string, leadId: string) =>
  answer(api.GET('/api/app/orgs/{org_id}/workspaces/{workspace_id}/leads/{lead_id}', lead(orgId, workspaceId, leadId)));
export const changeLeadStatus = (orgId: string, workspaceId: string, leadId: string, body: StatusChange) =>
  answer(api.POST('/api/app/orgs/{org_id}/workspaces/{workspace_id}/leads/{lead_id}/status', {
    ...lead(orgId, workspaceId, leadId), body,
  }));

/** Cache keys of the Fast Lead pages; everything under `all(orgId)` belongs to one organization. */
export const fastleadKeys = {
  all: (orgId: string) => ['fastlead', orgId] as const,
  workspaces: (orgId: string) => ['fastlead', orgId, 'workspaces'] as const,
  workspace: (orgId: string, workspaceId: string) => ['fastlead', orgId, 'workspaces', workspaceId] as const,
  widget: (orgId: string, workspaceId: string) => ['fastlead', orgId, 'widget', workspaceId] as const,
  snippet: (orgId: string, workspaceId: string) => ['fastlead', orgId, 'snippet', workspaceId] as const,
  leads: (orgId: string, workspaceId: string) => ['fastlead', orgId, 'leads', workspaceId] as const,
  leadList: (orgId: string, workspaceId: string, filters: LeadFilters) =>
    ['fastlead', orgId, 'leads', workspaceId, 'list', filters] as const,
  lead: (orgId: string, workspaceId: string, leadId: string) =>
    ['fastlead', orgId, 'leads', workspaceId, 'one', leadId] as const,
  members: (orgId: string) => ['fastlead', orgId, 'members'] as const,
};
