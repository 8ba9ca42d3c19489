import { describe, expect, it } from 'vitest';
import { ACTIVATION_STATES, RENEWAL_STATUSES } from '../api/enums';
import { expectSameKeysAndPlaceholders, flatten, keysUsed } from '../test/i18nNamespace';
import en from './reports.en.json';
import ru from './reports.ru.json';

const ruKeys = flatten(ru);
const enKeys = flatten(en);
// The dashboard and reports pages ask for their texts as r('…') (useTranslation('reports')).
const sources = import.meta.glob<string>(['../pages/console/{dashboard,reports}/*.{ts,tsx}', '!../**/*.test.{ts,tsx}'], {
  query: '?raw', import: 'default', eager: true,
});

describe('the reports namespace', () => {
  it('has the same keys and placeholders in ru and en', () => {
    expectSameKeysAndPlaceholders(ruKeys, enKeys);
  });

  it('covers every key the pages ask for by name', () => {
    const used = keysUsed(sources, 'r');
    expect(used.size).toBeGreaterThan(30);
    expect([...used].filter((key) => !ruKeys.has(key))).toEqual([]);
  });

  it('names every renewal status and installation state the API lists', () => {
    const wanted = [...RENEWAL_STATUSES.map((s) => `renewals.${s}`), ...ACTIVATION_STATES.map((s) => `states.${s}`)];
    expect(wanted.filter((key) => !ruKeys.has(key))).toEqual([]);
  });
});
