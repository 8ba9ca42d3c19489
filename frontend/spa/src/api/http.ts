import i18next from 'i18next';
import { areaOf, signInPath } from '../lib/area';
import { ApiError, problemFromResponse } from './errors';

const CSRF_COOKIE = 'tessera_csrf';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Refresh this long before the access token expires, so a request rarely meets an expired one. */
const REFRESH_AHEAD_SECONDS = 60;

/**
 * What a 401 means for a call:
 * - `redirect`: the access token expired: refresh once, retry, else send the user to sign-in;
 * - `refresh`: the same, but when the session is gone just throw (pages that also work signed out);
 * - `none`: the 401 is the answer itself (wrong password, expired link, the refresh call).
 */
export type UnauthorizedPolicy = 'redirect' | 'refresh' | 'none';

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, QueryValue>;
  signal?: AbortSignal;
  unauthorized?: UnauthorizedPolicy;
}

// Calls whose 401 means "these credentials are wrong", not "the access token expired".
const CREDENTIAL_CALLS = /^\/api\/auth\/(login|refresh|logout|register|confirm|password\/|invites\/|oidc\/)/;

export function readCookie(name: string): string | undefined {
  for (const pair of document.cookie.split(';')) {
    const [key, ...value] = pair.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

export function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.append(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

function uiLanguage(): string {
  return i18next.resolvedLanguage || i18next.language || 'ru';
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const method = options.method ?? 'GET';
  const headers = new Headers({ Accept: 'application/json, application/problem+json', 'Accept-Language': uiLanguage() });
  if (WRITE_METHODS.has(method)) {
    const csrf = readCookie(CSRF_COOKIE);
    if (csrf) headers.set('X-CSRF-Token', csrf);
  }
  let body: string | undefined;
  if (options.body !== undefined) {
    headers.set('Content-Type', 'application/json');
    body = JSON.stringify(options.body);
  }
  try {
    return await fetch(buildUrl(path, options.query), { method, headers, body, credentials: 'include', signal: options.signal });
  } catch (cause) {
    if (options.signal?.aborted) throw cause;
    throw ApiError.network(cause);
  }
}

// --- the session --------------------------------------------------------------------------------

let refreshing: Promise<boolean> | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * Rotates the refresh cookie for a new access token. Single-flight: every caller that meets a 401
 * while a refresh is under way waits for that same refresh (a second one would present a token
 * that was just rotated, which the server treats as reuse and revokes the session family).
 */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      const response = await send('/api/auth/refresh', { method: 'POST' });
      if (!response.ok) return false;
      const answer = (await response.json()) as { expires_in?: number };
      scheduleRefresh(answer.expires_in);
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** Refreshes in the background about a minute before the access token expires. */
export function scheduleRefresh(expiresInSeconds: number | undefined): void {
  cancelScheduledRefresh();
  if (!expiresInSeconds || expiresInSeconds <= 0) return;
  const delay = Math.max(expiresInSeconds - REFRESH_AHEAD_SECONDS, 5) * 1000;
  refreshTimer = setTimeout(() => void refreshSession(), delay);
}

export function cancelScheduledRefresh(): void {
  clearTimeout(refreshTimer);
  refreshTimer = undefined;
}

type SessionExpiredHandler = (signInUrl: string) => void;
const fullPageNavigation: SessionExpiredHandler = (url) => window.location.assign(url);
let onSessionExpired: SessionExpiredHandler = fullPageNavigation;

/** The app routes to sign-in without a page load; without a handler the browser navigates. */
export function setSessionExpiredHandler(handler: SessionExpiredHandler | null): void {
  onSessionExpired = handler ?? fullPageNavigation;
}

function sessionExpired(): void {
  const { pathname, search } = window.location;
  onSessionExpired(signInPath(areaOf(pathname), pathname + search));
}

// --- requests -----------------------------------------------------------------------------------

/** Sends a request; a non-2xx answer throws an ApiError, after one refresh-and-retry on 401. */
export async function request(path: string, options: RequestOptions = {}): Promise<Response> {
  const policy = options.unauthorized ?? (CREDENTIAL_CALLS.test(path) ? 'none' : 'redirect');
  let response = await send(path, options);
  if (response.status === 401 && policy !== 'none') {
    if (await refreshSession()) response = await send(path, options);
    if (response.status === 401 && policy === 'redirect') sessionExpired();
  }
  if (!response.ok) throw await problemFromResponse(response);
  return response;
}

/** A JSON answer (undefined for 204 and empty bodies). */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await request(path, options);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A file answer (exports), named by Content-Disposition when the server names it. */
export async function download(path: string, options: RequestOptions = {}): Promise<{ blob: Blob; filename?: string }> {
  const response = await request(path, options);
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const match = /filename\*=UTF-8''([^;]+)|filename="?([^";]+)"?/i.exec(disposition);
  const filename = match ? decodeURIComponent(match[1] ?? match[2]) : undefined;
  return { blob: await response.blob(), filename };
}
