import { configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ImportReport } from '../../../api/customers';
import { MeContext } from '../../../auth/session';
import { ORG } from '../../../test/catalog';
import { json, stubFetch, type Call } from '../../../test/fetch';
import { renderRoutes, staffMe } from '../../../test/render';
import CustomersList from './CustomersList';
import { card, pathOf, queryOf, summary } from '../../../test/customers';

// The first render loads antd's table, select, upload and modal: slow on a busy machine.
vi.setConfig({ testTimeout: 30_000 });
// A tab's first render can take more than findBy's default second when the machine is busy.
configure({ asyncUtilTimeout: 5_000 });
afterEach(() => vi.unstubAllGlobals());

const MANAGER = 'usr_01JABCDEFGHJKMNPQRSTVWXYZ9';
const NEW_ORG = 'org_01JABCDEFGHJKMNPQRSTVWXYZ5';

function report(overrides: Partial<ImportReport> = {}): ImportReport {
  return { dry_run: true, applied: false, rows: 0, created: 0, updated: 0, unchanged: 0, errors: [], preview: [], ...overrides };
}

/** The customers API as the list calls it; `imports` answers each POST …/import in turn. */
function backend({ items = [summary()], imports = [] as ImportReport[], create }: {
  items?: ReturnType<typeof summary>[]; imports?: ImportReport[]; create?: (call: Call) => Response;
} = {}) {
  const answers = [...imports];
  return stubFetch((call) => {
    const path = pathOf(call.url);
    if (path === '/api/console/staff') {
      return json({ items: [{ id: MANAGER, email: 'marina@vendor.example', name: 'Марина Продажина', roles: ['sales'] }], next_cursor: null });
    }
    if (path === '/api/console/customers/export') {
      return new Response('name,inn\r\n', { headers: { 'Content-Type': 'text/csv', 'Content-Disposition': 'attachment; filename="tessera-customers-2026-03-01.csv"' } });
    }
    if (path === '/api/console/customers/import') return json(answers.shift() ?? report());
    if (path === '/api/console/customers' && call.method === 'POST') return create ? create(call) : json(card({ id: NEW_ORG }), 201);
    if (path === '/api/console/customers') return json({ items, next_cursor: null });
    if (path.startsWith('/api/console/customers/')) return json(card({ id: NEW_ORG }));
    return json({}, 404);
  });
}

function renderAs(roles: string[]) {
  const me = staffMe({ roles });
  return renderRoutes([
    { path: '/console/customers', element: <MeContext.Provider value={me}><CustomersList /></MeContext.Provider> },
    { path: '/console/customers/:orgId', element: <p>card page</p> },
  ], '/console/customers');
}

const listCalls = (calls: Call[]) => calls.filter((c) => c.method === 'GET' && pathOf(c.url) === '/api/console/customers');
const lastListQuery = (calls: Call[]) => queryOf(listCalls(calls).at(-1)!.url);

async function pick(label: string, option: string) {
  await userEvent.click(screen.getByRole('combobox', { name: label }));
  await userEvent.click(await screen.findByTitle(option));
}

