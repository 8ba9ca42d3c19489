import { afterEach, describe, expect, it, vi } from 'vitest';
import i18n from '../i18n';
import { json, problem, stubFetch } from '../test/fetch';
import { answer, api, cancelScheduledRefresh, file, scheduleRefresh, setSessionExpiredHandler, whenUnauthorized } from './client';
import { ApiError } from './errors';

afterEach(() => {
  setSessionExpiredHandler(null);
  cancelScheduledRefresh();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const staff = () => answer(api.GET('/api/console/staff'));

describe('requests', () => {
  it('sends cookies, the UI language, and the CSRF cookie as a header on writes only', async () => {
    document.cookie = 'tessera_csrf=csrf-123; path=/';
    await i18n.changeLanguage('en');
    const calls = stubFetch(() => json({ ok: true }));

    await staff();
    await answer(api.POST('/api/console/staff', { body: { email: 'a@b.example', roles: ['sales'] } }));
    await answer(api.DELETE('/api/auth/sessions/{session_id}', { params: { path: { session_id: 's1' } } }));

    expect(calls.map((c) => [c.method, c.url])).toEqual([
      ['GET', '/api/console/staff'], ['POST', '/api/console/staff'], ['DELETE', '/api/auth/sessions/s1'],
    ]);
    expect(calls.map((c) => c.credentials)).toEqual(['include', 'include', 'include']);
    expect(calls[0].headers.get('Accept-Language')).toBe('en');
    expect(calls[0].headers.get('X-CSRF-Token')).toBeNull();
    expect(calls[1].headers.get('X-CSRF-Token')).toBe('csrf-123');
    expect(calls[1].headers.get('Content-Type')).toBe('application/json');
    expect(calls[1].body).toEqual({ email: 'a@b.example', roles: ['sales'] });
    expect(calls[2].headers.get('X-CSRF-Token')).toBe('csrf-123');
  });

  it('puts path parameters in encoded and leaves empty query values out', async () => {
    const calls = stubFetch(() => json({ items: [], next_cursor: null }));
    await answer(api.GET('/api/console/audit', { params: { query: { actor: 'usr_1', action: '', cursor: undefined, limit: 25 } } }));
    await answer(api.GET('/api/auth/invites/{token}', { params: { path: { token: 'a/b c' } } }));
    expect(calls.map((c) => c.url)).toEqual(['/api/console/audit?actor=usr_1&limit=25', '/api/auth/invites/a%2Fb%20c']);
  });

  it('answers undefined for an empty body', async () => {
    stubFetch(() => new Response(null, { status: 204 }));
    await expect(answer(api.POST('/api/auth/logout'))).resolves.toBeUndefined();
  });

  it('hands a file over with the name the server gave it', async () => {
    stubFetch(() => new Response('a;b\n', {
      headers: { 'Content-Type': 'text/csv', 'Content-Disposition': "attachment; filename*=UTF-8''%D0%B0%D1%83%D0%B4%D0%B8%D1%82.csv" },
    }));
    const saved = await file(api.GET('/api/console/audit/export', { params: { query: { format: 'csv' } }, parseAs: 'blob' }));
    expect(saved.filename).toBe('аудит.csv');
    expect(await saved.blob.text()).toBe('a;b\n');
  });

  it('prefers the UTF-8 name to the ASCII fallback sent before it', async () => {
    stubFetch(() => new Response('%PDF', {
      headers: { 'Content-Disposition': "attachment; filename=\"invoice-41.pdf\"; filename*=UTF-8''%D0%A1%D1%87%D1%91%D1%82.pdf" },
    }));
    const saved = await file(api.GET('/api/console/audit/export', { params: { query: { format: 'csv' } }, parseAs: 'blob' }));
    expect(saved.filename).toBe('Счёт.pdf');
  });

  it('takes the plain name when there is no UTF-8 one', async () => {
    stubFetch(() => new Response('x', { headers: { 'Content-Disposition': 'attachment; filename="report-2026-03-10.csv"' } }));
    const saved = await file(api.GET('/api/console/audit/export', { params: { query: { format: 'csv' } }, parseAs: 'blob' }));
    expect(saved.filename).toBe('report-2026-03-10.csv');
  });
});

describe('errors', () => {
  it('parses a problem into an ApiError with its field errors', async () => {
    stubFetch(() => problem(422, {
      type: '/problems/validation-failed', code: 'validation-failed', detail: 'Некоторые поля заполнены неверно.',
      errors: [{ loc: 'body.email', msg: 'Неверный адрес', code: 'value_error' }],
    }));
    const error = await answer(api.POST('/api/auth/register', { body: { email: 'x', password: 'y', name: 'z' } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 422, type: '/problems/validation-failed', code: 'validation-failed', detail: 'Некоторые поля заполнены неверно.',
      errors: [{ loc: 'body.email', msg: 'Неверный адрес', code: 'value_error' }],
    });
  });

  it('says the password policy in the UI language: the server sends a reason code and an English text', async () => {
    const weak = () => problem(422, {
      type: '/problems/validation-failed', code: 'weak-password', detail: 'Пароль слишком простой.',
      errors: [{ loc: 'body.password', msg: 'The password must be at least 10 characters long.', code: 'too_short' }],
    });
    stubFetch(weak);
    const register = () => answer(api.POST('/api/auth/register', { body: { email: 'a@b.example', password: 'short', name: 'A' } }));

    await expect(register()).rejects.toMatchObject({ errors: [{ loc: 'body.password', msg: 'Пароль должен быть не короче 10 символов.' }] });
    await i18n.changeLanguage('en');
    await expect(register()).rejects.toMatchObject({ errors: [{ msg: 'The password must be at least 10 characters long.' }] });
  });

  it("understands API Gateway's own answers, bodies that are not JSON, and network failures", async () => {
    stubFetch(() => json({ message: 'Forbidden' }, 403));
    await expect(staff()).rejects.toMatchObject({ status: 403, code: 'forbidden', type: 'gateway' });

    stubFetch(() => new Response('<html>Bad gateway</html>', { status: 502 }));
    await expect(staff()).rejects.toMatchObject({ status: 502, code: 'http-error', type: 'about:blank' });

    vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))));
    await expect(staff()).rejects.toMatchObject({ status: 0, code: 'network' });
  });
});

