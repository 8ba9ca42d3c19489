import { render } from '@testing-library/react';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router';
import type { Me } from '../api/auth';
import { AppProviders } from '../AppProviders';
import { createQueryClient } from '../lib/queryClient';

export function renderRoutes(routes: RouteObject[], initialPath: string) {
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { retry: false }, mutations: { retry: false } });
  const router = createMemoryRouter(routes, { initialEntries: [initialPath] });
  const view = render(
    <AppProviders queryClient={queryClient}>
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return { ...view, router, queryClient };
}

export function staffMe(overrides: Partial<Me> = {}): Me {
  return {
    user: { id: 'usr_1', email: 'anna@vendor.example', name: 'Анна', locale: 'ru', mfa_enabled: true, kind: 'staff' },
    roles: ['admin'],
    memberships: [],
    current: { org_id: null },
    ...overrides,
  };
}
