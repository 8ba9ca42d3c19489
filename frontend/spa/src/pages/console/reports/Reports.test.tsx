import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Me } from '../../../api/auth';
import { MeContext } from '../../../auth/session';
import i18n from '../../../i18n';
import { json, stubFetch, type Call } from '../../../test/fetch';
import { renderRoutes, staffMe } from '../../../test/render';
import Reports from './Reports';

vi.mock('./EChart', () => ({
  EChart: ({ label }: { label: string }) => <div role="img" aria-label={label} />,
}));
const saved = vi.hoisted(() => ({ files: [] as string[] }));
vi.mock('../../../lib/download', () => ({ saveBlob: (_: Blob, name: string) => saved.files.push(name) }));

const MODULES = [
  { code: 'core', name: 'Бюджетирование', name_en: 'Budgeting', price: 12_000_000 },
  { code: 'ai_forecast', name: 'AI-прогноз', name_en: 'AI Forecast', price: 9_000_000 },
];
const SALES = {
  product: 'itbm', months: ['2026-03'], currency: 'RUB', modules: MODULES, unpriced_lines: 0,
  rows: [
    { month: '2026-03', module: 'core', plan_count: 4, plan_amount: 48_000_000, fact_count: 5, fact_amount: 60_000_000, new: 5, renewals: 0, upgrades: 0 },
    { month: '2026-03', module: 'ai_forecast', plan_count: null, plan_amount: null, fact_count: 1, fact_amount: 9_000_000, new: 1, renewals: 0, upgrades: 0 },
  ],
  totals: [{ month: '2026-03', plan_count: 4, plan_amount: 48_000_000, fact_count: 6, fact_amount: 69_000_000 }],
};
const RENEWALS = {
  currency: 'RUB',
  months: [{
    month: '2026-03', expiring: 2, renewed: 1, pending: 0, lapsed: 1, renewed_amount: 12_000_000, pending_amount: 0, lapsed_amount: 12_000_000,
    items: [
      { license_id: 'lic_A', org_id: 'org_A', customer: 'ООО «Ромашка»', ends_on: '2026-03-20', status: 'renewed', renewed_until: '2027-03-20', amount: 12_000_000 },
      { license_id: 'lic_B', org_id: 'org_B', customer: 'ООО «Василёк»', ends_on: '2026-03-01', status: 'lapsed', renewed_until: null, amount: 12_000_000 },
    ],
  }],
};
const USAGE = {
  product: 'itbm', as_of: '2026-03-10T09:00:00Z', window_days: 30, live_licenses: 3, reporting_licenses: 3,
  modules: [
    { module: 'core', name: 'Бюджетирование', name_en: 'Budgeting', licensed: 3, used: 2, idle: 1, installations: 3, unlicensed_installations: 0 },
    { module: 'ai_forecast', name: 'AI-прогноз', name_en: 'AI Forecast', licensed: 0, used: 0, idle: 0, installations: 1, unlicensed_installations: 1 },
  ],
};

function backend(call: Call): Response {
  const path = call.url.split('?')[0];
  if (path.endsWith('/export')) {
    const format = new URL(call.url, 'http://x').searchParams.get('format');
    return new Response('file', { headers: { 'Content-Disposition': `attachment; filename="report-2026-03-10.${format}"` } });
  }
  if (path.endsWith('/reports/sales')) return json(SALES);
  if (path.endsWith('/reports/renewals')) return json(RENEWALS);
  if (path.endsWith('/reports/usage')) return json(USAGE);
  if (path.includes('/sales-plan/')) return json({ month: '2026-03', product: 'itbm', modules: {} });
  return json({}, 404);
}

function show(tab = 'sales', me: Me = staffMe()) {
  return renderRoutes([
    { path: '/console/reports', element: <MeContext.Provider value={me}><Reports /></MeContext.Provider> },
  ], `/console/reports?tab=${tab}`);
}