describe('an expired access token', () => {
  it('is refreshed once for concurrent 401s, then every call is retried with its body and the new CSRF cookie', async () => {
    document.cookie = 'tessera_csrf=old; path=/';
    // The refresh answers only once all three calls have met their 401: they are concurrent.
    let refreshed = false;
    let unauthorized = 0;
    let refuseDone = () => {};
    const allRefused = new Promise<void>((resolve) => { refuseDone = resolve; });
    const calls = stubFetch(async ({ url }) => {
      if (url === '/api/auth/refresh') {
        await allRefused;
        refreshed = true;
        document.cookie = 'tessera_csrf=new; path=/';
        return json({ expires_in: 900, csrf_token: 'new' });
      }
      if (refreshed) return json({ url });
      if (++unauthorized === 3) refuseDone();
      return problem(401);
    });

    const answers = await Promise.all([
      staff(),
      answer(api.GET('/api/console/audit')),
      answer(api.PATCH('/api/auth/me', { body: { name: 'Анна' } })),
    ]);

    expect(answers).toEqual([{ url: '/api/console/staff' }, { url: '/api/console/audit' }, { url: '/api/auth/me' }]);
    expect(calls.filter((c) => c.url === '/api/auth/refresh')).toHaveLength(1);
    expect(calls).toHaveLength(7); // three 401s, one refresh, three retries
    const retried = calls.at(-1)!;
    expect(retried).toMatchObject({ method: 'PATCH', body: { name: 'Анна' } });
    expect(retried.headers.get('X-CSRF-Token')).toBe('new');
  });

  it('sends the user to the area sign-in with return_to when the refresh fails', async () => {
    window.history.replaceState(null, '', '/console/audit?actor=usr_7');
    const expired = vi.fn();
    setSessionExpiredHandler(expired);
    stubFetch(() => problem(401));

    await expect(answer(api.GET('/api/console/audit'))).rejects.toMatchObject({ status: 401 });
    expect(expired).toHaveBeenCalledWith('/console/login?return_to=%2Fconsole%2Faudit%3Factor%3Dusr_7');
  });

  it('is not refreshed for a wrong password: that 401 is the answer', async () => {
    const expired = vi.fn();
    setSessionExpiredHandler(expired);
    const calls = stubFetch(() => problem(401, { detail: 'Неверный e-mail или пароль.' }));

    const login = answer(api.POST('/api/auth/login', { body: { email: 'a@b.example', password: 'x', audience: 'console' } }));
    await expect(login).rejects.toMatchObject({ detail: 'Неверный e-mail или пароль.' });
    expect(calls.map((c) => c.url)).toEqual(['/api/auth/login']);
    expect(expired).not.toHaveBeenCalled();
  });

  it('with the refresh policy, throws instead of redirecting', async () => {
    const expired = vi.fn();
    setSessionExpiredHandler(expired);
    const calls = stubFetch(() => problem(401));
    await expect(answer(api.GET('/api/auth/me', whenUnauthorized('refresh')))).rejects.toMatchObject({ status: 401 });
    expect(calls.map((c) => c.url)).toEqual(['/api/auth/me', '/api/auth/refresh']);
    expect(expired).not.toHaveBeenCalled();
  });

  it('is refreshed in the background a minute before it expires', async () => {
    vi.useFakeTimers();
    const calls = stubFetch(() => json({ expires_in: 900, csrf_token: 'x' }));
    scheduleRefresh(900);

    await vi.advanceTimersByTimeAsync(839_000);
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls.map((c) => c.url)).toEqual(['/api/auth/refresh']);
  });
});
