import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MeContext } from '../../../auth/session';
import { invoice } from '../../../test/billing';
import { ITBM, license, LICENSE_ID } from '../../../test/catalog';
import { json, problem, stubFetch } from '../../../test/fetch';
import { renderRoutes, staffMe } from '../../../test/render';
import LicenseDetail from '../licenses/LicenseDetail';

// Several dialogs and typed fields per test: slow on a machine the whole team shares.
vi.setConfig({ testTimeout: 60_000 });

const RENEWAL = `/api/console/billing/licenses/${LICENSE_ID}/renewal-invoice`;
const RENEWAL_INVOICE = invoice({
  id: 'inv_01JIIIIIIIIIIIIIIIIIIIIII9', number: 42, total: { kopecks: 12_000_000, currency: 'RUB', formatted: '' },
  purpose: { kind: 'license_renewal', license_id: LICENSE_ID },
});

function backend(refuse?: Response) {
  return stubFetch(({ url }) => {
    if (url.startsWith('/api/console/catalog/products')) return json([ITBM]);
    if (url.endsWith('/activations')) return json({ items: [], latest_version: '4.2.0', clone_suspected: false });
    if (url === RENEWAL) return refuse ?? json(RENEWAL_INVOICE, 201);
    if (url.startsWith(`/api/console/licenses/${LICENSE_ID}`)) return json({ license: license(), versions: [] });
    return json({}, 404);
  });
}

function show(roles: string[]) {
  return renderRoutes([{
    path: '/console/licenses/:licenseId',
    element: <MeContext.Provider value={staffMe({ roles })}><LicenseDetail /></MeContext.Provider>,
  }], `/console/licenses/${LICENSE_ID}`);
}

describe('the renewal invoice from a license', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('bills the license\'s terms with the new dates and the price, and shows the invoice\'s number and status', async () => {
    const calls = backend();
    show(['sales']);
    await userEvent.click(await screen.findByRole('button', { name: /Счёт на продление/ }));
    const dialog = await screen.findByRole('dialog');
    expect((within(dialog).getByLabelText('Действует по') as HTMLInputElement).value).toBe('31.12.2027');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Выставить счёт' }));
    expect(await within(dialog).findByText('Укажите цену больше нуля.')).toBeTruthy();
    await userEvent.type(within(dialog).getByLabelText('Цена с НДС'), '120000');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Выставить счёт' }));

    expect(await within(dialog).findByText(/Выставлен счёт № 42 на 120\s000,00\s₽/)).toBeTruthy();
    expect(within(dialog).getByText('Выставлен')).toBeTruthy();
    expect(within(dialog).queryByRole('link', { name: 'Открыть счёт' })).toBeNull();  // sales do not read billing
    const sent = calls.filter((c) => c.url === RENEWAL).map((c) => c.body);
    expect(sent).toEqual([{
      terms: {
        plan: 'basic', modules: ['core'], limits: license().limits, starts_on: '2026-01-01', ends_on: '2027-12-31',
        grace_days: 14, domain: 'budget.romashka.ru', version_min: '4.0', version_max: null, mandatory_updates: false,
      },
      price_kopecks: 12_000_000,
      vat_rate: 22,
    }]);
  });

  it('shows the server\'s refusal', async () => {
    backend(problem(409, { detail: 'Отозванную лицензию нельзя продлить.' }));
    show(['admin']);
    await userEvent.click(await screen.findByRole('button', { name: /Счёт на продление/ }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText('Цена с НДС'), '100');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Выставить счёт' }));
    expect(await screen.findByText('Отозванную лицензию нельзя продлить.')).toBeTruthy();
  });

  it('is not offered to roles the route refuses', async () => {
    backend();
    show(['billing']);
    expect(await screen.findByRole('heading', { name: /budget\.romashka\.ru/ })).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Счёт на продление/ })).toBeNull();
  });
});
