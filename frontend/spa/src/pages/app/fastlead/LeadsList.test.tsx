import { configure, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Lead } from '../../../api/fastlead';
import { customerMe } from '../../../test/appBilling';
import { lead, LEAD_ID, lockedLead, renderFastlead, workspace, WS, WS_BASE } from '../../../test/fastlead';
import { json, problem, stubFetch, type Call } from '../../../test/fetch';

vi.setConfig({ testTimeout: 30_000 });
configure({ asyncUtilTimeout: 10_000 });
afterEach(() => vi.unstubAllGlobals());

const ONE = `${WS_BASE}/${WS}`;
const LEADS = `${ONE}/leads`;

/** `pages`: the pages of the list, the second one behind the cursor `c2`. */
function backend(pages: Lead[][]) {
  return stubFetch((call) => {
    const [path, query = ''] = call.url.split('?');
    if (path === ONE) return json(workspace());
    if (path === LEADS) {
      const second = new URLSearchParams(query).get('cursor') === 'c2';
      return json({ items: pages[second ? 1 : 0] ?? [], next_cursor: !second && pages.length > 1 ? 'c2' : null });
    }
    return problem(404);
  });
}

/** The query of each list request, as a plain object. */
const listQueries = (calls: Call[]) => calls
  .filter((c) => c.url.startsWith(`${LEADS}?`) || c.url === LEADS)
  .map((c) => Object.fromEntries(new URLSearchParams(c.url.split('?')[1] ?? '')));

describe('the leads list', () => {
  it('shows the leads newest first with contacts, channel and status, and opens one', async () => {
    backend([[lead(), lead({ id: 'lead_01JABCDEFGHJKMNPQRSTVWXYZ1', name: null, phone: null, email: 'anna@example.ru', status: 'contacted' })]]);
    const { router } = renderFastlead(customerMe('operator'), `/app/fastlead/${WS}/leads`);
    expect(await screen.findByText('Иван Петров · +79991234567')).toBeTruthy();
    expect(screen.getByText('anna@example.ru')).toBeTruthy();
    expect(screen.getByText('Связались')).toBeTruthy();
    await userEvent.click(screen.getByText('Иван Петров · +79991234567'));
    await waitFor(() => expect(router.state.location.pathname).toBe(`/app/fastlead/${WS}/leads/${LEAD_ID}`));
  });

  it('says how to get leads when there are none', async () => {
    backend([[]]);
    renderFastlead(customerMe('owner'), `/app/fastlead/${WS}/leads`);
    expect(await screen.findByText(/Заявок пока нет\. Настройте и опубликуйте виджет/)).toBeTruthy();
  });

  it('sends the filters of the address as the API\'s query, days as Moscow days', async () => {
    const calls = backend([[]]);
    renderFastlead(customerMe('analyst'), `/app/fastlead/${WS}/leads?status=new&channel=widget&from=2026-12-01&to=2026-12-03&q=Иван&bogus=1`);
    expect(await screen.findByText('Нет заявок, подходящих под фильтры.')).toBeTruthy();
    expect(listQueries(calls)).toEqual([{
      status: 'new', channel: 'widget', created_after: '2026-12-01T00:00:00+03:00',
      created_before: '2026-12-03T23:59:59.999+03:00', q: 'Иван',
    }]);
  });

  it('filters by status and searches from the filter bar', async () => {
    const calls = backend([[lead()]]);
    renderFastlead(customerMe('operator'), `/app/fastlead/${WS}/leads`);
    await screen.findByText('Иван Петров · +79991234567');
    await userEvent.click(screen.getByRole('combobox', { name: 'Статус' }));
    await userEvent.click(await screen.findByTitle('Новая'));
    await waitFor(() => expect(listQueries(calls).at(-1)).toEqual({ status: 'new' }));
    await userEvent.type(screen.getByLabelText('Поиск'), 'петров{Enter}');
    await waitFor(() => expect(listQueries(calls).at(-1)).toEqual({ status: 'new', q: 'петров' }));
  });

  it('does not send a search of one letter and says why', async () => {
    const calls = backend([[lead()]]);
    renderFastlead(customerMe('operator'), `/app/fastlead/${WS}/leads`);
    await screen.findByText('Иван Петров · +79991234567');
    await userEvent.type(screen.getByLabelText('Поиск'), 'п{Enter}');
    expect(await screen.findByText('Для поиска введите не меньше 2 символов.')).toBeTruthy();
    expect(listQueries(calls).every((query) => !('q' in query))).toBe(true);
  });

  it('loads the next page behind the cursor', async () => {
    const calls = backend([[lead()], [lead({ id: 'lead_01JABCDEFGHJKMNPQRSTVWXYZ2', name: 'Мария', phone: '+79990000000' })]]);
    renderFastlead(customerMe('operator'), `/app/fastlead/${WS}/leads`);
    await screen.findByText('Иван Петров · +79991234567');
    await userEvent.click(screen.getByRole('button', { name: 'Загрузить ещё' }));
    expect(await screen.findByText('Мария · +79990000000')).toBeTruthy();
    expect(screen.getByText('Иван Петров · +79991234567')).toBeTruthy();
    expect(listQueries(calls)).toEqual([{}, { cursor: 'c2' }]);
    expect(screen.queryByRole('button', { name: 'Загрузить ещё' })).toBeNull();
  });

  it('shows a lead over the limit as locked with the way to upgrade', async () => {
    backend([[lockedLead(), lead()]]);
    const { router } = renderFastlead(customerMe('owner'), `/app/fastlead/${WS}/leads`);
    expect(await screen.findByText('Заявка сверх лимита тарифа')).toBeTruthy();
    expect(screen.getByText(/Часть заявок пришла сверх лимита тарифа/)).toBeTruthy();
    await userEvent.click(screen.getByRole('link', { name: 'Перейти в «Тариф и оплата»' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/app/billing'));
  });

  it('tells an operator who can upgrade instead of linking to billing', async () => {
    backend([[lockedLead()]]);
    renderFastlead(customerMe('operator'), `/app/fastlead/${WS}/leads`);
    expect(await screen.findByText('Сменить тариф может владелец или администратор организации.')).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Перейти в «Тариф и оплата»' })).toBeNull();
  });
});
