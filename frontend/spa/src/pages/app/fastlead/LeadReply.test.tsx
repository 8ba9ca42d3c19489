import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LeadDetail } from '../../../api/fastlead';
import type { Channel, LeadMessage } from '../../../api/fastleadChannels';
import { customerMe } from '../../../test/appBilling';
import { ORG } from '../../../test/catalog';
import { leadDetail, LEAD_ID, members, workspace, WS, WS_BASE } from '../../../test/fastlead';
import { channel, CHANNELS, renderChannelPages } from '../../../test/fastleadChannels';
import { json, problem, stubFetch, type Call } from '../../../test/fetch';

// three sends with their re-reads of the lead: slow on a machine the team shares
vi.setConfig({ testTimeout: 60_000 });
configure({ asyncUtilTimeout: 10_000 });
afterEach(() => vi.unstubAllGlobals());

const LEAD = `${WS_BASE}/${WS}/leads/${LEAD_ID}`;
const PATH = `/app/fastlead/${WS}/leads/${LEAD_ID}`;
const OPERATOR = 'usr_2';
const EMAIL = channel({ type: 'email', name: 'Amazon SES', settings: { notify_email: 'sales@okna.example.ru' }, credentials_hint: {} });

/** The lead and the channels; a sent message lands on the lead's timeline as the server writes it. */
function backend(detail: LeadDetail, channels: Channel[], onSend?: (call: Call) => Response | null) {
  let lead = detail;
  return stubFetch((call) => {
    if (call.url === `${WS_BASE}/${WS}`) return json(workspace());
    if (call.url === CHANNELS) return json({ items: channels });
    if (call.url === LEAD) return json(lead);
    if (call.url.startsWith(`/api/app/orgs/${ORG}/members`)) return json(members);
    if (call.url === `${LEAD}/messages`) {
      const refusal = onSend?.(call);
      if (refusal) return refusal;
      const body = call.body as LeadMessage;
      const at = '2026-12-03T10:15:00Z';
      lead = { ...lead, timeline: [...lead.timeline, { at, kind: 'message', actor: OPERATOR, data: { direction: 'out', channel: body.channel, to: lead.phone, text: body.text } }] };
      return json({ client_id: body.client_id, lead_id: LEAD_ID, channel: body.channel, to: lead.phone, text: body.text, provider_message_id: 'SM1', sent_at: at, sent_by: OPERATOR, lead_status: 'contacted' }, 201);
    }
    return problem(404);
  });
}

const sends = (calls: Call[]) => calls.filter((c) => c.method === 'POST').map((c) => c.body as LeadMessage);

async function write(text: string) {
  await userEvent.click(await screen.findByLabelText('Сообщение'));
  await userEvent.paste(text);
}

describe('the lead card\'s reply', () => {
  it('offers only working channels that reach the lead, and the reply appears on the timeline', async () => {
    const calls = backend(leadDetail(), [
      channel(), EMAIL, channel({ type: 'telegram', settings: { chat_id: '-100123' } }),
      channel({ type: 'smsc', status: 'failed' }),
    ]);
    renderChannelPages(customerMe('operator'), PATH);
    const reply = within(await screen.findByRole('region', { name: 'Ответить клиенту' }));
    await userEvent.click(await reply.findByRole('combobox'));
    // the lead has a phone and no e-mail; Telegram bots cannot start a chat; SMSC.ru failed its test
    await screen.findAllByRole('option');
    const offered = [...document.querySelectorAll('.ant-select-item-option-content')].map((o) => o.textContent);
    expect(offered).toEqual(['SMS (Twilio) → +79991234567']);
    await userEvent.keyboard('{Escape}');
    await write('Здравствуйте! Замерщик приедет в пятницу в 10:00.');
    await userEvent.click(reply.getByRole('button', { name: 'Отправить' }));
    expect(await screen.findByText('Сообщение: SMS (Twilio) → +79991234567')).toBeTruthy();
    expect(screen.getByText('Здравствуйте! Замерщик приедет в пятницу в 10:00.')).toBeTruthy();
    const [sent] = sends(calls);
    expect(sent).toMatchObject({ channel: 'twilio', text: 'Здравствуйте! Замерщик приедет в пятницу в 10:00.' });
    expect(sent.client_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(((await screen.findByLabelText('Сообщение')) as HTMLTextAreaElement).value).toBe('');
  });

  it('shows the provider\'s refusal and retries with the same client id; a new message gets a new one', async () => {
    let attempts = 0;
    const calls = backend(leadDetail(), [channel()], () => (++attempts === 1
      ? problem(400, { type: '/problems/bad-request', code: 'channel-send-failed', detail: 'Сообщение не отправлено: Twilio сейчас недоступен. Попробуйте ещё раз через минуту.' })
      : null));
    renderChannelPages(customerMe('admin'), PATH);
    await write('Перезвоним через час');
    await userEvent.click(await screen.findByRole('button', { name: 'Отправить' }));
    expect(await screen.findByText(/Сообщение не отправлено: Twilio сейчас недоступен/)).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Отправить' }));
    expect(await screen.findByText('Перезвоним через час', { selector: '.ant-timeline *' })).toBeTruthy();
    await write('И ещё одно');
    await userEvent.click(screen.getByRole('button', { name: 'Отправить' }));
    await waitFor(() => expect(sends(calls)).toHaveLength(3));
    const [first, retry, next] = sends(calls);
    expect(retry.client_id).toBe(first.client_id);
    expect(next.client_id).not.toBe(first.client_id);
  });

  it('asks for a channel when none reaches the lead', async () => {
    backend(leadDetail({ phone: null, email: null }), [channel({ type: 'telegram' })]);
    renderChannelPages(customerMe('owner'), PATH);
    expect(await screen.findByText(/Нет подключённого канала, через который можно написать этому клиенту/)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Подключить канал' }).getAttribute('href')).toBe(`/app/fastlead/${WS}/channels`);
  });

  it('is not there for an analyst or on a locked lead', async () => {
    backend(leadDetail(), [channel()]);
    const view = renderChannelPages(customerMe('analyst'), PATH);
    expect(await screen.findByText('Нужен замер окон')).toBeTruthy();
    expect(screen.queryByText('Ответить клиенту')).toBeNull();
    view.unmount();
    vi.unstubAllGlobals();
    backend(leadDetail({ locked: true, name: null, phone: null, email: null, message: null }), [channel()]);
    renderChannelPages(customerMe('operator'), PATH);
    expect(await screen.findByText('Заявка сверх лимита тарифа')).toBeTruthy();
    expect(screen.queryByText('Ответить клиенту')).toBeNull();
  });
});
