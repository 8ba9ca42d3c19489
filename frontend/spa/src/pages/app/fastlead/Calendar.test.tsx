import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Calcom } from '../../../api/fastleadChannels';
import { customerMe } from '../../../test/appBilling';
import { workspace, WS, WS_BASE } from '../../../test/fastlead';
import { CALCOM, calcom, renderChannelPages } from '../../../test/fastleadChannels';
import { json, problem, stubFetch, type Call } from '../../../test/fetch';

vi.setConfig({ testTimeout: 30_000 });
configure({ asyncUtilTimeout: 10_000 });
afterEach(() => vi.unstubAllGlobals());

const PATH = `/app/fastlead/${WS}/calendar`;
const SECRET = 'q0L1vC7yG2d9Zt4mXn8sWb3kHf6pRj5aEc1uYo2iTg0';
const EVENT_TYPES = { items: [{ id: 7, slug: 'zamer', title: 'Замер окон', length: 30 }, { id: 8, slug: 'call', title: 'Звонок', length: null }] };
const CONNECTED = calcom({ connected: true, api_key_hint: 'cal_…x7Qa', connected_at: '2026-12-03T09:00:00Z' });

function backend(start: Calcom, put?: (call: Call) => Response) {
  let view = start;
  return stubFetch((call) => {
    if (call.url === `${WS_BASE}/${WS}`) return json(workspace());
    if (call.url === CALCOM && call.method === 'GET') return json(view);
    if (call.url === CALCOM && call.method === 'PUT' && put) {
      const answer = put(call);
      if (answer.ok) view = CONNECTED;
      return answer;
    }
    if (call.url === CALCOM && call.method === 'DELETE') {
      view = calcom();
      return new Response(null, { status: 204 });
    }
    if (call.url === `${CALCOM}/event-types`) return json(EVENT_TYPES);
    return problem(404);
  });
}

async function fill(input: HTMLElement, text: string) {
  await userEvent.click(input);
  await userEvent.paste(text);
}

describe('the calendar tab', () => {
  it('connects Cal.com: the key refused on its field, then the webhook secret shown once and the event types', async () => {
    let attempts = 0;
    const calls = backend(calcom(), () => (++attempts === 1
      ? problem(400, { type: '/problems/bad-request', code: 'calcom-key-refused', detail: 'Cal.com не принял API-ключ: Invalid API key' })
      : json({ ...CONNECTED, webhook_secret: SECRET })));
    renderChannelPages(customerMe('owner'), PATH);
    expect(await screen.findByRole('tab', { name: 'Календарь', selected: true })).toBeTruthy();
    expect(await screen.findByText('Отключён')).toBeTruthy();
    const key = screen.getByLabelText('API-ключ Cal.com') as HTMLInputElement;
    expect(key.type).toBe('password');
    await fill(key, 'cal_live_wrongkey123');
    await userEvent.click(screen.getByRole('button', { name: 'Подключить' }));
    expect(await screen.findByText('Cal.com не принял API-ключ: Invalid API key')).toBeTruthy();
    await userEvent.clear(key);
    await fill(key, 'cal_live_0123456789abcdef');
    await userEvent.click(screen.getByRole('button', { name: 'Подключить' }));
    expect(await screen.findByText(SECRET)).toBeTruthy();
    expect(screen.getByText(/показывается только один раз/)).toBeTruthy();
    expect(screen.getByText(`http://localhost:3000/api/webhooks/calcom/${WS}`)).toBeTruthy();
    expect(screen.getByText('BOOKING_CREATED')).toBeTruthy();
    expect(screen.getByText('cal_…x7Qa')).toBeTruthy();
    expect(await screen.findByText('Замер окон')).toBeTruthy();
    expect(screen.getByText('30 мин')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'PUT').map((c) => c.body)).toEqual([
      { api_key: 'cal_live_wrongkey123' }, { api_key: 'cal_live_0123456789abcdef' },
    ]);
  });

  it('does not show the secret again once connected, and disconnects after a confirmation', async () => {
    const calls = backend(CONNECTED);
    renderChannelPages(customerMe('admin'), PATH);
    expect(await screen.findByText(/Секрет вебхука показан при подключении/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Заменить ключ' })).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Отключить Cal.com' }));
    await userEvent.click(within(await screen.findByRole('tooltip')).getByRole('button', { name: 'Отключить' }));
    expect(await screen.findByText('Cal.com отключён.')).toBeTruthy();
    await waitFor(() => expect(screen.queryByText('Типы встреч')).toBeNull());
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual([CALCOM]);
  });

  it('says when the account has no event types', async () => {
    stubFetch((call) => {
      if (call.url === `${WS_BASE}/${WS}`) return json(workspace());
      if (call.url === CALCOM) return json(CONNECTED);
      if (call.url === `${CALCOM}/event-types`) return json({ items: [] });
      return problem(404);
    });
    renderChannelPages(customerMe('owner'), PATH);
    expect(await screen.findByText('В аккаунте Cal.com нет типов встреч.')).toBeTruthy();
  });

  it('lets an analyst read the connection without the key form or disconnecting', async () => {
    backend(CONNECTED);
    renderChannelPages(customerMe('analyst'), PATH);
    expect(await screen.findByText('Замер окон')).toBeTruthy();
    expect(screen.getByText('Подключён')).toBeTruthy();
    expect(screen.queryByLabelText(/API-ключ/)).toBeNull();
    expect(screen.queryByRole('button', { name: /Заменить ключ|Отключить/ })).toBeNull();
  });
});
