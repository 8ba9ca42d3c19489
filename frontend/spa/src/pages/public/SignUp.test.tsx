import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import i18n from '../../i18n';
import { json, problem, stubFetch } from '../../test/fetch';
import { renderRoutes } from '../../test/render';
import SignUp from './SignUp';

async function fillAndSubmit() {
  const user = userEvent.setup();
  await user.type(await screen.findByLabelText('Имя и фамилия'), 'Ольга');
  await user.type(screen.getByLabelText('Электронная почта'), 'olga@customer.example');
  await user.type(screen.getByLabelText('Новый пароль'), 'short');
  await user.click(screen.getByRole('checkbox'));
  await user.click(screen.getByRole('button', { name: 'Зарегистрироваться' }));
}

describe('sign-up', () => {
  // The password policy answers with a reason code and an English text (tessera.identity.passwords);
  // the e-mail's message comes localized from the server.
  const refused = () => problem(422, {
    type: '/problems/validation-failed', code: 'weak-password', detail: 'Пароль слишком простой.',
    errors: [
      { loc: 'body.password', msg: 'The password must be at least 10 characters long.', code: 'too_short' },
      { loc: 'body.email', msg: 'Этот адрес уже зарегистрирован.', code: 'taken' },
    ],
  });

  it("shows the server's field errors under the fields they name, the password policy in Russian", async () => {
    stubFetch(refused);
    renderRoutes([{ path: '/app/signup', element: <SignUp /> }], '/app/signup');
    await fillAndSubmit();

    expect(await screen.findByText('Пароль должен быть не короче 10 символов.')).toBeTruthy();
    expect(screen.getByText('Этот адрес уже зарегистрирован.')).toBeTruthy();
    expect(screen.queryByText('The password must be at least 10 characters long.')).toBeNull();
    expect(screen.queryByText('Пароль слишком простой.')).toBeNull();
  });

  it('says the password policy in English when English is chosen', async () => {
    await i18n.changeLanguage('en');
    stubFetch(() => problem(422, {
      type: '/problems/validation-failed', code: 'weak-password', detail: 'The password is too weak.',
      errors: [{ loc: 'body.password', msg: 'The password must not contain your e-mail or name.', code: 'contains_identity' }],
    }));
    renderRoutes([{ path: '/app/signup', element: <SignUp /> }], '/app/signup');
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Full name'), 'Olga');
    await user.type(screen.getByLabelText('E-mail'), 'olga@customer.example');
    await user.type(screen.getByLabelText('New password'), 'olga-customer-2026');
    await user.click(screen.getByRole('checkbox'));
    await user.click(screen.getByRole('button', { name: 'Create the account' }));
    expect(await screen.findByText('The password must not contain your e-mail or name.')).toBeTruthy();
  });

  it('ends with "check your mail", sending the UI language', async () => {
    const calls = stubFetch(() => json({ user_id: 'usr_9', status: 'pending_confirmation' }, 201));
    renderRoutes([{ path: '/app/signup', element: <SignUp /> }], '/app/signup');
    await fillAndSubmit();

    expect(await screen.findByText('Проверьте почту')).toBeTruthy();
    expect(calls[0].body).toEqual({ name: 'Ольга', email: 'olga@customer.example', password: 'short', locale: 'ru' });
  });
});
