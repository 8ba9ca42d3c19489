import { answer, api, type Answer, type Body, type Query } from '../../api/client';

export type PreferencesView = Answer<'/api/console/notifications/preferences', 'get'>;
export type PreferencesUpdate = Body<'/api/app/orgs/{org_id}/notifications/preferences', 'put'>;
export type StaffPreferencesUpdate = Body<'/api/console/notifications/preferences', 'put'>;
export type Delivery = Answer<'/api/console/notifications/deliveries/{delivery_id}/retry', 'post'>;

export type Channel = Delivery['channel'];
export type DeliveryEvent = Delivery['event'];
export type DeliveryStatus = Delivery['status'];
export type EventName = PreferencesView['events'][number];
export type NoticeLanguage = PreferencesView['language'];

/** The log's filters as the API takes them (`from`/`to`: ISO instants, UTC). */
export type DeliveryFilters = Omit<Query<'/api/console/notifications/deliveries', 'get'>, 'cursor' | 'limit'>;

/** Whose preferences a page shows: the signed-in staff user, a customer seen from the console, or one's own organization. */
export type Owner = { kind: 'staff' } | { kind: 'customer'; orgId: string } | { kind: 'org'; orgId: string };

const org = (orgId: string) => ({ params: { path: { org_id: orgId } } });

export const notificationKeys = {
  all: ['notifications'] as const,
  preferences: (owner: Owner) => ['notifications', 'preferences', owner] as const,
  deliveries: ['notifications', 'deliveries'] as const,
  consoleLog: (filters: DeliveryFilters) => ['notifications', 'deliveries', 'console', filters] as const,
  orgLog: (orgId: string, filters: DeliveryFilters) => ['notifications', 'deliveries', 'org', orgId, filters] as const,
};

export function getPreferences(owner: Owner): Promise<PreferencesView> {
  if (owner.kind === 'staff') return answer(api.GET('/api/console/notifications/preferences'));
  if (owner.kind === 'customer') return answer(api.GET('/api/console/notifications/customers/{org_id}/preferences', org(owner.orgId)));
  return answer(api.GET('/api/app/orgs/{org_id}/notifications/preferences', org(owner.orgId)));
}

/** `body` as `toUpdate` builds it for the owner: a staff user's own, or an organization's with its recipients. */
export function savePreferences(owner: Owner, body: PreferencesUpdate | StaffPreferencesUpdate): Promise<PreferencesView> {
  if (owner.kind === 'staff') {
    return answer(api.PUT('/api/console/notifications/preferences', { body: body as StaffPreferencesUpdate }));
  }
  const update = { ...org(owner.orgId), body: body as PreferencesUpdate };
  if (owner.kind === 'customer') return answer(api.PUT('/api/console/notifications/customers/{org_id}/preferences', update));
  return answer(api.PUT('/api/app/orgs/{org_id}/notifications/preferences', update));
}

export function sendTest(owner: Owner, channel: Channel): Promise<Delivery> {
  if (owner.kind === 'staff') return answer(api.POST('/api/console/notifications/preferences/test', { body: { channel } }));
  if (owner.kind === 'org') return answer(api.POST('/api/app/orgs/{org_id}/notifications/preferences/test', { ...org(owner.orgId), body: { channel } }));
  return Promise.reject(new Error('no test over a customer’s channels from the console'));
}

export const listConsoleDeliveries = (filters: DeliveryFilters, cursor?: string) =>
  answer(api.GET('/api/console/notifications/deliveries', { params: { query: { ...filters, cursor } } }));

export const listOrgDeliveries = (orgId: string, filters: Omit<DeliveryFilters, 'org_id' | 'audience'>, cursor?: string) =>
  answer(api.GET('/api/app/orgs/{org_id}/notifications/deliveries', { params: { path: { org_id: orgId }, query: { ...filters, cursor } } }));

export const retryDelivery = (deliveryId: string) =>
  answer(api.POST('/api/console/notifications/deliveries/{delivery_id}/retry', { params: { path: { delivery_id: deliveryId } } }));

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
