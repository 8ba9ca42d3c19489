import type { FieldError } from './errors';

export type FieldPath = (string | number)[];

/**
 * `body.email` → `['email']`, `body.roles.1` → `['roles', 1]`. Only body fields belong to a form;
 * query and path errors (and `body` itself) have no field to attach to.
 */
export function fieldPathFromLoc(loc: string): FieldPath | null {
  const [origin, ...rest] = loc.split('.');
  if (origin !== 'body' || rest.length === 0) return null;
  return rest.map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

export interface FormFieldErrors {
  /** Ready for antd `form.setFields`. */
  fields: { name: FieldPath; errors: string[] }[];
  /** Errors no field on the form can show. */
  unmatched: FieldError[];
}

/** Splits problem field errors into the ones the form shows next to a field and the rest. */
export function mapFieldErrors(errors: FieldError[], formFields: Iterable<string>): FormFieldErrors {
  const known = new Set(formFields);
  const byField = new Map<string, { name: FieldPath; errors: string[] }>();
  const unmatched: FieldError[] = [];
  for (const error of errors) {
    const path = fieldPathFromLoc(error.loc);
    if (!path || !known.has(String(path[0]))) {
      unmatched.push(error);
      continue;
    }
    // A list field (roles.1) shows its message on the list's own form item.
    const name = path.slice(0, 1);
    const key = String(name[0]);
    const entry = byField.get(key) ?? { name, errors: [] };
    entry.errors.push(error.msg);
    byField.set(key, entry);
  }
  return { fields: [...byField.values()], unmatched };
}
