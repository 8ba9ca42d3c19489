import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProviderSettings } from '../../../api/billing';
import { MeContext } from '../../../auth/session';
import { providerSettings } from '../../../test/billing';
import { json, problem, stubFetch } from '../../../test/fetch';
import { renderRoutes, staffMe } from '../../../test/render';
import Providers from './Providers';

// Several dialogs and typed fields per test: slow on a machine the whole team shares.
vi.setConfig({ testTimeout: 60_000 });

/** The providers API: saving Т-Банк's credentials configures it (its password masked); switching sets `active`. */
function backend(start: ProviderSettings = providerSettings()) {
  let current = start;
  return stubFetch(({ url, method, body }) => {
    if (url === '/api/console/billing/providers') return json(current);
    if (url === '/api/console/billing/providers/tbank' && method === 'PUT') {
      const { terminal_key } = body as { terminal_key: string };
      current = { ...current, tbank: { configured: true, public_id: terminal_key, secret_hint: '••••word' } };
      return json(current);
    }
    if (url === '/api/console/billing/providers/active' && method === 'PUT') {
      current = { ...current, active: (body as { provider: 'yookassa' | 'tbank' }).provider };
      return json(current);
    }
    return problem(404);
  });
}

function show(roles = ['billing']) {
  return renderRoutes([
    { path: '/console/billing/providers', element: <MeContext.Provider value={staffMe({ roles })}><Providers /></MeContext.Provider> },
  ], '/console/billing/providers');
}

describe('payment providers', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('saves credentials write-only: the secret is sent once and only its mask comes back', async () => {
    const calls = backend();
    show();
    const tbank = await screen.findByRole('form', { name: 'Т-Банк' });
    expect(screen.getByText('••••_key')).toBeTruthy();  // ЮKassa's, as saved
    await userEvent.click(within(tbank).getByRole('button', { name: 'Сохранить' }));
    expect(await within(tbank).findByText(/TerminalKey — до 20/)).toBeTruthy();
    await userEvent.type(within(tbank).getByLabelText('TerminalKey'), 'Terminal_1');
    await userEvent.type(within(tbank).getByLabelText('Пароль терминала'), 'a-long-password');
    await userEvent.click(within(tbank).getByRole('button', { name: 'Сохранить' }));
    expect(await screen.findByText('Данные Т-Банк сохранены.')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'PUT').map((c) => [c.url, c.body])).toEqual([
      ['/api/console/billing/providers/tbank', { terminal_key: 'Terminal_1', password: 'a-long-password' }],
    ]);
    expect(await screen.findByText('••••word')).toBeTruthy();
    expect((within(tbank).getByLabelText('Пароль терминала') as HTMLInputElement).value).toBe('');
    expect(document.body.textContent).not.toContain('a-long-password');
  });

  it('switches the active provider only after a confirmation, and only to a configured one', async () => {
    const calls = backend(providerSettings({ tbank: { configured: true, public_id: 'Terminal_1', secret_hint: '••••word' } }));
    show();
    await userEvent.click(await screen.findByRole('radio', { name: 'Т-Банк' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('Принимать новые оплаты через Т-Банк?')).toBeTruthy();
    expect(calls.some((c) => c.method === 'PUT')).toBe(false);
    await userEvent.click(within(dialog).getByRole('button', { name: /Переключить/ }));
    expect(await screen.findByText('Новые оплаты идут через Т-Банк.')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'PUT').map((c) => c.body)).toEqual([{ provider: 'tbank' }]);
    await waitFor(() => expect((screen.getByRole('radio', { name: 'Т-Банк' }) as HTMLInputElement).checked).toBe(true));
  });

  it('does not offer an unconfigured provider', async () => {
    backend();
    show();
    expect(((await screen.findByRole('radio', { name: 'Т-Банк' })) as HTMLInputElement).disabled).toBe(true);
  });

  it('auditors read the masks but get no forms', async () => {
    backend();
    show(['auditor']);
    expect(await screen.findByText('••••_key')).toBeTruthy();
    expect(screen.getByText(/Только просмотр/)).toBeTruthy();
    expect(screen.queryByRole('form')).toBeNull();
    expect(((screen.getByRole('radio', { name: 'ЮKassa' })) as HTMLInputElement).disabled).toBe(true);
  });
});
