import { configure, fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Me } from '../../../api/auth';
import { MeContext } from '../../../auth/session';
import i18n from '../../../i18n';
import { customerMe, invoice, INVOICE_ID } from '../../../test/appBilling';
import { ORG } from '../../../test/catalog';
import { json, problem, stubFetch, type Call } from '../../../test/fetch';
import { renderRoutes } from '../../../test/render';
import { InvoicePage } from './InvoicePage';
import { rememberCheckout, returnedFromCheckout } from './model';

const saved = vi.hoisted(() => ({ files: [] as string[] }));
vi.mock('../../../lib/download', () => ({ saveBlob: (_: Blob, name: string) => saved.files.push(name) }));
const left = vi.hoisted(() => ({ urls: [] as string[] }));
vi.mock('./model', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./model')>()),
  goToCheckout: (url: string) => left.urls.push(url),
}));

// The first render loads antd's table, tabs and modal: slow on a busy machine.
vi.setConfig({ testTimeout: 30_000 });
configure({ asyncUtilTimeout: 10_000 });
beforeEach(() => {
  left.urls = [];
  saved.files = [];
  sessionStorage.clear();
});
afterEach(() => vi.unstubAllGlobals());

const BASE = `/api/app/orgs/${ORG}/billing`;
const CHECKOUT_URL = 'http://127.0.0.1:8080/_local/yookassa/checkout/2f6c';

/** GET answers `states` in turn (the last one from then on); «Оплатить» answers a pending checkout. */
function backend(states: ReturnType<typeof invoice>[]) {
  let reads = 0;
  return stubFetch((call: Call) => {
    if (call.url === `${BASE}/invoices/${INVOICE_ID}`) return json(states[Math.min(reads++, states.length - 1)]);
    if (call.url === `${BASE}/invoices/${INVOICE_ID}/pdf`) {
      return new Response('%PDF-1.4', { headers: { 'Content-Type': 'application/pdf',
        'Content-Disposition': `attachment; filename="invoice-42-2026-12-01.pdf"; filename*=UTF-8''${encodeURIComponent('Счёт № 42 от 01.12.2026.pdf')}` } });
    }
    if (call.url === `${BASE}/invoices/${INVOICE_ID}/pay`) {
      return json({ invoice_id: INVOICE_ID, attempt: 1, provider: 'yookassa', status: 'pending', confirmation_url: CHECKOUT_URL });
    }
    return problem(404);
  });
}

function invoicePage(me: Me = customerMe('owner'), checkWindowMs?: number) {
  return renderRoutes([{
    path: '/app/billing/invoices/:invoiceId',
    element: <MeContext.Provider value={me}><InvoicePage orgId={ORG} invoiceId={INVOICE_ID} checkWindowMs={checkWindowMs} /></MeContext.Provider>,
  }], `/app/billing/invoices/${INVOICE_ID}`);
}

const pays = (calls: Call[]) => calls.filter((c) => c.method === 'POST');

describe('the invoice page', () => {
  it('shows the invoice and goes to the provider once, however often «Оплатить» is clicked, with the card-saving consent', async () => {
    const calls = backend([invoice()]);
    invoicePage();
    expect(await screen.findByText('Счёт № 42')).toBeTruthy();
    expect(screen.getByText('Подписка Fast Lead, тариф «Про», 1 мес.')).toBeTruthy();
    expect(screen.getByText(/стоимость подписки будет списываться с этой карты автоматически/)).toBeTruthy();
    await userEvent.click(screen.getByRole('checkbox', { name: 'Сохранить карту для автоматического продления' }));
    const pay = screen.getByRole('button', { name: /^Оплатить 9\s990,00 ₽$/ });
    fireEvent.click(pay);
    fireEvent.click(pay);
    fireEvent.click(pay);
    await waitFor(() => expect(left.urls).toEqual([CHECKOUT_URL]));
    expect(pays(calls).map((c) => c.body)).toEqual([{ save_method: true }]);
    expect(returnedFromCheckout(INVOICE_ID)).toBe(true);
    expect((screen.getByRole('button', { name: /Оплатить 9\s990,00 ₽/ }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('back from the provider, waits for the payment and shows the invoice paid', async () => {
    rememberCheckout(INVOICE_ID);
    backend([invoice(), invoice({ status: 'paid', paid_at: '2026-12-03T09:05:00Z' })]);
    invoicePage();
    expect(await screen.findByText('Проверяем оплату…')).toBeTruthy();
    expect(await screen.findByText('Счёт оплачен', {}, { timeout: 5_000 })).toBeTruthy();
    expect(screen.getByText('Оплата получена 03.12.2026, 12:05 МСК. Спасибо!')).toBeTruthy();
    expect(returnedFromCheckout(INVOICE_ID)).toBe(false);
  });

  it('back from the provider after a decline, says the payment failed, keeps the invoice open and offers to try again', async () => {
    rememberCheckout(INVOICE_ID);
    const calls = backend([invoice()]);
    invoicePage(customerMe('owner'), 200);
    expect(await screen.findByText('Оплата не прошла', {}, { timeout: 5_000 })).toBeTruthy();
    expect(screen.getByText(/счёт по-прежнему не оплачен/)).toBeTruthy();
    expect(screen.getByText('Ждёт оплаты')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Попробовать ещё раз' }));
    await waitFor(() => expect(left.urls).toEqual([CHECKOUT_URL]));
    expect(pays(calls)).toHaveLength(1);
  });

  it('downloads the invoice as a PDF under its Russian name', async () => {
    backend([invoice()]);
    invoicePage();
    await userEvent.click(await screen.findByRole('button', { name: /Скачать PDF/ }));
    await waitFor(() => expect(saved.files).toEqual(['Счёт № 42 от 01.12.2026.pdf']));
  });

  it('offers no PDF for a draft (it has no number yet)', async () => {
    backend([invoice({ number: null, status: 'draft', issued_at: null })]);
    invoicePage();
    expect(await screen.findByText('Счёт черновик')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Скачать PDF/ })).toBeNull();
  });

  it('shows an error with a retry when the invoice cannot be loaded', async () => {
    stubFetch(() => problem(503, { detail: '' }));
    invoicePage();
    expect(await screen.findByText('Не удалось загрузить данные')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Повторить' })).toBeTruthy();
  });

  it('in English', async () => {
    backend([invoice()]);
    await i18n.changeLanguage('en');
    invoicePage();
    expect(await screen.findByRole('button', { name: 'Pay RUB 9,990.00' })).toBeTruthy();
  });
});
