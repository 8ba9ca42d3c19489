import { describe, expect, it } from 'vitest';
import {
  ACTIVATION_STATES, CONTACT_PURPOSES, CUSTOMER_ROLES, CUSTOMER_STATUSES, DEPLOYMENTS, DOCUMENT_KINDS, LICENSE_STATES,
  LICENSE_STATUSES, LIMIT_MODES, OIDC_PROVIDERS, PAYMENT_METHODS, SEGMENTS, STAFF_ROLES,
} from '../api/enums';
import { KNOWN_AUDIT_ACTIONS } from '../lib/auditActions';
import { flatten } from '../test/i18nNamespace';
import en from './en.json';
import ru from './ru.json';

const ruKeys = flatten(ru);
const enKeys = flatten(en);

// The app's own source as text (Vite's glob import), to find the keys it asks for.
const sources = import.meta.glob<string>(['../**/*.{ts,tsx}', '!../**/*.test.{ts,tsx}', '!../test/**'], {
  query: '?raw', import: 'default', eager: true,
});

describe('translations', () => {
  it('ru and en have exactly the same keys', () => {
    expect([...enKeys.keys()].sort()).toEqual([...ruKeys.keys()].sort());
  });

  it('have no empty texts', () => {
    const empty = [...ruKeys, ...enKeys].filter(([, text]) => text.trim() === '').map(([key]) => key);
    expect(empty).toEqual([]);
  });

  it('use the same {{placeholders}} in both languages', () => {
    const placeholders = (text: string) => [...text.matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1]).sort();
    const differing = [...ruKeys].filter(([key, text]) => placeholders(text).join() !== placeholders(enKeys.get(key) ?? '').join());
    expect(differing.map(([key]) => key)).toEqual([]);
  });

  it('cover every key the code asks for by name', () => {
    const used = new Set<string>();
    for (const source of Object.values(sources)) {
      // t('a.b'), t(cond ? 'a.b' : 'c.d') — keys built at run time are covered by the tests below
      for (const call of source.matchAll(/\bt\(([^()]*?)[,)]/g)) {
        for (const literal of call[1].matchAll(/'([a-zA-Z]+(?:\.[a-zA-Z_]+)+)'/g)) used.add(literal[1]);
      }
    }
    expect(used.size).toBeGreaterThan(100);
    expect([...used].filter((key) => !ruKeys.has(key))).toEqual([]);
  });

  it('name every role and every known audit action', () => {
    const wanted = [
      ...STAFF_ROLES.map((role) => `roles.staff.${role}`),
      ...CUSTOMER_ROLES.map((role) => `roles.customer.${role}`),
      ...KNOWN_AUDIT_ACTIONS.map((action) => `auditAction.${action}`),
    ];
    expect(wanted.filter((key) => !ruKeys.has(key))).toEqual([]);
  });

  it('name every value of the enumerations the API lists and the pages offer', () => {
    const labelled: [string, readonly string[]][] = [
      ['segment', SEGMENTS], ['customerStatus', CUSTOMER_STATUSES], ['deployment', DEPLOYMENTS],
      ['contactPurpose', CONTACT_PURPOSES], ['documentKind', DOCUMENT_KINDS], ['paymentMethod', PAYMENT_METHODS],
      ['licenses.statuses', LICENSE_STATUSES], ['licenseState', LICENSE_STATES], ['limitMode', LIMIT_MODES],
      ['activationState', ACTIVATION_STATES], ['monitoring.states', ACTIVATION_STATES], ['signIn', OIDC_PROVIDERS],
    ];
    const wanted = labelled.flatMap(([prefix, values]) => values.map((value) => `${prefix}.${value}`));
    expect(wanted.filter((key) => !ruKeys.has(key))).toEqual([]);
  });
});
