import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MeContext } from '../../../auth/session';
import { ORG } from '../../../test/catalog';
import { card, pathOf, queryOf } from '../../../test/customers';
import { BUDGETCTL_RUN_ID, budgetctlRun, deployRun, INSTALLATION_ID, RUN_ID } from '../../../test/deploys';
import { json, stubFetch, type Call } from '../../../test/fetch';
import { renderRoutes, staffMe } from '../../../test/render';
import DeployRuns, { runFiltersFrom } from './DeployRuns';

vi.setConfig({ testTimeout: 60_000 });

const listCalls = (calls: Call[]) => calls.filter((c) => pathOf(c.url) === '/api/console/deploys/runs');

function backend(items = [deployRun()]) {
  return stubFetch(({ url }) => {
    const path = pathOf(url);
    if (path === `/api/console/customers/${ORG}`) return json(card({ id: ORG }));
    if (path === '/api/console/deploys/runs') {
      const { state } = queryOf(url);
      return json({ items: items.filter((r) => !state || r.state === state), next_cursor: null });
    }
    return json({}, 404);
  });
}

function show(path = '/console/deploys/runs') {
  return renderRoutes([
    { path: '/console/deploys/runs', element: <MeContext.Provider value={staffMe({ roles: ['developer'] })}><DeployRuns /></MeContext.Provider> },
  ], path);
}

describe('deploy runs', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('lists runs with their state, versions, customer and installation, and filters by state on the server', async () => {
    const calls = backend();
    show();
    const row = (await screen.findByText('Идёт')).closest('tr') as HTMLElement;
    expect(within(row).getByText('Обновление')).toBeTruthy();
    expect(within(row).getByText('4.1.0')).toBeTruthy();
    expect(within(row).getByText('4.2.1')).toBeTruthy();
    expect(await within(row).findByRole('link', { name: 'ООО «Ромашка»' })).toBeTruthy();
    expect(within(row).getByRole('link', { name: INSTALLATION_ID }).getAttribute('href')).toBe(`/console/deploys/installations/${INSTALLATION_ID}`);
    expect(within(row).getByRole('link', { name: /03\.12\.2026/ }).getAttribute('href')).toBe(`/console/deploys/runs/${RUN_ID}`);
    await userEvent.click(screen.getByRole('combobox', { name: 'Состояние' }));
    await userEvent.click(await screen.findByTitle('Откачен'));
    await waitFor(() => expect(queryOf(listCalls(calls).at(-1)!.url)).toEqual({ state: 'rolled_back' }));
    expect(await screen.findByText('Нет запусков с такими условиями.')).toBeTruthy();
  });

  it('tags the runs budgetctl reported and names the domain of one not activated yet', async () => {
    backend([deployRun(), budgetctlRun()]);
    show();
    const row = (await screen.findByText('budget.new.ru')).closest('tr') as HTMLElement;
    expect(within(row).getByText('budgetctl')).toBeTruthy();
    expect(within(row).getByText('Откачен')).toBeTruthy();
    expect(within(row).getByRole('link', { name: /03\.12\.2026/ }).getAttribute('href')).toBe(`/console/deploys/runs/${BUDGETCTL_RUN_ID}`);
    const portalRow = screen.getByText('Идёт').closest('tr') as HTMLElement;
    expect(within(portalRow).queryByText('budgetctl')).toBeNull();
  });

  it('says how a run starts when there are none', async () => {
    backend([]);
    show();
    expect(await screen.findByText(/их начинают кнопкой «Обновить» на странице установки/)).toBeTruthy();
  });

  it('reads only known filters from the address', () => {
    expect(runFiltersFrom(new URLSearchParams({ state: 'lost', installation_id: 'ins_bad' }))).toEqual({});
    expect(runFiltersFrom(new URLSearchParams({ state: 'failed', installation_id: INSTALLATION_ID }))).toEqual({ state: 'failed', installation_id: INSTALLATION_ID });
  });
});
