import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Me } from '../../../api/auth';
import { MeContext } from '../../../auth/session';
import {
  act, ACT_ID, customerMe, invoice, METHOD_ID, page, paymentMethod, PLANS, subscription, SUBSCRIPTION_ID,
} from '../../../test/appBilling';
import { ORG } from '../../../test/catalog';
import { json, problem, stubFetch, type Call } from '../../../test/fetch';
import { renderRoutes } from '../../../test/render';
import Billing from './Billing';

const saved = vi.hoisted(() => ({ files: [] as string[] }));
vi.mock('../../../lib/download', () => ({ saveBlob: (_: Blob, name: string) => saved.files.push(name) }));

// The first render loads antd's table, tabs and modal: slow on a busy machine.
vi.setConfig({ testTimeout: 30_000 });
configure({ asyncUtilTimeout: 10_000 });
afterEach(() => {
  vi.unstubAllGlobals();
  saved.files = [];
});

const BASE = `/api/app/orgs/${ORG}/billing`;
const UPGRADE_INVOICE = 'inv_01JABCDEFGHJKMNPQRSTVWXYZ9';

/** The app billing API; `subscriptions` is what GET …/subscriptions lists. */
function backend(subscriptions: ReturnType<typeof subscription>[], overrides: (call: Call) => Response | undefined = () => undefined) {
  return stubFetch((call) => {
    const answer = overrides(call);
    if (answer) return answer;
    const path = call.url.split('?')[0];
    if (path === `${BASE}/plans`) return json(PLANS);
    if (path === `${BASE}/subscriptions` && call.method === 'GET') return json(page(subscriptions));
    if (path === `${BASE}/subscriptions` && call.method === 'POST') {
      return json(subscription({ state: 'trial', plan: (call.body as { plan: string }).plan }), 201);
    }
    if (path === `${BASE}/subscriptions/${SUBSCRIPTION_ID}/invoice`) return json(invoice());
    if (path === `${BASE}/subscriptions/${SUBSCRIPTION_ID}/plan-change` && call.method === 'GET') {
      return json({ plan: 'fastlead_business', kind: 'upgrade', amount_now: { kopecks: 333_300, currency: 'RUB', formatted: '' },
        effective_at: '2026-12-03T12:00:00Z', days_left: 10, period_days: 30 });
    }
    if (path === `${BASE}/subscriptions/${SUBSCRIPTION_ID}/plan-change`) {
      return json({ subscription: subscriptions[0], invoice: invoice({ id: UPGRADE_INVOICE, total: { kopecks: 333_300, currency: 'RUB', formatted: '' } }),
        preview: { plan: 'fastlead_business', kind: 'upgrade', amount_now: { kopecks: 333_300, currency: 'RUB', formatted: '' },
          effective_at: '2026-12-03T12:00:00Z', days_left: 10, period_days: 30 } });
    }
    if (path === `${BASE}/subscriptions/${SUBSCRIPTION_ID}/cancel`) return json({ ...subscriptions[0], cancel_at_period_end: true });
    if (path === `${BASE}/invoices`) return json(page([invoice(), invoice({ id: 'inv_01JABCDEFGHJKMNPQRSTVWXYZ1', number: 41, status: 'paid' })]));
    if (path === `${BASE}/payments`) return json(page([]));
    if (path === `${BASE}/payment-methods`) return json({ items: [] });
    if (path === `${BASE}/acts`) return json(page([]));
    return problem(404);
  });
}

function billingPage(me: Me = customerMe('owner'), path = '/app/billing') {
  return renderRoutes([
    { path: '/app/billing', element: <MeContext.Provider value={me}><Billing /></MeContext.Provider> },
    { path: '/app/billing/invoices/:invoiceId', element: <p>the invoice page</p> },
  ], path);
}

