import { LEAD_CHANNELS, LEAD_STATUSES, type LeadChannel, type LeadFilters, type LeadStatus } from '../../../api/fastlead';

/** The leads list's filters as the page's address keeps them (so a filtered list can be shared and reloaded). */
export interface LeadSearch {
  status?: LeadStatus;
  channel?: LeadChannel;
  /** Calendar days, YYYY-MM-DD, both inclusive. */
  from?: string;
  to?: string;
  q?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** The server's bound for `q`. */
export const MIN_SEARCH = 2;

export function searchFromParams(params: URLSearchParams): LeadSearch {
  const status = params.get('status');
  const channel = params.get('channel');
  const from = params.get('from');
  const to = params.get('to');
  const q = params.get('q')?.trim();
  return {
    ...(LEAD_STATUSES.includes(status as LeadStatus) ? { status: status as LeadStatus } : {}),
    ...(LEAD_CHANNELS.includes(channel as LeadChannel) ? { channel: channel as LeadChannel } : {}),
    ...(from && DAY.test(from) ? { from } : {}),
    ...(to && DAY.test(to) ? { to } : {}),
    ...(q ? { q } : {}),
  };
}

export function paramsFromSearch(search: LeadSearch): Record<string, string> {
  return Object.fromEntries(Object.entries(search).filter((entry): entry is [string, string] => !!entry[1]));
}

/**
 * The API's query: days are Moscow days, as every date in the app is shown (Moscow keeps UTC+3 all
 * year), so «с 01.12 по 03.12» is 01.12 00:00 to 03.12 23:59:59.999 МСК. A search shorter than the
 * server's minimum is not sent (the page says why).
 */
export function filtersOf(search: LeadSearch): LeadFilters {
  return {
    ...(search.status ? { status: search.status } : {}),
    ...(search.channel ? { channel: search.channel } : {}),
    ...(search.from ? { created_after: `${search.from}T00:00:00+03:00` } : {}),
    ...(search.to ? { created_before: `${search.to}T23:59:59.999+03:00` } : {}),
    ...(search.q && search.q.length >= MIN_SEARCH ? { q: search.q } : {}),
  };
}

export const isFiltered = (search: LeadSearch) => Object.keys(search).length > 0;
