import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PaymentImportReport } from '../../../api/billing';
import { MeContext } from '../../../auth/session';
import { INVOICE_ID, payment, ROMASHKA, rub } from '../../../test/billing';
import { card, pathOf, queryOf } from '../../../test/customers';
import { json, stubFetch, type Call } from '../../../test/fetch';
import { renderRoutes, staffMe } from '../../../test/render';
import PaymentsList from './PaymentsList';

vi.setConfig({ testTimeout: 60_000 });

const IMPORT = '/api/console/billing/payments/import';
const EXPORT = '/api/console/billing/payments/export';

function report(overrides: Partial<PaymentImportReport> = {}): PaymentImportReport {
  return { dry_run: true, applied: false, rows: 0, created: 0, unchanged: 0, errors: [], preview: [], ...overrides };
}

const ROW = {
  line: 2, invoice_number: 17, invoice_id: INVOICE_ID, org_id: ROMASHKA, amount: rub(999_000), paid_on: '2026-12-02',
  payer_inn: '7708123450', document_number: '517', provider_payment_id: 'bank:7708123450:517', action: 'apply' as const,
};

function backend(imports: PaymentImportReport[] = []) {
  return stubFetch(({ url, method }) => {
    const path = pathOf(url);
    if (path === `/api/console/customers/${ROMASHKA}`) return json(card({ id: ROMASHKA }));
    if (path === '/api/console/customers') return json({ items: [card({ id: ROMASHKA })], next_cursor: null });
    if (path === '/api/console/billing/payments') return json({ items: [payment()], next_cursor: null });
    if (path === EXPORT) {
      return new Response('id;amount\n', { status: 200, headers: { 'Content-Type': 'text/csv', 'Content-Disposition': 'attachment; filename="tessera-payments.csv"' } });
    }
    if (path === IMPORT && method === 'POST') return json(imports.shift());
    return json({}, 404);
  });
}

function show(roles: string[], path = '/console/billing/payments') {
  return renderRoutes([
    { path: '/console/billing/payments', element: <MeContext.Provider value={staffMe({ roles })}><PaymentsList /></MeContext.Provider> },
  ], path);
}

/** A file as a browser gives it (jsdom's File has no arrayBuffer()). */
function csv(text: string, name = 'statement.csv'): File {
  const bytes = new TextEncoder().encode(text);
  const chosen = new File([bytes as BlobPart], name, { type: 'text/csv' });
  Object.defineProperty(chosen, 'arrayBuffer', { value: () => Promise.resolve(bytes.slice().buffer) });
  return chosen;
}

const importCalls = (calls: Call[]) => calls.filter((c) => pathOf(c.url) === IMPORT);

describe('payment files', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('exports the list\'s customer as CSV by default', async () => {
    const createObjectURL = vi.fn(() => 'blob:payments');
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() }));
    const calls = backend();
    show(['auditor'], `/console/billing/payments?org_id=${ROMASHKA}`);
    await userEvent.click(await screen.findByRole('button', { name: /Экспорт/ }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Скачать' }));
    await waitFor(() => expect(createObjectURL).toHaveBeenCalledTimes(1));
    expect(queryOf(calls.find((c) => pathOf(c.url) === EXPORT)!.url)).toEqual({ format: 'csv', org_id: ROMASHKA });
    expect(screen.queryByRole('button', { name: /Импорт выписки/ })).toBeNull();  // an auditor reads only
  });

  it('checks a statement first, shows row errors with line and field, and applies only a clean one', async () => {
    const failing = report({ rows: 2, created: 1, errors: [{ line: 3, field: 'amount', code: 'amount-invalid', message: 'Сумма не число' }], preview: [ROW] });
    const clean = report({ rows: 1, created: 1, preview: [ROW] });
    const applied = report({ dry_run: false, applied: true, rows: 1, created: 1 });
    const calls = backend([failing, clean, applied]);
    show(['billing']);
    await userEvent.click(await screen.findByRole('button', { name: /Импорт выписки/ }));
    const dialog = await screen.findByRole('dialog');
    const check = () => within(dialog).getByRole('button', { name: 'Проверить' });
    const apply = () => within(dialog).getByRole('button', { name: /Зачесть платежи/ });
    expect(check()).toHaveProperty('disabled', true);
    expect(apply()).toHaveProperty('disabled', true);

    await userEvent.upload(dialog.querySelector('input[type=file]') as HTMLInputElement, csv('invoice;amount\n17;9990\n17;x\n'));
    await userEvent.click(check());
    const error = (await within(dialog).findByText('Сумма не число')).closest('tr') as HTMLElement;
    expect(within(error).getAllByRole('cell').map((c) => c.textContent)).toEqual(['3', 'amount', 'Сумма не число']);
    expect(apply()).toHaveProperty('disabled', true);
    expect(importCalls(calls)[0].url).toContain('dry_run=true');
    expect(importCalls(calls)[0].body).toMatchObject({ format: 'csv', file_name: 'statement.csv' });

    await userEvent.click(check());
    expect(await within(dialog).findByText('Будет зачтён')).toBeTruthy();
    await waitFor(() => expect(apply()).toHaveProperty('disabled', false));
    await userEvent.click(apply());
    expect(await screen.findByText('Зачтено платежей: 1; загружено раньше: 0.')).toBeTruthy();
    expect(importCalls(calls).map((c) => queryOf(c.url).dry_run)).toEqual(['true', 'true', 'false']);
  });
});
