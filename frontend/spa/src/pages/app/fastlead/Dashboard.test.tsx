import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { customerMe } from '../../../test/appBilling';
import { renderFastlead, WS } from '../../../test/fastlead';
import {
  alertSettings, ALERTS, ANALYTICS, dashboardQueries, doneJob, DOWNLOAD_URL, emptyDashboard, EXPORT, exportJob,
  reportingBackend,
} from '../../../test/fastleadReporting';
import { problem } from '../../../test/fetch';

vi.mock('../../console/reports/EChart', () => ({
  EChart: ({ label }: { label: string }) => <div role="img" aria-label={label} />,
}));
vi.setConfig({ testTimeout: 60_000 });
configure({ asyncUtilTimeout: 10_000 });
// 01:30 on 4 December in Moscow while it is still the 3rd in UTC: the ranges are Moscow days.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-12-03T22:30:00Z'));
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const PAGE = `/app/fastlead/${WS}/dashboard`;

describe('the Fast Lead dashboard', () => {
  it('shows the totals, the charts, conversion by channel and the funnel', async () => {
    reportingBackend();
    renderFastlead(customerMe('owner'), PAGE);
    expect(await screen.findByText('12 мин')).toBeTruthy();
    for (const chart of ['Заявки по дням', 'Конверсия по каналам', 'Воронка']) expect(screen.getByRole('img', { name: chart })).toBeTruthy();
    expect(screen.getByText('42')).toBeTruthy();
    expect(screen.getByText('23,8 %')).toBeTruthy();
    expect(screen.getByText('71,4 %')).toBeTruthy();
    const widgetRow = screen.getByRole('row', { name: /Виджет/ });
    // Intl writes «30 %» with a no-break space.
    expect(within(widgetRow).getAllByRole('cell').map((cell) => cell.textContent?.replace(/\s/g, ' ')))
      .toEqual(['Виджет', '30', '9', '30 %']);
    expect(screen.getByText('Связались: 71,4 % от предыдущего шага · Запись: 33,3 % от предыдущего шага')).toBeTruthy();
    expect(screen.getByRole('tab', { name: 'Аналитика', selected: true })).toBeTruthy();
  });

  it('says there were no leads in the range instead of drawing empty charts', async () => {
    reportingBackend({ data: emptyDashboard() });
    renderFastlead(customerMe('analyst'), PAGE);
    expect(await screen.findByText(/За эти дни заявок нет/)).toBeTruthy();
    expect(screen.queryByRole('img', { name: 'Заявки по дням' })).toBeNull();
  });

  it('asks for the last 30 Moscow days, then for the range chosen', async () => {
    const calls = reportingBackend();
    const { router } = renderFastlead(customerMe('owner'), PAGE);
    await screen.findByText('12 мин');
    expect(dashboardQueries(calls)).toEqual([{ from: '2026-11-05', to: '2026-12-04' }]);
    await userEvent.click(screen.getByText('7 дней'));
    await waitFor(() => expect(dashboardQueries(calls).at(-1)).toEqual({ from: '2026-11-28', to: '2026-12-04' }));
    expect(router.state.location.search).toBe('?days=7');
    await router.navigate(`${PAGE}?from=2026-10-01&to=2026-10-15`);
    await waitFor(() => expect(dashboardQueries(calls).at(-1)).toEqual({ from: '2026-10-01', to: '2026-10-15' }));
    expect(screen.getByDisplayValue('01.10.2026')).toBeTruthy();
    expect(screen.getByDisplayValue('15.10.2026')).toBeTruthy();
  });

  it('shows why the dashboard could not be read', async () => {
    reportingBackend({ data: problem(422, { detail: 'Неверный период: «с» должно быть не позже «по», не больше 366 дней.' }) });
    renderFastlead(customerMe('owner'), PAGE);
    expect(await screen.findByText('Неверный период: «с» должно быть не позже «по», не больше 366 дней.')).toBeTruthy();
  });

  it('exports the range: the rows written while it runs, then the download link', async () => {
    const calls = reportingBackend({ started: exportJob({ kind: 'analytics', rows: 1200 }), polls: [doneJob({ kind: 'analytics' })] });
    renderFastlead(customerMe('analyst'), PAGE);
    await screen.findByText('12 мин');
    await userEvent.click(screen.getByRole('button', { name: /Экспортировать в CSV/ }));
    expect(await screen.findByText('Готовим файл: записано строк — 1 200')).toBeTruthy();
    expect(calls.find((c) => c.method === 'POST')).toMatchObject({
      url: `${ANALYTICS}/exports`, body: { format: 'csv', from: '2026-11-05', to: '2026-12-04' },
    });
    const link = await screen.findByRole('link', { name: 'Скачать leads-2026-12-03.csv' });
    expect(link.getAttribute('href')).toBe(DOWNLOAD_URL);
    expect(screen.getByText('Строк: 2 500. Ссылка действует до 03.12.2026, 12:15 МСК.')).toBeTruthy();
    expect(calls.filter((c) => c.url === EXPORT)).toHaveLength(1);
    expect(screen.queryByText(/Готовим файл/)).toBeNull();
  });

  it('lets the owner choose the weekly e-mail and the alerts', async () => {
    const calls = reportingBackend({ alerts: alertSettings({ no_leads_days: 5 }) });
    renderFastlead(customerMe('owner'), PAGE);
    const days = await screen.findByRole('spinbutton', { name: 'Дней без заявок' });
    await waitFor(() => expect((days as HTMLInputElement).value).toBe('5'));
    await userEvent.click(screen.getByRole('checkbox', { name: 'Сообщить, если конверсия за неделю ниже' }));
    expect((screen.getByRole('spinbutton', { name: 'Порог конверсии, %' }) as HTMLInputElement).value).toBe('10');
    await userEvent.click(screen.getByRole('switch', { name: /Еженедельный отчёт/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Сохранить' }));
    expect(await screen.findByText('Настройки уведомлений сохранены')).toBeTruthy();
    expect(calls.find((c) => c.method === 'PUT')).toMatchObject({
      url: ALERTS, body: { weekly_report: false, no_leads_days: 5, min_conversion_percent: 10 },
    });
  });
});

describe('who sees the analytics', () => {
  it('shows an analyst the alerts without the means to change them', async () => {
    reportingBackend();
    renderFastlead(customerMe('analyst'), PAGE);
    expect(await screen.findByText('Менять эти настройки может владелец или администратор организации.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Сохранить' })).toBeNull();
    expect((screen.getByRole('switch', { name: /Еженедельный отчёт/ }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('hides the tab and says the analytics is off while the dashboard flag is off', async () => {
    reportingBackend({ dashboardFlag: false });
    renderFastlead(customerMe('owner'), PAGE);
    expect(await screen.findByText('Аналитика отключена')).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('tab', { name: 'Аналитика' })).toBeNull());
    expect(screen.getByRole('tab', { name: 'Заявки' })).toBeTruthy();
  });

  it('gives an operator neither the tab nor the data', async () => {
    const calls = reportingBackend();
    renderFastlead(customerMe('operator'), PAGE);
    expect(await screen.findByText('Аналитику видят владелец, администраторы и аналитики организации.')).toBeTruthy();
    expect(screen.queryByRole('tab', { name: 'Аналитика' })).toBeNull();
    expect(screen.getByRole('tab', { name: 'Заявки' })).toBeTruthy();
    expect(calls.filter((c) => c.url.startsWith(ANALYTICS))).toEqual([]);
  });
});
