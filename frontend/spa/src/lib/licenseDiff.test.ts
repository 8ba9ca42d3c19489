import { describe, expect, it } from 'vitest';
import { diffClaims, flattenClaims } from './licenseDiff';

const v1 = {
  iss: 'tessera', lic: 'lic_1', ver: 1, iat: 100, org: 'org_1', product: 'itbm', plan: 'basic', modules: ['core'],
  limits: { users: { value: 50, mode: 'soft', overage_ratio: 1.1, alert_thresholds: [80, 100] } },
  nbf: 1000, exp: 2000, grace_until: 3000, domain: 'budget.example.ru',
  product_version_range: { min: '4.0', max: null }, mandatory_updates: false,
};

describe('the difference between two license versions', () => {
  it('flattens nested claims and leaves out what changes with every signature', () => {
    const leaves = flattenClaims(v1);
    expect(leaves.get('limits.users.value')).toBe(50);
    expect(leaves.get('product_version_range.max')).toBeNull();
    expect([...leaves.keys()].some((k) => ['iat', 'ver', 'iss', 'lic'].includes(k))).toBe(false);
  });

  it('shows nothing between a version and itself, or a re-signature', () => {
    expect(diffClaims(v1, v1)).toEqual([]);
    expect(diffClaims(v1, { ...v1, ver: 2, iat: 200 })).toEqual([]);
  });

  it('shows each changed leaf, with the modules that came and went', () => {
    const v2 = {
      ...v1, ver: 2, plan: 'enterprise', modules: ['ai_forecast', 'core'], exp: 4000,
      limits: { users: { value: 80, mode: 'soft', overage_ratio: 1.1, alert_thresholds: [80, 100] }, departments: { value: 5, mode: 'hard', overage_ratio: 1, alert_thresholds: [] } },
      product_version_range: { min: '4.0', max: '4.9' },
    };
    const rows = diffClaims(v1, v2);
    expect(rows.map((r) => [r.path, r.kind])).toEqual([
      ['exp', 'changed'],
      ['limits.departments.alert_thresholds', 'added'],
      ['limits.departments.mode', 'added'],
      ['limits.departments.overage_ratio', 'added'],
      ['limits.departments.value', 'added'],
      ['limits.users.value', 'changed'],
      ['modules', 'changed'],
      ['plan', 'changed'],
      ['product_version_range.max', 'changed'],
    ]);
    const modules = rows.find((r) => r.path === 'modules')!;
    expect(modules.added).toEqual(['ai_forecast']);
    expect(modules.removed).toEqual([]);
    expect(rows.find((r) => r.path === 'limits.users.value')).toMatchObject({ before: 50, after: 80 });
  });

  it('compares backwards too (an older version against a newer one)', () => {
    const v2 = { ...v1, modules: ['core', 'audit_pack'] };
    const [row] = diffClaims(v2, v1);
    expect(row).toMatchObject({ path: 'modules', added: [], removed: ['audit_pack'] });
  });
});
