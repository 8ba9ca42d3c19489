import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MeContext } from '../../../auth/session';
import { pathOf, queryOf } from '../../../test/customers';
import { release } from '../../../test/deploys';
import { json, stubFetch, type Call } from '../../../test/fetch';
import { renderRoutes, staffMe } from '../../../test/render';
import Releases, { releaseFiltersFrom } from './Releases';

vi.setConfig({ testTimeout: 60_000 });

const BETA = release({ version: '4.3.0', channel: 'beta', changelog: 'Новый отчёт по проектам' });
const listCalls = (calls: Call[]) => calls.filter((c) => pathOf(c.url) === '/api/console/releases');

function backend(items = [BETA, release()]) {
  return stubFetch(({ url }) => {
    if (pathOf(url) !== '/api/console/releases') return json({}, 404);
    const { channel } = queryOf(url);
    return json({ items: items.filter((r) => !channel || r.channel === channel), next_cursor: null });
  });
}

function show(path = '/console/deploys/releases') {
  return renderRoutes([
    { path: '/console/deploys/releases', element: <MeContext.Provider value={staffMe({ roles: ['auditor'] })}><Releases /></MeContext.Provider> },
  ], path);
}

describe('releases', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('lists releases with their channel and the changelog\'s first line, and opens one with its image digests', async () => {
    backend();
    show();
    const row = (await screen.findByRole('button', { name: '4.2.1' })).closest('tr') as HTMLElement;
    expect(within(row).getByText('stable')).toBeTruthy();
    expect(within(row).getByText('Исправлен импорт бюджета')).toBeTruthy();
    await userEvent.click(within(row).getByRole('button', { name: '4.2.1' }));
    const drawer = await screen.findByRole('dialog');
    expect(within(drawer).getByText('Релиз 4.2.1')).toBeTruthy();
    expect(within(drawer).getByText(release().images.backend)).toBeTruthy();
    expect(within(drawer).getByText('1a2b3c4d5e6f')).toBeTruthy();
    // the changelog as plain text with its line breaks
    const changelog = within(drawer).getByText(/Ускорены отчёты/);
    expect(changelog.textContent).toBe('Исправлен импорт бюджета\nУскорены отчёты');
    expect(changelog.style.whiteSpace).toBe('pre-wrap');
  });

  it('filters by channel on the server', async () => {
    const calls = backend([release()]);
    show();
    expect(await screen.findByRole('button', { name: '4.2.1' })).toBeTruthy();
    await userEvent.click(screen.getByRole('combobox', { name: 'Канал' }));
    await userEvent.click(await screen.findByTitle('beta'));
    await waitFor(() => expect(queryOf(listCalls(calls).at(-1)!.url)).toEqual({ channel: 'beta' }));
    expect(await screen.findByText('В этом канале релизов нет.')).toBeTruthy();
  });

  it('explains, when there are none, that the product\'s CI registers releases', async () => {
    backend([]);
    show();
    expect(await screen.findByText(/Их регистрирует CI продукта/)).toBeTruthy();
  });

  it('reads only a known channel from the address', () => {
    expect(releaseFiltersFrom(new URLSearchParams({ channel: 'nightly' }))).toEqual({});
    expect(releaseFiltersFrom(new URLSearchParams({ channel: 'beta' }))).toEqual({ channel: 'beta' });
  });
});
