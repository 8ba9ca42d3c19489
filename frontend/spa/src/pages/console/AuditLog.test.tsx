import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AuditEvent, AuditVerifyJob, AuditVerifyResult } from '../../api/audit';
import { MeContext } from '../../auth/session';
import i18n from '../../i18n';
import { ITBM, LICENSE_ID, ORG } from '../../test/catalog';
import { card, pathOf } from '../../test/customers';
import { json, stubFetch } from '../../test/fetch';
import { renderRoutes, staffMe } from '../../test/render';
import AuditLog from './AuditLog';

// The first render loads antd's table, form and date pickers: slow on a busy machine.
vi.setConfig({ testTimeout: 30_000 });
configure({ asyncUtilTimeout: 5_000 });
afterEach(() => vi.unstubAllGlobals());

const SALES = 'usr_01JSALESSALESSALESSALESSA1';

function event(overrides: Partial<AuditEvent>): AuditEvent {
  return {
    id: 'aud_1', chain: 'main', seq: 1, at: '2026-03-10T09:00:00Z', prev_at: null, prev_hash: '', hash: '',
    actor: { id: SALES, kind: 'staff', display: null, roles: ['sales'] }, action: 'license.revoke', entity_type: 'license',
    entity_id: LICENSE_ID, org_id: ORG, before: null, after: null, diff: {}, reason: null, request_id: null, ip: '10.0.0.7',
    user_agent: null, ...overrides,
  };
}

const REVOKE = event({
  id: 'aud_2', seq: 2, reason: 'договор расторгнут',
  diff: { status: ['active', 'revoked'], ends_on: ['2026-12-31', '2026-03-10'], 'limits.users.mode': ['soft', 'hard'] },
});
// Written a moment ago: the chainer has not given it its place yet.
const CREATE = event({
  id: 'aud_1', seq: null, action: 'customer.create', entity_type: 'organization', entity_id: ORG,
  actor: { id: 'usr_01JCUSTOMERCUSTOMERCUSTOMER', kind: 'customer', display: null, roles: [] },
});

const JOB_ID = 'vjob_01ARZ3NDEKTSV4RRFFQ69G5FAV';

function job(status: AuditVerifyJob['status'], result: AuditVerifyResult | null = null): AuditVerifyJob {
  return {
    id: JOB_ID, status, full: false, created_at: '2026-03-10T09:00:00Z', updated_at: '2026-03-10T09:00:01Z',
    progress: { checked: status === 'queued' ? 0 : 120, chains_done: 3, chain: 'platform', day: '2026-03-09' }, result,
  };
}

/** The verification job's answers, one per poll: queued, running, then `last` for good. */
function verificationAnswers(last: AuditVerifyJob) {
  const answers = [job('queued'), job('running')];
  return () => answers.shift() ?? last;
}

function backend(verification?: AuditVerifyJob) {
  const nextVerification = verification && verificationAnswers(verification);
  return stubFetch((call) => {
    const path = pathOf(call.url);
    if (path === '/api/console/audit') return json({ items: [REVOKE, CREATE], next_cursor: null });
    if (nextVerification && path === '/api/console/audit/verify' && call.method === 'POST') return json(job('queued'), 202);
    if (nextVerification && path === `/api/console/audit/verify/${JOB_ID}`) return json(nextVerification());
    if (path === '/api/console/staff') {
      return json({ items: [{ id: SALES, email: 'sales@vendor.example', name: 'Марина Продажина', roles: ['sales'], status: 'active',
        mfa_enabled: false, created_at: '2026-01-01T00:00:00Z', last_login_at: null }], next_cursor: null });
    }
    if (path === `/api/console/customers/${ORG}`) return json(card());
    if (path === '/api/console/catalog/products') return json([ITBM]);
    return json({}, 404);
  });
}

function show() {
  return renderRoutes([
    { path: '/console/audit', element: <MeContext.Provider value={staffMe({ roles: ['auditor'] })}><AuditLog /></MeContext.Provider> },
  ], '/console/audit');
}

const row = (text: string) => screen.getAllByRole('row').find((r) => within(r).queryByText(text)) as HTMLElement;