const posts = (calls: Call[]) => calls.filter((c) => c.method === 'POST').map((c) => [c.url, c.body]);
const deletes = (calls: Call[]) => calls.filter((c) => c.method === 'DELETE').map((c) => c.url);
const pdf = (name: string) => new Response('%PDF-1.4', {
  headers: { 'Content-Type': 'application/pdf', 'Content-Disposition': `attachment; filename="doc.pdf"; filename*=UTF-8''${encodeURIComponent(name)}` },
});

describe('the billing page', () => {
  it('offers the plans cheapest first when the organization has no subscription, and starts a trial', async () => {
    const calls = backend([subscription({ state: 'canceled' })]);
    billingPage();
    expect(await screen.findByText(/пока нет подписки/)).toBeTruthy();
    const cards = document.querySelectorAll('[data-plan]');
    expect([...cards].map((card) => card.getAttribute('data-plan'))).toEqual(['fastlead_start', 'fastlead_pro', 'fastlead_business']);
    const pro = within(cards[1] as HTMLElement);
    expect(pro.getByText('9 990,00 ₽ за 1 мес.')).toBeTruthy();
    expect(pro.getByText('Лидов в месяц: 2 000')).toBeTruthy();
    expect(within(cards[2] as HTMLElement).getByText('Лидов в месяц: без ограничений')).toBeTruthy();
    await userEvent.click(pro.getByRole('button', { name: 'Попробовать бесплатно (14 дн.)' }));
    await waitFor(() => expect(posts(calls)).toEqual([[`${BASE}/subscriptions`, { plan: 'fastlead_pro' }]]));
  });

  it('pays at once: the trial started and its first invoice opened to pay', async () => {
    const calls = backend([]);
    const { router } = billingPage();
    const start = within((await screen.findAllByText('Старт'))[0].closest('[data-plan]') as HTMLElement);
    await userEvent.click(start.getByRole('button', { name: 'Оплатить сразу' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/app/billing/invoices/inv_01JABCDEFGHJKMNPQRSTVWXYZ0'));
    expect(posts(calls)).toEqual([
      [`${BASE}/subscriptions`, { plan: 'fastlead_start' }], [`${BASE}/subscriptions/${SUBSCRIPTION_ID}/invoice`, undefined],
    ]);
  });

  it('shows a trial with the days left and the plan limits, and «Оплатить сейчас» opens the invoice', async () => {
    const trialEnd = new Date(Date.now() + 9.5 * 24 * 3600 * 1000).toISOString(); // a started day counts
    backend([subscription({ state: 'trial', period_end: trialEnd })]);
    const { router } = billingPage();
    expect(await screen.findByText(/^Пробный период: осталось дней — 10 \(до \d\d\.\d\d\.\d{4}, \d\d:\d\d МСК\)$/)).toBeTruthy();
    expect(screen.getByText('Тариф «Про»')).toBeTruthy();
    expect(screen.getByText('Участников команды')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Оплатить сейчас' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/app/billing/invoices/inv_01JABCDEFGHJKMNPQRSTVWXYZ0'));
  });

  it('says what to do when the subscription is past due (a trial ended unpaid or a renewal declined)', async () => {
    backend([subscription({ state: 'past_due' })]);
    billingPage();
    expect(await screen.findByText('Подписка не оплачена')).toBeTruthy();
    expect(screen.getByText(/^Пробный период закончился или очередной платёж не прошёл\. Пока доступ только для чтения: оплатите счёт/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Оплатить' })).toBeTruthy();
  });

  it('says a suspended subscription keeps the data and comes back on payment', async () => {
    backend([subscription({ state: 'suspended' })]);
    billingPage();
    expect(await screen.findByText('Доступ приостановлен за неуплату')).toBeTruthy();
    expect(screen.getByText(/Данные сохранены/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Сменить тариф' })).toBeNull();
  });

  it('shows an error with a retry when the subscription cannot be loaded', async () => {
    let failing = true;
    backend([subscription()], (call) => (failing && call.url.startsWith(`${BASE}/subscriptions`) ? problem(500, { detail: '' }) : undefined));
    billingPage();
    expect(await screen.findByText('Не удалось загрузить данные')).toBeTruthy();
    failing = false;
    await userEvent.click(screen.getByRole('button', { name: 'Повторить' }));
    expect(await screen.findByText('Оплачено до 20.12.2026, 12:00 МСК')).toBeTruthy();
  });

  it('changes Про to Бизнес: shows the prorated amount, confirms, and opens the upgrade invoice', async () => {
    const calls = backend([subscription()]);
    const { router } = billingPage();
    await userEvent.click(await screen.findByRole('button', { name: 'Сменить тариф' }));
    const dialog = within(await screen.findByRole('dialog'));
    expect(dialog.queryByText('Перейти на «Про»')).toBeNull(); // the current plan is not offered
    await userEvent.click(dialog.getByText('Перейти на «Бизнес»'));
    expect(await dialog.findByText('К оплате сейчас: 3 333,00 ₽')).toBeTruthy();
    expect(dialog.getByText(/за оставшиеся дни периода \(10 из 30\)/)).toBeTruthy();
    await userEvent.click(dialog.getByRole('button', { name: /^Перейти к оплате 3\s333,00 ₽$/ }));
    await waitFor(() => expect(router.state.location.pathname).toBe(`/app/billing/invoices/${UPGRADE_INVOICE}`));
    expect(posts(calls)).toEqual([[`${BASE}/subscriptions/${SUBSCRIPTION_ID}/plan-change`, { plan: 'fastlead_business' }]]);
  });

  it('cancels at the period end only after a confirmation', async () => {
    const calls = backend([subscription()]);
    billingPage();
    await userEvent.click(await screen.findByRole('button', { name: 'Отменить подписку' }));
    const dialog = within(await screen.findByRole('dialog'));
    expect(dialog.getByText(/будет работать до 20.12.2026, 12:00 МСК/)).toBeTruthy();
    expect(posts(calls)).toEqual([]);
    await userEvent.click(dialog.getByRole('button', { name: 'Отменить подписку' }));
    await waitFor(() => expect(posts(calls)).toEqual([[`${BASE}/subscriptions/${SUBSCRIPTION_ID}/cancel`, undefined]]));
  });

  it('lists the invoices with a pay button for the open one', async () => {
    backend([subscription()]);
    const { router } = billingPage(customerMe('owner'), '/app/billing?tab=invoices');
    const open = within((await screen.findByText('№ 42')).closest('tr') as HTMLElement);
    const paid = within(screen.getByText('№ 41').closest('tr') as HTMLElement);
    expect(open.getByText('9 990,00 ₽')).toBeTruthy();
    expect(open.getByText('Ждёт оплаты')).toBeTruthy();
    expect(paid.getByText('Оплачен')).toBeTruthy();
    expect(paid.queryByRole('button', { name: 'Оплатить' })).toBeNull();
    await userEvent.click(open.getByRole('button', { name: 'Оплатить' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/app/billing/invoices/inv_01JABCDEFGHJKMNPQRSTVWXYZ0'));
  });

  it('says so when there are no payments yet', async () => {
    backend([subscription()]);
    billingPage(customerMe('owner'), '/app/billing?tab=payments');
    expect(await screen.findByText('Платежей пока нет.')).toBeTruthy();
  });

  it('downloads an invoice PDF under the Russian name the server gives', async () => {
    const calls = backend([subscription()], (call) => (call.url === `${BASE}/invoices/inv_01JABCDEFGHJKMNPQRSTVWXYZ1/pdf`
      ? pdf('Счёт № 41 от 20.11.2026.pdf') : undefined));
    billingPage(customerMe('owner'), '/app/billing?tab=invoices');
    const paid = within((await screen.findByText('№ 41')).closest('tr') as HTMLElement);
    await userEvent.click(paid.getByRole('button', { name: /PDF/ }));
    await waitFor(() => expect(saved.files).toEqual(['Счёт № 41 от 20.11.2026.pdf']));
    expect(calls.filter((c) => c.url.endsWith('/pdf')).map((c) => c.method)).toEqual(['GET']);
  });

  it('says closing documents appear after payment when there are none yet', async () => {
    backend([subscription()]);
    billingPage(customerMe('owner'), '/app/billing?tab=documents');
    expect(await screen.findByText(/Акт \(или УПД, если в счёте есть НДС\) появляется здесь после оплаты счёта/)).toBeTruthy();
  });

  it('lists the closing documents with their invoice and downloads one', async () => {
    const calls = backend([subscription()], (call) => {
      if (call.url.split('?')[0] === `${BASE}/acts`) return json({ items: [act(), act({ id: 'act_01JABCDEFGHJKMNPQRSTVWXYZ2', number: 6, kind: 'act', invoice_number: 40 })], next_cursor: 'next' });
      if (call.url === `${BASE}/acts/${ACT_ID}/pdf`) return pdf('УПД № 7 от 20.11.2026.pdf');
      return undefined;
    });
    billingPage(customerMe('owner'), '/app/billing?tab=documents');
    const upd = within((await screen.findByText('УПД № 7')).closest('tr') as HTMLElement);
    expect(upd.getByText('20.11.2026')).toBeTruthy();
    expect(upd.getByRole('link', { name: '№ 41' }).getAttribute('href')).toBe('/app/billing/invoices/inv_01JABCDEFGHJKMNPQRSTVWXYZ1');
    expect(upd.getByText('9 990,00 ₽')).toBeTruthy();
    expect(screen.getByText('Акт № 6')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Загрузить ещё' })).toBeTruthy(); // paged
    await userEvent.click(upd.getByRole('button', { name: /PDF/ }));
    await waitFor(() => expect(saved.files).toEqual(['УПД № 7 от 20.11.2026.pdf']));
    expect(calls.some((c) => c.url === `${BASE}/acts/${ACT_ID}/pdf`)).toBe(true);
  });

  it('withdraws the card autopay only after a confirmation that renewals then need a manual payment', async () => {
    let methods = [paymentMethod()];
    const calls = backend([subscription()], (call) => {
      if (call.url === `${BASE}/payment-methods`) return json({ items: methods });
      if (call.url === `${BASE}/payment-methods/${METHOD_ID}` && call.method === 'DELETE') {
        methods = [];
        return new Response(null, { status: 204 });
      }
      return undefined;
    });
    billingPage();
    const card = within((await screen.findByText('Bank card *1111')).closest('[data-method]') as HTMLElement);
    expect(card.getByText('Автоплатёж')).toBeTruthy();
    expect(card.getByText(/^ЮKassa · сохранена 20\.11\.2026, 12:00 МСК$/)).toBeTruthy();
    await userEvent.click(card.getByRole('button', { name: 'Отключить автоплатёж' }));
    const dialog = within(await screen.findByRole('dialog'));
    expect(dialog.getByText(/Каждый следующий период нужно будет оплачивать вручную/)).toBeTruthy();
    expect(deletes(calls)).toEqual([]);
    await userEvent.click(dialog.getByRole('button', { name: 'Отключить автоплатёж' }));
    await waitFor(() => expect(deletes(calls)).toEqual([`${BASE}/payment-methods/${METHOD_ID}`]));
    expect(await screen.findByText(/Карта не сохранена: каждый период оплачивается вручную/)).toBeTruthy();
  });

  it('is closed to roles that do not manage the organization', async () => {
    const calls = backend([subscription()]);
    billingPage(customerMe('analyst'));
    expect(await screen.findByText('Тариф и оплату видят владелец и администраторы организации.')).toBeTruthy();
    expect(calls).toEqual([]);
  });
});
