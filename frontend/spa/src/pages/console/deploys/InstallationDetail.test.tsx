import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MeContext } from '../../../auth/session';
import { license, LICENSE_ID, ORG } from '../../../test/catalog';
import { card, pathOf, queryOf } from '../../../test/customers';
import { BUNDLE_ID, deployRun, installation, INSTALLATION_ID, release, RUN_ID, succeededRun, supportBundle } from '../../../test/deploys';
import { json, problem, stubFetch, type Call } from '../../../test/fetch';
import { renderRoutes, staffMe } from '../../../test/render';
import InstallationDetail from './InstallationDetail';

vi.setConfig({ testTimeout: 60_000 });

const PATH = `/console/deploys/installations/${INSTALLATION_ID}`;
const DEPLOYS = `/api/console/installations/${INSTALLATION_ID}/deploys`;
const BUNDLES = `/api/console/installations/${INSTALLATION_ID}/support-bundles`;
const deployCalls = (calls: Call[]) => calls.filter((c) => pathOf(c.url) === DEPLOYS && c.method === 'POST');

/** The deploys API of one installation under a license for 4.0 … 4.2.x; a deploy is answered with `answer`. */
function backend(answer: () => Response = () => json(deployRun({ state: 'queued', steps: [] }), 202)) {
  return stubFetch(({ url, method }) => {
    const path = pathOf(url);
    if (path === `/api/console/customers/${ORG}`) return json(card({ id: ORG }));
    if (path === `/api/console/installations/${INSTALLATION_ID}`) return json(installation());
    if (path === '/api/console/deploys/runs') return json({ items: [succeededRun({ version: '4.1.0', previous_version: '4.0.2' })], next_cursor: null });
    if (path === `/api/console/licenses/${LICENSE_ID}`) return json({ license: license({ version_min: '4.0', version_max: '4.2' }), versions: [] });
    if (path === '/api/console/releases') {
      return json({ items: [release({ version: '5.0.0' }), release({ version: '4.2.1' }), release({ version: '4.2.0', channel: 'beta' }), release({ version: '3.9.9' })], next_cursor: null });
    }
    if (path === DEPLOYS && method === 'POST') return answer();
    if (path === BUNDLES) return json({ items: [supportBundle()], next_cursor: null });
    if (path === `${BUNDLES}/${BUNDLE_ID}`) return json(supportBundle());
    return json({}, 404);
  });
}

function show(roles = ['implementation']) {
  return renderRoutes([
    { path: '/console/deploys/installations/:installationId', element: <MeContext.Provider value={staffMe({ roles })}><InstallationDetail /></MeContext.Provider> },
    { path: '/console/deploys/runs/:runId', element: <p>run page</p> },
  ], PATH);
}

/** Opens «Обновить», picks `version` and gives a reason. */
async function fillDeploy(version: string) {
  await userEvent.click(await screen.findByRole('button', { name: /Обновить/ }));
  const dialog = await screen.findByRole('dialog');
  expect(await within(dialog).findByText('Лицензия допускает версии от 4.0 до 4.2.')).toBeTruthy();
  await userEvent.click(within(dialog).getByRole('combobox', { name: 'Версия' }));
  await userEvent.click(await screen.findByTitle(version));
  await userEvent.type(within(dialog).getByRole('textbox', { name: 'Причина' }), 'Плановое обновление');
  return dialog;
}

