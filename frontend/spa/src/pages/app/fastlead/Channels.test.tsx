import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHANNEL_FORMS, CHANNEL_KINDS, type Channel } from '../../../api/fastleadChannels';
import ru from '../../../i18n/ru.json';
import { customerMe } from '../../../test/appBilling';
import { workspace, WS, WS_BASE } from '../../../test/fastlead';
import { channel, CHANNELS, renderChannelPages, TWILIO_REFUSAL } from '../../../test/fastleadChannels';
import { json, problem, stubFetch, type Call } from '../../../test/fetch';
import { flatten } from '../../../test/i18nNamespace';

vi.setConfig({ testTimeout: 30_000 });
configure({ asyncUtilTimeout: 10_000 });
afterEach(() => vi.unstubAllGlobals());

const PATH = `/app/fastlead/${WS}/channels`;

/** The channel routes over `connected`, which the writes change as the server would. */
function backend(connected: Channel[], routes: Partial<Record<string, (call: Call) => Response>> = {}) {
  let items = [...connected];
  return stubFetch((call) => {
    const route = routes[`${call.method} ${call.url}`];
    if (route) return route(call);
    if (call.url === `${WS_BASE}/${WS}`) return json(workspace());
    if (call.url === CHANNELS && call.method === 'GET') return json({ items });
    const kind = call.url.slice(CHANNELS.length + 1);
    if (call.method === 'DELETE') {
      items = items.filter((item) => item.type !== kind);
      return new Response(null, { status: 204 });
    }
    if (call.method === 'PATCH') {
      items = items.map((item) => (item.type === kind ? { ...item, ...(call.body as object) } : item));
      return json(items.find((item) => item.type === kind));
    }
    return problem(404);
  });
}

const card = async (name: string) => within(await screen.findByRole('region', { name }));
/** Pastes `text` into `input`: typing key by key into antd's inputs is slow on a busy machine. */
async function fill(input: HTMLElement, text: string) {
  await userEvent.click(input);
  await userEvent.paste(text);
}
const writes = (calls: Call[]) => calls.filter((c) => c.method !== 'GET').map((c) => [c.method, c.url, c.body]);

