import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { MeContext } from '../../../auth/session';
import { can } from '../../../lib/permissions';
import { ITBM, license, LICENSE_ID } from '../../../test/catalog';
import { json, stubFetch } from '../../../test/fetch';
import { renderRoutes, staffMe } from '../../../test/render';
import LicenseDetail from './LicenseDetail';
import LicensesList from './LicensesList';

// The first render loads antd's table, tabs and descriptions: slow on a busy CI machine.
vi.setConfig({ testTimeout: 20_000 });

const versions = [
  { version: 2, created_at: '2026-02-01T09:00:00Z', created_by: 'usr_1', reason: 'upgrade', checksum: 'b'.repeat(64),
    claims: { plan: 'enterprise', modules: ['ai_forecast', 'core'] }, diff: { plan: ['basic', 'enterprise'] } },
  { version: 1, created_at: '2026-01-01T09:00:00Z', created_by: 'usr_1', reason: 'issue', checksum: 'a'.repeat(64),
    claims: { plan: 'basic', modules: ['core'] }, diff: {} },
];

function stubApi(overrides: Partial<ReturnType<typeof license>> = {}) {
  return stubFetch(({ url }) => {
    if (url.startsWith('/api/console/catalog/products')) return json([ITBM]);
    if (url === '/api/licenses/revoke') return json(license({ ...overrides, status: 'revoked', state: 'REVOKED' }));
    if (url.endsWith('/reissue-key')) return json({ license: license({ ...overrides, key_hint: 'NEW4' }), license_key: 'ITBM-AAAA-BBBB-CCCC-DDDD-NEW4' });
    if (url.endsWith('/activations')) return json({ items: [], latest_version: '4.2.0', clone_suspected: false });
    if (url.startsWith(`/api/console/licenses/${LICENSE_ID}`)) return json({ license: license(overrides), versions });
    if (url.startsWith('/api/console/licenses')) return json({ items: [], next_cursor: null });
    return json({}, 404);
  });
}

function renderAs(roles: string[], path = `/console/licenses/${LICENSE_ID}`) {
  return renderRoutes([{
    path: '/console/licenses',
    element: <MeContext.Provider value={staffMe({ roles })}><LicensesList /></MeContext.Provider>,
  }, {
    path: '/console/licenses/:licenseId',
    element: <MeContext.Provider value={staffMe({ roles })}><LicenseDetail /></MeContext.Provider>,
  }], path);
}

const buttons = () => screen.queryAllByRole('button').map((b) => b.textContent?.trim() ?? '');

describe('license actions follow the permission table', () => {
  it('admin: download, renew, suspend, revoke', async () => {
    stubApi();
    renderAs(['admin']);
    expect(await screen.findByRole('button', { name: /Скачать файл \.lic/ })).toBeTruthy();
    expect(buttons()).toEqual(expect.arrayContaining(['Продлить или изменить', 'Приостановить', 'Отозвать']));
  });

  it('sales: everything but revocation', async () => {
    stubApi();
    renderAs(['sales']);
    expect(await screen.findByRole('button', { name: /Продлить или изменить/ })).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Отозвать/ })).toBeNull();
  });

  it('support sees and downloads but cannot change the license', async () => {
    stubApi();
    renderAs(['support']);
    expect(await screen.findByRole('button', { name: /Скачать файл \.lic/ })).toBeTruthy();
    for (const name of [/Продлить/, /Приостановить/, /Возобновить/, /Отозвать/]) expect(screen.queryByRole('button', { name })).toBeNull();
    expect(screen.getByText('Ваша роль позволяет только просматривать лицензию.')).toBeTruthy();
  });

  it('the auditor only reads: not even the file', async () => {
    stubApi();
    renderAs(['auditor']);
    expect(await screen.findByText('Ваша роль позволяет только просматривать лицензию.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Скачать/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /Продлить|Приостановить|Отозвать/ })).toBeNull();
  });

  it('a revoked license offers nothing to change', async () => {
    stubApi({ status: 'revoked', state: 'REVOKED', revoked_reason: 'contract terminated' });
    renderAs(['admin']);
    expect(await screen.findByText('contract terminated')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Продлить|Приостановить|Отозвать|Новый ключ/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /Скачать/ })).toBeNull(); // the API refuses a revoked license's file
  });

  it('only admin and sales see "Issue a license" on the list', async () => {
    stubApi();
    renderAs(['support'], '/console/licenses');
    expect(await screen.findByText('Лицензий пока нет.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Выдать лицензию/ })).toBeNull();
    expect(can(staffMe({ roles: ['sales'] }), 'console.licenses.issue')).toBe(true);
    expect(can(staffMe({ roles: ['auditor'] }), 'console.licenses.read')).toBe(true);
    // a staff role never passes a customer action
    expect(can(staffMe({ roles: ['admin'] }), 'app.licenses.read')).toBe(false);
  });
});

describe('revocation', () => {
  it('asks for a reason before it sends anything', async () => {
    const calls = stubApi();
    renderAs(['admin']);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /Отозвать/ }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: /Отозвать/ }));
    expect(await within(dialog).findByText('Укажите причину (от 3 символов)')).toBeTruthy();
    expect(calls.some((c) => c.method === 'POST')).toBe(false);

    await user.type(within(dialog).getByLabelText('Причина'), 'contract terminated');
    await user.click(within(dialog).getByRole('button', { name: /Отозвать/ }));
    await screen.findByText('Лицензия отозвана');
    expect(calls.find((c) => c.method === 'POST')).toMatchObject({ url: '/api/licenses/revoke', body: { license_id: LICENSE_ID, reason: 'contract terminated' } });
  });
});

describe('a new license key', () => {
  it('takes a reason, then shows the new key once', async () => {
    const calls = stubApi();
    renderAs(['sales']);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /Новый ключ/ }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText('Причина'), 'leaked in a ticket');
    await user.click(within(dialog).getByRole('button', { name: /Новый ключ/ }));
    expect(await screen.findByText('ITBM-AAAA-BBBB-CCCC-DDDD-NEW4')).toBeTruthy();
    expect(calls.find((c) => c.method === 'POST')).toMatchObject({ url: `/api/console/licenses/${LICENSE_ID}/reissue-key`, body: { reason: 'leaked in a ticket' } });
  });
});
