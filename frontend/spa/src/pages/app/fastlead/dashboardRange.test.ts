import { describe, expect, it } from 'vitest';
import { addDays, moscowToday, rangeFromParams } from './dashboardRange';

const TODAY = '2026-12-04';
const range = (query: string) => rangeFromParams(new URLSearchParams(query), TODAY);

describe('the dashboard\'s range', () => {
  it('counts today in Moscow', () => {
    expect(moscowToday(new Date('2026-12-03T20:59:59Z'))).toBe('2026-12-03');
    expect(moscowToday(new Date('2026-12-03T21:00:00Z'))).toBe('2026-12-04');
  });

  it('moves across months and years', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  it('takes a preset, a custom range the server accepts, else the last 30 days', () => {
    expect(range('days=7')).toEqual({ range: { from: '2026-11-28', to: TODAY }, preset: 7 });
    expect(range('days=90')).toEqual({ range: { from: '2026-09-06', to: TODAY }, preset: 90 });
    expect(range('from=2026-01-01&to=2026-01-31')).toEqual({ range: { from: '2026-01-01', to: '2026-01-31' }, preset: null });
    const lastMonth = { range: { from: '2026-11-05', to: TODAY }, preset: 30 };
    expect(range('')).toEqual(lastMonth);
    expect(range('days=8')).toEqual(lastMonth);
    expect(range('from=2026-02-01&to=2026-01-31')).toEqual(lastMonth);
    expect(range('from=2025-01-01&to=2026-01-02')).toEqual(lastMonth);  // 367 days
    expect(range('from=2025-01-01&to=2026-01-01').preset).toBeNull();  // 366
    expect(range('from=yesterday&to=2026-01-01')).toEqual(lastMonth);
  });
});
