/**
 * The difference between two signed versions of a license, claim by claim. Nested claims (limits,
 * the product version range) are compared leaf by leaf, so "limits.users.value 50 → 80" shows as one
 * row; lists (modules) show which items came and went.
 */

export type DiffKind = 'added' | 'removed' | 'changed';

export interface DiffRow {
  /** `plan`, `limits.users.value`, `product_version_range.max` */
  path: string;
  before: unknown;
  after: unknown;
  kind: DiffKind;
  /** For lists: the items only in `after` and only in `before`. */
  added?: unknown[];
  removed?: unknown[];
}

/** Claims that differ in every version by construction: they say nothing about what changed. */
export const IGNORED_CLAIMS = new Set(['iat', 'ver', 'iss', 'lic', 'jti']);

/** Claims that hold epoch seconds. */
export const TIME_CLAIMS = new Set(['nbf', 'exp', 'grace_until']);

type Claims = Record<string, unknown>;

function isPlainObject(value: unknown): value is Claims {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{limits: {users: {value: 5}}}` → `{'limits.users.value': 5}`; lists and scalars are leaves. */
export function flattenClaims(claims: Claims, prefix = ''): Map<string, unknown> {
  const leaves = new Map<string, unknown>();
  for (const [key, value] of Object.entries(claims)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (!prefix && IGNORED_CLAIMS.has(key)) continue;
    if (isPlainObject(value) && Object.keys(value).length > 0) {
      for (const [leaf, leafValue] of flattenClaims(value, path)) leaves.set(leaf, leafValue);
    } else {
      leaves.set(path, value);
    }
  }
  return leaves;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Rows for every leaf that differs, in a stable order (by path). */
export function diffClaims(before: Claims | null | undefined, after: Claims): DiffRow[] {
  const old = flattenClaims(before ?? {});
  const now = flattenClaims(after);
  const paths = [...new Set([...old.keys(), ...now.keys()])].sort();
  const rows: DiffRow[] = [];
  for (const path of paths) {
    const a = old.get(path);
    const b = now.get(path);
    if (same(a, b)) continue;
    const kind: DiffKind = !old.has(path) ? 'added' : !now.has(path) ? 'removed' : 'changed';
    const row: DiffRow = { path, before: a, after: b, kind };
    if (Array.isArray(a) || Array.isArray(b)) {
      const left = Array.isArray(a) ? a : [];
      const right = Array.isArray(b) ? b : [];
      row.added = right.filter((item) => !left.some((x) => same(x, item)));
      row.removed = left.filter((item) => !right.some((x) => same(x, item)));
    }
    rows.push(row);
  }
  return rows;
}
