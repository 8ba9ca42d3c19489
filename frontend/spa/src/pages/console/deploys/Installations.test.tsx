import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MeContext } from '../../../auth/session';
import { LICENSE_ID, ORG } from '../../../test/catalog';
import { card, pathOf } from '../../../test/customers';
import { installation, INSTALLATION_ID } from '../../../test/deploys';
import { json, stubFetch } from '../../../test/fetch';
import { renderRoutes, staffMe } from '../../../test/render';
import Installations from './Installations';
import { installationStatus } from './shared';

vi.setConfig({ testTimeout: 60_000 });

const OTHER = installation({ id: 'ins_BBBBBBBBBBBBBBBBBBBBBBBBBB', domain: 'it.vasilek.ru', current_version: '4.0.2', target_version: '4.0.2' });

function backend(items = [installation()]) {
  return stubFetch(({ url }) => {
    const path = pathOf(url);
    if (path === `/api/console/customers/${ORG}`) return json(card({ id: ORG }));
    if (path === '/api/console/installations') {
      // two pages, so the search covers what was loaded
      return url.includes('cursor=') ? json({ items: items.slice(1), next_cursor: null }) : json({ items: items.slice(0, 1), next_cursor: items.length > 1 ? 'p2' : null });
    }
    return json({}, 404);
  });
}

function show(path = '/console/deploys/installations') {
  return renderRoutes([
    { path: '/console/deploys/installations', element: <MeContext.Provider value={staffMe({ roles: ['implementation'] })}><Installations /></MeContext.Provider> },
  ], path);
}

describe('installations', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('lists each installation with its customer, license, versions, heartbeat and status', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-03T10:00:00Z'));
    backend([installation({ target_version: '4.2.1' })]);
    show();
    const link = await screen.findByRole('link', { name: 'budget.romashka.ru' });
    expect(link.getAttribute('href')).toBe(`/console/deploys/installations/${INSTALLATION_ID}`);
    const row = link.closest('tr') as HTMLElement;
    expect(await within(row).findByRole('link', { name: 'ООО «Ромашка»' })).toBeTruthy();
    expect(within(row).getByRole('link', { name: LICENSE_ID }).getAttribute('href')).toBe(`/console/licenses/${LICENSE_ID}`);
    expect(within(row).getByText('4.1.0')).toBeTruthy();
    expect(within(row).getByText('4.2.1')).toBeTruthy();
    expect(within(row).getByText('03.12.2026, 11:00 МСК')).toBeTruthy();
    expect(within(row).getByText('Не целевая версия')).toBeTruthy();
  });

  it('searches the loaded pages by domain and says when nothing matches', async () => {
    backend([installation(), OTHER]);
    show();
    await userEvent.click(await screen.findByRole('button', { name: 'Загрузить ещё' }));
    expect(await screen.findByRole('link', { name: 'it.vasilek.ru' })).toBeTruthy();
    const search = screen.getByRole('searchbox', { name: 'Поиск' });
    await userEvent.type(search, 'vasilek{Enter}');
    expect(await screen.findByRole('link', { name: 'it.vasilek.ru' })).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'budget.romashka.ru' })).toBeNull();
    await userEvent.clear(search);
    await userEvent.type(search, 'nowhere{Enter}');
    expect(await screen.findByText(/Среди загруженных установок таких нет/)).toBeTruthy();
  });

  it('narrows to the customer in the address', async () => {
    backend([installation(), OTHER]);
    show('/console/deploys/installations?org_id=org_01JZZZZZZZZZZZZZZZZZZZZZZZ');
    expect(await screen.findByText(/Среди загруженных установок таких нет/)).toBeTruthy();
  });

  it('explains, when there are none, where installations come from', async () => {
    backend([]);
    show();
    expect(await screen.findByText(/когда её агент впервые обращается к порталу/)).toBeTruthy();
  });

  it('names the status: a deploy running, no recent heartbeat, another version than the target, or fine', () => {
    const now = new Date('2026-12-03T10:00:00Z').getTime();
    expect(installationStatus(installation({ running_run_id: 'dep_1' }), now)).toBe('deploying');
    expect(installationStatus(installation({ last_seen_at: '2026-12-01T09:00:00Z' }), now)).toBe('silent');
    expect(installationStatus(installation({ last_seen_at: null }), now)).toBe('silent');
    expect(installationStatus(installation({ target_version: '4.2.1' }), now)).toBe('differs');
    expect(installationStatus(installation(), now)).toBe('ok');
  });
});
