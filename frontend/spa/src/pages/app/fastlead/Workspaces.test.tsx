import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Workspace } from '../../../api/fastlead';
import { customerMe } from '../../../test/appBilling';
import { renderFastlead, workspace, WS, WS_BASE, WS2 } from '../../../test/fastlead';
import { json, problem, stubFetch, type Call } from '../../../test/fetch';

vi.setConfig({ testTimeout: 30_000 });
configure({ asyncUtilTimeout: 10_000 });
afterEach(() => vi.unstubAllGlobals());

function backend(items: Workspace[], limit: number | null, post?: (call: Call) => Response) {
  return stubFetch((call) => {
    if (call.url === WS_BASE && call.method === 'GET') return json({ items, limit });
    if (call.url === WS_BASE && call.method === 'POST' && post) return post(call);
    const one = new RegExp(`^${WS_BASE}/(ws_[^/]+)$`).exec(call.url);
    if (one) return json(workspace({ id: one[1] }));
    return problem(404);
  });
}

const dialog = async () => within(await screen.findByRole('dialog'));

describe('the workspaces page', () => {
  it('lists the workspaces with the plan\'s limit and links each to its leads', async () => {
    backend([workspace(), workspace({ id: WS2, name: 'Старый сайт', domain: null, status: 'archived' })], 3);
    const { router } = renderFastlead(customerMe('owner'), '/app/fastlead');
    expect(await screen.findByText(/^Активных: 1 из 3 по тарифу/)).toBeTruthy();
    expect(screen.getByText('В архиве')).toBeTruthy();
    await userEvent.click(screen.getByRole('link', { name: 'Окна на заказ' }));
    await waitFor(() => expect(router.state.location.pathname).toBe(`/app/fastlead/${WS}/leads`));
  });

  it('offers to create the first workspace when there is none', async () => {
    backend([], 1);
    renderFastlead(customerMe('owner'), '/app/fastlead');
    expect(await screen.findByText(/Рабочих пространств пока нет\. Создайте первое/)).toBeTruthy();
    expect(screen.getByRole('button', { name: /Создать рабочее пространство/ })).toBeTruthy();
  });

  it('does not offer creating to an analyst', async () => {
    backend([], 1);
    renderFastlead(customerMe('analyst'), '/app/fastlead');
    expect(await screen.findByText(/Создать их может владелец или администратор/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Создать рабочее пространство/ })).toBeNull();
  });

  it('creates a workspace and opens its widget', async () => {
    const calls = backend([], null, (call) => json(workspace({ name: (call.body as { name: string }).name }), 201));
    const { router } = renderFastlead(customerMe('admin'), '/app/fastlead');
    await userEvent.click(await screen.findByRole('button', { name: /Создать рабочее пространство/ }));
    const form = await dialog();
    await userEvent.type(form.getByLabelText('Название'), '  Окна на заказ ');
    await userEvent.type(form.getByLabelText('Домен сайта'), 'okna.example.ru');
    await userEvent.click(form.getByRole('button', { name: 'Создать' }));
    await waitFor(() => expect(router.state.location.pathname).toBe(`/app/fastlead/${WS}/widget`));
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.body)).toEqual([{ name: 'Окна на заказ', domain: 'okna.example.ru' }]);
  });

  it('asks for a name before sending anything', async () => {
    const calls = backend([], null);
    renderFastlead(customerMe('owner'), '/app/fastlead');
    await userEvent.click(await screen.findByRole('button', { name: /Создать рабочее пространство/ }));
    const form = await dialog();
    await userEvent.click(form.getByRole('button', { name: 'Создать' }));
    expect(await form.findByText('Введите название.')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);
  });

  it('shows the server\'s field error next to the domain and stays in the dialog', async () => {
    backend([], null, () => problem(422, {
      type: '/problems/validation-failed', code: 'validation-failed', detail: 'Проверьте поля.',
      errors: [{ loc: 'body.domain', msg: 'Домен сайта, например okna.example.ru.', code: 'domain_invalid' }],
    }));
    renderFastlead(customerMe('owner'), '/app/fastlead');
    await userEvent.click(await screen.findByRole('button', { name: /Создать рабочее пространство/ }));
    const form = await dialog();
    await userEvent.type(form.getByLabelText('Название'), 'Окна');
    await userEvent.type(form.getByLabelText('Домен сайта'), 'http://окна');
    await userEvent.click(form.getByRole('button', { name: 'Создать' }));
    const error = await form.findByText('Домен сайта, например okna.example.ru.');
    expect(error.closest('.ant-form-item')?.querySelector('input')?.id).toBe(form.getByLabelText('Домен сайта').id);
  });

  it('offers the upgrade when the plan allows no more workspaces', async () => {
    backend([workspace()], null, () => problem(403, {
      type: '/problems/forbidden', code: 'workspace-limit', detail: 'Тариф позволяет не больше 1 рабочих пространств: перейдите на тариф выше.',
    }));
    const { router } = renderFastlead(customerMe('owner'), '/app/fastlead');
    await userEvent.click(await screen.findByRole('button', { name: /Создать рабочее пространство/ }));
    const form = await dialog();
    await userEvent.type(form.getByLabelText('Название'), 'Второй сайт');
    await userEvent.click(form.getByRole('button', { name: 'Создать' }));
    expect(await form.findByText(/перейдите на тариф выше/)).toBeTruthy();
    await userEvent.click(form.getByRole('link', { name: 'Перейти в «Тариф и оплата»' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/app/billing'));
  });

  it('disables creating at the plan\'s limit and says why', async () => {
    backend([workspace()], 1);
    renderFastlead(customerMe('owner'), '/app/fastlead');
    expect(await screen.findByText('Тариф позволяет не больше 1 активных рабочих пространств.')).toBeTruthy();
    expect((screen.getByRole('button', { name: /Создать рабочее пространство/ }) as HTMLButtonElement).disabled).toBe(true);
  });
});
