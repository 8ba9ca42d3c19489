import { answer, api, type Answer, type Body } from './client';
import * as schema from './schema';

/**
 * A Fast Lead workspace's channels, Cal.com and replies from the lead card
 * (tessera.workspaces.channels.api, docs/design/workspaces.md "Channels"). Credentials go in and never
 * come back: a channel shows a masked hint of each.
 */
const ONE = '/api/app/orgs/{org_id}/workspaces/{workspace_id}';
export type ChannelList = Answer<`${typeof ONE}/channels`, 'get'>;
export type Channel = ChannelList['items'][number];
export type ChannelKind = Channel['type'];
export type ChannelConnect = Body<`${typeof ONE}/channels`, 'post'>;
export type LeadMessage = Body<`${typeof ONE}/leads/{lead_id}/messages`, 'post'>;
export type LeadMessageSent = Answer<`${typeof ONE}/leads/{lead_id}/messages`, 'post'>;
export type Calcom = Answer<`${typeof ONE}/calcom`, 'get'>;
export type CalcomEventType = Answer<`${typeof ONE}/calcom/event-types`, 'get'>['items'][number];

export const CHANNEL_KINDS = schema.channelConnectTypeValues;

export interface ChannelField {
  name: string;
  required: boolean;
  /** How the form checks it before sending; the server checks the provider's exact format. */
  format?: 'phone' | 'email';
}

/**
 * What each kind asks for: the server's table (tessera.workspaces.channels.service.SPECS). Credentials
 * are secrets (password inputs, never prefilled); settings are shown back as they are.
 */
export const CHANNEL_FORMS: Record<ChannelKind, { credentials: string[]; optional?: string[]; settings: ChannelField[] }> = {
  telegram: { credentials: ['bot_token'], settings: [{ name: 'chat_id', required: true }] },
  smsc: {
    credentials: ['login', 'password'],
    settings: [{ name: 'notify_phone', required: true, format: 'phone' }, { name: 'sender', required: false }],
  },
  twilio: {
    credentials: ['account_sid', 'auth_token'],
    settings: [{ name: 'from_number', required: true }, { name: 'notify_phone', required: true, format: 'phone' }],
  },
  email: {
    credentials: [],
    settings: [
      { name: 'notify_email', required: true, format: 'email' },
      { name: 'sender_name', required: false },
      { name: 'subject', required: false },
    ],
  },
  whatsapp: {
    // the app secret only authenticates the clients' answers (OPTIONAL_CREDENTIALS on the server)
    credentials: ['access_token', 'app_secret'],
    optional: ['app_secret'],
    settings: [{ name: 'phone_number_id', required: true }, { name: 'notify_phone', required: true, format: 'phone' }],
  },
  max: { credentials: ['bot_token'], settings: [{ name: 'chat_id', required: true }] },
};

/**
 * The lead's field a reply through each kind goes to (the server's REPLY_ADDRESS): Telegram and MAX
 * bots can only write to chats that wrote to them, so they tell the team of new leads but do not reply.
 */
export const REPLY_ADDRESS: Partial<Record<ChannelKind, 'phone' | 'email'>> = {
  smsc: 'phone', twilio: 'phone', whatsapp: 'phone', email: 'email',
};

const workspace = (orgId: string, workspaceId: string) =>
  ({ params: { path: { org_id: orgId, workspace_id: workspaceId } } });
const channel = (orgId: string, workspaceId: string, kind: ChannelKind) =>
  ({ params: { path: { org_id: orgId, workspace_id: workspaceId, channel: kind } } });

export const listChannels = (orgId: string, workspaceId: string) =>
  answer(api.GET(`${ONE}/channels`, workspace(orgId, workspaceId)));
/** Tested live first: a refused test answers 400 `channel-test-failed` and stores nothing. */
export const connectChannel = (orgId: string, workspaceId: string, body: ChannelConnect) =>
  answer(api.POST(`${ONE}/channels`, { ...workspace(orgId, workspaceId), body }));
/** Sends a test message; answers the channel, `failed` with the provider's error when the test failed. */
export const testChannel = (orgId: string, workspaceId: string, kind: ChannelKind) =>
  answer(api.POST(`${ONE}/channels/{channel}/test`, { ...channel(orgId, workspaceId, kind), body: {} }));
export const setChannelNotifies = (orgId: string, workspaceId: string, kind: ChannelKind, notify: boolean) =>
  answer(api.PATCH(`${ONE}/channels/{channel}`, { ...channel(orgId, workspaceId, kind), body: { notify_new_leads: notify } }));
/** Its credentials are deleted: connecting again means entering them again. */
export const disconnectChannel = (orgId: string, workspaceId: string, kind: ChannelKind) =>
  answer(api.DELETE(`${ONE}/channels/{channel}`, channel(orgId, workspaceId, kind)));

/** 201 when sent now, 200 with the first answer when `client_id` was sent already. */
export const sendLeadMessage = (orgId: string, workspaceId: string, leadId: string, body: LeadMessage) =>
  answer(api.POST(`${ONE}/leads/{lead_id}/messages`, {
    params: { path: { org_id: orgId, workspace_id: workspaceId, lead_id: leadId } }, body,
  }));

export const getCalcom = (orgId: string, workspaceId: string) =>
  answer(api.GET(`${ONE}/calcom`, workspace(orgId, workspaceId)));
/** Tests the key; the answer carries the webhook secret, the only time it is shown. */
export const connectCalcom = (orgId: string, workspaceId: string, apiKey: string) =>
  answer(api.PUT(`${ONE}/calcom`, { ...workspace(orgId, workspaceId), body: { api_key: apiKey } }));
export const disconnectCalcom = (orgId: string, workspaceId: string) =>
  answer(api.DELETE(`${ONE}/calcom`, workspace(orgId, workspaceId)));
export const listCalcomEventTypes = (orgId: string, workspaceId: string) =>
  answer(api.GET(`${ONE}/calcom/event-types`, workspace(orgId, workspaceId)));

export const channelKeys = {
  channels: (orgId: string, workspaceId: string) => ['fastlead', orgId, 'channels', workspaceId] as const,
  calcom: (orgId: string, workspaceId: string) => ['fastlead', orgId, 'calcom', workspaceId] as const,
  eventTypes: (orgId: string, workspaceId: string) => ['fastlead', orgId, 'calcom', workspaceId, 'event-types'] as const,
};
