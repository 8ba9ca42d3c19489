import { useTranslation } from 'react-i18next';

/** Everyone sees Moscow time, whatever their device says: that is what support and customers quote. */
export const DISPLAY_TIME_ZONE = 'Europe/Moscow';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(language: string, kind: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${language}:${kind}`;
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'ru-RU', options);
    formatters.set(key, cached);
  }
  return cached;
}

const DAY = { day: '2-digit', month: '2-digit', year: 'numeric' } as const;

export function formatDateTime(iso: string | null | undefined, language: string, withTime = true): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const options = { timeZone: DISPLAY_TIME_ZONE, ...DAY, ...(withTime ? { hour: '2-digit', minute: '2-digit' } as const : {}) };
  return formatter(language, withTime ? 'datetime' : 'date', options).format(date);
}

/** A calendar day as the API sends it (YYYY-MM-DD, no time of day, so no time zone): 23.12.2026 / 23/12/2026. */
export function formatDay(day: string | null | undefined, language: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day ?? '');
  if (!match) return day || '—';
  const [, year, month, date] = match.map(Number);
  return formatter(language, 'day', { timeZone: 'UTC', ...DAY }).format(Date.UTC(year, month - 1, date));
}

/**
 * A month as the reports send it (YYYY-MM): «январь 2026 г.» / «January 2026»; `short` (chart axes):
 * «янв. 2026» / «Jan 2026».
 */
export function formatMonth(month: string, language: string, short = false): string {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match) return month;
  const date = Date.UTC(Number(match[1]), Number(match[2]) - 1, 1);
  if (!short) return formatter(language, 'month', { timeZone: 'UTC', month: 'long', year: 'numeric' }).format(date);
  const parts = formatter(language, 'month-short', { timeZone: 'UTC', month: 'short', year: 'numeric' }).formatToParts(date);
  return ['month', 'year'].map((type) => parts.find((part) => part.type === type)?.value).join(' ');
}

/** `(iso) => "23.11.2026, 19:52 МСК"` in the current UI language. */
export function useDateTime(): (iso: string | null | undefined) => string {
  const { t, i18n } = useTranslation();
  return (iso) => (iso ? `${formatDateTime(iso, i18n.language)} ${t('common.moscowTime')}` : '—');
}

/** `(day) => "23.12.2026"` for calendar days (license terms, due dates), in the current UI language. */
export function useDay(): (day: string | null | undefined) => string {
  const { i18n } = useTranslation();
  return (day) => formatDay(day, i18n.language);
}

/** Kopecks as rubles for a table cell: 1 234 567,00 ₽ / RUB 1,234,567.00. */
export function formatRubles(kopecks: number | null | undefined, language: string): string {
  if (kopecks === null || kopecks === undefined) return '—';
  const value = kopecks / 100;
  return language === 'en'
    ? `RUB ${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`
    : `${value.toLocaleString('ru-RU', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ₽`;
}