describe('an installation', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('shows its versions, license and customer, and its deploy runs', async () => {
    const calls = backend();
    show();
    expect(await screen.findByRole('heading', { name: 'budget.romashka.ru' })).toBeTruthy();
    expect(screen.getByRole('link', { name: LICENSE_ID }).getAttribute('href')).toBe(`/console/licenses/${LICENSE_ID}`);
    expect(await screen.findByRole('link', { name: 'ООО «Ромашка»' })).toBeTruthy();
    const run = (await screen.findByText('Успешно')).closest('tr') as HTMLElement;
    expect(within(run).getByText('4.0.2')).toBeTruthy();
    expect(within(run).getByRole('link').getAttribute('href')).toBe(`/console/deploys/runs/${RUN_ID}`);
    expect(queryOf(calls.find((c) => pathOf(c.url) === '/api/console/deploys/runs')!.url)).toEqual({ installation_id: INSTALLATION_ID });
  });

  it('offers only releases inside the license, confirms with the version and opens the started run', async () => {
    const calls = backend();
    const { router } = show();
    const dialog = await fillDeploy('4.2.1');
    expect(screen.queryByTitle('5.0.0')).toBeNull();
    expect(screen.queryByTitle('3.9.9')).toBeNull();
    expect(screen.getByTitle('4.2.0')).toBeTruthy();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Обновить до 4.2.1' }));
    await waitFor(() => expect(router.state.location.pathname).toBe(`/console/deploys/runs/${RUN_ID}`));
    expect(deployCalls(calls).map((c) => c.body)).toEqual([{ version: '4.2.1', reason: 'Плановое обновление' }]);
  });

  it('puts a version the server refuses (422) on the version field, and nothing is started', async () => {
    backend(() => problem(422, {
      type: '/problems/validation', code: 'deploy-not-allowed', detail: 'Деплой этой версии невозможен: the license is suspended',
      errors: [{ loc: 'body.version', msg: 'the license lic_1 is suspended', code: 'deploy-not-allowed' }],
    }));
    const { router } = show();
    const dialog = await fillDeploy('4.2.1');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Обновить до 4.2.1' }));
    expect((await within(dialog).findByText('the license lic_1 is suspended')).closest('.ant-form-item')).toBeTruthy();
    expect(router.state.location.pathname).toBe(PATH);
  });

  it('says on the version field that a deploy is already running (409)', async () => {
    const calls = backend(() => problem(409, {
      type: '/problems/conflict', code: 'deploy-running', detail: 'Для этой установки уже идёт деплой: дождитесь его окончания.',
    }));
    show();
    const dialog = await fillDeploy('4.2.0');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Обновить до 4.2.0' }));
    expect(await within(dialog).findByText('Для этой установки уже идёт деплой: дождитесь его окончания.')).toBeTruthy();
    expect(within(dialog).getByText('Для этой установки уже идёт деплой: дождитесь его окончания.').closest('.ant-form-item')).toBeTruthy();
    expect(deployCalls(calls)).toHaveLength(1);
  });

  it('asks for the version and the reason before sending', async () => {
    const calls = backend();
    show();
    await userEvent.click(await screen.findByRole('button', { name: /Обновить/ }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Обновить' }));
    expect(await within(dialog).findByText('Выберите версию.')).toBeTruthy();
    expect(await within(dialog).findByText('Укажите причину: от 3 до 500 символов.')).toBeTruthy();
    expect(deployCalls(calls)).toHaveLength(0);
  });

  it('hides «Обновить» from an auditor, who still reads', async () => {
    backend();
    show(['auditor']);
    expect(await screen.findByRole('heading', { name: 'budget.romashka.ru' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Обновить/ })).toBeNull();
  });

  it('lists its support bundles and opens one with its files and download link', async () => {
    backend();
    show(['auditor']);
    await userEvent.click(await screen.findByRole('tab', { name: /Диагностика/ }));
    const open = await screen.findByRole('button', { name: /03\.12\.2026, 10:00/ });
    expect(open.closest('tr')!.textContent).toContain('2,4 МБ');
    await userEvent.click(open);
    const drawer = await screen.findByRole('dialog');
    expect(await within(drawer).findByText('logs/backend.log')).toBeTruthy();
    expect(within(drawer).getByText('117,2 КБ')).toBeTruthy();
    expect(within(drawer).getByRole('link', { name: /Скачать архив/ }).getAttribute('href')).toBe(supportBundle().download_url);
  });
});
