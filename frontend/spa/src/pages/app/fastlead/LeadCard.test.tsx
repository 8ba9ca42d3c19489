import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LeadDetail } from '../../../api/fastlead';
import { customerMe } from '../../../test/appBilling';
import { ORG } from '../../../test/catalog';
import { lead, leadDetail, LEAD_ID, members, renderFastlead, workspace, WS, WS_BASE } from '../../../test/fastlead';
import { json, problem, stubFetch, type Call } from '../../../test/fetch';

vi.setConfig({ testTimeout: 30_000 });
configure({ asyncUtilTimeout: 10_000 });
afterEach(() => vi.unstubAllGlobals());

const ONE = `${WS_BASE}/${WS}`;
const LEAD = `${ONE}/leads/${LEAD_ID}`;
const PATH = `/app/fastlead/${WS}/leads/${LEAD_ID}`;

function backend(detail: LeadDetail, onStatus?: (call: Call) => Response) {
  return stubFetch((call) => {
    if (call.url === ONE) return json(workspace());
    if (call.url === LEAD) return json(detail);
    if (call.url === `${LEAD}/status` && onStatus) return onStatus(call);
    if (call.url.startsWith(`/api/app/orgs/${ORG}/members`)) return json(members);
    return problem(404);
  });
}

const posts = (calls: Call[]) => calls.filter((c) => c.method === 'POST').map((c) => [c.url, c.body]);

