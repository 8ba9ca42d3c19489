import { afterEach, describe, expect, it, vi } from 'vitest';
import i18n from '../i18n';
import { json, problem, stubFetch } from '../test/fetch';
import { ApiError } from './errors';
import { api, cancelScheduledRefresh, scheduleRefresh, setSessionExpiredHandler } from './http';

afterEach(() => {
  setSessionExpiredHandler(null);
  cancelScheduledRefresh();
  vi.useRealTimers();
});

describe('requests', () => {
  it('sends cookies, the UI language, and the CSRF cookie as a header on writes only', async () => {
    document.cookie = 'tessera_csrf=csrf-123; path=/';
    await i18n.changeLanguage('en');
    const calls = stubFetch(() => json({ ok: true }));

    await api('/api/console/staff');
    await api('/api/console/staff', { method: 'POST', body: { email: 'a@b.example' } });
    await api('/api/auth/sessions/s1', { method: 'DELETE' });

    expect(calls.map((c) => c.credentials)).toEqual(['include', 'include', 'include']);
    expect(calls[0].headers.get('Accept-Language')).toBe('en');
    expect(calls[0].headers.get('X-CSRF-Token')).toBeNull();
    expect(calls[1].headers.get('X-CSRF-Token')).toBe('csrf-123');
    expect(calls[1].headers.get('Content-Type')).toBe('application/json');
    expect(calls[1].body).toEqual({ email: 'a@b.example' });
    expect(calls[2].headers.get('X-CSRF-Token')).toBe('csrf-123');
  });

  it('leaves empty query values out', async () => {
    const calls = stubFetch(() => json({ items: [], next_cursor: null }));
    await api('/api/console/audit', { query: { actor: 'usr_1', action: '', cursor: undefined, limit: 25 } });
    expect(calls[0].url).toBe('/api/console/audit?actor=usr_1&limit=25');
  });

  it('answers undefined for 204', async () => {
    stubFetch(() => new Response(null, { status: 204 }));
    await expect(api('/api/auth/logout', { method: 'POST' })).resolves.toBeUndefined();
  });
});

describe('errors', () => {
  it('parses a problem into an ApiError with its field errors', async () => {
    stubFetch(() => problem(422, {
      type: '/problems/validation-failed', code: 'validation-failed', detail: 'Некоторые поля заполнены неверно.',
      errors: [{ loc: 'body.email', msg: 'Неверный адрес', code: 'value_error' }],
    }));
    const error = await api('/api/auth/register', { method: 'POST', body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 422, type: '/problems/validation-failed', code: 'validation-failed', detail: 'Некоторые поля заполнены неверно.',
      errors: [{ loc: 'body.email', msg: 'Неверный адрес', code: 'value_error' }],
    });
  });

  it("understands API Gateway's own answers and network failures", async () => {
    stubFetch(() => json({ message: 'Forbidden' }, 403));
    await expect(api('/api/console/staff')).rejects.toMatchObject({ status: 403, code: 'forbidden', type: 'gateway' });

    vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))));
    await expect(api('/api/console/staff')).rejects.toMatchObject({ status: 0, code: 'network' });
  });
});

describe('an expired access token', () => {
  it('is refreshed once for concurrent 401s, then every call is retried', async () => {
    let refreshed = false;
    const calls = stubFetch(({ url }) => {
      if (url === '/api/auth/refresh') {
        refreshed = true;
        return json({ expires_in: 900, csrf_token: 'new' });
      }
      return refreshed ? json({ url }) : problem(401);
    });

    const answers = await Promise.all([api('/api/console/staff'), api('/api/console/audit'), api('/api/auth/me')]);

    expect(answers).toEqual([{ url: '/api/console/staff' }, { url: '/api/console/audit' }, { url: '/api/auth/me' }]);
    expect(calls.filter((c) => c.url === '/api/auth/refresh')).toHaveLength(1);
    expect(calls).toHaveLength(7); // three 401s, one refresh, three retries
  });

  it('sends the user to the area sign-in with return_to when the refresh fails', async () => {
    window.history.replaceState(null, '', '/console/audit?actor=usr_7');
    const expired = vi.fn();
    setSessionExpiredHandler(expired);
    stubFetch(() => problem(401));

    await expect(api('/api/console/audit')).rejects.toMatchObject({ status: 401 });
    expect(expired).toHaveBeenCalledWith('/console/login?return_to=%2Fconsole%2Faudit%3Factor%3Dusr_7');
  });

  it('is not refreshed for a wrong password: that 401 is the answer', async () => {
    const expired = vi.fn();
    setSessionExpiredHandler(expired);
    const calls = stubFetch(() => problem(401, { detail: 'Неверный e-mail или пароль.' }));

    await expect(api('/api/auth/login', { method: 'POST', body: {} })).rejects.toMatchObject({ detail: 'Неверный e-mail или пароль.' });
    expect(calls.map((c) => c.url)).toEqual(['/api/auth/login']);
    expect(expired).not.toHaveBeenCalled();
  });

  it('with the refresh policy, throws instead of redirecting', async () => {
    const expired = vi.fn();
    setSessionExpiredHandler(expired);
    stubFetch(() => problem(401));
    await expect(api('/api/auth/me', { unauthorized: 'refresh' })).rejects.toMatchObject({ status: 401 });
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
