import { MAX_RANGE_DAYS, type DayRange } from '../../../api/fastleadReporting';
import { DISPLAY_TIME_ZONE } from '../../../lib/format';

/** The dashboard's quick ranges: the last 7, 30 or 90 days, today included. */
export const RANGE_PRESETS = [7, 30, 90] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];
/** The server's default range, and ours. */
export const DEFAULT_PRESET: RangePreset = 30;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
// en-CA writes a date as YYYY-MM-DD.
const moscowDay = new Intl.DateTimeFormat('en-CA', { timeZone: DISPLAY_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today in Moscow, the calendar the server counts the days in, whatever the device's zone. */
export function moscowToday(now = new Date()): string {
  return moscowDay.format(now);
}

/** `day` moved by `days` calendar days (YYYY-MM-DD in, YYYY-MM-DD out). */
export function addDays(day: string, days: number): string {
  const [year, month, date] = day.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, date + days)).toISOString().slice(0, 10);
}

export function presetRange(preset: RangePreset, today: string): DayRange {
  return { from: addDays(today, 1 - preset), to: today };
}

const daysIn = ({ from, to }: DayRange) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;

/**
 * The range the page's address asks for: `?days=7|30|90`, or `?from=…&to=…` (a custom range the server
 * takes: from ≤ to, at most MAX_RANGE_DAYS days); anything else is the last 30 days.
 */
export function rangeFromParams(params: URLSearchParams, today: string): { range: DayRange; preset: RangePreset | null } {
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  if (DAY.test(from) && DAY.test(to) && from <= to && daysIn({ from, to }) <= MAX_RANGE_DAYS) {
    return { range: { from, to }, preset: null };
  }
  const days = Number(params.get('days'));
  const preset = RANGE_PRESETS.find((value) => value === days) ?? DEFAULT_PRESET;
  return { range: presetRange(preset, today), preset };
}
