import type { CustomerCard, CustomerSummary } from '../api/customers';
import { ORG } from './catalog';

/** Customers as /api/console/customers answers them (tessera.accounts.service.summary / card_view). */
export function summary(overrides: Partial<CustomerSummary> = {}): CustomerSummary {
  return {
    id: ORG, name: 'ООО «Ромашка»', legal_name: 'Общество с ограниченной ответственностью «Ромашка»', inn: '7708123450',
    kpp: '770101001', segment: 'mid_market', deployment: 'on_prem', status: 'active', manager_id: 'usr_1',
    created_at: '2026-02-01T09:00:00Z', ...overrides,
  };
}

export function card(overrides: Partial<CustomerCard> = {}): CustomerCard {
  return {
    ...summary(), source: 'console', manager: { id: 'usr_1', name: 'Анна', email: 'anna@vendor.example' },
    notes: 'Склады в Москве', status_reason: null, status_changed_at: null, updated_at: null, complete: true,
    ...overrides,
  };
}

/** The path of a recorded call, without its query string. */
export const pathOf = (url: string) => url.split('?')[0];
/** A recorded call's query string as an object. */
export const queryOf = (url: string) => Object.fromEntries(new URL(url, 'http://spa.test').searchParams);