describe('the customers list', () => {
  it('sends the search and the filters to the server in the query string', async () => {
    const calls = backend();
    renderAs(['admin']);
    expect(await screen.findByRole('link', { name: 'ООО «Ромашка»' })).toBeTruthy();
    expect(screen.getByText('7708123450 / 770101001')).toBeTruthy();
    expect(lastListQuery(calls)).toEqual({});

    await userEvent.type(screen.getByRole('searchbox', { name: 'Название или ИНН' }), '  ромашка {Enter}');
    await waitFor(() => expect(lastListQuery(calls)).toEqual({ q: 'ромашка' }));
    await pick('Сегмент', 'Крупный бизнес');
    await waitFor(() => expect(lastListQuery(calls)).toEqual({ q: 'ромашка', segment: 'enterprise' }));
    await pick('Статус', 'Приостановлен');
    await waitFor(() => expect(lastListQuery(calls)).toEqual({ q: 'ромашка', segment: 'enterprise', status: 'suspended' }));
    // The admin may read the staff list: a manager picker, by name.
    await pick('Менеджер', 'Марина Продажина');
    await waitFor(() => expect(lastListQuery(calls)).toEqual({ q: 'ромашка', segment: 'enterprise', status: 'suspended', manager_id: MANAGER }));

    // Export takes the same filters.
    const createObjectURL = vi.fn(() => 'blob:customers');
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() }));
    await userEvent.click(screen.getByRole('button', { name: /CSV/ }));
    await waitFor(() => expect(calls.some((c) => pathOf(c.url) === '/api/console/customers/export')).toBe(true));
    const exported = calls.find((c) => pathOf(c.url) === '/api/console/customers/export')!;
    expect(queryOf(exported.url)).toEqual({ q: 'ромашка', segment: 'enterprise', status: 'suspended', manager_id: MANAGER, format: 'csv' });
    await waitFor(() => expect(createObjectURL).toHaveBeenCalledTimes(1));
  });

  it('says when nothing matches the filters, and a cleared search drops the parameter', async () => {
    const calls = backend({ items: [] });
    renderAs(['admin']);
    expect(await screen.findByText('Клиентов пока нет. Добавьте первого или импортируйте список.')).toBeTruthy();
    const search = screen.getByRole('searchbox', { name: 'Название или ИНН' });
    await userEvent.type(search, '7708123450{Enter}');
    expect(await screen.findByText('Нет клиентов с такими условиями.')).toBeTruthy();
    expect(lastListQuery(calls)).toEqual({ q: '7708123450' });
    await userEvent.clear(search);
    await userEvent.type(search, '{Enter}');
    await waitFor(() => expect(lastListQuery(calls)).toEqual({}));
  });

  it('a sales manager without the staff list narrows to their own customers', async () => {
    const calls = backend();
    renderAs(['sales']);
    await userEvent.click(await screen.findByRole('checkbox', { name: 'Только мои клиенты' }));
    await waitFor(() => expect(lastListQuery(calls)).toEqual({ manager_id: 'usr_1' }));
    expect(calls.some((c) => pathOf(c.url) === '/api/console/staff')).toBe(false);
    expect(screen.queryByRole('combobox', { name: 'Менеджер' })).toBeNull();
  });
});

