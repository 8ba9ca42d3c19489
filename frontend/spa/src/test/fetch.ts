import { vi } from 'vitest';

export type Call = { url: string; method: string; headers: Headers; body: unknown; credentials?: RequestCredentials };
type Handler = (call: Call) => Response | Promise<Response>;

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

export function problem(status: number, fields: Record<string, unknown> = {}): Response {
  const body = { type: '/problems/unauthorized', title: 'Problem', status, detail: 'Нужно войти.', code: 'x', ...fields };
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/problem+json' } });
}

/** The API client sends Requests with absolute URLs; calls to our own origin are recorded as path and query. */
async function record(input: RequestInfo | URL, init: RequestInit): Promise<Call> {
  if (!(input instanceof Request)) {
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    return { url: String(input), method: init.method ?? 'GET', headers: new Headers(init.headers), body, credentials: init.credentials };
  }
  const url = new URL(input.url);
  const text = await input.text();
  return {
    url: url.origin === window.location.origin ? url.pathname + url.search : input.url,
    method: input.method,
    headers: input.headers,
    body: text ? JSON.parse(text) : undefined,
    credentials: input.credentials,
  };
}

/** Replaces fetch with `handler` and records every call. */
export function stubFetch(handler: Handler): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal('fetch', vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const call = await record(input, init);
    calls.push(call);
    return handler(call);
  }));
  return calls;
}
