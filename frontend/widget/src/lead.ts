// The lead request to `POST <api_base>/api/public/leads` and its answers — the contract is in
// docs/design/widget.md ("Submitting a lead"); the lead ingest is built to it.
import type { FieldName, Locale, WidgetConfig } from './config';
import type { ValidForm } from './validate';

export interface LeadBody extends ValidForm {
  widget_id: string;
  config_version: number;
  client_lead_id: string;
  consent: { accepted: boolean; text_version: string | null };
  page_url: string;
  referrer: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  utm_term: string | null;
  utm_content: string | null;
  honeypot: string;
  elapsed_ms: number;
  locale: Locale;
}

export type LeadResult =
  | { kind: 'sent' }
  | { kind: 'stale'; currentVersion: number | null; detail: string | null }
  | { kind: 'rate-limited' }
  | { kind: 'invalid'; detail: string | null; fields: Partial<Record<FieldName, string>> }
  | { kind: 'failed'; detail: string | null }
  | { kind: 'network' };

export interface Transport {
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export const UTM_KEYS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'] as const;
// One try and three retries, 1 s, 2 s and 4 s apart (plus up to a quarter of that at random, so many
// widgets cut off by one outage do not come back at the same instant).
export const RETRY_DELAYS_MS = [1000, 2000, 4000];
const REQUEST_TIMEOUT_MS = 15000;
const RETRY_AFTER_CAP_MS = 10000;

// crypto.randomUUID exists only in secure contexts; customers' sites may still be plain http.
export function uuid4(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function pageContext(href: string, referrer: string): Pick<LeadBody, 'page_url' | 'referrer' | (typeof UTM_KEYS)[number]> {
  const url = new URL(href);
  url.hash = '';
  const utm = {} as Record<(typeof UTM_KEYS)[number], string | null>;
  for (const key of UTM_KEYS) utm[key] = url.searchParams.get(key)?.slice(0, 200) || null;
  return { page_url: url.href.slice(0, 2000), referrer: referrer ? referrer.slice(0, 2000) : null, ...utm };
}

interface Problem {
  detail?: unknown;
  code?: unknown;
  current_version?: unknown;
  errors?: unknown;
}

async function problemOf(response: Response): Promise<Problem> {
  try {
    const body: unknown = await response.json();
    return typeof body === 'object' && body !== null ? (body as Problem) : {};
  } catch {
    return {};
  }
}

// `errors: [{loc: "body.phone", msg}]` → {phone: msg}, for the fields the widget shows.
function fieldErrors(errors: unknown): Partial<Record<FieldName, string>> {
  const fields: Partial<Record<FieldName, string>> = {};
  if (!Array.isArray(errors)) return fields;
  for (const error of errors) {
    const loc = typeof error?.loc === 'string' ? error.loc : Array.isArray(error?.loc) ? error.loc.join('.') : '';
    const field = loc.split('.').pop() as FieldName;
    if (['name', 'phone', 'email', 'message'].includes(field) && typeof error.msg === 'string') fields[field] = error.msg;
  }
  return fields;
}

function retryAfterMs(response: Response): number {
  const seconds = Number(response.headers.get('Retry-After'));
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, RETRY_AFTER_CAP_MS) : 0;
}

async function post(url: string, body: string, locale: Locale, transport: Transport): Promise<Response> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), REQUEST_TIMEOUT_MS);
  try {
    return await transport.fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, application/problem+json', 'Accept-Language': locale },
      body,
      credentials: 'omit',
      signal: abort.signal,
    });
  } finally {
    clearTimeout(timer);
  }
}

// Sends one lead. Network failures and 5xx answers are retried with the very same body — the same
// client_lead_id — so a lead that reached the server before the connection broke is not stored twice.
export async function sendLead(config: WidgetConfig, body: LeadBody, transport: Transport): Promise<LeadResult> {
  const url = `${config.apiBase}/api/public/leads`;
  const json = JSON.stringify(body);
  let last: LeadResult = { kind: 'network' };
  for (let attempt = 0; attempt <= RETRY_DELAYS_MS.length; attempt++) {
    let waitMs = 0;
    try {
      const response = await post(url, json, config.locale, transport);
      if (response.ok) return { kind: 'sent' };
      const problem = await problemOf(response);
      const detail = typeof problem.detail === 'string' && problem.detail ? problem.detail : null;
      if (response.status >= 500) {
        last = { kind: 'failed', detail };
        waitMs = retryAfterMs(response);
      } else if ((response.status === 409 || response.status === 410) && (problem.code === 'widget-config-stale' || typeof problem.current_version === 'number')) {
        return { kind: 'stale', currentVersion: typeof problem.current_version === 'number' ? problem.current_version : null, detail };
      } else if (response.status === 429) {
        return { kind: 'rate-limited' };
      } else if (response.status === 422 || response.status === 400) {
        return { kind: 'invalid', detail, fields: fieldErrors(problem.errors) };
      } else {
        return { kind: 'failed', detail };
      }
    } catch {
      last = { kind: 'network' };
    }
    if (attempt < RETRY_DELAYS_MS.length) {
      const backoff = RETRY_DELAYS_MS[attempt] * (1 + transport.random() / 4);
      await transport.sleep(Math.max(backoff, waitMs));
    }
  }
  return last;
}