describe('the import', () => {
  /** A file as a browser gives it (jsdom's File has no arrayBuffer()). */
  function file(bytes: Uint8Array, name: string, type = ''): File {
    const chosen = new File([bytes as BlobPart], name, { type });
    Object.defineProperty(chosen, 'arrayBuffer', { value: () => Promise.resolve(bytes.slice().buffer) });
    return chosen;
  }
  const csv = (text: string, name = 'customers.csv') => file(new TextEncoder().encode(text), name, 'text/csv');

  async function choose(file: File) {
    const input = document.querySelector('.ant-modal input[type=file]') as HTMLInputElement;
    await userEvent.upload(input, file);
    await screen.findByText(file.name);
  }

  const importCalls = (calls: Call[]) => calls.filter((c) => pathOf(c.url) === '/api/console/customers/import');

  it('a dry run shows every row error with its line; apply only after a clean preview', async () => {
    const failing = report({
      rows: 3, created: 1, errors: [
        { line: 3, field: 'inn', code: 'inn-invalid', message: 'ИНН 7708123451 неверен: контрольная сумма не сходится' },
        { line: 4, field: null, code: 'duplicate-inn', message: 'ИНН повторяется в строке 2' },
      ],
      preview: [{ line: 2, name: 'ООО «Вектор»', inn: '7708123450', action: 'create', org_id: null, changes: {} }],
    });
    const clean = report({
      rows: 2, created: 1, updated: 1, preview: [
        { line: 2, name: 'ООО «Вектор»', inn: '7708123450', action: 'create', org_id: null, changes: {} },
        { line: 3, name: 'ООО «Ромашка»', inn: '5001007326', action: 'update', org_id: ORG, changes: { segment: ['smb', 'enterprise'] } },
      ],
    });
    const applied = report({ dry_run: false, applied: true, rows: 2, created: 1, updated: 1 });
    const calls = backend({ imports: [failing, clean, applied] });
    renderAs(['sales']);
    await userEvent.click(await screen.findByRole('button', { name: /Импорт/ }));
    const dialog = await screen.findByRole('dialog');
    const apply = () => within(dialog).getByRole('button', { name: 'Применить' });
    const check = () => within(dialog).getByRole('button', { name: 'Проверить' });
    expect(check()).toHaveProperty('disabled', true);
    expect(apply()).toHaveProperty('disabled', true);

    await choose(csv('name,inn\nВектор,7708123450\nБета,7708123451\nГамма,7708123450\n'));
    await userEvent.click(check());
    expect(await within(dialog).findByText('ИНН 7708123451 неверен: контрольная сумма не сходится')).toBeTruthy();
    const errorRows = within(dialog).getAllByRole('row').filter((row) => /ИНН/.test(row.textContent ?? '') && within(row).queryAllByRole('cell').length);
    expect(errorRows.map((row) => within(row).getAllByRole('cell').map((c) => c.textContent))).toEqual([
      ['3', 'inn', 'ИНН 7708123451 неверен: контрольная сумма не сходится'],
      ['4', '—', 'ИНН повторяется в строке 2'],
    ]);
    expect(within(dialog).getByText('Строк: 3; будет создано 1, изменено 0, без изменений 0; ошибок: 2')).toBeTruthy();
    expect(apply()).toHaveProperty('disabled', true);
    expect(importCalls(calls)).toHaveLength(1);
    expect(importCalls(calls)[0].body).toMatchObject({ format: 'csv', dry_run: true, file_name: 'customers.csv' });
    const sent = (importCalls(calls)[0].body as { content_base64: string }).content_base64;
    expect(new TextDecoder().decode(Uint8Array.from(atob(sent), (ch) => ch.charCodeAt(0)))).toContain('Бета,7708123451');

    // A corrected file: a new dry run; its clean preview lets "apply" through.
    await choose(csv('name,inn\nВектор,7708123450\nРомашка,5001007326\n', 'fixed.csv'));
    expect(within(dialog).queryByText(/ошибок: 2/)).toBeNull();
    expect(apply()).toHaveProperty('disabled', true);
    await userEvent.click(check());
    expect(await within(dialog).findByText('Строк: 2; будет создано 1, изменено 1, без изменений 0; ошибок: 0')).toBeTruthy();
    expect(within(dialog).getByText('Создать')).toBeTruthy();
    expect(within(dialog).getByText('Изменить')).toBeTruthy();
    await waitFor(() => expect(apply()).toHaveProperty('disabled', false));
    const listsBefore = listCalls(calls).length;
    await userEvent.click(apply());
    expect(await screen.findByText('Импорт применён: создано 1, изменено 1')).toBeTruthy();
    expect(importCalls(calls).map((c) => (c.body as { dry_run: boolean; file_name: string }))).toMatchObject([
      { dry_run: true, file_name: 'customers.csv' }, { dry_run: true, file_name: 'fixed.csv' }, { dry_run: false, file_name: 'fixed.csv' },
    ]);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await waitFor(() => expect(listCalls(calls).length).toBeGreaterThan(listsBefore));  // the list reloads
  });

  it('an XLSX file is sent as xlsx', async () => {
    const calls = backend({ imports: [report({ rows: 1, unchanged: 1 })] });
    renderAs(['admin']);
    await userEvent.click(await screen.findByRole('button', { name: /Импорт/ }));
    await choose(file(new Uint8Array([0x50, 0x4b, 3, 4]), 'Customers.XLSX'));
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Проверить' }));
    await waitFor(() => expect(importCalls(calls)).toHaveLength(1));
    expect(importCalls(calls)[0].body).toMatchObject({ format: 'xlsx', content_base64: 'UEsDBA==', dry_run: true });
  });
});

