import { screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Me } from '../../../api/auth';
import { MeContext } from '../../../auth/session';
import i18n from '../../../i18n';
import { json, problem, stubFetch } from '../../../test/fetch';
import { renderRoutes, staffMe } from '../../../test/render';
import Dashboard from './Dashboard';

vi.mock('../reports/EChart', () => ({
  EChart: ({ label }: { label: string }) => <div role="img" aria-label={label} />,
}));

const KPIS = {
  as_of: '2026-03-10T09:00:00Z',
  today: '2026-03-10',
  licenses: { active: 12, expiring_30d: 3, in_grace: 2, expired: 4, not_yet_valid: 1, suspended: 1, revoked: 5, total: 23 },
  new_requests: { days: 7, issued: 6, first_activations: 2, total: 8 },
  activations: { active: 7, stale: 2, inactive: 1, total: 10 },
  expiring_by_day: { '2026-03-20': 2, '2026-04-01': 1 },
};

function show(me: Me = staffMe()) {
  return renderRoutes([
    { path: '/console/dashboard', element: <MeContext.Provider value={me}><Dashboard /></MeContext.Provider> },
  ], '/console/dashboard');
}

describe('the console dashboard', { timeout: 30_000 }, () => {
  beforeEach(() => void i18n.changeLanguage('ru'));
  afterEach(() => vi.unstubAllGlobals());

  it('shows the licensing KPIs, new requests and installations by state', async () => {
    const calls = stubFetch(() => json(KPIS));
    show();
    const active = (await screen.findByText('Активные лицензии')).closest('.ant-card') as HTMLElement;
    expect(within(active).getByText('12')).toBeTruthy();
    const expiring = screen.getByText('Истекают в течение 30 дней').closest('.ant-card') as HTMLElement;
    expect(within(expiring).getByText('3')).toBeTruthy();
    const requests = screen.getByText('Новые запросы за 7 дней').closest('.ant-card') as HTMLElement;
    expect(within(requests).getByText('8')).toBeTruthy();
    expect(within(requests).getByText('выпущено 6, активаций 2 за 7 дн.')).toBeTruthy();
    expect(screen.getByText('Установки: 10')).toBeTruthy();
    expect(screen.getByRole('img', { name: 'Установки по состоянию' })).toBeTruthy();
    // dates for people, in Moscow time: not the API's ISO strings
    expect(screen.getByText('Показатели на 10.03.2026, 12:00 МСК, обновляются раз в минуту.')).toBeTruthy();
    expect(screen.getByText('20.03.2026')).toBeTruthy();
    expect(screen.getByText('01.04.2026')).toBeTruthy();
    expect(screen.queryByText(/2026-03/)).toBeNull();
    expect(screen.getByRole('link', { name: 'Прогноз продлений' }).getAttribute('href')).toBe('/console/reports?tab=renewals');
    expect(calls[0].url).toBe('/api/console/licensing/dashboard');
  });

  it('speaks English and hides the reports link from roles without reports', async () => {
    await i18n.changeLanguage('en');
    stubFetch(() => json(KPIS));
    show(staffMe({ roles: ['support'] }));
    expect(await screen.findByText('Active licenses')).toBeTruthy();
    expect(screen.getByText('Expiring within 30 days')).toBeTruthy();
    expect(screen.getByText('Figures as of 10/03/2026, 12:00 MSK, refreshed every minute.')).toBeTruthy();
    expect(screen.getByText('20/03/2026')).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Renewal forecast' })).toBeNull();
  });

  it('links to monitoring and reports only for roles whose pages would answer', async () => {
    stubFetch(() => json(KPIS));
    show(staffMe({ roles: ['billing'] }));
    expect(await screen.findByText('Активные лицензии')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Прогноз продлений' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Мониторинг' })).toBeTruthy();
  });

  it('is not shown to a customer user (no console.licensing.dashboard), and asks nothing', async () => {
    const calls = stubFetch(() => json(KPIS));
    show(staffMe({ user: { ...staffMe().user, kind: 'customer' }, roles: ['owner'] }));
    expect(await screen.findByText('Панель лицензирования вам недоступна.')).toBeTruthy();
    expect(calls).toEqual([]);
  });

  it('says when the figures cannot be loaded', async () => {
    stubFetch(() => problem(500, { type: '/problems/internal', detail: 'Сбой.' }));
    show();
    expect(await screen.findByRole('button', { name: /Повторить|Retry/ })).toBeTruthy();
  });
});
