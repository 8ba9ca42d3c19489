import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LicenseRow } from '../../../api/licensing';
import { MeContext } from '../../../auth/session';
import i18n from '../../../i18n';
import { ITBM, license } from '../../../test/catalog';
import { json, stubFetch, type Call } from '../../../test/fetch';
import { renderRoutes, staffMe } from '../../../test/render';
import LicensesList, { filtersFrom } from './LicensesList';

// The first render loads antd's table and selects: slow on a busy machine.
vi.setConfig({ testTimeout: 20_000 });

const ROMASHKA = 'org_01JAAAAAAAAAAAAAAAAAAAAAAA';
const LYUTIK = 'org_01JBBBBBBBBBBBBBBBBBBBBBBB';

function row(id: string, overrides: Partial<LicenseRow> = {}): LicenseRow {
  return { ...license({ id }), org_id: ROMASHKA, customer_name: 'ООО «Ромашка»', ...overrides };
}

const FIRST = [
  row('lic_01JCCCCCCCCCCCCCCCCCCCCCC3', { plan: 'enterprise', state: 'NOT_YET_VALID', domain: 'budget.lyutik.ru', org_id: LYUTIK, customer_name: 'ООО «Лютик»' }),
  row('lic_01JCCCCCCCCCCCCCCCCCCCCCC2', { state: 'IN_GRACE', payment_status: 'overdue' }),
];
const SECOND = [row('lic_01JCCCCCCCCCCCCCCCCCCCCCC1', { org_id: LYUTIK, customer_name: null })];

const pathOf = (url: string) => url.split('?')[0];
const queryOf = (url: string) => Object.fromEntries(new URL(url, 'http://x').searchParams);
const listCalls = (calls: Call[]) => calls.filter((c) => pathOf(c.url) === '/api/console/licenses');
const lastQuery = (calls: Call[]) => queryOf(listCalls(calls).at(-1)!.url);

/** The list API: two pages without filters, nothing once a filter is set. */
function backend() {
  return stubFetch(({ url }) => {
    if (url.startsWith('/api/console/catalog/products')) return json([ITBM]);
    if (pathOf(url) === '/api/console/licenses') {
      const query = queryOf(url);
      const filtered = Object.keys(query).some((k) => k !== 'cursor');
      if (filtered) return json({ items: [], next_cursor: null });
      return json(query.cursor === 'page-2' ? { items: SECOND, next_cursor: null } : { items: FIRST, next_cursor: 'page-2' });
    }
    return json({}, 404);
  });
}

function show(path = '/console/licenses', roles = ['admin']) {
  return renderRoutes([
    { path: '/console/licenses', element: <MeContext.Provider value={staffMe({ roles })}><LicensesList /></MeContext.Provider> },
    { path: '/console/customers/:orgId', element: <p>customer card</p> },
    { path: '/console/licenses/new', element: <p>the wizard</p> },
  ], path);
}

async function pick(label: string, option: string) {
  await userEvent.click(screen.getByRole('combobox', { name: label }));
  await userEvent.click(await screen.findByTitle(option));
}