describe('a new customer', () => {
  it('shows the server\'s ИНН error on the field, then opens the created card', async () => {
    let attempts = 0;
    const calls = backend({
      create: () => (++attempts === 1
        ? new Response(JSON.stringify({
          type: '/problems/validation-failed', title: 'Invalid request', status: 422, code: 'validation-failed', detail: 'Проверьте поля.',
          errors: [{ loc: 'body.inn', msg: 'ИНН 7708123451 неверен: 10 или 12 цифр с верной контрольной суммой', type: 'value_error' }],
        }), { status: 422, headers: { 'Content-Type': 'application/problem+json' } })
        : json(card({ id: NEW_ORG }), 201)),
    });
    const view = renderAs(['sales']);
    await userEvent.click(await screen.findByRole('button', { name: /Добавить клиента/ }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText('Название'), 'ООО «Вектор»');
    await userEvent.type(within(dialog).getByLabelText('ИНН'), '123');
    await userEvent.type(within(dialog).getByLabelText('КПП'), '770101001');
    await userEvent.click(within(dialog).getByRole('combobox', { name: 'Сегмент' }));
    await userEvent.click(await screen.findByTitle('Средний бизнес'));
    await userEvent.click(within(dialog).getByRole('combobox', { name: 'Размещение' }));
    await userEvent.click(await screen.findByTitle('SaaS'));
    await userEvent.click(within(dialog).getByRole('button', { name: /Добавить клиента/ }));
    // The form itself refuses a malformed ИНН (the checksum is the server's).
    expect(await within(dialog).findByText('ИНН — 10 цифр (организация) или 12 (ИП)')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);

    const inn = within(dialog).getByLabelText('ИНН');
    await userEvent.clear(inn);
    await userEvent.type(inn, '7708123451');
    await userEvent.click(within(dialog).getByRole('button', { name: /Добавить клиента/ }));
    expect(await within(dialog).findByText('ИНН 7708123451 неверен: 10 или 12 цифр с верной контрольной суммой')).toBeTruthy();
    expect(inn.closest('.ant-form-item')?.className).toContain('ant-form-item-has-error');

    await userEvent.clear(inn);
    await userEvent.type(inn, '7708123450');
    await userEvent.click(within(dialog).getByRole('button', { name: /Добавить клиента/ }));
    await waitFor(() => expect(view.router.state.location.pathname).toBe(`/console/customers/${NEW_ORG}`));
    const posts = calls.filter((c) => c.method === 'POST');
    expect(posts.at(-1)!.body).toEqual({ name: 'ООО «Вектор»', legal_name: null, inn: '7708123450', kpp: '770101001', segment: 'mid_market', deployment: 'saas' });
  });
});

describe('what each role sees', () => {
  it.each([
    ['support', true],
    ['auditor', true],
    ['developer', false],
  ] as const)('%s reads the list without create or import (export: %s)', async (role, exports) => {
    backend();
    renderAs([role]);
    expect(await screen.findByRole('link', { name: 'ООО «Ромашка»' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Добавить клиента/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /Импорт/ })).toBeNull();
    expect(!!screen.queryByRole('button', { name: /CSV/ })).toBe(exports);
    expect(!!screen.queryByRole('button', { name: /XLSX/ })).toBe(exports);
  });

  it('a developer sees a sole trader\'s name and ИНН masked, as the API answers them', async () => {
    backend({ items: [summary({ id: ORG, name: 'И*** С*** А*** Р***', legal_name: 'И*** п*** С*** А*** Р***', inn: '0278********', kpp: null, segment: 'smb' })] });
    renderAs(['developer']);
    expect(await screen.findByRole('link', { name: 'И*** С*** А*** Р***' })).toBeTruthy();
    expect(screen.getByText('И*** п*** С*** А*** Р***')).toBeTruthy();
    expect(screen.getByText('0278********')).toBeTruthy();
    fireEvent.click(screen.getByRole('link', { name: 'И*** С*** А*** Р***' }));
    expect(await screen.findByText('card page')).toBeTruthy();
  });
});