describe('the reports page', { timeout: 30_000 }, () => {
  beforeEach(() => {
    void i18n.changeLanguage('ru');
    saved.files.length = 0;
  });
  afterEach(() => vi.unstubAllGlobals());

  it('shows plan vs fact with a chart, and downloads it as XLSX and PDF for the period', async () => {
    const calls = stubFetch(backend);
    show();
    const core = (await screen.findByText('Бюджетирование')).closest('tr') as HTMLElement;
    expect(within(core).getByText('125%')).toBeTruthy();
    expect(within(core).getByText(/480\s000,00\s₽/)).toBeTruthy();
    expect(screen.getByRole('img', { name: 'План и факт продаж по месяцам' })).toBeTruthy();
    const year = new Date().getFullYear();
    expect(calls[0].url).toBe(`/api/console/licensing/reports/sales?from=${year}-01&to=${year}-12`);
    await userEvent.click(screen.getByRole('button', { name: /Excel/ }));
    await userEvent.click(screen.getByRole('button', { name: /PDF/ }));
    await waitFor(() => expect(saved.files).toEqual(['report-2026-03-10.xlsx', 'report-2026-03-10.pdf']));
    const exports = calls.filter((c) => c.url.includes('/export')).map((c) => c.url);
    expect(exports[0]).toBe(`/api/console/licensing/reports/sales/export?format=xlsx&from=${year}-01&to=${year}-12`);
  });

  it('lets sales set a month plan per module, in rubles sent as kopecks', async () => {
    const calls = stubFetch(backend);
    show('sales', staffMe({ roles: ['sales'] }));
    await userEvent.click(await screen.findByRole('button', { name: /Задать план/ }));
    const amount = await screen.findByRole('spinbutton', { name: 'ai_forecast amount' });
    await userEvent.type(amount, '90000');
    await userEvent.type(screen.getByRole('spinbutton', { name: 'ai_forecast count' }), '1');
    await userEvent.click(screen.getByRole('button', { name: 'Сохранить план' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    const put = calls.find((c) => c.method === 'PUT') as Call;
    // the editor opens on the report's month (2026-03) with its plan: core kept, ai_forecast added
    expect(put.url).toBe('/api/console/licensing/sales-plan/2026-03');
    expect(put.body).toEqual({ product: 'itbm', modules: {
      core: { count: 4, amount: 48_000_000 }, ai_forecast: { count: 1, amount: 9_000_000 } } });
  });

  it('does not offer the plan editor to billing or the auditor', async () => {
    stubFetch(backend);
    show('sales', staffMe({ roles: ['auditor'] }));
    await screen.findByText('Бюджетирование');
    expect(screen.queryByRole('button', { name: /Задать план/ })).toBeNull();
  });

  it('tells support and developers the reports are not theirs, without asking the server', async () => {
    for (const role of ['support', 'developer', 'implementation']) {
      const calls = stubFetch(backend);
      const view = show('sales', staffMe({ roles: [role] }));
      expect(await screen.findByText('Отчёты недоступны для вашей роли.')).toBeTruthy();
      expect(screen.getByText('Недостаточно прав')).toBeTruthy();
      expect(screen.queryByRole('tab')).toBeNull();
      expect(calls).toEqual([]);
      view.unmount();
    }
  });

  it('shows the renewal forecast by month with its licenses', async () => {
    stubFetch(backend);
    show('renewals');
    const march = (await screen.findByText('март 2026 г.')).closest('tr') as HTMLElement;
    expect(within(march).getAllByText('1')).toHaveLength(2);
    expect(screen.getByRole('img', { name: 'Истекающие лицензии по месяцам' })).toBeTruthy();
    await userEvent.click(within(march).getByRole('button'));
    expect(await screen.findByText('ООО «Ромашка»')).toBeTruthy();
    expect(screen.getByText('Продлено → 20.03.2027')).toBeTruthy();
    expect(screen.getByText('01.03.2026')).toBeTruthy(); // the lapsed license's last day
    expect(screen.getAllByText('Не продлено').length).toBeGreaterThan(0);
  });

  it('shows module usage in English', async () => {
    await i18n.changeLanguage('en');
    stubFetch(backend);
    show('usage');
    const core = (await screen.findByText('Budgeting')).closest('tr') as HTMLElement;
    expect(within(core).getByText('66.7%')).toBeTruthy();
    expect(screen.getByText('Installations heard from in the last 30 days. Live licenses: 3, reporting: 3.')).toBeTruthy();
    expect(screen.getByRole('tab', { name: 'Module usage', selected: true })).toBeTruthy();
  });
});
