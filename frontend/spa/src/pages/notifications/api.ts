import type { Page } from '../../api/contract';
import { api } from '../../api/http';
import type { components } from '../../api/schema';

type Schemas = components['schemas'];

export type PreferencesView = Schemas['PreferencesView'];
export type PreferencesUpdate = Schemas['PreferencesUpdate'];
export type StaffPreferencesUpdate = Schemas['StaffPreferencesUpdate'];
export type Delivery = Schemas['DeliveryView'];
export type DeliveryPage = Schemas['DeliveryPage'];

export type Channel = Delivery['channel'];
export type DeliveryEvent = Delivery['event'];
export type DeliveryStatus = Delivery['status'];
export type EventName = PreferencesView['events'][number];
export type NoticeLanguage = PreferencesView['language'];

export const CHANNELS: Channel[] = ['email', 'telegram', 'slack'];
/** What a person can subscribe to; the log also shows license files and channel tests. */
export const EVENTS: EventName[] = ['license.expiry', 'license.limit'];
export const DELIVERY_EVENTS: DeliveryEvent[] = ['license.expiry', 'license.limit', 'license.file', 'channel.test'];
export const DELIVERY_STATUSES: DeliveryStatus[] = ['pending', 'sent', 'failed'];

/** The log's filters as the API takes them (`from`/`to`: ISO instants, UTC). */
export interface DeliveryFilters {
  org_id?: string;
  audience?: Delivery['audience'];
  channel?: Channel;
  event?: DeliveryEvent;
  status?: DeliveryStatus;
  from?: string;
  to?: string;
}

/** Whose preferences a page shows: the signed-in staff user, a customer seen from the console, or one's own organization. */
export type Owner = { kind: 'staff' } | { kind: 'customer'; orgId: string } | { kind: 'org'; orgId: string };

const enc = encodeURIComponent;
const consoleBase = '/api/console/notifications';
const appBase = (orgId: string) => `/api/app/orgs/${enc(orgId)}/notifications`;

function preferencesPath(owner: Owner): string {
  if (owner.kind === 'staff') return `${consoleBase}/preferences`;
  if (owner.kind === 'customer') return `${consoleBase}/customers/${enc(owner.orgId)}/preferences`;
  return `${appBase(owner.orgId)}/preferences`;
}

function testPath(owner: Owner): string | null {
  if (owner.kind === 'staff') return `${consoleBase}/preferences/test`;
  if (owner.kind === 'org') return `${appBase(owner.orgId)}/preferences/test`;
  return null; // staff do not send tests over a customer's channels
}

export const notificationKeys = {
  all: ['notifications'] as const,
  preferences: (owner: Owner) => ['notifications', 'preferences', owner] as const,
  deliveries: ['notifications', 'deliveries'] as const,
  consoleLog: (filters: DeliveryFilters) => ['notifications', 'deliveries', 'console', filters] as const,
  orgLog: (orgId: string, filters: DeliveryFilters) => ['notifications', 'deliveries', 'org', orgId, filters] as const,
};

export const getPreferences = (owner: Owner) => api<PreferencesView>(preferencesPath(owner));

export const savePreferences = (owner: Owner, body: PreferencesUpdate | StaffPreferencesUpdate) =>
  api<PreferencesView>(preferencesPath(owner), { method: 'PUT', body });

export function sendTest(owner: Owner, channel: Channel): Promise<Delivery> {
  const path = testPath(owner);
  if (!path) return Promise.reject(new Error('no test over a customer’s channels from the console'));
  return api<Delivery>(path, { method: 'POST', body: { channel } });
}

export const listConsoleDeliveries = (filters: DeliveryFilters, cursor?: string) =>
  api<DeliveryPage>(`${consoleBase}/deliveries`, { query: { ...filters, cursor } }) as Promise<Page<Delivery>>;

export const listOrgDeliveries = (orgId: string, filters: Omit<DeliveryFilters, 'org_id' | 'audience'>, cursor?: string) =>
  api<DeliveryPage>(`${appBase(orgId)}/deliveries`, { query: { ...filters, cursor } }) as Promise<Page<Delivery>>;

export const retryDelivery = (deliveryId: string) =>
  api<Delivery>(`${consoleBase}/deliveries/${enc(deliveryId)}/retry`, { method: 'POST' });

/**
 * A day range picked in Moscow time as the instants the API compares with (its log keys are UTC ISO
 * strings, so the bounds go as UTC too): `from` the day's first millisecond, `to` its last.
 */
export function moscowDayBounds(from?: string, to?: string): { from?: string; to?: string } {
  return {
    from: from ? new Date(`${from}T00:00:00.000+03:00`).toISOString() : undefined,
    to: to ? new Date(`${to}T23:59:59.999+03:00`).toISOString() : undefined,
  };
}
