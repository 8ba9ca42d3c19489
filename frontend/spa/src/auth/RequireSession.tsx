import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { fetchMe } from '../api/auth';
import { isApiError } from '../api/errors';
import { queryKeys } from '../api/queryKeys';
import { ErrorState } from '../components/errors';
import { PageSpin } from '../components/PageSpin';
import { areaHome, signInPath, type Area } from '../lib/area';
import { MeContext } from './session';

/**
 * Pages behind sign-in: `GET /api/auth/me` must succeed (after one refresh if the access token
 * expired); the console is for staff, the app for customers: each is sent to its own area.
 */
export function RequireSession({ area, children }: { area: Area; children: ReactNode }) {
  const location = useLocation();
  const me = useQuery({ queryKey: queryKeys.me, queryFn: () => fetchMe('refresh'), retry: false, staleTime: 60_000 });

  if (me.isPending) return <PageSpin fullScreen />;
  if (me.isError) {
    if (isApiError(me.error) && me.error.status === 401) {
      return <Navigate replace to={signInPath(area, location.pathname + location.search)} />;
    }
    return <ErrorState error={me.error} onRetry={() => void me.refetch()} />;
  }
  const kind = area === 'console' ? 'staff' : 'customer';
  if (me.data.user.kind !== kind) return <Navigate replace to={areaHome(area === 'console' ? 'app' : 'console')} />;
  return <MeContext.Provider value={me.data}>{children}</MeContext.Provider>;
}
