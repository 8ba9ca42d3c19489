import dayjs, { type Dayjs } from 'dayjs';
import type { Period } from './api';

export const MONTH = 'YYYY-MM';

/** The sales report's default: this calendar year. */
export function thisYear(): Period {
  const now = dayjs();
  return { from: now.startOf('year').format(MONTH), to: now.endOf('year').format(MONTH) };
}

/** The renewal forecast's default: this month and the next 11. */
export function nextTwelveMonths(): Period {
  const now = dayjs();
  return { from: now.format(MONTH), to: now.add(11, 'month').format(MONTH) };
}

export function toRange(period: Period): [Dayjs, Dayjs] {
  return [dayjs(`${period.from}-01`), dayjs(`${period.to}-01`)];
}

export function fromRange(range: [Dayjs | null, Dayjs | null] | null, fallback: Period): Period {
  if (!range || !range[0] || !range[1]) return fallback;
  return { from: range[0].format(MONTH), to: range[1].format(MONTH) };
}
