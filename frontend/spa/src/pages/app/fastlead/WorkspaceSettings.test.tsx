import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { customerMe } from '../../../test/appBilling';
import { renderFastlead, workspace, WS, WS_BASE, WS2 } from '../../../test/fastlead';
import { json, problem, stubFetch, type Call } from '../../../test/fetch';

vi.setConfig({ testTimeout: 30_000 });
configure({ asyncUtilTimeout: 10_000 });
afterEach(() => vi.unstubAllGlobals());

const ONE = `${WS_BASE}/${WS}`;

function backend(patch: (call: Call) => Response = (call) => json(workspace(call.body as object))) {
  return stubFetch((call) => {
    if (call.url === ONE && call.method === 'GET') return json(workspace());
    if (call.url === ONE && call.method === 'PATCH') return patch(call);
    if (call.url === `${ONE}/archive`) return json(workspace({ status: 'archived' }));
    if (call.url === WS_BASE) return json({ items: [workspace(), workspace({ id: WS2, name: 'Второй сайт' })], limit: null });
    return problem(404);
  });
}

const origin = (n: number) => screen.getByRole('textbox', { name: `Разрешённый источник ${n}` });
const writes = (calls: Call[]) => calls.filter((c) => c.method !== 'GET').map((c) => [c.method, c.url, c.body]);

describe('a workspace\'s settings', () => {
  it('saves the name, domain and an added origin', async () => {
    const calls = backend();
    renderFastlead(customerMe('admin'), `/app/fastlead/${WS}/settings`);
    expect((await screen.findByLabelText('Название') as HTMLInputElement).value).toBe('Окна на заказ');
    expect((origin(1) as HTMLInputElement).value).toBe('https://okna.example.ru');
    await userEvent.click(screen.getByRole('button', { name: /Добавить источник/ }));
    await userEvent.type(origin(2), 'https://www.okna.example.ru');
    await userEvent.click(screen.getByRole('button', { name: 'Сохранить' }));
    await waitFor(() => expect(writes(calls)).toEqual([['PATCH', ONE, {
      name: 'Окна на заказ', domain: 'okna.example.ru', allowed_origins: ['https://okna.example.ru', 'https://www.okna.example.ru'],
    }]]));
    expect(await screen.findByText('Сохранено')).toBeTruthy();
  });

  it('refuses an origin with a path before sending', async () => {
    const calls = backend();
    renderFastlead(customerMe('owner'), `/app/fastlead/${WS}/settings`);
    await userEvent.clear(await screen.findByRole('textbox', { name: 'Разрешённый источник 1' }));
    await userEvent.type(origin(1), 'https://okna.example.ru/catalog');
    await userEvent.click(screen.getByRole('button', { name: 'Сохранить' }));
    expect(await screen.findByText(/Только схема и адрес сайта/)).toBeTruthy();
    expect(writes(calls)).toEqual([]);
  });

  it('shows the server\'s error under the origin it names', async () => {
    backend(() => problem(422, {
      type: '/problems/validation-failed', code: 'validation-failed', detail: 'Проверьте поля.',
      errors: [{ loc: 'body.allowed_origins.1', msg: 'Источник — это схема и адрес сайта, например https://okna.example.ru.', code: 'origin_invalid' }],
    }));
    renderFastlead(customerMe('owner'), `/app/fastlead/${WS}/settings`);
    await userEvent.click(await screen.findByRole('button', { name: /Добавить источник/ }));
    await userEvent.type(origin(2), 'https://okna.example.ru:99999');  // a port the server refuses
    await userEvent.click(screen.getByRole('button', { name: 'Сохранить' }));
    const error = await screen.findByText(/^Источник — это схема и адрес сайта/);
    expect(error.closest('.ant-form-item')?.contains(origin(2))).toBe(true);
    expect(error.closest('.ant-form-item')?.contains(origin(1))).toBe(false);
  });

  it('archives only after a confirmation, then goes back to the list', async () => {
    const calls = backend();
    const { router } = renderFastlead(customerMe('owner'), `/app/fastlead/${WS}/settings`);
    await userEvent.click(await screen.findByRole('button', { name: 'Перенести в архив' }));
    const confirm = within(await screen.findByRole('dialog'));
    expect(confirm.getByText('Перенести «Окна на заказ» в архив?')).toBeTruthy();
    expect(writes(calls)).toEqual([]);
    await userEvent.click(confirm.getByRole('button', { name: 'Перенести в архив' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/app/fastlead'));
    expect(writes(calls)).toEqual([['POST', `${ONE}/archive`, undefined]]);
  });

  it('is read-only for an operator', async () => {
    backend();
    renderFastlead(customerMe('operator'), `/app/fastlead/${WS}/settings`);
    expect((await screen.findByLabelText('Название') as HTMLInputElement).disabled).toBe(true);
    expect(screen.queryByRole('button', { name: 'Сохранить' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Перенести в архив' })).toBeNull();
    expect(screen.queryByRole('button', { name: /Добавить источник/ })).toBeNull();
  });

  it('switches to another workspace from the header, keeping the tab', async () => {
    backend();
    const { router } = renderFastlead(customerMe('analyst'), `/app/fastlead/${WS}/settings`);
    await userEvent.click(await screen.findByRole('combobox', { name: 'Рабочее пространство' }));
    await userEvent.click(await screen.findByTitle('Второй сайт'));
    await waitFor(() => expect(router.state.location.pathname).toBe(`/app/fastlead/${WS2}/settings`));
  });
});
