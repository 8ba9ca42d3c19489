import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PaymentWithRefunds } from '../../../api/billing';
import { MeContext } from '../../../auth/session';
import { invoice, INVOICE_ID, paymentWithRefunds, refund, ROMASHKA, rub } from '../../../test/billing';
import { card, pathOf } from '../../../test/customers';
import { json, problem, stubFetch } from '../../../test/fetch';
import { renderRoutes, staffMe } from '../../../test/render';
import PaymentDetail from './PaymentDetail';

vi.setConfig({ testTimeout: 60_000 });

const PAID = paymentWithRefunds();
const PATH = `/console/billing/payments/yookassa/${PAID.provider_payment_id}`;
const REFUND = `/api/console/billing/payments/yookassa/${PAID.provider_payment_id}/refund`;

/** The payment API; a refund of what is asked is recorded and listed (or answered with `refuse`). */
function backend(start: Partial<PaymentWithRefunds> = {}, refuse?: Response) {
  let current = paymentWithRefunds(start);
  return stubFetch(({ url, method, body }) => {
    const path = pathOf(url);
    if (path === `/api/console/customers/${ROMASHKA}`) return json(card({ id: ROMASHKA }));
    if (path === `/api/console/billing/invoices/${INVOICE_ID}`) return json(invoice({ status: 'paid' }));
    if (path === `/api/console/billing/payments/${current.provider}/${current.provider_payment_id}`) return json(current);
    if (path === `${REFUND}s/1/check` && method === 'POST') {
      const settled = refund({ ...current.refunds[0], status: 'succeeded' });
      current = { ...current, refunds: [settled] };
      return json(settled);
    }
    if (path === REFUND && method === 'POST') {
      if (refuse) return refuse;
      const { amount, reason } = body as { amount?: number; reason: string };
      const kopecks = amount ?? current.amount.kopecks - current.refunded.kopecks;
      const made = refund({ amount: rub(kopecks), reason, number: current.refunds.length + 1 });
      current = { ...current, refunded: rub(current.refunded.kopecks + kopecks), refunds: [...current.refunds, made] };
      return json(made);
    }
    return json({}, 404);
  });
}

function show(roles = ['billing'], path = PATH) {
  return renderRoutes([
    { path: '/console/billing/payments/:provider/:paymentId', element: <MeContext.Provider value={staffMe({ roles })}><PaymentDetail /></MeContext.Provider> },
  ], path);
}

async function openRefund() {
  await userEvent.click(await screen.findByRole('button', { name: /Вернуть деньги/ }));
  return screen.findByRole('dialog');
}

describe('a refund', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('refunds part of a payment with the amount on the confirmation, then lists it', async () => {
    const calls = backend();
    show();
    expect(await screen.findByText('Возвратов не было.')).toBeTruthy();
    const dialog = await openRefund();
    expect(within(dialog).getByText(/Оплачено 9\s990,00\s₽, можно вернуть до 9\s990,00\s₽/)).toBeTruthy();
    const amount = within(dialog).getByRole('spinbutton', { name: 'Сумма возврата' });
    await userEvent.clear(amount);
    await userEvent.type(amount, '3000');
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Причина' }), 'Клиент отказался от части мест');
    await userEvent.click(within(dialog).getByRole('button', { name: /Вернуть 3\s000,00\s₽/ }));
    await waitFor(() => expect(calls.find((c) => pathOf(c.url) === REFUND)?.body).toEqual({ amount: 300_000, reason: 'Клиент отказался от части мест' }));
    const row = (await screen.findByText('Клиент отказался от части мест')).closest('tr') as HTMLElement;
    expect(within(row).getByText(/^3\s000,00\s₽$/)).toBeTruthy();
    expect(within(row).getByText('Выполнен')).toBeTruthy();
    expect(await screen.findByText('Возвращено 3 000,00 ₽.')).toBeTruthy();
  });

  it('sends no amount when refunding all that is left, and puts "more than is left" on the field', async () => {
    const exceeds = problem(422, {
      type: '/problems/validation', code: 'refund-exceeds-payment', detail: 'Возвраты не могут превышать сумму платежа: осталось 6 990,00 ₽.',
      errors: [{ loc: 'body.amount', msg: 'exceeds what is left of the payment', type: 'too_large' }],
    });
    const calls = backend({ refunded: rub(300_000), refunds: [refund()] }, exceeds);
    show();
    const dialog = await openRefund();
    expect(within(dialog).getByRole('spinbutton', { name: 'Сумма возврата' })).toHaveProperty('value', '6990,00');
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Причина' }), 'Двойная оплата');
    await userEvent.click(within(dialog).getByRole('button', { name: /Вернуть 6\s990,00\s₽/ }));
    await waitFor(() => expect(calls.find((c) => pathOf(c.url) === REFUND)?.body).toEqual({ reason: 'Двойная оплата' }));
    expect(await within(dialog).findAllByText('Возвраты не могут превышать сумму платежа: осталось 6 990,00 ₽.')).not.toHaveLength(0);
  });

  it('checks the amount and reason before asking the server', async () => {
    const calls = backend({ refunded: rub(900_000) });
    show();
    const dialog = await openRefund();
    const amount = within(dialog).getByRole('spinbutton', { name: 'Сумма возврата' });
    await userEvent.clear(amount);
    await userEvent.type(amount, '1000');
    await userEvent.click(within(dialog).getByRole('button', { name: /Вернуть 1\s000,00\s₽/ }));
    expect(await within(dialog).findByText(/Укажите сумму от 0,01 ₽ до 990,00\s₽/)).toBeTruthy();
    expect(await within(dialog).findByText('Укажите причину: от 3 до 250 символов.')).toBeTruthy(); // antd shows each field's error when its own check ends
    expect(calls.some((c) => pathOf(c.url) === REFUND)).toBe(false);
  });

  it('is not offered for a bank transfer, a refunded payment, or an auditor', async () => {
    backend({ provider: 'manual', provider_payment_id: 'PP-17' });
    const { unmount } = show(['billing'], '/console/billing/payments/manual/PP-17');
    expect(await screen.findByRole('button', { name: /Вернуть деньги/ })).toHaveProperty('disabled', true);
    unmount();
    vi.unstubAllGlobals();

    backend({ refunded: rub(999_000), refunds: [refund({ amount: rub(999_000) })] });
    const second = show();
    expect(await screen.findByRole('button', { name: /Вернуть деньги/ })).toHaveProperty('disabled', true);
    second.unmount();

    show(['auditor']);
    expect(await screen.findByRole('button', { name: /Вернуть деньги/ })).toHaveProperty('disabled', true);
  });

  it('offers a check of a pending refund and shows what the provider answered', async () => {
    const calls = backend({ refunded: rub(300_000), refunds: [refund({ status: 'pending' })] });
    show();
    const row = (await screen.findByText('В обработке')).closest('tr') as HTMLElement;
    await userEvent.click(within(row).getByRole('button', { name: /Проверить статус/ }));
    expect(await screen.findByText('Возврат выполнен.')).toBeTruthy();
    expect(calls.filter((c) => pathOf(c.url) === `${REFUND}s/1/check`)).toHaveLength(1);
    await waitFor(() => expect(screen.queryByRole('button', { name: /Проверить статус/ })).toBeNull());
    expect(await screen.findByText('Выполнен')).toBeTruthy();
  });
});
