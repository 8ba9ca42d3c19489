import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import ruRU from 'antd/locale/ru_RU';
import dayjs from 'dayjs';
import 'dayjs/locale/ru';
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** antd (components, date pickers) speaks the UI language; ru_RU unless English was chosen. */
export function AppProviders({ queryClient, children }: { queryClient: QueryClient; children: ReactNode }) {
  const { i18n } = useTranslation();
  const english = i18n.resolvedLanguage === 'en';
  useEffect(() => {
    dayjs.locale(english ? 'en' : 'ru');
  }, [english]);
  return (
    <QueryClientProvider client={queryClient}>
      <ConfigProvider locale={english ? enUS : ruRU}>
        <AntApp>{children}</AntApp>
      </ConfigProvider>
    </QueryClientProvider>
  );
}
