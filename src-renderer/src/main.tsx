import '@mantine/core/styles.css';
import '@mantine/dates/styles.css';
import '@mantine/charts/styles.css';
import '@mantine/notifications/styles.css';
// Hindi on prescriptions and in the consult screen: bundled, so every desk (and the PDF) has Devanagari glyphs.
import '@fontsource/noto-sans-devanagari/400.css';
import '@fontsource/noto-sans-devanagari/700.css';
import './app/app.css';
import 'dayjs/locale/en-in';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { MantineProvider } from '@mantine/core';
import { DatesProvider } from '@mantine/dates';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { installBridge } from './bridge';
import { theme } from './app/theme';
import { App } from './app/App';
import { isApiError } from './api/client';

installBridge();

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Refused answers (permission, not found, locked) do not get better by asking again.
      retry: (count, error) => count < 1 && (!isApiError(error) || error.code === 'internal'),
      refetchOnWindowFocus: false,
      staleTime: 30_000,
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="light">
      <DatesProvider settings={{ locale: 'en-in', firstDayOfWeek: 1 }}>
        <Notifications position="top-right" limit={4} />
        <QueryClientProvider client={queryClient}>
          <App />
        </QueryClientProvider>
      </DatesProvider>
    </MantineProvider>
  </StrictMode>,
);