describe('the channels tab', () => {
  it('lists every kind with its status, the masked credentials and the last test', async () => {
    backend([channel(), channel({ type: 'telegram', name: 'Telegram', settings: { chat_id: '-100123' }, credentials_hint: { bot_token: '…x9Qa' }, account: '@okna_bot' })]);
    renderChannelPages(customerMe('owner'), PATH);
    expect(await screen.findByRole('tab', { name: 'Каналы', selected: true })).toBeTruthy();
    const twilio = await card('SMS (Twilio)');
    expect(twilio.getByText('Подключён')).toBeTruthy();
    expect(twilio.getByText('+79991112233')).toBeTruthy();
    expect(twilio.getByText('…9b1c')).toBeTruthy();
    expect(twilio.getByText('03.12.2026, 12:00 МСК')).toBeTruthy();
    expect((await card('Telegram')).getByText('@okna_bot')).toBeTruthy();
    const whatsapp = await card('WhatsApp');
    expect(whatsapp.getByText('Отключён')).toBeTruthy();
    expect(whatsapp.getByRole('button', { name: 'Подключить' })).toBeTruthy();
    expect(screen.queryByText('Ни один канал не подключён')).toBeNull();
  });

  it('says when nothing is connected', async () => {
    backend([]);
    renderChannelPages(customerMe('admin'), PATH);
    expect(await screen.findByText('Ни один канал не подключён')).toBeTruthy();
    expect(screen.getAllByRole('button', { name: 'Подключить' })).toHaveLength(6);
  });

  it('connects Twilio with secrets as password inputs, a field error on its field, then the test', async () => {
    let attempts = 0;
    const calls = backend([], {
      [`POST ${CHANNELS}`]: () => (++attempts === 1
        ? problem(422, {
          type: '/problems/validation-failed', code: 'validation-failed', detail: 'Проверьте поля формы.',
          errors: [{ loc: 'body.credentials.auth_token', msg: "not in the provider's format", code: 'format' }],
        })
        : json(channel(), 201)),
    });
    renderChannelPages(customerMe('admin'), PATH);
    await userEvent.click((await card('SMS (Twilio)')).getByRole('button', { name: 'Подключить' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'Подключить SMS (Twilio)' }));
    const token = dialog.getByLabelText('Auth Token') as HTMLInputElement;
    expect(token.type).toBe('password');
    expect(token.value).toBe('');
    await fill(dialog.getByLabelText('Account SID'), 'AC0123456789abcdef0123456789abcdef');
    await fill(token, 'not-a-token');
    await fill(dialog.getByLabelText('Номер отправителя'), '+15005550006');
    await fill(dialog.getByLabelText('Телефон для уведомлений'), '+7 999 111-22-33');
    await userEvent.click(dialog.getByRole('button', { name: 'Подключить и проверить' }));
    expect(await dialog.findByText('Не похоже на значение в формате провайдера.')).toBeTruthy();
    expect(writes(calls)).toEqual([['POST', CHANNELS, {
      type: 'twilio',
      credentials: { account_sid: 'AC0123456789abcdef0123456789abcdef', auth_token: 'not-a-token' },
      settings: { from_number: '+15005550006', notify_phone: '+7 999 111-22-33' },
      notify_new_leads: true,
    }]]);
    await userEvent.clear(token);
    await fill(token, '0123456789abcdef0123456789abcdef');
    await userEvent.click(dialog.getByRole('button', { name: 'Подключить и проверить' }));
    expect(await screen.findByText('SMS (Twilio) подключён: тестовое сообщение отправлено.')).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('keeps the dialog open with the provider\'s words when the live test refuses', async () => {
    backend([], {
      [`POST ${CHANNELS}`]: () => problem(400, {
        type: '/problems/bad-request', code: 'channel-test-failed',
        detail: 'Проверка канала не прошла: Telegram не может доставить сообщение на этот адрес: проверьте номер или чат.',
      }),
    });
    renderChannelPages(customerMe('owner'), PATH);
    await userEvent.click((await card('Telegram')).getByRole('button', { name: 'Подключить' }));
    const dialog = within(await screen.findByRole('dialog'));
    await userEvent.click(dialog.getByRole('button', { name: 'Подключить и проверить' }));
    expect(await dialog.findAllByText('Заполните поле.')).toHaveLength(2);
    await fill(dialog.getByLabelText('Токен бота'), '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef');
    await fill(dialog.getByLabelText('ID чата'), '-100123');
    await userEvent.click(dialog.getByRole('button', { name: 'Подключить и проверить' }));
    expect(await dialog.findByText(/Проверка канала не прошла: Telegram не может доставить/)).toBeTruthy();
    expect(dialog.getByText('Ничего не сохранено. Исправьте данные и попробуйте снова.')).toBeTruthy();
  });

  it('shows a failing test\'s provider error and the failed status', async () => {
    const calls = backend([channel()], {
      [`POST ${CHANNELS}/twilio/test`]: () => json(channel({ status: 'failed', last_error: TWILIO_REFUSAL, last_tested_at: '2026-12-03T10:00:00Z' })),
    });
    renderChannelPages(customerMe('owner'), PATH);
    const twilio = await card('SMS (Twilio)');
    await userEvent.click(twilio.getByRole('button', { name: 'Проверить подключение' }));
    expect(await twilio.findByText(TWILIO_REFUSAL.message)).toBeTruthy();
    expect(twilio.getByText('Ошибка')).toBeTruthy();
    expect(twilio.getByText('03.12.2026, 13:00 МСК')).toBeTruthy();
    expect(await screen.findByText('SMS (Twilio): проверка не прошла.')).toBeTruthy();
    expect(writes(calls)).toEqual([['POST', `${CHANNELS}/twilio/test`, {}]]);
  });

  it('passes a test of a failed channel: connected again', async () => {
    backend([channel({ status: 'failed', last_error: TWILIO_REFUSAL })], {
      [`POST ${CHANNELS}/twilio/test`]: () => json(channel()),
    });
    renderChannelPages(customerMe('admin'), PATH);
    const twilio = await card('SMS (Twilio)');
    expect(twilio.getByText('Ошибка')).toBeTruthy();
    await userEvent.click(twilio.getByRole('button', { name: 'Проверить подключение' }));
    expect(await twilio.findByText('Подключён')).toBeTruthy();
    expect(twilio.queryByText(TWILIO_REFUSAL.message)).toBeNull();
  });

  it('chooses which channels tell of new leads and disconnects after a confirmation', async () => {
    const calls = backend([channel()]);
    renderChannelPages(customerMe('owner'), PATH);
    const twilio = await card('SMS (Twilio)');
    const notify = twilio.getByRole('switch', { name: 'Присылать новые заявки в SMS (Twilio)' });
    expect(notify.getAttribute('aria-checked')).toBe('true');
    await userEvent.click(notify);
    await waitFor(() => expect(notify.getAttribute('aria-checked')).toBe('false'));
    await userEvent.click(twilio.getByRole('button', { name: 'Отключить' }));
    const confirm = within(await screen.findByRole('tooltip'));
    expect(confirm.getByText(/Ключи доступа будут удалены/)).toBeTruthy();
    await userEvent.click(confirm.getByRole('button', { name: 'Отключить' }));
    expect(await twilio.findByText('Отключён')).toBeTruthy();
    expect(writes(calls)).toEqual([
      ['PATCH', `${CHANNELS}/twilio`, { notify_new_leads: false }],
      ['DELETE', `${CHANNELS}/twilio`, undefined],
    ]);
  });

  it('shows where Twilio sends the clients\' answers', async () => {
    const url = `http://localhost:3000/api/webhooks/inbound/twilio/${WS}`;
    backend([channel({ inbound: { webhook_url: url, verify_token: null, ready: true } })]);
    renderChannelPages(customerMe('operator'), PATH);
    const answers = within((await card('SMS (Twilio)')).getByRole('group', { name: 'Ответы клиентов' }));
    expect(answers.getByText(url)).toBeTruthy();
    expect(answers.getByText(/«A message comes in»/)).toBeTruthy();
    expect(answers.queryByText(/Verify token/)).toBeNull();
  });

  it('connects WhatsApp with its optional app secret and shows the verify token that once', async () => {
    const url = `http://localhost:3000/api/webhooks/inbound/whatsapp/${WS}`;
    const connected = channel({
      type: 'whatsapp', name: 'WhatsApp', settings: { phone_number_id: '100200300', notify_phone: '+79991112233' },
      credentials_hint: { access_token: '…2345', app_secret: '…cdef', verify_token: '…Xy9z' },
      inbound: { webhook_url: url, verify_token: 'tok_shown_once_abcdefXy9z', ready: true },
    });
    // the list read again after connecting holds the token masked only, as the server answers it
    let items: Channel[] = [];
    const calls = stubFetch((call) => {
      if (call.url === `${WS_BASE}/${WS}`) return json(workspace());
      if (call.url === CHANNELS && call.method === 'GET') return json({ items });
      if (call.url === CHANNELS && call.method === 'POST') {
        items = [{ ...connected, inbound: { webhook_url: url, verify_token: null, ready: true } }];
        return json(connected, 201);
      }
      return problem(404);
    });
    renderChannelPages(customerMe('owner'), PATH);
    await userEvent.click((await card('WhatsApp')).getByRole('button', { name: 'Подключить' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'Подключить WhatsApp' }));
    expect((dialog.getByLabelText('App secret приложения Meta') as HTMLInputElement).type).toBe('password');
    await fill(dialog.getByLabelText('Токен доступа'), 'EAAGlocalAccessToken12345');
    await fill(dialog.getByLabelText('App secret приложения Meta'), '0123456789abcdef0123456789abcdef');
    await fill(dialog.getByLabelText('Phone number ID'), '100200300');
    await fill(dialog.getByLabelText('Телефон для уведомлений'), '+79991112233');
    await userEvent.click(dialog.getByRole('button', { name: 'Подключить и проверить' }));
    const answers = within(await screen.findByRole('group', { name: 'Ответы клиентов' }));
    expect(await answers.findByText('tok_shown_once_abcdefXy9z')).toBeTruthy();
    expect(answers.getByText(url)).toBeTruthy();
    expect((await card('WhatsApp')).getByText('…Xy9z')).toBeTruthy();
    expect(writes(calls)).toEqual([['POST', CHANNELS, {
      type: 'whatsapp',
      credentials: { access_token: 'EAAGlocalAccessToken12345', app_secret: '0123456789abcdef0123456789abcdef' },
      settings: { phone_number_id: '100200300', notify_phone: '+79991112233' },
      notify_new_leads: true,
    }]]);
  });

  it('says a WhatsApp channel without its app secret refuses the clients\' answers', async () => {
    const url = `http://localhost:3000/api/webhooks/inbound/whatsapp/${WS}`;
    backend([channel({
      type: 'whatsapp', name: 'WhatsApp', settings: { phone_number_id: '100200300', notify_phone: '+79991112233' },
      credentials_hint: { access_token: '…2345', verify_token: '…Xy9z' },
      inbound: { webhook_url: url, verify_token: null, ready: false },
    })]);
    renderChannelPages(customerMe('owner'), PATH);
    const answers = within((await card('WhatsApp')).getByRole('group', { name: 'Ответы клиентов' }));
    expect(answers.getByText('Verify token показан при подключении.')).toBeTruthy();
    expect(answers.getByText('Без App secret ответы не принимаются.')).toBeTruthy();
  });

  it.each(['operator', 'analyst'])('lets an %s read only', async (role) => {
    backend([channel({ status: 'failed', last_error: TWILIO_REFUSAL })]);
    renderChannelPages(customerMe(role), PATH);
    const twilio = await card('SMS (Twilio)');
    expect(twilio.getByText(TWILIO_REFUSAL.message)).toBeTruthy();
    expect(twilio.getByRole('switch').hasAttribute('disabled')).toBe(true);
    expect(screen.queryByRole('button', { name: /Подключить|Проверить подключение|Отключить/ })).toBeNull();
  });

  it('has a name, a description, a how-to and a label of every field for each kind the API connects', () => {
    const keys = flatten(ru.fastlead.channels);
    const wanted = CHANNEL_KINDS.flatMap((kind) => [
      `kinds.${kind}`, `about.${kind}`, `howTo.${kind}`,
      ...CHANNEL_FORMS[kind].credentials.map((name) => `fields.${name}`),
      ...CHANNEL_FORMS[kind].settings.map((field) => `fields.${field.name}`),
    ]);
    expect(wanted.filter((key) => !keys.has(key))).toEqual([]);
  });
});
