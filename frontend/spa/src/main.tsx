import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { setSessionExpiredHandler } from './api/client';
import { AppProviders } from './AppProviders';
import { i18nReady } from './i18n';
import { createQueryClient } from './lib/queryClient';
import { routes } from './routes';

const queryClient = createQueryClient();
const router = createBrowserRouter(routes);

// A session that cannot be refreshed ends in the SPA's own sign-in page, with the way back.
setSessionExpiredHandler((signInUrl) => {
  void router.navigate(signInUrl, { replace: true });
  queryClient.clear();
});

void i18nReady.finally(() => createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppProviders queryClient={queryClient}>
      <RouterProvider router={router} />
    </AppProviders>
  </StrictMode>,
));
