import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { MeContext } from '../auth/session';
import { renderRoutes, staffMe } from '../test/render';
import { setViewportWidth } from '../test/setup';
import { Shell } from './Shell';

const nav = [
  { path: '/console/dashboard', icon: null, label: 'Дашборд' },
  { path: '/console/staff', icon: null, label: 'Сотрудники' },
];

function renderShell() {
  return renderRoutes(
    [{
      path: '/console',
      element: <MeContext.Provider value={staffMe()}><Shell area="console" nav={nav} /></MeContext.Provider>,
      children: [
        { path: 'dashboard', element: <p>dashboard page</p> },
        { path: 'staff', element: <p>staff page</p> },
      ],
    }],
    '/console/dashboard',
  );
}

const CONSOLE_NAV = [
  { path: '/console/dashboard', icon: null, label: 'Дашборд', action: 'console.licensing.dashboard' as const },
  { path: '/console/reports', icon: null, label: 'Отчёты', action: 'console.reports.read' as const },
  { path: '/console/staff', icon: null, label: 'Сотрудники', action: 'console.staff.read' as const },
  { path: '/console/profile', icon: null, label: 'Профиль' },
];

function menuOf(roles: string[]) {
  const view = renderRoutes(
    [{
      path: '/console',
      element: <MeContext.Provider value={staffMe({ roles })}><Shell area="console" nav={CONSOLE_NAV} /></MeContext.Provider>,
      children: [{ path: 'dashboard', element: <p>dashboard page</p> }],
    }],
    '/console/dashboard',
  );
  return view;
}

describe('the signed-in layout', () => {
  it('shows a role only the menu items the permission table allows it', async () => {
    setViewportWidth(1280);
    const cases: [string, string[]][] = [
      ['admin', ['Дашборд', 'Отчёты', 'Сотрудники', 'Профиль']],
      ['support', ['Дашборд', 'Профиль']],
      ['billing', ['Дашборд', 'Отчёты', 'Профиль']],
      ['auditor', ['Дашборд', 'Отчёты', 'Сотрудники', 'Профиль']],
    ];
    for (const [role, expected] of cases) {
      const view = menuOf([role]);
      await screen.findByText('dashboard page');
      const menu = within(screen.getByRole('navigation', { name: 'Навигация' }));
      expect(menu.getAllByRole('menuitem').map((item) => item.textContent), role).toEqual(expected);
      view.unmount();
    }
  });


  it('shows the side menu on a wide screen', async () => {
    setViewportWidth(1280);
    renderShell();
    expect(await screen.findByText('dashboard page')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Открыть меню' })).toBeNull();
    expect(within(screen.getByRole('navigation', { name: 'Навигация' })).getByText('Сотрудники')).toBeTruthy();
  });

  it('hides the menu behind a burger and a drawer at 360 px', async () => {
    setViewportWidth(360);
    renderShell();
    expect(await screen.findByText('dashboard page')).toBeTruthy();
    expect(screen.queryByRole('navigation', { name: 'Навигация' })).toBeNull();

    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Открыть меню' }));
    const drawer = await screen.findByRole('dialog');
    await user.click(within(drawer).getByText('Сотрудники'));

    expect(await screen.findByText('staff page')).toBeTruthy();
  });

  it('shows a group with the items a role may open, open on one of its pages, and hides it when none', async () => {
    setViewportWidth(1280);
    const grouped = [
      { path: '/console/dashboard', icon: null, label: 'Дашборд' },
      {
        path: '/console/billing', icon: null, label: 'Биллинг', children: [
          { path: '/console/billing/invoices', icon: null, label: 'Счета', action: 'console.billing.read' as const },
          { path: '/console/billing/integrations', icon: null, label: 'Ключи интеграций', action: 'console.integrations.read' as const },
        ],
      },
    ];
    const show = (roles: string[]) => renderRoutes([{
      path: '/console',
      element: <MeContext.Provider value={staffMe({ roles })}><Shell area="console" nav={grouped} /></MeContext.Provider>,
      children: [{ path: 'billing/invoices', element: <p>invoices page</p> }, { path: 'dashboard', element: <p>dashboard page</p> }],
    }], roles.includes('sales') ? '/console/dashboard' : '/console/billing/invoices');
    const items = () => within(screen.getByRole('navigation', { name: 'Навигация' })).getAllByRole('menuitem').map((item) => item.textContent);

    const billing = show(['billing']);
    await screen.findByText('invoices page');
    expect(items()).toEqual(['Дашборд', 'Биллинг', 'Счета']);  // open, without the admins' keys
    billing.unmount();
    const admin = show(['admin']);
    await screen.findByText('invoices page');
    expect(items()).toEqual(['Дашборд', 'Биллинг', 'Счета', 'Ключи интеграций']);
    admin.unmount();
    show(['sales']);
    await screen.findByText('dashboard page');
    expect(items()).toEqual(['Дашборд']);
  });
});
