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

/** Replaces fetch with `handler` and records every call. */
export function stubFetch(handler: Handler): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal('fetch', vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const call: Call = {
      url: String(input),
      method: init.method ?? 'GET',
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      credentials: init.credentials,
    };
    calls.push(call);
    return handler(call);
  }));
  return calls;
}
