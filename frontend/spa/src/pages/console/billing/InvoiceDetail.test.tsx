import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Invoice } from '../../../api/billing';
import { MeContext } from '../../../auth/session';
import { invoice, INVOICE_ID, payment, ROMASHKA } from '../../../test/billing';
import { card, pathOf, queryOf } from '../../../test/customers';
import { json, problem, stubFetch } from '../../../test/fetch';
import { renderRoutes, staffMe } from '../../../test/render';
import InvoiceDetail from './InvoiceDetail';

// Several dialogs and typed fields per test: slow on a machine the whole team shares.
vi.setConfig({ testTimeout: 60_000 });

const MARK_PAID = `/api/console/billing/invoices/${INVOICE_ID}/mark-paid`;

/** The invoice API; marking it paid makes it paid with the payment listed (or answers `refuse`). */
function backend(start: Partial<Invoice> = {}, refuse?: Response) {
  let current = invoice(start);
  let payments = [] as ReturnType<typeof payment>[];
  const calls = stubFetch(({ url, method, body }) => {
    const path = pathOf(url);
    if (path === `/api/console/customers/${ROMASHKA}`) return json(card({ id: ROMASHKA }));
    if (path === `/api/console/billing/invoices/${INVOICE_ID}`) return json(current);
    if (path === '/api/console/billing/payments') return json({ items: payments, next_cursor: null });
    if (path === MARK_PAID && method === 'POST') {
      if (refuse) return refuse;
      const { reference, amount_kopecks } = body as { reference: string; amount_kopecks: number };
      const paid = payment({ provider: 'manual', provider_payment_id: reference, amount: { kopecks: amount_kopecks, currency: 'RUB', formatted: '' } });
      current = invoice({ ...start, status: 'paid', paid_at: '2026-12-03T09:00:00Z' });
      payments = [paid];
      return json(paid);
    }
    return json({}, 404);
  });
  return calls;
}

function show(roles = ['billing']) {
  return renderRoutes([
    { path: '/console/billing/invoices/:invoiceId', element: <MeContext.Provider value={staffMe({ roles })}><InvoiceDetail /></MeContext.Provider> },
  ], `/console/billing/invoices/${INVOICE_ID}`);
}

describe('an invoice', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('shows its lines with VAT and totals, its purpose and customer, and no payments yet', async () => {
    const calls = backend();
    show();
    expect(await screen.findByRole('heading', { name: 'Счёт № 17' })).toBeTruthy();
    const line = screen.getByText('Fast Lead «Про», декабрь 2026').closest('tr') as HTMLElement;
    expect(within(line).getByText('22%')).toBeTruthy();
    expect(within(line).getByText(/^1\s801,47\s₽$/)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Период подписки' }).getAttribute('href')).toBe('/console/billing/subscriptions/sub_01JSSSSSSSSSSSSSSSSSSSSSS1');
    expect(await screen.findByRole('link', { name: 'ООО «Ромашка»' })).toBeTruthy();
    expect(await screen.findByText('Платежей по этому счёту нет.')).toBeTruthy();
    expect(queryOf(calls.find((c) => pathOf(c.url) === '/api/console/billing/payments')!.url)).toEqual({ invoice_id: INVOICE_ID });
  });

  it('is marked paid after a confirmation that names the amount, once per bank document', async () => {
    const calls = backend();
    show();
    await userEvent.click(await screen.findByRole('button', { name: /Отметить оплаченным/ }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText(/Сумма счёта — 9\s990,00\s₽/)).toBeTruthy();
    await userEvent.click(within(dialog).getByRole('button', { name: /Отметить оплаченным: 9\s990,00\s₽/ }));
    expect(await within(dialog).findByText(/Укажите номер документа/)).toBeTruthy();  // nothing sent without it
    expect(calls.some((c) => pathOf(c.url) === MARK_PAID)).toBe(false);

    await userEvent.type(within(dialog).getByLabelText('Номер платёжного документа'), 'ПП-17');
    await userEvent.click(within(dialog).getByRole('button', { name: /Отметить оплаченным: 9\s990,00\s₽/ }));
    expect(await screen.findByText('Счёт оплачен.')).toBeTruthy();
    expect(calls.filter((c) => pathOf(c.url) === MARK_PAID).map((c) => c.body)).toEqual([
      { reference: 'ПП-17', amount_kopecks: 999_000, currency: 'RUB' },
    ]);
    expect(await screen.findByText('Оплачен')).toBeTruthy();
    expect(await screen.findByRole('link', { name: 'ПП-17' })).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('button', { name: /Отметить оплаченным/ })).toBeNull());
  });

  it('warns when the amount differs from the invoice', async () => {
    backend();
    show();
    await userEvent.click(await screen.findByRole('button', { name: /Отметить оплаченным/ }));
    const dialog = await screen.findByRole('dialog');
    const amount = within(dialog).getByLabelText('Поступившая сумма');
    await userEvent.clear(amount);
    await userEvent.type(amount, '5000');
    expect(await within(dialog).findByText(/Сумма отличается от суммы счёта/)).toBeTruthy();
    expect(within(dialog).getByRole('button', { name: /Отметить оплаченным: 5\s000,00\s₽/ })).toBeTruthy();
  });

  it('shows the server\'s refusal and stays unpaid', async () => {
    backend({}, problem(409, { detail: 'Счёт в статусе «paid» не может перейти в «paid».' }));
    show();
    await userEvent.click(await screen.findByRole('button', { name: /Отметить оплаченным/ }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText('Номер платёжного документа'), 'ПП-18');
    await userEvent.click(within(dialog).getByRole('button', { name: /Отметить оплаченным:/ }));
    expect(await screen.findByText('Счёт в статусе «paid» не может перейти в «paid».')).toBeTruthy();
    expect(screen.getByText('Выставлен')).toBeTruthy();
  });

  it('auditors see the action disabled with the reason; a paid invoice has none', async () => {
    backend();
    const { unmount } = show(['auditor']);
    const button = await screen.findByRole('button', { name: /Отметить оплаченным/ });
    expect(button.hasAttribute('disabled')).toBe(true);
    unmount();
    vi.unstubAllGlobals();
    backend({ status: 'paid', paid_at: '2026-12-03T09:00:00Z' });
    show(['admin']);
    expect(await screen.findByText(/Счёт оплачен 03\.12\.2026/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Отметить оплаченным/ })).toBeNull();
  });

  it('shows a missing invoice as an error', async () => {
    stubFetch(() => problem(404, { detail: 'Счёт не найден.' }));
    show();
    expect(await screen.findByText('Счёт не найден.')).toBeTruthy();
  });
});
