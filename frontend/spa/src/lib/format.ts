import { useTranslation } from 'react-i18next';

/** Everyone sees Moscow time, whatever their device says: that is what support and customers quote. */
export const DISPLAY_TIME_ZONE = 'Europe/Moscow';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(language: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${language}:${withTime}`;
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'ru-RU', {
      timeZone: DISPLAY_TIME_ZONE,
      day: '2-digit', month: '2-digit', year: 'numeric',
      ...(withTime ? { hour: '2-digit', minute: '2-digit' } : {}),
    });
    formatters.set(key, cached);
  }
  return cached;
}

export function formatDateTime(iso: string | null | undefined, language: string, withTime = true): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : formatter(language, withTime).format(date);
}

/** `(iso) => "23.11.2026, 19:52 МСК"` in the current UI language. */
export function useDateTime(): (iso: string | null | undefined) => string {
  const { t, i18n } = useTranslation();
  return (iso) => (iso ? `${formatDateTime(iso, i18n.language)} ${t('common.moscowTime')}` : '—');
}
