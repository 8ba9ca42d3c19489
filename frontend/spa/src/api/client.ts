import i18next from 'i18next';
import createClient, { createQuerySerializer } from 'openapi-fetch';
import type { HttpMethod, SuccessResponseJSON } from 'openapi-typescript-helpers';
import { areaOf, signInPath } from '../lib/area';
import { ApiError, problemFrom } from './errors';
import type { paths } from './schema';

/**
 * The API client: openapi-fetch on the `paths` generated from docs/openapi.json, so a call's path,
 * parameters, body and answer are typed together. Every request goes through `transport`, which adds
 * the UI language and the CSRF header, refreshes an expired access token once (shared by concurrent
 * callers) and retries; `answer` and `file` turn a non-2xx answer into an ApiError.
 */

type Method<P extends keyof paths> = Extract<keyof paths[P], HttpMethod>;
type Operation<P extends keyof paths, M extends Method<P>> = NonNullable<paths[P][M]>;

/** The JSON a 2xx answer of that operation carries. */
export type Answer<P extends keyof paths, M extends Method<P>> = SuccessResponseJSON<Operation<P, M>>;
/** The JSON body the operation takes (also when the body is optional). */
export type Body<P extends keyof paths, M extends Method<P>> =
  Operation<P, M> extends { requestBody?: { content: { 'application/json': infer B } } } ? NonNullable<B> : never;
/** The operation's query parameters. */
export type Query<P extends keyof paths, M extends Method<P>> =
  NonNullable<Operation<P, M> extends { parameters: { query?: infer Q } } ? Q : never>;
/** The operation's path parameters. */
export type PathParams<P extends keyof paths, M extends Method<P>> =
  Operation<P, M> extends { parameters: { path: infer Q } } ? Q : never;

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

// Calls whose 401 means "these credentials are wrong", not "the access token expired".
const CREDENTIAL_CALLS = /^\/api\/auth\/(login|refresh|logout|register|confirm|password\/|invites\/|oidc\/)/;

export function readCookie(name: string): string | undefined {
  for (const pair of document.cookie.split(';')) {
    const [key, ...value] = pair.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

function uiLanguage(): string {
  return i18next.resolvedLanguage || i18next.language || 'ru';
}

async function send(request: Request): Promise<Response> {
  request.headers.set('Accept', 'application/json, application/problem+json');
  request.headers.set('Accept-Language', uiLanguage());
  if (WRITE_METHODS.has(request.method)) {
    const csrf = readCookie(CSRF_COOKIE);
    if (csrf) request.headers.set('X-CSRF-Token', csrf);
  }
  try {
    // Looked up on each call, not captured once, so tests can stand in for the network.
    return await globalThis.fetch(request);
  } catch (cause) {
    if (request.signal.aborted) throw cause;
    throw ApiError.network(cause);
  }
}

/** Sends a request with `policy` for a 401 (by default: `none` for credential calls, else `redirect`). */
function transport(policy?: UnauthorizedPolicy) {
  return async (request: Request): Promise<Response> => {
    const onUnauthorized = policy ?? (CREDENTIAL_CALLS.test(new URL(request.url).pathname) ? 'none' : 'redirect');
    // Each attempt sends a copy: the retry needs the body again, and the CSRF cookie a refresh set.
    let response = await send(request.clone());
    if (response.status === 401 && onUnauthorized !== 'none') {
      if (await refreshSession()) response = await send(request.clone());
      if (response.status === 401 && onUnauthorized === 'redirect') sessionExpired();
    }
    return response;
  };
}

const serializeQuery = createQuerySerializer();

export const api = createClient<paths>({
  // A Request needs an absolute URL outside the browser (Vitest); in the browser this is the page's own origin.
  baseUrl: window.location.origin,
  credentials: 'include',
  fetch: transport(),
  // Filters left empty in a form are not filters: `?q=` would search for nothing.
  querySerializer: (query) =>
    serializeQuery(Object.fromEntries(Object.entries(query ?? {}).filter(([, value]) => value !== ''))),
});

/** Per-call options for a call whose 401 means something else than "refresh and retry". */
export const whenUnauthorized = (policy: UnauthorizedPolicy) => ({ fetch: transport(policy) });

// --- answers ------------------------------------------------------------------------------------

interface Outcome<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

async function settle<T>(call: Promise<Outcome<T>>): Promise<{ data: T; response: Response }> {
  const { data, error, response } = await call;
  if (!response.ok) throw problemFrom(response.status, error);
  return { data: data as T, response };
}

/** The body of a 2xx answer (undefined when empty); any other answer throws an ApiError. */
export async function answer<T>(call: Promise<Outcome<T>>): Promise<T> {
  return (await settle(call)).data;
}

export interface DownloadedFile {
  blob: Blob;
  /** As the server names it in Content-Disposition. */
  filename?: string;
}

/** A file answer (exports, license files): call with `parseAs: 'blob'`. */
export async function file(call: Promise<Outcome<Blob>>): Promise<DownloadedFile> {
  const { data, response } = await settle(call);
  const disposition = response.headers.get('Content-Disposition') ?? '';
  // RFC 6266: `filename*` (UTF-8, e.g. a Russian name) wins over the ASCII `filename` sent next to it
  const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  const filename = utf8 ? decodeURIComponent(utf8[1]) : plain?.[1];
  return { blob: data, filename };
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
      const { expires_in } = await answer(api.POST('/api/auth/refresh'));
      scheduleRefresh(expires_in);
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
export function scheduleRefresh(expiresInSeconds: number | null | undefined): void {
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