describe('the licenses list', () => {
  beforeEach(() => void i18n.changeLanguage('ru'));
  afterEach(() => vi.unstubAllGlobals());

  it('lists every customer\'s licenses by default, with the customer linking to its card, and loads more', async () => {
    const calls = backend();
    const { router } = show();
    const grace = (await screen.findByText('IT Budget Manager · lic_01JCCCCCCCCCCCCCCCCCCCCCC2')).closest('tr') as HTMLElement;
    expect(lastQuery(calls)).toEqual({});  // no customer to choose first
    expect(within(grace).getByText('Льготный период')).toBeTruthy();
    expect(within(grace).getByText('Просрочена')).toBeTruthy();
    const future = screen.getByText('IT Budget Manager · lic_01JCCCCCCCCCCCCCCCCCCCCCC3').closest('tr') as HTMLElement;
    expect(within(future).getByText('Enterprise · budget.lyutik.ru')).toBeTruthy();
    expect(within(future).getByRole('link', { name: 'ООО «Лютик»' }).getAttribute('href')).toBe(`/console/customers/${LYUTIK}`);

    await userEvent.click(screen.getByRole('button', { name: 'Загрузить ещё' }));
    const last = (await screen.findByText('IT Budget Manager · lic_01JCCCCCCCCCCCCCCCCCCCCCC1')).closest('tr') as HTMLElement;
    expect(lastQuery(calls)).toEqual({ cursor: 'page-2' });
    expect(within(last).getByRole('link', { name: LYUTIK })).toBeTruthy();  // a customer without a name: its id
    expect(screen.getAllByRole('row')).toHaveLength(4);  // the header and three licenses
    expect(screen.queryByRole('button', { name: 'Загрузить ещё' })).toBeNull();

    await userEvent.click(within(future).getByRole('link', { name: 'ООО «Лютик»' }));
    expect(await screen.findByText('customer card')).toBeTruthy();
    expect(router.state.location.pathname).toBe(`/console/customers/${LYUTIK}`);
  });

  it('sends the search and each filter to the server and keeps them in the address', async () => {
    const calls = backend();
    const { router } = show();
    await screen.findByText('IT Budget Manager · lic_01JCCCCCCCCCCCCCCCCCCCCCC2');

    await userEvent.type(screen.getByRole('searchbox', { name: 'Поиск лицензий' }), 'Ромашка{Enter}');
    await waitFor(() => expect(lastQuery(calls)).toEqual({ q: 'Ромашка' }));
    expect(await screen.findByText('Нет лицензий с такими условиями.')).toBeTruthy();

    await pick('Статус', 'Приостановлена');
    await waitFor(() => expect(lastQuery(calls)).toEqual({ q: 'Ромашка', status: 'suspended' }));
    await pick('Состояние', 'Льготный период');
    await pick('Тариф', 'Базовый');
    await waitFor(() => expect(lastQuery(calls)).toEqual({ q: 'Ромашка', status: 'suspended', state: 'IN_GRACE', plan: 'basic' }));

    const ends = screen.getByPlaceholderText('Истекает до');
    fireEvent.mouseDown(ends);
    fireEvent.change(ends, { target: { value: '01.07.2026' } });
    fireEvent.keyDown(ends, { key: 'Enter', code: 'Enter' });
    await waitFor(() => expect(lastQuery(calls).expires_before).toBe('2026-07-01'));
    expect(Object.fromEntries(new URLSearchParams(router.state.location.search))).toEqual({
      q: 'Ромашка', status: 'suspended', state: 'IN_GRACE', plan: 'basic', expires_before: '2026-07-01',
    });

    await userEvent.click(screen.getByRole('button', { name: 'Сбросить фильтры' }));
    await waitFor(() => expect(lastQuery(calls)).toEqual({}));
    expect(await screen.findByText('IT Budget Manager · lic_01JCCCCCCCCCCCCCCCCCCCCCC2')).toBeTruthy();
    expect((screen.getByRole('searchbox', { name: 'Поиск лицензий' }) as HTMLInputElement).value).toBe('');
  });

  it('opens filtered from a link (e.g. a customer, ending soon), and issues for that customer', async () => {
    const calls = backend();
    const { router } = show(`/console/licenses?org_id=${ROMASHKA}&state=VALID&expires_before=2026-07-01`);
    expect(await screen.findByText('Нет лицензий с такими условиями.')).toBeTruthy();
    expect(lastQuery(calls)).toEqual({ org_id: ROMASHKA, state: 'VALID', expires_before: '2026-07-01' });
    await userEvent.click(screen.getByRole('button', { name: /Выдать лицензию/ }));
    expect(await screen.findByText('the wizard')).toBeTruthy();
    expect(router.state.location.search).toBe(`?org_id=${ROMASHKA}`);
  });

  it('speaks English', async () => {
    await i18n.changeLanguage('en');
    backend();
    show('/console/licenses', ['auditor']);
    const grace = (await screen.findByText('IT Budget Manager · lic_01JCCCCCCCCCCCCCCCCCCCCCC2')).closest('tr') as HTMLElement;
    expect(within(grace).getByText('Grace period')).toBeTruthy();
    expect(screen.getByRole('searchbox', { name: 'Search licenses' })).toBeTruthy();
    expect(screen.getByRole('columnheader', { name: 'Customer' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Issue a license/ })).toBeNull();  // the auditor only reads
  });
});

describe('filters from the address', () => {
  it('keeps known values and drops the rest', () => {
    const params = new URLSearchParams({
      status: 'deleted', state: 'IN_GRACE', plan: 'Not A Plan', expires_before: '2026-13-45', org_id: 'org_x', q: '  ромашка  ',
    });
    expect(filtersFrom(params)).toEqual({ state: 'IN_GRACE', q: 'ромашка' });
    expect(filtersFrom(new URLSearchParams({ status: 'revoked', plan: 'basic', expires_before: '2026-07-01' })))
      .toEqual({ status: 'revoked', plan: 'basic', expires_before: '2026-07-01' });
  });
});