describe('the audit log', () => {
  it('names who did what to which customer, with the ids under the names', async () => {
    backend();
    show();
    expect(await screen.findByText('Отзыв лицензии')).toBeTruthy();
    const revoke = row('Отзыв лицензии');
    // the event recorded no name: the staff list has it
    expect(await within(revoke).findByText('Марина Продажина')).toBeTruthy();
    expect(within(revoke).getByText(`сотрудник · ${SALES}`)).toBeTruthy();
    expect(within(revoke).getByText('Лицензия')).toBeTruthy();
    expect(within(revoke).getByText(LICENSE_ID)).toBeTruthy();
    expect(within(revoke).getByRole('link', { name: 'ООО «Ромашка»' }).getAttribute('href')).toBe(`/console/customers/${ORG}`);

    const create = row('Создание клиента');
    expect(within(create).getByText('Клиент')).toBeTruthy(); // a customer's user without a recorded name
    expect(within(create).getAllByText('ООО «Ромашка»')).toHaveLength(2); // the object and the customer column
    expect(within(create).getByText(`Клиент · ${ORG}`)).toBeTruthy();
    expect(screen.queryByText(/organization:org_|license:lic_/)).toBeNull();
  });

  it('shows where an event sits in its chain, or that it is being chained', async () => {
    backend();
    show();
    await userEvent.click(within(await screen.findByRole('row', { name: /Отзыв лицензии/ })).getByRole('button'));
    expect((await screen.findByText('Номер в цепочке')).closest('tr')?.textContent).toContain('2');
    await userEvent.click(within(screen.getByRole('row', { name: /Создание клиента/ })).getByRole('button'));
    expect(await screen.findByText('ещё встраивается в цепочку')).toBeTruthy();
  });

  it('labels each change in the UI language: field, old and new value', async () => {
    backend();
    show();
    await userEvent.click(within(await screen.findByRole('row', { name: /Отзыв лицензии/ })).getByRole('button'));
    const changes = (await screen.findByRole('columnheader', { name: 'Поле' })).closest('table') as HTMLElement;
    const line = (field: string) => within(changes).getByText(field).closest('tr') as HTMLElement;
    expect(within(line('Статус')).getByText('Активна')).toBeTruthy();
    expect(within(line('Статус')).getByText('Отозвана')).toBeTruthy();
    expect(within(line('Окончание')).getByText('31.12.2026')).toBeTruthy();
    expect(within(line('Лимиты · Пользователи · режим')).getByText('мягкий')).toBeTruthy();
    expect(within(changes).queryByText('revoked')).toBeNull();

    await i18n.changeLanguage('en');
    expect(await within(changes).findByText('Status')).toBeTruthy();
    expect(within(line('Status')).getByText('Revoked')).toBeTruthy();
  });

  it('filters by a staff member chosen by name, not by a pasted id', async () => {
    const calls = backend();
    show();
    await screen.findByText('Отзыв лицензии');
    await userEvent.click(screen.getByRole('combobox', { name: 'Кто' }));
    await userEvent.click(await screen.findByTitle('Марина Продажина'));
    await userEvent.click(screen.getByRole('button', { name: 'Применить' }));
    await waitFor(() => expect(calls.map((c) => c.url)).toContain(`/api/console/audit?actor=${SALES}`));
  });
});

describe('verifying the chains is a job the page follows', () => {
  it('starts the job, shows its progress, then the result', async () => {
    const calls = backend(job('done', { valid: true, checked: 240, chain: null, first_bad_seq: null, code: 'ok',
                                        detail: '240 events in 3 chains verified' }));
    show();
    await userEvent.click(await screen.findByRole('button', { name: /Проверить цепочку/ }));
    expect(await screen.findByText(/Идёт проверка цепочек: проверено событий — 120, цепочек — 3/)).toBeTruthy();
    expect(screen.getByText(/Сейчас: цепочка платформа, события за 2026-03-09/)).toBeTruthy();
    expect(await screen.findByText(/Проверено событий: 240\. Ни одна запись не удалена/)).toBeTruthy();
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
    expect(calls.filter((c) => c.url.endsWith(JOB_ID)).length).toBeGreaterThanOrEqual(3);
    expect(screen.queryByText(/Идёт проверка цепочек/)).toBeNull();
  });

  it('names the chain and the entry a tampered log breaks at', async () => {
    backend(job('done', { valid: false, checked: 57, chain: 'org_01J9Z', first_bad_seq: 12,
                          code: 'checkpoint_mismatch', detail: 'event 12 differs from the signed checkpoint' }));
    show();
    await userEvent.click(await screen.findByRole('button', { name: /Проверить цепочку/ }));
    expect(await screen.findByText(/Запись №12 цепочки org_01J9Z расходится с подписанной суточной контрольной точкой/))
      .toBeTruthy();
    expect(screen.getAllByText('Цепочка нарушена').length).toBeGreaterThan(0);
  });
});
