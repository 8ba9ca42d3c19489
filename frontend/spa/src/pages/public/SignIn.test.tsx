import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, problem, stubFetch } from '../../test/fetch';
import { renderRoutes } from '../../test/render';
import SignIn from './SignIn';

const signedIn = { status: 'ok', user: { id: 'usr_1', email: 'anna@vendor.example', name: 'Анна', locale: 'ru', mfa_enabled: true, kind: 'staff' }, csrf_token: 'c', expires_in: 900 };

function renderSignIn(path = '/console/login?return_to=%2Fconsole%2Faudit%3Faction%3Dauth.login') {
  return renderRoutes(
    [
      { path: '/console/login', element: <SignIn area="console" /> },
      { path: '/console/audit', element: <p>audit page</p> },
      { path: '/console/dashboard', element: <p>dashboard page</p> },
    ],
    path,
  );
}

async function submitPassword() {
  const user = userEvent.setup();
  await user.type(await screen.findByLabelText('Электронная почта'), 'anna@vendor.example');
  await user.type(screen.getByLabelText('Пароль'), 'correct horse battery');
  await user.click(screen.getByRole('button', { name: 'Войти' }));
  return user;
}

describe('sign-in', () => {
  it('asks for the TOTP code on mfa_required, then returns to return_to', async () => {
    const calls = stubFetch(({ url }) => (url === '/api/auth/login' ? json({ status: 'mfa_required', mfa_token: 'mfa-1' }) : json(signedIn)));
    const { router } = renderSignIn();

    const user = await submitPassword();
    const code = await screen.findByLabelText('Код из приложения');
    expect(calls[0].body).toEqual({ email: 'anna@vendor.example', password: 'correct horse battery', audience: 'console' });

    await user.type(code, '123456');
    await user.click(screen.getByRole('button', { name: 'Подтвердить' }));

    expect(await screen.findByText('audit page')).toBeTruthy();
    expect(calls[1]).toMatchObject({ url: '/api/auth/login/mfa', body: { mfa_token: 'mfa-1', code: '123456' } });
    expect(router.state.location.search).toBe('?action=auth.login');
  });

  it('takes a recovery code instead when asked to', async () => {
    const calls = stubFetch(({ url }) => (url === '/api/auth/login' ? json({ status: 'mfa_required', mfa_token: 'mfa-1' }) : json(signedIn)));
    renderSignIn();
    const user = await submitPassword();

    await user.click(await screen.findByRole('button', { name: /Ввести код восстановления/ }));
    await user.type(screen.getByLabelText('Код восстановления'), 'abcd-efgh');
    await user.click(screen.getByRole('button', { name: 'Подтвердить' }));

    expect(await screen.findByText('audit page')).toBeTruthy();
    expect(calls[1].body).toEqual({ mfa_token: 'mfa-1', recovery_code: 'abcd-efgh' });
  });

  it('shows the server message for wrong credentials and stays on the form', async () => {
    stubFetch(() => problem(401, { detail: 'Неверный e-mail или пароль.' }));
    renderSignIn();
    await submitPassword();
    expect(await screen.findByText('Неверный e-mail или пароль.')).toBeTruthy();
    expect(screen.getByLabelText('Пароль')).toBeTruthy();
  });

  it('moves a staff admin without 2FA to enrolment', async () => {
    stubFetch(() => json({ status: 'mfa_enrolment_required', mfa_token: 'mfa-2' }));
    renderSignIn();
    await submitPassword();
    expect(await screen.findByRole('button', { name: 'Начать настройку' })).toBeTruthy();
  });

  it('ignores a return_to outside the area', async () => {
    stubFetch(() => json(signedIn));
    renderSignIn('/console/login?return_to=https%3A%2F%2Fevil.example%2F');
    await submitPassword();
    await waitFor(() => expect(screen.getByText('dashboard page')).toBeTruthy());
  });
});
