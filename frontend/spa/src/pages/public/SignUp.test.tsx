import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
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
  it("shows the server's field errors under the fields they name", async () => {
    stubFetch(() => problem(422, {
      type: '/problems/validation-failed', code: 'validation-failed', detail: 'Некоторые поля заполнены неверно.',
      errors: [
        { loc: 'body.password', msg: 'Пароль должен быть не короче 10 символов.', code: 'too-short' },
        { loc: 'body.email', msg: 'Этот адрес уже зарегистрирован.', code: 'taken' },
      ],
    }));
    renderRoutes([{ path: '/app/signup', element: <SignUp /> }], '/app/signup');
    await fillAndSubmit();

    expect(await screen.findByText('Пароль должен быть не короче 10 символов.')).toBeTruthy();
    expect(screen.getByText('Этот адрес уже зарегистрирован.')).toBeTruthy();
    expect(screen.queryByText('Некоторые поля заполнены неверно.')).toBeNull();
  });

  it('ends with "check your mail", sending the UI language', async () => {
    const calls = stubFetch(() => json({ user_id: 'usr_9', status: 'pending_confirmation' }, 201));
    renderRoutes([{ path: '/app/signup', element: <SignUp /> }], '/app/signup');
    await fillAndSubmit();

    expect(await screen.findByText('Проверьте почту')).toBeTruthy();
    expect(calls[0].body).toEqual({ name: 'Ольга', email: 'olga@customer.example', password: 'short', locale: 'ru' });
  });
});
