import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Me } from '../../api/auth';
import { MeContext } from '../../auth/session';
import i18n from '../../i18n';
import { ORG } from '../../test/catalog';
import { json, stubFetch, type Call } from '../../test/fetch';
import { renderRoutes, staffMe } from '../../test/render';
import type { Delivery, PreferencesView } from './api';
import AppNotifications from './AppNotifications';
import ConsoleNotifications from './ConsoleNotifications';
import CustomerNotifications from './CustomerNotifications';

// The first render loads antd's form, tabs and table: slow on a busy machine.
vi.setConfig({ testTimeout: 30_000 });
afterEach(() => vi.unstubAllGlobals());

const TOKEN = '123456789:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQr';
const WEBHOOK = 'https://hooks.slack.com/services/T0001/B0002/abcdefghijkl';

function staffView(overrides: Partial<PreferencesView> = {}): PreferencesView {
  return {
    owner: 'staff', owner_id: 'usr_1', events: ['license.expiry'], language: 'ru',
    email: { enabled: true, recipients: [], effective_recipients: ['anna@vendor.example'] },
    telegram: { enabled: true, chat_id: '-1001234567890', configured: true, bot_token_hint: '••••OOpp' },
    slack: { enabled: true, configured: true, webhook_hint: '••••jk12' },
    customers: [], saved: true, updated_at: '2026-03-01T09:00:00Z',
    ...overrides,
  };
}

function orgView(overrides: Partial<PreferencesView> = {}): PreferencesView {
  return {
    owner: 'org', owner_id: ORG, events: ['license.expiry', 'license.limit'], language: 'ru',
    email: { enabled: true, recipients: [], effective_recipients: ['it@romashka.ru'] },
    telegram: { enabled: false, chat_id: null, configured: false, bot_token_hint: null },
    slack: { enabled: false, configured: false, webhook_hint: null },
    customers: [], saved: false, updated_at: null,
    ...overrides,
  };
}

function delivery(overrides: Partial<Delivery> = {}): Delivery {
  return {
    id: 'dlv_01JABCDEFGHJKMNPQRSTVWXYZ0', event: 'license.expiry', channel: 'email', audience: 'customer', org_id: ORG,
    license_id: 'lic_01JABCDEFGHJKMNPQRSTVWXYZ0', recipient: 'i•••@romashka.ru', template: 'license_expiry', language: 'ru',
    status: 'sent', attempts: 1, provider_message_id: 'm-1', error: null, created_at: '2026-03-01T09:00:00Z',
    sent_at: '2026-03-01T09:00:02Z', ...overrides,
  };
}

const FAILED = delivery({
  id: 'dlv_01JABCDEFGHJKMNPQRSTVWXYZ1', channel: 'slack', recipient: 'webhook ••••jk12', status: 'failed', attempts: 3,
  error: 'Slack answered 404 no_service', sent_at: null,
});

/** The notify API as the pages call it; `preferences` is what GET answers, a PUT answers what it was sent. */
function backend(preferences: PreferencesView, deliveries: Delivery[] = [delivery(), FAILED]) {
  let current = preferences;
  return stubFetch((call: Call) => {
    const path = call.url.split('?')[0];
    if (path.endsWith('/preferences') && call.method === 'PUT') {
      const body = call.body as { slack?: { enabled: boolean; webhook_url?: string; forget_webhook?: boolean };
        telegram?: { enabled: boolean; bot_token?: string; forget_bot_token?: boolean } };
      const hint = (secret?: string) => (secret ? `••••${secret.slice(-4)}` : undefined);
      const slackHint = body.slack?.forget_webhook ? null : hint(body.slack?.webhook_url) ?? current.slack.webhook_hint;
      const telegramHint = body.telegram?.forget_bot_token ? null : hint(body.telegram?.bot_token) ?? current.telegram.bot_token_hint;
      current = {
        ...current, saved: true, updated_at: '2026-03-02T10:00:00Z',
        slack: { ...current.slack, enabled: body.slack?.enabled ?? current.slack.enabled, webhook_hint: slackHint, configured: !!slackHint },
        telegram: { ...current.telegram, enabled: body.telegram?.enabled ?? current.telegram.enabled, bot_token_hint: telegramHint,
          configured: !!telegramHint },
      };
      return json(current);
    }
    if (path.endsWith('/preferences')) return json(current);
    if (path.endsWith('/preferences/test')) {
      return json(delivery({ event: 'channel.test', channel: (call.body as { channel: Delivery['channel'] }).channel, recipient: 'webhook ••••jk12' }));
    }
    if (path.endsWith('/retry')) return json({ ...FAILED, status: 'sent', attempts: 4, error: null });
    if (path.endsWith('/deliveries')) return json({ items: deliveries, next_cursor: null });
    if (path.startsWith('/api/console/customers/')) return json({ id: ORG, name: 'ООО «Ромашка»' });
    if (path.startsWith('/api/console/customers')) return json({ items: [], next_cursor: null });
    return json({}, 404);
  });
}

