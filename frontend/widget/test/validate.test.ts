import { describe, expect, it } from 'vitest';
import { messages } from '../src/i18n';
import { isEmail, normalizePhone, validateForm } from '../src/validate';

const t = messages('ru');
const allFields = { name: 'optional', phone: 'optional', email: 'optional', message: 'optional' } as const;

describe('normalizePhone', () => {
  it.each([
    ['8 (999) 123-45-67', '+79991234567'],
    ['+7 999 123 45 67', '+79991234567'],
    ['7-999-123-45-67', '+79991234567'],
    ['999 123 45 67', '+79991234567'],
    ['(495) 123-45-67', '+74951234567'],
    ['+375 29 123-45-67', '+375291234567'],
    ['+49 30 1234567', '+49301234567'],
  ])('%s → %s', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });

  it.each(['', '12345', '+7 999 123 45', '+7 999 123 45 678', '+0123456789', '8 999 123 45 6x', '1234567890', '++79991234567'])(
    'rejects %j',
    (input) => {
      expect(normalizePhone(input)).toBeNull();
    },
  );
});

describe('isEmail', () => {
  it('accepts ordinary addresses, including Cyrillic domains', () => {
    expect(isEmail('ivan@example.ru')).toBe(true);
    expect(isEmail('i.petrov+lead@почта.рф')).toBe(true);
  });

  it.each(['ivan', 'ivan@', '@example.ru', 'ivan@example', 'iv an@example.ru', 'ivan@example..ru', `${'a'.repeat(250)}@x.ru`])('rejects %j', (input) => {
    expect(isEmail(input)).toBe(false);
  });
});

describe('validateForm', () => {
  it('trims, normalises the phone and sends empty optional fields as null', () => {
    const result = validateForm({ name: ' Иван ', phone: '8 999 123-45-67', email: '', message: '' }, allFields, t);
    expect(result).toEqual({ form: { name: 'Иван', phone: '+79991234567', email: null, message: null } });
  });

  it('names each invalid field with its own message', () => {
    const result = validateForm(
      { name: '', phone: '123', email: 'ivan@', message: 'x'.repeat(2001) },
      { name: 'required', phone: 'required', email: 'optional', message: 'optional' },
      t,
    );
    expect(result).toEqual({ errors: { name: t.fieldRequired, phone: t.phoneInvalid, email: t.emailInvalid, message: t.tooLong } });
  });

  it('asks for a phone or an e-mail when both are optional and both empty', () => {
    expect(validateForm({ name: 'Иван', phone: ' ', email: '', message: '' }, allFields, t)).toEqual({ errors: { phone: t.contactNeeded } });
    expect(validateForm({ name: '', phone: '', email: 'ivan@example.ru', message: '' }, allFields, t)).toEqual({
      form: { name: null, phone: null, email: 'ivan@example.ru', message: null },
    });
  });

  it('ignores hidden fields whatever they hold', () => {
    const fields = { name: 'hidden', phone: 'hidden', email: 'required', message: 'hidden' } as const;
    expect(validateForm({ name: 'x', phone: 'not a phone', email: 'a@b.ru', message: 'x' }, fields, t)).toEqual({
      form: { name: null, phone: null, email: 'a@b.ru', message: null },
    });
  });
});
