import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MeContext } from '../../../auth/session';
import { invoice, INVOICE_ID, payment, paymentWithRefunds, ROMASHKA } from '../../../test/billing';
import { card, pathOf, queryOf } from '../../../test/customers';
import { json, stubFetch, type Call } from '../../../test/fetch';
import { renderRoutes, staffMe } from '../../../test/render';
import PaymentDetail from './PaymentDetail';
import PaymentsList, { paymentFiltersFrom } from './PaymentsList';

// Several dialogs and typed fields per test: slow on a machine the whole team shares.
vi.setConfig({ testTimeout: 60_000 });

const MISMATCH = payment({ provider: 'tbank', provider_payment_id: '700001', status: 'mismatch', amount: { kopecks: 500_000, currency: 'RUB', formatted: '' } });
const listCalls = (calls: Call[]) => calls.filter((c) => pathOf(c.url) === '/api/console/billing/payments');

function backend() {
  return stubFetch(({ url }) => {
    const path = pathOf(url);
    if (path === `/api/console/customers/${ROMASHKA}`) return json(card({ id: ROMASHKA }));
    if (path === '/api/console/billing/payments') {
      return json({ items: Object.keys(queryOf(url)).length ? [] : [payment(), MISMATCH], next_cursor: null });
    }
    if (path === '/api/console/billing/payments/tbank/700001') return json(paymentWithRefunds(MISMATCH));
    if (path === `/api/console/billing/invoices/${INVOICE_ID}`) return json(invoice());
    return json({}, 404);
  });
}

function show(path: string) {
  const me = staffMe({ roles: ['auditor'] });
  return renderRoutes([
    { path: '/console/billing/payments', element: <MeContext.Provider value={me}><PaymentsList /></MeContext.Provider> },
    { path: '/console/billing/payments/:provider/:paymentId', element: <MeContext.Provider value={me}><PaymentDetail /></MeContext.Provider> },
  ], path);
}

describe('payments', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('lists payments with their provider and status, and filters by provider on the server', async () => {
    const calls = backend();
    show('/console/billing/payments');
    const mismatch = (await screen.findByRole('link', { name: '700001' })).closest('tr') as HTMLElement;
    expect(within(mismatch).getByText('Т-Банк')).toBeTruthy();
    expect(within(mismatch).getByText('Расхождение')).toBeTruthy();
    expect(within(screen.getByRole('link', { name: payment().provider_payment_id }).closest('tr') as HTMLElement).getByText('Зачтён')).toBeTruthy();
    await userEvent.click(screen.getByRole('combobox', { name: 'Платёжная система' }));
    await userEvent.click(await screen.findByTitle('1С / CRM'));
    await waitFor(() => expect(queryOf(listCalls(calls).at(-1)!.url)).toEqual({ provider: 'external' }));
    expect(await screen.findByText('Нет платежей с такими условиями.')).toBeTruthy();
  });

  it('flags a mismatch with the amounts received and invoiced', async () => {
    backend();
    show('/console/billing/payments/tbank/700001');
    expect(await screen.findByRole('heading', { name: 'Платёж Т-Банк 700001' })).toBeTruthy();
    expect(screen.getByText(/не совпадает со счётом/)).toBeTruthy();
    expect(await screen.findByText(/Получено 5\s000,00\s₽, сумма счёта 9\s990,00\s₽\./)).toBeTruthy();
    expect(screen.getByRole('link', { name: '№ 17' }).getAttribute('href')).toBe(`/console/billing/invoices/${INVOICE_ID}`);
  });

  it('reads only known filters from the address', () => {
    expect(paymentFiltersFrom(new URLSearchParams({ provider: 'paypal', status: 'refund_due', q: 'ромашка' })))
      .toEqual({ q: 'ромашка', status: 'refund_due' });
    expect(paymentFiltersFrom(new URLSearchParams({ provider: 'manual' }))).toEqual({ provider: 'manual' });
  });
});
