import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { json, problem, stubFetch } from '../test/fetch';
import { renderRoutes, staffMe } from '../test/render';
import { RequireSession } from './RequireSession';

const routes = [
  { path: '/console/staff', element: <RequireSession area="console"><p>staff page</p></RequireSession> },
  { path: '/console/login', element: <p>console sign-in</p> },
  { path: '/app/team', element: <p>customer home</p> },
];

describe('the route guard', () => {
  it('lets staff into the console', async () => {
    stubFetch(() => json(staffMe()));
    renderRoutes(routes, '/console/staff');
    expect(await screen.findByText('staff page')).toBeTruthy();
  });

  it('sends a customer from the console to the app', async () => {
    stubFetch(() => json(staffMe({ user: { ...staffMe().user, kind: 'customer' }, roles: [] })));
    renderRoutes(routes, '/console/staff');
    expect(await screen.findByText('customer home')).toBeTruthy();
  });

  it('sends a visitor without a session to sign-in, with the way back', async () => {
    const calls = stubFetch(() => problem(401));
    const { router } = renderRoutes(routes, '/console/staff?q=anna');
    expect(await screen.findByText('console sign-in')).toBeTruthy();
    expect(router.state.location.search).toBe(`?return_to=${encodeURIComponent('/console/staff?q=anna')}`);
    expect(calls.map((c) => c.url)).toEqual(['/api/auth/me', '/api/auth/refresh']);
  });
});
