import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DeployRun } from '../../../api/deploys';
import { MeContext } from '../../../auth/session';
import { ORG } from '../../../test/catalog';
import { card, pathOf } from '../../../test/customers';
import { budgetctlRun, deployRun, ROLLBACK_RUN_ID, RUN_ID, succeededRun } from '../../../test/deploys';
import { json, problem, stubFetch, type Call } from '../../../test/fetch';
import { renderRoutes, staffMe } from '../../../test/render';
import DeployRunDetail, { phasesOf, POLL_MS } from './DeployRunDetail';

vi.setConfig({ testTimeout: 60_000 });

const PATH = `/console/deploys/runs/${RUN_ID}`;
const ROLLBACK = `/api/console/deploy-runs/${RUN_ID}/rollback`;
const runCalls = (calls: Call[]) => calls.filter((c) => pathOf(c.url) === `/api/console/deploys/runs/${RUN_ID}`);

/** The run API: GETs of the run answer `answers` in turn (the last one from then on). */
function backend(answers: DeployRun[], rollback: () => Response = () => json(deployRun({ id: ROLLBACK_RUN_ID, kind: 'rollback', state: 'queued' }), 202)) {
  let reads = 0;
  return stubFetch(({ url, method }) => {
    const path = pathOf(url);
    if (path === `/api/console/customers/${ORG}`) return json(card({ id: ORG }));
    if (path === `/api/console/deploys/runs/${RUN_ID}`) return json(answers[Math.min(reads++, answers.length - 1)]);
    if (path === ROLLBACK && method === 'POST') return rollback();
    return json({}, 404);
  });
}

function show(roles = ['admin']) {
  return renderRoutes([
    { path: '/console/deploys/runs/:runId', element: <MeContext.Provider value={staffMe({ roles })}><DeployRunDetail /></MeContext.Provider> },
  ], PATH);
}

describe('a deploy run', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('re-reads a running run every 3 s and stops once it has ended', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const calls = backend([deployRun(), deployRun(), succeededRun()]);
    show();
    expect(await screen.findByText('Идёт')).toBeTruthy();
    expect(runCalls(calls)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(POLL_MS);
    await waitFor(() => expect(runCalls(calls)).toHaveLength(2));
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(await screen.findByText('Успешно')).toBeTruthy();
    expect(runCalls(calls)).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(POLL_MS * 3);
    expect(runCalls(calls)).toHaveLength(3);
  });

  it('shows a budgetctl run with its source, domain, error and steps, and no rollback button', async () => {
    backend([budgetctlRun({ id: RUN_ID, state: 'succeeded', error: null })]);
    show(['admin']);
    expect(await screen.findByText('budgetctl')).toBeTruthy();
    expect(screen.getByText('budget.new.ru')).toBeTruthy();
    expect(screen.getByText('ivan@laptop')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Откатить/ })).toBeNull();
    expect(screen.queryByText('Этапы')).toBeNull();
  });

  it('shows a failed budgetctl run\'s error', async () => {
    backend([budgetctlRun({ id: RUN_ID })]);
    show(['auditor']);
    expect(await screen.findByText('Ошибка')).toBeTruthy();
    expect(screen.getAllByText('migrate: relation exists').length).toBeGreaterThan(0);
  });

  it('shows each step with its time and outcome, the agent\'s output folded in a log', async () => {
    backend([succeededRun()]);
    show(['auditor']);
    expect(await screen.findByRole('heading', { name: 'Обновление до 4.2.1' })).toBeTruthy();
    const steps = screen.getByText('Шаги').closest('.ant-card') as HTMLElement;
    expect(within(steps).getAllByText('Предварительная проверка')).toHaveLength(2);
    expect(within(steps).getByText('waiting for the agent (cmd_1_preflight)')).toBeTruthy();
    expect(within(steps).getByText('version 4.2.1 reported')).toBeTruthy();
    expect(within(steps).getByText(/ожидание heartbeat с новой версией до 03\.12\.2026, 12:18 МСК/)).toBeTruthy();
    const log = within(steps).getAllByRole('button', { name: /Вывод агента/ })[0];
    expect(within(steps).queryByText(/password=\[REDACTED\]/)).toBeNull();
    await userEvent.click(log);
    expect((await within(steps).findByText(/password=\[REDACTED\]/)).tagName).toBe('PRE');
  });

  it('opens a failed agent step\'s log and marks its phase', async () => {
    const failed = deployRun({
      state: 'failed', ended_at: '2026-12-03T09:01:00Z',
      steps: [...deployRun().steps.slice(0, 2), { at: '2026-12-03T09:00:30Z', step: 'preflight', outcome: 'failed', detail: 'port 443 is taken' },
        { at: '2026-12-03T09:00:31Z', step: 'done', outcome: 'failed', detail: 'Agent.CommandFailed: port 443 is taken' }],
    });
    backend([failed]);
    show();
    expect((await screen.findByText('port 443 is taken')).tagName).toBe('PRE');
    expect(phasesOf(failed).map((p) => p.status)).toEqual(['finish', 'error', 'wait', 'wait', 'wait']);
    expect(screen.queryByRole('button', { name: /Откатить/ })).toBeNull();
  });

  it('rolls a succeeded deploy back after a confirmation with a reason, and opens the new run', async () => {
    const calls = backend([succeededRun()]);
    const { router } = show(['implementation']);
    await userEvent.click(await screen.findByRole('button', { name: /Откатить/ }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText(/вернётся с версии 4\.2\.1 на 4\.1\.0/)).toBeTruthy();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Откатить до 4.1.0' }));
    expect(await within(dialog).findByText('Укажите причину: от 3 до 500 символов.')).toBeTruthy();
    expect(calls.some((c) => pathOf(c.url) === ROLLBACK)).toBe(false);
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Причина' }), 'Ошибки в отчётах');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Откатить до 4.1.0' }));
    await waitFor(() => expect(router.state.location.pathname).toBe(`/console/deploys/runs/${ROLLBACK_RUN_ID}`));
    expect(calls.filter((c) => pathOf(c.url) === ROLLBACK).map((c) => c.body)).toEqual([{ reason: 'Ошибки в отчётах' }]);
  });

  it('says in the dialog when another deploy holds the installation (409)', async () => {
    backend([succeededRun()], () => problem(409, {
      type: '/problems/conflict', code: 'deploy-running', detail: 'Для этой установки уже идёт деплой: дождитесь его окончания.',
    }));
    show();
    await userEvent.click(await screen.findByRole('button', { name: /Откатить/ }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Причина' }), 'Ошибки в отчётах');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Откатить до 4.1.0' }));
    expect(await within(dialog).findByText('Для этой установки уже идёт деплой: дождитесь его окончания.')).toBeTruthy();
  });

  it('offers no rollback to an auditor, of a running deploy, or of a rollback', async () => {
    backend([succeededRun()]);
    const first = show(['auditor']);
    expect(await screen.findByText('Успешно')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Откатить/ })).toBeNull();
    first.unmount();
    vi.unstubAllGlobals();

    backend([deployRun()]);
    const second = show(['admin']);
    expect(await screen.findByText('Идёт')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Откатить/ })).toBeNull();
    second.unmount();
    vi.unstubAllGlobals();

    backend([succeededRun({ kind: 'rollback', rollback_of: 'dep_01JDDDDDDDDDDDDDDDDDDDDDD0' })]);
    show(['admin']);
    expect(await screen.findByRole('heading', { name: 'Откат до 4.2.1' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'dep_01JDDDDDDDDDDDDDDDDDDDDDD0' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Откатить/ })).toBeNull();
  });
});
