import type { FieldMode, FieldName } from './config';
import type { Messages } from './i18n';

export const MAX_LENGTH: Record<FieldName, number> = { name: 100, phone: 32, email: 254, message: 2000 };

// E.164 (`+` and 8–15 digits, no leading zero in the country code) or a Russian number written the
// usual ways — 8 999 123-45-67, +7 (999) 123 45 67, 7 999…, 999 123-45-67 — normalised to +7XXXXXXXXXX.
// Returns null when it is neither.
export function normalizePhone(input: string): string | null {
  const compact = input.trim().replace(/[\s().-]/g, '');
  if (!/^\+?\d+$/.test(compact)) return null;
  const digits = compact.replace('+', '');
  if (compact.startsWith('+')) {
    if (digits.startsWith('7')) return digits.length === 11 ? `+${digits}` : null;
    return /^[1-9]\d{7,14}$/.test(digits) ? `+${digits}` : null;
  }
  if (digits.length === 11 && (digits.startsWith('8') || digits.startsWith('7'))) return `+7${digits.slice(1)}`;
  if (digits.length === 10 && /^[3489]/.test(digits)) return `+7${digits}`;
  return null;
}

// The shape browsers' own type=email check accepts, plus a dot in the domain: the server has the last word.
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;

export function isEmail(input: string): boolean {
  return input.length <= MAX_LENGTH.email && EMAIL.test(input);
}

export type FormValues = Record<FieldName, string>;
export type FieldErrors = Partial<Record<FieldName, string>>;

export interface ValidForm {
  name: string | null;
  phone: string | null;
  email: string | null;
  message: string | null;
}

// Checks what the visitor typed against the configured fields. Either errors per field (the field
// to show each next to) or the values to send: trimmed, the phone normalised, empty ones null.
export function validateForm(
  values: FormValues,
  fields: Record<FieldName, FieldMode>,
  t: Messages,
): { errors: FieldErrors } | { form: ValidForm } {
  const errors: FieldErrors = {};
  const form: ValidForm = { name: null, phone: null, email: null, message: null };
  for (const name of ['name', 'phone', 'email', 'message'] as const) {
    if (fields[name] === 'hidden') continue;
    const value = values[name].trim();
    if (!value) {
      if (fields[name] === 'required') errors[name] = t.fieldRequired;
      continue;
    }
    if (value.length > MAX_LENGTH[name]) {
      errors[name] = t.tooLong;
    } else if (name === 'phone') {
      const phone = normalizePhone(value);
      if (phone) form.phone = phone;
      else errors.phone = t.phoneInvalid;
    } else if (name === 'email') {
      if (isEmail(value)) form.email = value;
      else errors.email = t.emailInvalid;
    } else {
      form[name] = value;
    }
  }
  // Both contacts optional still means one of them: a lead nobody can answer is no lead.
  const contactFields = (['phone', 'email'] as const).filter((name) => fields[name] !== 'hidden');
  const noContact = contactFields.every((name) => !values[name].trim());
  if (noContact && contactFields.every((name) => fields[name] === 'optional')) {
    errors[contactFields[0]] = t.contactNeeded;
  }
  return Object.keys(errors).length ? { errors } : { form };
}
