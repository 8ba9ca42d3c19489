import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MeContext } from '../../../auth/session';
import i18n from '../../../i18n';
import { PLANS } from '../../../test/billing';
import { json, problem, stubFetch } from '../../../test/fetch';
import { renderRoutes, staffMe } from '../../../test/render';
import Plans from './Plans';
import { invoiceFiltersFrom } from './InvoicesList';

vi.setConfig({ testTimeout: 60_000 });

function show() {
  return renderRoutes([
    { path: '/console/billing/plans', element: <MeContext.Provider value={staffMe({ roles: ['auditor'] })}><Plans /></MeContext.Provider> },
  ], '/console/billing/plans');
}

describe('plans and prices', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('shows each plan\'s price, period, VAT, trial and limits', async () => {
    stubFetch(() => json(PLANS));
    show();
    const pro = (await screen.findByText('Про')).closest('tr') as HTMLElement;
    expect(within(pro).getByText(/^9\s990,00\s₽$/)).toBeTruthy();
    expect(within(pro).getByText('22%')).toBeTruthy();
    expect(within(pro).getByText('14 дн.')).toBeTruthy();
    expect(within(pro).getByText(/Лидов в месяц: 2\s000/)).toBeTruthy();
    const business = screen.getByText('Бизнес').closest('tr') as HTMLElement;
    expect(within(business).getByText('Без НДС')).toBeTruthy();
    expect(within(business).getByText('Участников команды: без ограничений')).toBeTruthy();
  });

  it('speaks English', async () => {
    await i18n.changeLanguage('en');
    stubFetch(() => json(PLANS));
    show();
    const pro = (await screen.findByText('Pro')).closest('tr') as HTMLElement;
    expect(within(pro).getByText('RUB 9,990.00')).toBeTruthy();
    expect(within(pro).getByText('1 mo.')).toBeTruthy();
  });

  it('shows a failure with a retry', async () => {
    stubFetch(() => problem(503, { detail: 'Сервис недоступен.' }));
    show();
    expect(await screen.findByText('Сервис недоступен.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Повторить' })).toBeTruthy();
  });
});

describe('invoice filters from the address', () => {
  it('keeps a known status and a whole positive number only', () => {
    expect(invoiceFiltersFrom(new URLSearchParams({ status: 'paid', number: '17' }))).toEqual({ status: 'paid', number: 17 });
    expect(invoiceFiltersFrom(new URLSearchParams({ status: 'lost', number: '-1' }))).toEqual({});
    expect(invoiceFiltersFrom(new URLSearchParams({ number: '1.5' }))).toEqual({});
  });
});
