import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { IntegrationKey } from '../../../api/billing';
import { MeContext } from '../../../auth/session';
import { json, problem, stubFetch } from '../../../test/fetch';
import { renderRoutes, staffMe } from '../../../test/render';
import IntegrationKeys from './IntegrationKeys';

// Several dialogs and typed fields per test: slow on a machine the whole team shares.
vi.setConfig({ testTimeout: 60_000 });

const KEY = 'int_01JKKKKKKKKKKKKKKKKKKKKKK1';
const SECRET = 'sk_live_0123456789abcdefghijklmnopqrstuvwxyz';

function key(overrides: Partial<IntegrationKey> = {}): IntegrationKey {
  return {
    id: KEY, name: '1С: Бухгалтерия', status: 'active', secret_hint: SECRET.slice(-4), created_at: '2026-12-01T09:00:00Z',
    created_by: 'usr_1', rotated_at: null, revoked_at: null, ...overrides,
  };
}

/** The keys API: an empty list, then the key made; rotate and revoke change it. */
function backend() {
  let keys: IntegrationKey[] = [];
  return stubFetch(({ url, method, body }) => {
    if (url === '/api/console/integrations/credentials' && method === 'GET') return json(keys);
    if (url === '/api/console/integrations/credentials' && method === 'POST') {
      keys = [key({ name: (body as { name: string }).name })];
      return json({ credential: keys[0], secret: SECRET }, 201);
    }
    if (url === `/api/console/integrations/credentials/${KEY}/rotate`) {
      keys = [key({ secret_hint: 'NEW4', rotated_at: '2026-12-02T09:00:00Z' })];
      return json({ credential: keys[0], secret: 'rotated-secret-value-NEW4' });
    }
    if (url === `/api/console/integrations/credentials/${KEY}/revoke`) {
      keys = [key({ status: 'revoked', revoked_at: '2026-12-02T09:00:00Z' })];
      return json(keys[0]);
    }
    return problem(404);
  });
}

function show(roles = ['admin']) {
  return renderRoutes([
    { path: '/console/billing/integrations', element: <MeContext.Provider value={staffMe({ roles })}><IntegrationKeys /></MeContext.Provider> },
  ], '/console/billing/integrations');
}

describe('integration keys', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('makes a key and shows its secret once, with the key id, then only its last characters', async () => {
    const calls = backend();
    show();
    expect(await screen.findByText('Ключей пока нет.')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: /Создать ключ/ }));
    const form = await screen.findByRole('dialog');
    await userEvent.type(within(form).getByLabelText('Название'), '  1С: Бухгалтерия ');
    await userEvent.click(within(form).getByRole('button', { name: /Создать ключ/ }));

    const shown = await screen.findByRole('dialog', { name: 'Секрет ключа «1С: Бухгалтерия»' });
    expect(within(shown).getByText(SECRET)).toBeTruthy();
    expect(within(shown).getByText(KEY)).toBeTruthy();
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.body)).toEqual([{ name: '1С: Бухгалтерия' }]);
    await userEvent.click(within(shown).getByRole('button', { name: 'Я сохранил секрет' }));
    await waitFor(() => expect(screen.queryByText(SECRET)).toBeNull());
    const row = (await screen.findByText(`…${SECRET.slice(-4)}`)).closest('tr') as HTMLElement;
    expect(within(row).getByText('Действует')).toBeTruthy();
  });

  it('rotates after a confirmation and revokes with a reason', async () => {
    const calls = backend();
    show();
    await userEvent.click(await screen.findByRole('button', { name: /Создать ключ/ }));
    await userEvent.type(within(await screen.findByRole('dialog')).getByLabelText('Название'), '1С: Бухгалтерия');
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: /Создать ключ/ }));
    await userEvent.click(await screen.findByRole('button', { name: 'Я сохранил секрет' }));

    await userEvent.click(await screen.findByRole('button', { name: 'Сменить секрет' }));
    const confirm = await screen.findByRole('tooltip');
    expect(within(confirm).getByText(/Старый секрет перестанет работать сразу/)).toBeTruthy();
    await userEvent.click(within(confirm).getByRole('button', { name: 'Сменить секрет' }));
    expect(await screen.findByText('rotated-secret-value-NEW4')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Я сохранил секрет' }));

    await userEvent.click(await screen.findByRole('button', { name: 'Отозвать' }));
    const revoke = await screen.findByRole('dialog');
    expect(within(revoke).getByText('Отозвать ключ «1С: Бухгалтерия»?')).toBeTruthy();
    await userEvent.type(within(revoke).getByRole('textbox'), 'договор расторгнут');
    await userEvent.click(within(revoke).getByRole('button', { name: 'Отозвать' }));
    expect(await screen.findByText('Ключ «1С: Бухгалтерия» отозван.')).toBeTruthy();
    expect(calls.filter((c) => c.url.endsWith('/revoke')).map((c) => c.body)).toEqual([{ reason: 'договор расторгнут' }]);
    expect(await screen.findByText('Отозван')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Сменить секрет' })).toBeNull();
  });

  it('auditors read the list without actions', async () => {
    stubFetch(({ url }) => (url === '/api/console/integrations/credentials' ? json([key()]) : problem(404)));
    show(['auditor']);
    expect(await screen.findByText('1С: Бухгалтерия')).toBeTruthy();
    expect(screen.getByText(/создавать, менять и отзывать ключи могут администраторы/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Создать ключ|Сменить секрет|Отозвать/ })).toBeNull();
  });
});
