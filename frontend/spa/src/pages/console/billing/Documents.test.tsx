import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MeContext } from '../../../auth/session';
import { act, ACT_ID, invoice, INVOICE_ID, ROMASHKA } from '../../../test/billing';
import { card, pathOf, queryOf } from '../../../test/customers';
import { json, stubFetch } from '../../../test/fetch';
import { renderRoutes, staffMe } from '../../../test/render';
import ActsList, { actFiltersFrom } from './ActsList';
import InvoiceDetail from './InvoiceDetail';

vi.setConfig({ testTimeout: 60_000 });

const pdf = (name: string) => new Response(new Blob(['%PDF-1.7'], { type: 'application/pdf' }), {
  status: 200, headers: { 'Content-Type': 'application/pdf', 'Content-Disposition': `attachment; filename="${name}"` },
});

function backend() {
  return stubFetch(({ url }) => {
    const path = pathOf(url);
    if (path === `/api/console/customers/${ROMASHKA}`) return json(card({ id: ROMASHKA }));
    if (path === '/api/console/billing/acts') {
      return json({ items: queryOf(url).org_id ? [] : [act(), act({ id: 'act_01JCCCCCCCCCCCCCCCCCCCCCC2', number: 4, kind: 'act' })], next_cursor: null });
    }
    if (path === `/api/console/billing/acts/${ACT_ID}/pdf`) return pdf('upd-5.pdf');
    if (path === `/api/console/billing/invoices/${INVOICE_ID}`) return json(invoice());
    if (path === `/api/console/billing/invoices/${INVOICE_ID}/pdf`) return pdf('invoice-17.pdf');
    if (path === '/api/console/billing/payments') return json({ items: [], next_cursor: null });
    return json({}, 404);
  });
}

function show(path: string) {
  const me = staffMe({ roles: ['auditor'] });
  return renderRoutes([
    { path: '/console/billing/acts', element: <MeContext.Provider value={me}><ActsList /></MeContext.Provider> },
    { path: '/console/billing/invoices/:invoiceId', element: <MeContext.Provider value={me}><InvoiceDetail /></MeContext.Provider> },
  ], path);
}

describe('billing documents', () => {
  let createObjectURL: ReturnType<typeof vi.fn>;
  beforeEach(() => {
    createObjectURL = vi.fn(() => 'blob:document');
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() }));
  });
  afterEach(() => vi.unstubAllGlobals());

  it('lists acts and УПД with their invoice, and downloads one as a PDF', async () => {
    const calls = backend();
    show('/console/billing/acts');
    const upd = (await screen.findByText('№ 5')).closest('tr') as HTMLElement;
    expect(within(upd).getByText('УПД')).toBeTruthy();
    expect(within(upd).getByText('02.12.2026')).toBeTruthy();
    expect(within(upd).getByRole('link', { name: '№ 17' }).getAttribute('href')).toBe(`/console/billing/invoices/${INVOICE_ID}`);
    expect(within(screen.getByText('№ 4').closest('tr') as HTMLElement).getByText('Акт')).toBeTruthy();
    await userEvent.click(within(upd).getByRole('button', { name: 'Скачать PDF документа № 5' }));
    await waitFor(() => expect(createObjectURL).toHaveBeenCalledTimes(1));
    expect(calls.some((c) => pathOf(c.url) === `/api/console/billing/acts/${ACT_ID}/pdf`)).toBe(true);
  });

  it('narrows to a customer from the address', async () => {
    const calls = backend();
    show(`/console/billing/acts?org_id=${ROMASHKA}`);
    expect(await screen.findByText('У этого клиента нет закрывающих документов.')).toBeTruthy();
    expect(queryOf(calls.find((c) => pathOf(c.url) === '/api/console/billing/acts')!.url)).toEqual({ org_id: ROMASHKA });
    expect(actFiltersFrom(new URLSearchParams({ org_id: 'org_bad' }))).toEqual({});
  });

  it('downloads an issued invoice\'s счёт as a PDF', async () => {
    const calls = backend();
    show(`/console/billing/invoices/${INVOICE_ID}`);
    await userEvent.click(await screen.findByRole('button', { name: /Скачать PDF/ }));
    await waitFor(() => expect(createObjectURL).toHaveBeenCalledTimes(1));
    expect(calls.some((c) => pathOf(c.url) === `/api/console/billing/invoices/${INVOICE_ID}/pdf`)).toBe(true);
  });
});