function consolePage(me: Me, path = '/console/notifications') {
  return renderRoutes([
    { path: '/console/notifications', element: <MeContext.Provider value={me}><ConsoleNotifications /></MeContext.Provider> },
    { path: '/console/customers/:orgId/notifications', element: <MeContext.Provider value={me}><CustomerNotifications /></MeContext.Provider> },
  ], path);
}

function customerMe(roles: string[]): Me {
  return staffMe({
    user: { id: 'usr_2', email: 'boss@romashka.ru', name: 'Борис', locale: 'ru', mfa_enabled: false, kind: 'customer' },
    roles, current: { org_id: ORG },
  });
}

function appPage(me: Me, path = '/app/notifications') {
  return renderRoutes([
    { path: '/app/notifications', element: <MeContext.Provider value={me}><AppNotifications /></MeContext.Provider> },
  ], path);
}

const secretInput = (label: string) => screen.getByLabelText(label) as HTMLInputElement;
const puts = (calls: Call[]) => calls.filter((c) => c.method === 'PUT');

describe('my notification preferences (console)', () => {
  it('never pre-fills a stored secret: it shows the hint, and saving with empty fields keeps it', async () => {
    const calls = backend(staffView());
    consolePage(staffMe());
    expect(await screen.findByText('Сохранён: ••••OOpp')).toBeTruthy();
    expect(screen.getByText('Сохранён: ••••jk12')).toBeTruthy();
    expect(secretInput('Токен бота').value).toBe('');
    expect(secretInput('Токен бота').type).toBe('password');
    expect(secretInput('Webhook URL').value).toBe('');
    expect(screen.getAllByText(/Оставьте поле пустым, чтобы его сохранить/)).toHaveLength(2);
    expect(screen.getByText('anna@vendor.example')).toBeTruthy();

    await userEvent.click(screen.getByRole('checkbox', { name: 'Превышение лимитов' }));
    await userEvent.click(screen.getByRole('button', { name: 'Сохранить' }));
    await waitFor(() => expect(puts(calls)).toHaveLength(1));
    const put = puts(calls)[0];
    expect(put.url).toBe('/api/console/notifications/preferences');
    expect(put.body).toEqual({
      events: ['license.expiry', 'license.limit'], language: 'ru',
      email: { enabled: true, recipients: [] },
      telegram: { enabled: true, chat_id: '-1001234567890', forget_bot_token: false },
      slack: { enabled: true, forget_webhook: false },
      customers: [],
    });
    expect(JSON.stringify(put.body)).not.toMatch(/"bot_token"|"webhook_url"/);
  });

  it('asks before replacing a stored webhook, then shows only the new hint', async () => {
    const calls = backend(staffView());
    consolePage(staffMe({ roles: ['sales'] }));
    await screen.findByText('Сохранён: ••••jk12');
    await userEvent.type(secretInput('Webhook URL'), WEBHOOK);
    await userEvent.click(screen.getByRole('button', { name: 'Сохранить' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText(/Сохранённый webhook Slack ••••jk12 будет заменён новым/)).toBeTruthy();
    expect(puts(calls)).toHaveLength(0);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Сохранить' }));
    await waitFor(() => expect(puts(calls)).toHaveLength(1));
    expect((puts(calls)[0].body as { slack: unknown }).slack).toEqual({ enabled: true, forget_webhook: false, webhook_url: WEBHOOK });
    expect(await screen.findByText('Сохранён: ••••ijkl')).toBeTruthy();
    await waitFor(() => expect(secretInput('Webhook URL').value).toBe(''));
    expect(document.body.textContent).not.toContain(WEBHOOK);
  });

  it('forgets a stored token after asking, with the channel turned off; not while the form has changes', async () => {
    const calls = backend(staffView());
    consolePage(staffMe({ roles: ['sales'] }));
    const forget = () => screen.getByRole('button', { name: 'Удалить сохранённый токен' }) as HTMLButtonElement;
    await screen.findByText('Сохранён: ••••OOpp');
    await userEvent.click(screen.getByRole('switch', { name: 'Присылать в Slack' }));
    await waitFor(() => expect(forget().disabled).toBe(true));  // unsaved changes first
    await userEvent.click(screen.getByRole('button', { name: 'Отменить изменения' }));
    await waitFor(() => expect(forget().disabled).toBe(false));
    await userEvent.click(forget());
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('Удалить токен бота ••••OOpp?');
    expect(puts(calls)).toHaveLength(0);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Удалить' }));
    await waitFor(() => expect(puts(calls)).toHaveLength(1));
    const body = puts(calls)[0].body as { telegram: unknown; slack: unknown };
    expect(body.telegram).toEqual({ enabled: false, chat_id: '-1001234567890', forget_bot_token: true });
    expect(body.slack).toEqual({ enabled: true, forget_webhook: false });  // the other channel as stored
    expect(await screen.findByText('Секрет удалён')).toBeTruthy();
    await waitFor(() => expect(screen.queryByText('Сохранён: ••••OOpp')).toBeNull());
    expect(screen.queryByRole('button', { name: 'Удалить сохранённый токен' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Удалить сохранённый адрес' })).toBeTruthy();
  });

  it('checks a channel before sending: on without a stored secret needs one, a bad token is named', async () => {
    const calls = backend(staffView({
      telegram: { enabled: false, chat_id: null, configured: false, bot_token_hint: null },
      slack: { enabled: false, configured: false, webhook_hint: null },
    }));
    consolePage(staffMe());
    await screen.findByText(/Токен от @BotFather/);
    await userEvent.click(screen.getByRole('switch', { name: 'Присылать в Slack' }));
    await userEvent.click(screen.getByRole('switch', { name: 'Присылать в Telegram' }));
    await userEvent.type(secretInput('Токен бота'), 'not-a-token');
    await userEvent.click(screen.getByRole('button', { name: 'Сохранить' }));
    expect(await screen.findByText(/Токен в виде, который выдаёт @BotFather/)).toBeTruthy();
    expect(screen.getAllByText('Нужно, пока канал включён')).toHaveLength(2); // the chat id and the webhook
    expect(puts(calls)).toHaveLength(0);
  });

  it("places the server's 422 field errors on the nested fields", async () => {
    const calls = stubFetch((call) => {
      if (call.method === 'PUT') {
        return new Response(JSON.stringify({
          type: '/problems/validation-failed', title: 'Invalid', status: 422, code: 'channel-incomplete',
          detail: 'Канал telegram включён, но не настроен.',
          // as tessera.notify sends it: an English text and a code the SPA says in the UI language
          errors: [{ loc: 'body.telegram.bot_token', msg: 'required when Telegram is on', code: 'required' }],
        }), { status: 422, headers: { 'Content-Type': 'application/problem+json' } });
      }
      return json(staffView());
    });
    consolePage(staffMe());
    await screen.findByText('Сохранён: ••••jk12');
    await userEvent.click(screen.getByRole('checkbox', { name: 'Превышение лимитов' }));
    await userEvent.click(screen.getByRole('button', { name: 'Сохранить' }));
    const message = await screen.findByText('Нужно, пока канал включён');
    // under the token field, not somewhere else on the page
    expect(message.closest('.ant-form-item')?.querySelector('input')?.id).toBe(secretInput('Токен бота').id);
    expect(puts(calls)).toHaveLength(1);
  });

  it('sends a test over a saved channel, and not while there are unsaved changes', async () => {
    const calls = backend(staffView());
    consolePage(staffMe());
    const slackTest = await screen.findByRole('button', { name: 'Отправить тест: Slack' });
    await userEvent.click(slackTest);
    await waitFor(() => expect(calls.some((c) => c.url.endsWith('/preferences/test'))).toBe(true));
    expect(calls.find((c) => c.url.endsWith('/preferences/test'))?.body).toEqual({ channel: 'slack' });
    expect(await screen.findByText('Тестовое сообщение отправлено: webhook ••••jk12')).toBeTruthy();
    await userEvent.click(screen.getByText('English'));
    expect((screen.getByRole('button', { name: 'Отправить тест: Slack' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('the auditor reads but cannot change, test or save', async () => {
    backend(staffView());
    consolePage(staffMe({ roles: ['auditor'] }));
    expect(await screen.findByText('Вы можете просматривать эти настройки, но не менять их.')).toBeTruthy();
    expect((screen.getByRole('switch', { name: 'Присылать в Slack' }) as HTMLButtonElement).disabled).toBe(true);
    expect(secretInput('Токен бота').disabled).toBe(true);
    expect(screen.queryByRole('button', { name: 'Сохранить' })).toBeNull();
    expect(screen.queryByRole('button', { name: /Удалить сохранённый/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /Отправить тест/ })).toBeNull();
  });

  it('says when nothing has been saved yet', async () => {
    backend(staffView({ saved: false, events: [], updated_at: null }));
    consolePage(staffMe());
    expect(await screen.findByText(/Вы ещё не настраивали уведомления/)).toBeTruthy();
  });
});

describe("a customer's notification preferences (console)", () => {
  it('sales change them; the customer is named and no test is offered', async () => {
    const calls = backend(orgView({ saved: true, email: { enabled: true, recipients: ['it@romashka.ru'], effective_recipients: ['it@romashka.ru'] } }), []);
    consolePage(staffMe({ roles: ['sales'] }), `/console/customers/${ORG}/notifications`);
    expect(await screen.findByRole('heading', { name: 'Уведомления клиента: ООО «Ромашка»' })).toBeTruthy();
    expect(await screen.findByText('Уведомлений ещё не было.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Отправить тест/ })).toBeNull();
    await userEvent.click(screen.getByText('English'));
    await userEvent.click(screen.getByRole('button', { name: 'Сохранить' }));
    await waitFor(() => expect(puts(calls)).toHaveLength(1));
    expect(puts(calls)[0].url).toBe(`/api/console/notifications/customers/${ORG}/preferences`);
    expect(puts(calls)[0].body).toMatchObject({ language: 'en', email: { enabled: true, recipients: ['it@romashka.ru'] } });
    expect('customers' in (puts(calls)[0].body as object)).toBe(false);
    const log = calls.find((c) => c.url.startsWith('/api/console/notifications/deliveries'));
    expect(log?.url).toBe(`/api/console/notifications/deliveries?org_id=${ORG}`);
  });

  it('support only reads them', async () => {
    backend(orgView());
    consolePage(staffMe({ roles: ['support'] }), `/console/customers/${ORG}/notifications`);
    expect(await screen.findByText('Вы можете просматривать эти настройки, но не менять их.')).toBeTruthy();
    expect((screen.getByRole('switch', { name: 'Присылать на e-mail' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.queryByRole('button', { name: 'Сохранить' })).toBeNull();
  });
});

describe('the delivery log (console)', () => {
  it('shows masked recipients, status tags and errors, and lets admin retry a failed delivery', async () => {
    const calls = backend(staffView());
    consolePage(staffMe(), '/console/notifications?tab=log');
    const failed = (await screen.findByText('webhook ••••jk12')).closest('tr') as HTMLElement;
    expect(within(failed).getByText('Ошибка')).toBeTruthy();
    expect(within(failed).getByText('Попыток: 3')).toBeTruthy();
    expect(within(failed).getByText('Slack answered 404 no_service')).toBeTruthy();
    const sent = screen.getByText('i•••@romashka.ru').closest('tr') as HTMLElement;
    expect(within(sent).getByText('Доставлено')).toBeTruthy();
    expect(within(sent).queryByRole('button', { name: /Повторить/ })).toBeNull();
    expect((await within(failed).findAllByText('ООО «Ромашка»')).length).toBeGreaterThan(0);

    await userEvent.click(within(failed).getByRole('button', { name: /Повторить/ }));
    const confirm = await screen.findByRole('tooltip');
    expect(within(confirm).getByText('Отправить ещё раз: webhook ••••jk12?')).toBeTruthy();
    await userEvent.click(within(confirm).getByRole('button', { name: 'Повторить' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST' && c.url.endsWith('/retry'))).toBe(true));
    expect(calls.find((c) => c.url.endsWith('/retry'))?.url).toBe(`/api/console/notifications/deliveries/${FAILED.id}/retry`);
    expect(await screen.findByText('Уведомление доставлено')).toBeTruthy();
  });

  it('support retries too; sales and the auditor do not', async () => {
    for (const [role, retries] of [['support', true], ['sales', false], ['auditor', false]] as const) {
      backend(staffView());
      const view = consolePage(staffMe({ roles: [role] }), '/console/notifications?tab=log');
      await screen.findByText('webhook ••••jk12');
      expect(!!screen.queryByRole('button', { name: /Повторить/ })).toBe(retries);
      view.unmount();
    }
  });

  it('filters by status and period (Moscow days sent as UTC instants)', async () => {
    const calls = backend(staffView(), []);
    consolePage(staffMe(), '/console/notifications?tab=log');
    expect(await screen.findByText('Уведомлений ещё не было.')).toBeTruthy();
    await userEvent.click(screen.getByRole('combobox', { name: 'Статус' }));
    await userEvent.click(await screen.findByTitle('Ошибка'));
    const [from, to] = screen.getAllByPlaceholderText(/дата|date/i) as HTMLInputElement[];
    fireEvent.mouseDown(from);
    fireEvent.change(from, { target: { value: '01.03.2026' } });
    fireEvent.keyDown(from, { key: 'Enter', code: 'Enter' });
    fireEvent.change(to, { target: { value: '02.03.2026' } });
    fireEvent.keyDown(to, { key: 'Enter', code: 'Enter' });
    await userEvent.click(screen.getByRole('button', { name: 'Применить' }));
    await waitFor(() => expect(calls.some((c) => c.url.includes('status=failed'))).toBe(true));
    const url = new URL(calls.filter((c) => c.url.includes('status=failed')).at(-1)!.url, 'http://x');
    expect(url.searchParams.get('from')).toBe('2026-02-28T21:00:00.000Z');
    expect(url.searchParams.get('to')).toBe('2026-03-02T20:59:59.999Z');
    expect(await screen.findByText('Нет уведомлений с такими условиями — измените фильтры.')).toBeTruthy();
  });
});

describe('the organization notifications (app)', () => {
  it('the owner sets the e-mail recipients and a Telegram chat; the body has no staff fields', async () => {
    const calls = backend(orgView());
    appPage(customerMe(['owner']));
    expect(await screen.findByText('Настройки ещё не сохранялись: показаны значения по умолчанию.')).toBeTruthy();
    expect(screen.getByText(/Сейчас: it@romashka.ru/)).toBeTruthy();
    const recipients = screen.getByRole('combobox', { name: 'Получатели' });
    await userEvent.type(recipients, 'buh@romashka.ru,');
    await userEvent.click(screen.getByRole('switch', { name: 'Присылать в Telegram' }));
    await userEvent.type(screen.getByLabelText('Chat ID'), '@romashka_alerts');
    await userEvent.type(secretInput('Токен бота'), TOKEN);
    await userEvent.click(screen.getByRole('button', { name: 'Сохранить' }));
    await waitFor(() => expect(puts(calls)).toHaveLength(1));
    expect(puts(calls)[0].url).toBe(`/api/app/orgs/${ORG}/notifications/preferences`);
    expect(puts(calls)[0].body).toEqual({
      events: ['license.expiry', 'license.limit'], language: 'ru',
      email: { enabled: true, recipients: ['buh@romashka.ru'] },
      telegram: { enabled: true, chat_id: '@romashka_alerts', bot_token: TOKEN, forget_bot_token: false },
      slack: { enabled: false, forget_webhook: false },
    });
    expect(await screen.findByText('Сохранён: ••••pQQr')).toBeTruthy();
    await waitFor(() => expect(secretInput('Токен бота').value).toBe(''));
    expect(document.body.textContent).not.toContain(TOKEN);
  });

  it('refuses a malformed address before sending', async () => {
    const calls = backend(orgView());
    appPage(customerMe(['admin']));
    const recipients = await screen.findByRole('combobox', { name: 'Получатели' });
    await userEvent.type(recipients, 'not-an-address,');
    await userEvent.click(screen.getByRole('button', { name: 'Сохранить' }));
    expect(await screen.findByText('Неверный адрес: not-an-address')).toBeTruthy();
    expect(puts(calls)).toHaveLength(0);
  });

  it('an analyst reads the settings and the log, without retry', async () => {
    const calls = backend(orgView({ saved: true }));
    appPage(customerMe(['analyst']));
    expect(await screen.findByText('Вы можете просматривать эти настройки, но не менять их.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Сохранить' })).toBeNull();
    await userEvent.click(screen.getByRole('tab', { name: 'Журнал доставки' }));
    expect(await screen.findByText('webhook ••••jk12')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Повторить/ })).toBeNull();
    expect(calls.some((c) => c.url === `/api/app/orgs/${ORG}/notifications/deliveries`)).toBe(true);
  });

  it('speaks English', async () => {
    await i18n.changeLanguage('en');
    backend(orgView());
    appPage(customerMe(['owner']));
    expect(await screen.findByText('Nothing saved yet: these are the defaults.')).toBeTruthy();
    expect(screen.getByRole('tab', { name: 'Delivery log' })).toBeTruthy();
  });
});
