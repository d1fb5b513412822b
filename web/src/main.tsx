import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { onUnauthorized } from './api/client.ts';
import { meQuery, rememberSignIn } from './api/queries.ts';
import { queryClient } from './api/query-client.ts';
import { router } from './routes.tsx';
import './styles.css';

// A session that ended (expired, signed out elsewhere): back to the sign-in page.
onUnauthorized(() => {
  rememberSignIn(false);
  queryClient.setQueryData(['me'], null);
});

// Who is signed in is the first thing every screen needs: asked at once, beside the screen's code.
void queryClient.prefetchQuery(meQuery);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
