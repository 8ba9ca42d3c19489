import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MeContext } from '../../../auth/session';
import i18n from '../../../i18n';
import { invoice, PLANS, ROMASHKA, subscription, SUBSCRIPTION_ID } from '../../../test/billing';
import { card, pathOf, queryOf } from '../../../test/customers';
import { json, problem, stubFetch, type Call } from '../../../test/fetch';
import { renderRoutes, staffMe } from '../../../test/render';
import SubscriptionDetail from './SubscriptionDetail';
import SubscriptionsList, { subscriptionFiltersFrom } from './SubscriptionsList';

// Several dialogs and typed fields per test: slow on a machine the whole team shares.
vi.setConfig({ testTimeout: 60_000 });

const SECOND = 'sub_01JSSSSSSSSSSSSSSSSSSSSSS2';
const listCalls = (calls: Call[]) => calls.filter((c) => pathOf(c.url) === '/api/console/billing/subscriptions');
const lastQuery = (calls: Call[]) => queryOf(listCalls(calls).at(-1)!.url);

function backend({ failList = false } = {}) {
  return stubFetch(({ url }) => {
    const path = pathOf(url);
    if (path === '/api/console/billing/plans') return json(PLANS);
    if (path === `/api/console/customers/${ROMASHKA}`) return json(card({ id: ROMASHKA }));
    if (path === '/api/console/billing/subscriptions') {
      if (failList) return problem(500, { detail: 'Сервис недоступен.' });
      const query = queryOf(url);
      if (query.cursor === 'page-2') return json({ items: [subscription({ id: SECOND, plan: 'fastlead_start', state: 'active' })], next_cursor: null });
      if (Object.keys(query).length > 0) return json({ items: [], next_cursor: null });
      return json({ items: [subscription({ saved_method: { provider: 'yookassa', title: 'Bank card *3220' } })], next_cursor: 'page-2' });
    }
    if (path === `/api/console/billing/subscriptions/${SUBSCRIPTION_ID}`) {
      return json(subscription({ state: 'past_due', pending_change: { kind: 'downgrade', plan: 'fastlead_start', effective_at: '2026-12-15T09:00:00Z' } }));
    }
    if (path === '/api/console/billing/invoices') {
      return json({ items: [invoice(), invoice({ id: 'inv_01JIIIIIIIIIIIIIIIIIIIIII2', number: 18, purpose: { kind: 'license_renewal', license_id: 'lic_1' } })], next_cursor: null });
    }
    return json({}, 404);
  });
}

function show(path = '/console/billing/subscriptions', roles = ['billing']) {
  const me = staffMe({ roles });
  return renderRoutes([
    { path: '/console/billing/subscriptions', element: <MeContext.Provider value={me}><SubscriptionsList /></MeContext.Provider> },
    { path: '/console/billing/subscriptions/:subscriptionId', element: <MeContext.Provider value={me}><SubscriptionDetail /></MeContext.Provider> },
    { path: '/console/customers/:orgId', element: <p>customer card</p> },
  ], path);
}

describe('the subscriptions list', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('lists subscriptions with the plan, customer, state and saved method, and loads more', async () => {
    backend();
    show();
    const row = (await screen.findByRole('link', { name: 'Про' })).closest('tr') as HTMLElement;
    expect(within(row).getByText('Пробный период')).toBeTruthy();
    expect(await within(row).findByRole('link', { name: 'ООО «Ромашка»' })).toBeTruthy();
    expect(within(row).getByText('Да')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Загрузить ещё' }));
    const second = (await screen.findByRole('link', { name: 'Старт' })).closest('tr') as HTMLElement;
    expect(within(second).getByText('Активна')).toBeTruthy();
    expect(within(second).getByText('Нет')).toBeTruthy();
  });

  it('sends the search and the state to the server and keeps them in the address', async () => {
    const calls = backend();
    const { router } = show();
    await screen.findByRole('link', { name: 'Про' });
    await userEvent.type(screen.getByRole('searchbox', { name: 'Поиск' }), 'Ромашка{Enter}');
    await waitFor(() => expect(lastQuery(calls)).toEqual({ q: 'Ромашка' }));
    expect(await screen.findByText('Нет подписок с такими условиями.')).toBeTruthy();
    await userEvent.click(screen.getByRole('combobox', { name: 'Состояние' }));
    await userEvent.click(await screen.findByTitle('Просрочена оплата'));
    await waitFor(() => expect(lastQuery(calls)).toEqual({ q: 'Ромашка', state: 'past_due' }));
    expect(Object.fromEntries(new URLSearchParams(router.state.location.search))).toEqual({ q: 'Ромашка', state: 'past_due' });
    await userEvent.click(screen.getByRole('button', { name: 'Сбросить фильтры' }));
    await waitFor(() => expect(lastQuery(calls)).toEqual({}));
  });

  it('shows a failed list with a retry', async () => {
    backend({ failList: true });
    show();
    expect(await screen.findByText('Сервис недоступен.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Повторить' })).toBeTruthy();
  });

  it('speaks English', async () => {
    await i18n.changeLanguage('en');
    backend();
    show();
    const row = (await screen.findByRole('link', { name: 'Pro' })).closest('tr') as HTMLElement;
    expect(within(row).getByText('Trial')).toBeTruthy();
    expect(screen.getByRole('columnheader', { name: 'Saved payment method' })).toBeTruthy();
  });
});

describe('a subscription', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('shows its customer, state, pending change and only its own invoices', async () => {
    const calls = backend();
    show(`/console/billing/subscriptions/${SUBSCRIPTION_ID}`);
    expect(await screen.findByRole('heading', { name: 'Подписка «Про»' })).toBeTruthy();
    expect(screen.getByText('Просрочена оплата')).toBeTruthy();
    expect(screen.getByText(/Оплата просрочена/)).toBeTruthy();
    expect(screen.getByText(/Понижение до «Старт» с 15\.12\.2026/)).toBeTruthy();
    expect((await screen.findByRole('link', { name: 'ООО «Ромашка»' })).getAttribute('href')).toBe(`/console/customers/${ROMASHKA}`);
    expect(await screen.findByRole('link', { name: '№ 17' })).toBeTruthy();
    expect(screen.queryByRole('link', { name: '№ 18' })).toBeNull();  // the customer's license renewal, not this subscription's
    expect(queryOf(calls.find((c) => pathOf(c.url) === '/api/console/billing/invoices')!.url)).toEqual({ org_id: ROMASHKA });
  });
});

describe('filters from the address', () => {
  it('keeps known values and drops the rest', () => {
    expect(subscriptionFiltersFrom(new URLSearchParams({ state: 'gone', plan: 'Not A Plan', org_id: 'org_x', q: '  ромашка ' })))
      .toEqual({ q: 'ромашка' });
    expect(subscriptionFiltersFrom(new URLSearchParams({ state: 'suspended', plan: 'fastlead_pro', org_id: ROMASHKA })))
      .toEqual({ state: 'suspended', plan: 'fastlead_pro', org_id: ROMASHKA });
  });
});
