import { describe, expect, it } from 'vitest';
import { fieldPathFromLoc, mapFieldErrors } from './fieldErrors';

describe('fieldPathFromLoc', () => {
  it('maps body locations to form field paths', () => {
    expect(fieldPathFromLoc('body.email')).toEqual(['email']);
    expect(fieldPathFromLoc('body.roles.1')).toEqual(['roles', 1]);
  });

  it('has no field for query, path or whole-body errors', () => {
    expect(fieldPathFromLoc('query.limit')).toBeNull();
    expect(fieldPathFromLoc('path.user_id')).toBeNull();
    expect(fieldPathFromLoc('body')).toBeNull();
  });
});

describe('mapFieldErrors', () => {
  it("puts errors on the form's fields and keeps the rest for a message", () => {
    const result = mapFieldErrors(
      [
        { loc: 'body.email', msg: 'Неверный адрес', code: 'value_error' },
        { loc: 'body.password', msg: 'Слишком короткий', code: 'too_short' },
        { loc: 'body.password', msg: 'Встречается в утечках', code: 'breached' },
        { loc: 'body.roles.0', msg: 'Нет такой роли', code: 'enum' },
        { loc: 'body.locale', msg: 'ru или en', code: 'literal_error' },
        { loc: 'query.cursor', msg: 'Неверный курсор', code: 'invalid' },
      ],
      ['email', 'password', 'roles'],
    );
    expect(result.fields).toEqual([
      { name: ['email'], errors: ['Неверный адрес'] },
      { name: ['password'], errors: ['Слишком короткий', 'Встречается в утечках'] },
      { name: ['roles'], errors: ['Нет такой роли'] },
    ]);
    expect(result.unmatched.map((e) => e.loc)).toEqual(['body.locale', 'query.cursor']);
  });
});
