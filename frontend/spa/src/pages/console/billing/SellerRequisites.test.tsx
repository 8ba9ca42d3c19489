import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MeContext } from '../../../auth/session';
import { seller } from '../../../test/billing';
import { json, problem, stubFetch } from '../../../test/fetch';
import { pathOf } from '../../../test/customers';
import { renderRoutes, staffMe } from '../../../test/render';
import SellerRequisites from './SellerRequisites';

vi.setConfig({ testTimeout: 60_000 });

const SELLER = '/api/console/billing/seller';

function show(roles = ['billing']) {
  return renderRoutes([
    { path: '/console/billing/seller', element: <MeContext.Provider value={staffMe({ roles })}><SellerRequisites /></MeContext.Provider> },
  ], '/console/billing/seller');
}

const field = (label: string) => screen.getByLabelText(label, { exact: true }) as HTMLInputElement;
const itemOf = (label: string) => field(label).closest('.ant-form-item') as HTMLElement;

describe('the seller requisites', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('places the server\'s errors on their nested fields, then saves', async () => {
    const refused = problem(422, {
      type: '/problems/validation', code: 'validation-failed', detail: 'Проверьте поля.',
      errors: [{ loc: 'body.bank.account', msg: 'Неверный расчётный счёт: 20 цифр, контрольный ключ должен сходиться с БИК банка.', type: 'account_invalid' }],
    });
    let answers = [refused];
    const calls = stubFetch(({ url, method, body }) => {
      if (pathOf(url) !== SELLER) return json({}, 404);
      if (method === 'PUT') return answers.shift() ?? json(seller(body as object));
      return json(seller());
    });
    show();
    await waitFor(() => expect(field('Полное наименование').value).toBe('ООО «Тессера»'));
    expect(field('БИК').value).toBe('044525225');
    await userEvent.clear(field('БИК'));
    await userEvent.type(field('БИК'), '044525974');
    await userEvent.click(screen.getByRole('button', { name: /Сохранить/ }));
    expect(await within(itemOf('Расчётный счёт')).findByText(/Неверный расчётный счёт/)).toBeTruthy();
    const sent = calls.filter((c) => c.method === 'PUT')[0].body as { bank: { bik: string }; accountant: unknown; kpp: string };
    expect(sent.bank.bik).toBe('044525974');
    expect(sent.accountant).toBeNull();
    expect(sent.kpp).toBe('770701001');

    answers = [];
    await userEvent.clear(field('БИК'));
    await userEvent.type(field('БИК'), '044525225');
    await userEvent.click(screen.getByRole('button', { name: /Сохранить/ }));
    expect(await screen.findByText('Реквизиты сохранены.')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(2);
  });

  it('checks digits before sending', async () => {
    const calls = stubFetch(({ url }) => (pathOf(url) === SELLER ? json(seller()) : json({}, 404)));
    show();
    await waitFor(() => expect(field('БИК').value).toBe('044525225'));
    await userEvent.clear(field('БИК'));
    await userEvent.type(field('БИК'), '04452');
    await userEvent.click(screen.getByRole('button', { name: /Сохранить/ }));
    expect(await within(itemOf('БИК')).findByText('9 цифр.')).toBeTruthy();
    expect(calls.some((c) => c.method === 'PUT')).toBe(false);
  });

  it('starts empty when none are set, and is read-only for an auditor', async () => {
    stubFetch(({ url }) => (pathOf(url) === SELLER ? problem(404, { code: 'seller-requisites-missing', detail: 'Не заданы.' }) : json({}, 404)));
    const { unmount } = show();
    expect(await screen.findByText(/Реквизиты ещё не заполнены/)).toBeTruthy();
    expect(field('ИНН').value).toBe('');
    unmount();
    vi.unstubAllGlobals();

    stubFetch(({ url }) => (pathOf(url) === SELLER ? json(seller()) : json({}, 404)));
    show(['auditor']);
    await waitFor(() => expect(field('ИНН').value).toBe('7707083893'));
    expect(field('ИНН').disabled).toBe(true);
    expect(screen.queryByRole('button', { name: /Сохранить/ })).toBeNull();
    expect(screen.getByText(/Только просмотр/)).toBeTruthy();
  });
});
