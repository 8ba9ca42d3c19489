import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MeContext } from '../../../auth/session';
import { dunningRun, ROMASHKA, RUN_ID } from '../../../test/billing';
import { card, pathOf, queryOf } from '../../../test/customers';
import { json, stubFetch, type Call } from '../../../test/fetch';
import { renderRoutes, staffMe } from '../../../test/render';
import DunningRunDetail from './DunningRunDetail';
import DunningRuns, { dunningFiltersFrom } from './DunningRuns';

vi.setConfig({ testTimeout: 60_000 });

const ENDED = dunningRun({
  state: 'suspended', tries: 3, ended_at: '2026-12-25T09:00:00Z',
  steps: [...dunningRun().steps, { at: '2026-12-25T09:00:00Z', step: 'suspend', outcome: 'suspended', detail: 'licenses held: 1' }],
});
const listCalls = (calls: Call[]) => calls.filter((c) => pathOf(c.url) === '/api/console/billing/dunning-runs');

function backend() {
  return stubFetch(({ url }) => {
    const path = pathOf(url);
    if (path === `/api/console/customers/${ROMASHKA}`) return json(card({ id: ROMASHKA }));
    if (path === '/api/console/billing/dunning-runs') {
      return json({ items: queryOf(url).state === 'restored' ? [] : [ENDED], next_cursor: null });
    }
    if (path === `/api/console/billing/dunning-runs/${RUN_ID}`) return json(ENDED);
    return json({}, 404);
  });
}

function show(path: string) {
  const me = staffMe({ roles: ['auditor'] });
  return renderRoutes([
    { path: '/console/billing/dunning', element: <MeContext.Provider value={me}><DunningRuns /></MeContext.Provider> },
    { path: '/console/billing/dunning/:runId', element: <MeContext.Provider value={me}><DunningRunDetail /></MeContext.Provider> },
  ], path);
}

describe('dunning', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('lists runs with their state, invoice and tries, and filters by state on the server', async () => {
    const calls = backend();
    show('/console/billing/dunning');
    const row = (await screen.findByText('Доступ приостановлен')).closest('tr') as HTMLElement;
    expect(within(row).getByText('3 из 3')).toBeTruthy();
    expect(within(row).getByRole('link', { name: '№ 17' })).toBeTruthy();
    await userEvent.click(screen.getByRole('combobox', { name: 'Состояние' }));
    await userEvent.click(await screen.findByTitle('Оплачено'));
    await waitFor(() => expect(queryOf(listCalls(calls).at(-1)!.url)).toEqual({ state: 'restored' }));
    expect(await screen.findByText('Нет запусков с такими условиями.')).toBeTruthy();
  });

  it('shows a run\'s steps as a timeline in words, with the decline reason', async () => {
    backend();
    show(`/console/billing/dunning/${RUN_ID}`);
    expect(await screen.findByRole('heading', { name: /^Дожим от/ })).toBeTruthy();
    expect(screen.getByText('Списание с карты')).toBeTruthy();
    expect(screen.getByText(/повтор позже/)).toBeTruthy();
    expect(screen.getByText('attempt 1: insufficient_funds')).toBeTruthy();
    expect(screen.getByText('Проверка счёта').closest('div')!.textContent).toContain('Выставлен');
    expect(screen.getByText('Письмо: платёж отклонён')).toBeTruthy();
    expect(screen.getByText('Приостановка доступа').closest('div')!.textContent).toContain('приостановлено');
    expect(screen.getByRole('link', { name: 'Открыть подписку' }).getAttribute('href')).toBe(`/console/billing/subscriptions/${ENDED.subscription_id}`);
  });

  it('reads only known filters from the address', () => {
    expect(dunningFiltersFrom(new URLSearchParams({ state: 'lost', org_id: ROMASHKA }))).toEqual({ org_id: ROMASHKA });
    expect(dunningFiltersFrom(new URLSearchParams({ state: 'failed', org_id: 'nope' }))).toEqual({ state: 'failed' });
  });
});