describe('the lead card', () => {
  it('shows the contacts, where the lead came from, the consent and the timeline with who did what', async () => {
    backend(leadDetail());
    renderFastlead(customerMe('analyst'), PATH);
    expect(await screen.findByRole('heading', { name: 'Иван Петров · +79991234567' })).toBeTruthy();
    expect(screen.getByRole('link', { name: '+79991234567' }).getAttribute('href')).toBe('tel:+79991234567');
    expect(screen.getByText('Нужен замер окон')).toBeTruthy();
    expect(screen.getByText('utm_source=yandex')).toBeTruthy();
    expect(screen.getByText(/^Дано: версия текста v1, 02\.12\.2026, 12:30 МСК, IP 203\.0\.113\.7$/)).toBeTruthy();
    expect(screen.getByText('Заявка из виджета')).toBeTruthy();
    expect(screen.getByText('Статус: «Новая» → «Связались»')).toBeTruthy();
    expect(screen.getByText('Перезвонить в пятницу')).toBeTruthy();
    expect(await screen.findByText(/Ольга Смирнова$/)).toBeTruthy();
    // an analyst reads only
    expect(screen.queryByRole('group', { name: 'Сменить статус' })).toBeNull();
  });

  it('shows the client\'s answers that came through a channel\'s webhook next to the operator\'s reply', async () => {
    const base = leadDetail();
    backend({
      ...base,
      timeline: [
        ...base.timeline,
        { at: '2026-12-02T10:05:00Z', kind: 'message', actor: 'usr_2', data: { direction: 'out', channel: 'twilio', to: '+79991234567', text: 'Когда удобно приехать?' } },
        { at: '2026-12-02T10:07:00Z', kind: 'message', actor: null, data: { direction: 'in', channel: 'twilio', from: '+79991234567', text: 'Завтра в 10', provider_message_id: 'SM1' } },
        { at: '2026-12-02T10:09:00Z', kind: 'message', actor: null, data: { direction: 'in', channel: 'whatsapp', from: '+79991234567', text: '', media: 'image' } },
        // as the server shows a locked lead's answer
        { at: '2026-12-02T10:11:00Z', kind: 'message', actor: null, data: { direction: 'in', channel: 'twilio' } },
      ],
    });
    renderFastlead(customerMe('operator'), PATH);
    expect(await screen.findByText('Сообщение: SMS (Twilio) → +79991234567')).toBeTruthy();
    expect(screen.getByText('Ответ клиента: SMS (Twilio) ← +79991234567')).toBeTruthy();
    expect(screen.getByText('Завтра в 10')).toBeTruthy();
    expect(screen.getByText('Ответ клиента: WhatsApp ← +79991234567')).toBeTruthy();
    expect(screen.getByText('[вложение: image]')).toBeTruthy();
    expect(screen.getByText('Ответ клиента: SMS (Twilio)')).toBeTruthy();
    expect(screen.getAllByText(/· клиент$/)).toHaveLength(3);
  });

  it('offers the moves the server allows and asks the reason of a lost lead', async () => {
    const calls = backend(leadDetail({ status: 'contacted' }), (call) => json(lead({ status: (call.body as { status: 'lost' }).status })));
    renderFastlead(customerMe('operator'), PATH);
    const moves = within(await screen.findByRole('group', { name: 'Сменить статус' }));
    expect(moves.getAllByRole('button').map((b) => b.textContent)).toEqual(['Записан', 'Потеряна']);
    await userEvent.click(moves.getByRole('button', { name: 'Потеряна' }));
    const dialog = within(await screen.findByRole('dialog'));
    await userEvent.click(dialog.getByRole('button', { name: 'Потеряна' }));
    expect(await dialog.findByText('Укажите, почему заявка потеряна.')).toBeTruthy();
    expect(posts(calls)).toEqual([]);
    await userEvent.type(dialog.getByLabelText('Причина'), 'Выбрал конкурента');
    await userEvent.click(dialog.getByRole('button', { name: 'Потеряна' }));
    await waitFor(() => expect(posts(calls)).toEqual([[`${LEAD}/status`, { status: 'lost', note: 'Выбрал конкурента' }]]));
    expect(await screen.findByText('Статус заявки: «Потеряна»')).toBeTruthy();
  });

  it('moves a new lead on without a comment', async () => {
    const calls = backend(leadDetail({ status: 'new', timeline: [] }), () => json(lead({ status: 'contacted' })));
    renderFastlead(customerMe('admin'), PATH);
    const moves = within(await screen.findByRole('group', { name: 'Сменить статус' }));
    expect(moves.getAllByRole('button').map((b) => b.textContent)).toEqual(['Связались', 'Записан', 'Потеряна']);
    await userEvent.click(moves.getByRole('button', { name: 'Связались' }));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Связались' }));
    await waitFor(() => expect(posts(calls)).toEqual([[`${LEAD}/status`, { status: 'contacted', note: null }]]));
  });

  it('shows the server\'s refusal of a move', async () => {
    backend(leadDetail(), () => problem(409, {
      type: '/problems/conflict', code: 'lead-status-transition', detail: 'Из статуса «contacted» нельзя перейти в «contacted».',
    }));
    renderFastlead(customerMe('owner'), PATH);
    const moves = within(await screen.findByRole('group', { name: 'Сменить статус' }));
    await userEvent.click(moves.getByRole('button', { name: 'Записан' }));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Записан' }));
    expect(await screen.findByText(/нельзя перейти/)).toBeTruthy();
  });

  it('keeps a locked lead locked: no contacts, no moves, the way to upgrade', async () => {
    backend(leadDetail({ locked: true, name: null, phone: null, email: null, message: null, referrer: null, consent: null }));
    renderFastlead(customerMe('owner'), PATH);
    expect(await screen.findByRole('heading', { name: 'Заявка сверх лимита тарифа' })).toBeTruthy();
    expect(screen.getByText(/контакты и работа с ней откроются после перехода на тариф выше/)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Перейти в «Тариф и оплата»' })).toBeTruthy();
    expect(screen.queryByText('Телефон')).toBeNull();
    expect(screen.queryByRole('group', { name: 'Сменить статус' })).toBeNull();
  });

  it('says when the lead does not exist', async () => {
    stubFetch((call) => (call.url === ONE ? json(workspace()) : problem(404, { type: '/problems/not-found', code: 'lead-not-found', detail: 'Такой заявки нет.' })));
    renderFastlead(customerMe('owner'), PATH);
    expect(await screen.findByText('Такой заявки нет.')).toBeTruthy();
    expect(screen.getByRole('link', { name: /Все заявки/ })).toBeTruthy();
  });
});
