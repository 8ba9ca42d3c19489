import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { MeContext } from '../../auth/session';
import type { AuditVerifyJob, AuditVerifyResult } from '../../api/contract';
import { json, stubFetch } from '../../test/fetch';
import { renderRoutes, staffMe } from '../../test/render';
import AuditLog from './AuditLog';

vi.setConfig({ testTimeout: 20_000 });

const JOB_ID = 'vjob_01ARZ3NDEKTSV4RRFFQ69G5FAV';

function job(status: AuditVerifyJob['status'], result: AuditVerifyResult | null = null): AuditVerifyJob {
  return {
    id: JOB_ID, status, full: false, created_at: '2026-03-10T09:00:00Z', updated_at: '2026-03-10T09:00:01Z',
    progress: { checked: status === 'queued' ? 0 : 120, chains_done: 3, chain: 'platform', day: '2026-03-09' }, result,
  };
}

/** The verification's answers, one per poll: queued, running, then `last` for good. */
function stubVerification(last: AuditVerifyJob) {
  const answers = [job('queued'), job('running')];
  return stubFetch(({ url, method }) => {
    if (url === '/api/console/audit/verify' && method === 'POST') return json(job('queued'), 202);
    if (url === `/api/console/audit/verify/${JOB_ID}`) return json(answers.shift() ?? last);
    if (url.startsWith('/api/console/audit')) return json({ items: [], next_cursor: null });
    return json({}, 404);
  });
}

function renderPage() {
  return renderRoutes([{
    path: '/console/audit',
    element: <MeContext.Provider value={staffMe({ roles: ['auditor'] })}><AuditLog /></MeContext.Provider>,
  }], '/console/audit');
}

describe('verifying the chains is a job the page follows', () => {
  it('starts the job, shows its progress, then the result', async () => {
    const calls = stubVerification(job('done', { valid: true, checked: 240, chain: null, first_bad_seq: null, code: 'ok',
                                                 detail: '240 events in 3 chains verified' }));
    renderPage();
    await userEvent.click(await screen.findByRole('button', { name: /Проверить цепочку/ }));
    expect(await screen.findByText(/Идёт проверка цепочек: проверено событий — 120, цепочек — 3/, {}, { timeout: 5000 }))
      .toBeTruthy();
    expect(screen.getByText(/Сейчас: цепочка платформа, события за 2026-03-09/)).toBeTruthy();
    expect(await screen.findByText(/Проверено событий: 240\. Ни одна запись не удалена/, {}, { timeout: 5000 }))
      .toBeTruthy();
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
    expect(calls.filter((c) => c.url.endsWith(JOB_ID)).length).toBeGreaterThanOrEqual(3);
    expect(screen.queryByText(/Идёт проверка цепочек/)).toBeNull();
  });

  it('names the chain and the entry a tampered log breaks at', async () => {
    stubVerification(job('done', { valid: false, checked: 57, chain: 'org_01J9Z', first_bad_seq: 12,
                                   code: 'checkpoint_mismatch', detail: 'event 12 differs from the signed checkpoint' }));
    renderPage();
    await userEvent.click(await screen.findByRole('button', { name: /Проверить цепочку/ }));
    expect(await screen.findByText(/Запись №12 цепочки org_01J9Z расходится с подписанной суточной контрольной точкой/,
                                   {}, { timeout: 5000 })).toBeTruthy();
    expect(screen.getAllByText('Цепочка нарушена').length).toBeGreaterThan(0);
  });
});
