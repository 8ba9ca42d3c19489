import { configure, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { customerMe } from '../../../test/appBilling';
import { renderFastlead, WS } from '../../../test/fastlead';
import { doneJob, DOWNLOAD_URL, EXPORT, exportJob, ONE, reportingBackend } from '../../../test/fastleadReporting';
import { problem } from '../../../test/fetch';

vi.setConfig({ testTimeout: 60_000 });
configure({ asyncUtilTimeout: 10_000 });
afterEach(() => vi.unstubAllGlobals());

const LEADS = `/app/fastlead/${WS}/leads`;

describe('the leads export', () => {
  it('exports the leads the list shows, polls the job every 2 s and offers the file', async () => {
    const calls = reportingBackend({
      started: exportJob({ status: 'queued', rows: 0, format: 'xlsx' }),
      polls: [exportJob({ rows: 4000, format: 'xlsx' }), doneJob({ format: 'xlsx', file_name: 'leads.xlsx' })],
    });
    renderFastlead(customerMe('owner'), `${LEADS}?status=new&from=2026-12-01&q=Иван`);
    await userEvent.click(await screen.findByRole('button', { name: 'Excel (XLSX)' }));
    expect(await screen.findByText('Готовим файл: записано строк — 0')).toBeTruthy();
    expect(calls.find((c) => c.method === 'POST')).toMatchObject({
      url: `${ONE}/leads/exports`,
      body: { format: 'xlsx', filters: { status: 'new', created_after: '2026-12-01T00:00:00+03:00', q: 'Иван' } },
    });
    expect(screen.getByRole('button', { name: /Экспортировать в CSV/ })).toHaveProperty('disabled', true);
    expect(await screen.findByText('Готовим файл: записано строк — 4 000')).toBeTruthy();
    const link = await screen.findByRole('link', { name: 'Скачать leads.xlsx' });
    expect(link.getAttribute('href')).toBe(DOWNLOAD_URL);
    expect(calls.filter((c) => c.url === EXPORT)).toHaveLength(2);
    expect(screen.getByRole('button', { name: /Экспортировать в CSV/ })).toHaveProperty('disabled', false);
  });

  it('says why a job failed', async () => {
    reportingBackend({ started: exportJob({ status: 'failed', error: 'Файл больше 1 ГБ: сузьте фильтры.' }) });
    renderFastlead(customerMe('admin'), LEADS);
    await userEvent.click(await screen.findByRole('button', { name: /Экспортировать в CSV/ }));
    expect(await screen.findByText('Не удалось подготовить файл')).toBeTruthy();
    expect(screen.getByText('Файл больше 1 ГБ: сузьте фильтры.')).toBeTruthy();
  });

  it('shows the server\'s answer when the export cannot start', async () => {
    const calls = reportingBackend({ started: problem(429, { detail: 'Подождите: предыдущая выгрузка ещё идёт.' }) });
    renderFastlead(customerMe('analyst'), LEADS);
    await userEvent.click(await screen.findByRole('button', { name: /Экспортировать в CSV/ }));
    expect(await screen.findByText('Подождите: предыдущая выгрузка ещё идёт.')).toBeTruthy();
    expect(calls.filter((c) => c.url === EXPORT)).toEqual([]);
  });

  it('is not offered to an operator, whom the API does not let export', async () => {
    reportingBackend();
    renderFastlead(customerMe('operator'), LEADS);
    expect(await screen.findByText(/Заявок пока нет/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Экспортировать в CSV/ })).toBeNull();
  });
});
