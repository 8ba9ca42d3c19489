import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Widget } from '../../../api/fastlead';
import { customerMe } from '../../../test/appBilling';
import { CONSENT_TEXT, renderFastlead, widget, WIDGET_ID, workspace, WS, WS_BASE } from '../../../test/fastlead';
import { json, problem, stubFetch, type Call } from '../../../test/fetch';

// Every keystroke re-renders the whole form and its preview: slow on a busy machine.
vi.setConfig({ testTimeout: 60_000 });
configure({ asyncUtilTimeout: 10_000 });
afterEach(() => vi.unstubAllGlobals());

const ONE = `${WS_BASE}/${WS}`;
const SNIPPET = `<!-- Fast Lead widget -->\n<script>(window,document,"http://localhost:3000/widget/widget.js","${WIDGET_ID}")</script>`;

/** The widget API; `current` is what GET …/widget answers (a test may change it: "someone else saved"). */
function backend(state: { current: Widget }, overrides: (call: Call) => Response | undefined = () => undefined) {
  return stubFetch((call) => {
    const answer = overrides(call);
    if (answer) return answer;
    if (call.url === ONE) return json(workspace());
    if (call.url === `${ONE}/widget` && call.method === 'GET') return json(state.current);
    if (call.url === `${ONE}/widget` && call.method === 'PUT') {
      const { version, ...settings } = call.body as { version: number };
      state.current = widget({ version: version + 1 }, settings);
      return json(state.current);
    }
    if (call.url === `${ONE}/widget/publish`) {
      state.current = { ...state.current, published_version: state.current.version, published_at: '2026-12-03T09:00:00Z' };
      return json(state.current);
    }
    if (call.url === `${ONE}/widget/snippet`) return json({ widget_id: WIDGET_ID, script_url: 'http://localhost:3000/widget/widget.js', html: SNIPPET });
    return problem(404);
  });
}

const puts = (calls: Call[]) => calls.filter((c) => c.method === 'PUT').map((c) => c.body as { version: number; texts: { greeting: string } });

/** The real widget's shadow root inside the preview frame. */
function preview(): ShadowRoot {
  const host = screen.getByTestId('widget-preview').querySelector('[data-fastlead-widget]');
  if (!host?.shadowRoot) throw new Error('the widget is not in the preview');
  return host.shadowRoot;
}

async function editGreeting(text: string) {
  const greeting = await screen.findByLabelText('Приветствие');
  await userEvent.clear(greeting);
  await userEvent.type(greeting, text);
}

describe('the widget configurator', () => {
  it('renders the real widget with the saved settings and follows the form', async () => {
    backend({ current: widget() });
    renderFastlead(customerMe('owner'), `/app/fastlead/${WS}/widget`);
    await waitFor(() => expect(preview().querySelector('#fl-title')?.textContent).toBe('Окна на заказ'));
    expect(preview().querySelector('.greeting p')?.textContent).toBe('Здравствуйте! Перезвоним за 15 минут.');
    expect(preview().querySelector('[role="dialog"]')?.hasAttribute('hidden')).toBe(false);
    await editGreeting('Добрый');
    await waitFor(() => expect(preview().querySelector('.greeting p')?.textContent).toBe('Добрый'));
    // the configurator keeps the focus while the preview rebuilds
    expect(document.activeElement).toBe(screen.getByLabelText('Приветствие'));
  });

  it('says when the widget would refuse the settings', async () => {
    backend({ current: widget() });
    renderFastlead(customerMe('owner'), `/app/fastlead/${WS}/widget`);
    await userEvent.clear(await screen.findByLabelText('Текст согласия'));
    expect(await screen.findByText('С такими настройками виджет не покажется на сайте')).toBeTruthy();
  });

  it('saves with the version the edit started from', async () => {
    const calls = backend({ current: widget() });
    renderFastlead(customerMe('admin'), `/app/fastlead/${WS}/widget`);
    await editGreeting('Добрый');
    await userEvent.click(screen.getByRole('button', { name: 'Сохранить' }));
    expect(await screen.findByText('Сохранено: версия № 4')).toBeTruthy();
    const [body] = puts(calls);
    expect(body).toMatchObject({
      version: 3,
      texts: { title: 'Окна на заказ', greeting: 'Добрый', launcher: null, submit: null, thank_you: null },
      consent: { required: true, text: CONSENT_TEXT, policy_url: null },
      quick_replies: ['Нужен замер'],
      channels: [],
    });
  });

  it('on a conflict overwrites on top of the other admin\'s version', async () => {
    const state = { current: widget() };
    let first = true;
    const calls = backend(state, (call) => {
      if (call.method !== 'PUT' || !first) return undefined;
      first = false;
      state.current = widget({ version: 4 }, { texts: { title: 'Окна', greeting: 'Их приветствие' } });
      return problem(409, {
        type: '/problems/conflict', code: 'widget-version-conflict', current_version: 4,
        detail: 'Настройки виджета уже изменил кто-то другой (версия 4).',
      });
    });
    renderFastlead(customerMe('owner'), `/app/fastlead/${WS}/widget`);
    await editGreeting('Моё');
    await userEvent.click(screen.getByRole('button', { name: 'Сохранить' }));
    const conflict = within(await screen.findByRole('dialog', { name: 'Настройки изменил другой администратор' }));
    await userEvent.click(conflict.getByRole('button', { name: 'Перезаписать' }));
    expect(await screen.findByText('Сохранено: версия № 5')).toBeTruthy();
    expect(puts(calls).map((body) => [body.version, body.texts.greeting])).toEqual([[3, 'Моё'], [4, 'Моё']]);
  });

  it('on a conflict reloads the other admin\'s settings', async () => {
    const state = { current: widget() };
    const calls = backend(state, (call) => {
      if (call.method !== 'PUT') return undefined;
      state.current = widget({ version: 4 }, { texts: { title: 'Окна', greeting: 'Их приветствие' } });
      return problem(409, { type: '/problems/conflict', code: 'widget-version-conflict', current_version: 4, detail: '…' });
    });
    renderFastlead(customerMe('owner'), `/app/fastlead/${WS}/widget`);
    await editGreeting('Моё');
    await userEvent.click(screen.getByRole('button', { name: 'Сохранить' }));
    const conflict = within(await screen.findByRole('dialog', { name: 'Настройки изменил другой администратор' }));
    await userEvent.click(conflict.getByRole('button', { name: 'Загрузить заново' }));
    await waitFor(() => expect((screen.getByLabelText('Приветствие') as HTMLTextAreaElement).value).toBe('Их приветствие'));
    expect(screen.getByText(/^№ 4 от/)).toBeTruthy();
    expect(puts(calls)).toHaveLength(1);
  });

  it('shows the server\'s errors next to the fields they name', async () => {
    backend({ current: widget() }, (call) => (call.method === 'PUT' ? problem(422, {
      type: '/problems/validation-failed', code: 'validation-failed', detail: 'Проверьте поля.',
      errors: [
        { loc: 'body.channels.0', msg: 'Ссылка канала: https://t.me/<bot>.', code: 'channel_url_invalid' },
        { loc: 'body.consent', msg: 'Нужен текст согласия на обработку персональных данных.', code: 'consent_text_required' },
      ],
    }) : undefined));
    renderFastlead(customerMe('owner'), `/app/fastlead/${WS}/widget`);
    await userEvent.type(await screen.findByLabelText('Telegram'), 'https://t.me/');
    await userEvent.click(screen.getByRole('button', { name: 'Сохранить' }));
    const channelError = await screen.findByText('Ссылка канала: https://t.me/<bot>.');
    expect(channelError.closest('.ant-form-item')?.contains(screen.getByLabelText('Telegram'))).toBe(true);
    const consentError = screen.getByText('Нужен текст согласия на обработку персональных данных.');
    expect(consentError.closest('.ant-form-item')?.contains(screen.getByLabelText('Текст согласия'))).toBe(true);
  });

  it('checks a channel link before sending', async () => {
    const calls = backend({ current: widget() });
    renderFastlead(customerMe('owner'), `/app/fastlead/${WS}/widget`);
    await userEvent.type(await screen.findByLabelText('WhatsApp'), 'https://t.me/okna');
    await userEvent.click(screen.getByRole('button', { name: 'Сохранить' }));
    expect(await screen.findByText('Ссылка вида https://wa.me/79991234567.')).toBeTruthy();
    expect(puts(calls)).toEqual([]);
  });

  it('publishes the saved version after a confirmation', async () => {
    const calls = backend({ current: widget() });
    renderFastlead(customerMe('owner'), `/app/fastlead/${WS}/widget`);
    expect(await screen.findByText(/Сохранённая версия ещё не опубликована/)).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Опубликовать' }));
    const confirm = within(await screen.findByRole('dialog', { name: 'Опубликовать версию № 3?' }));
    await userEvent.click(confirm.getByRole('button', { name: 'Опубликовать' }));
    expect(await screen.findByText(/^Опубликована версия № 3/)).toBeTruthy();
    expect(calls.filter((c) => c.method === 'POST').map((c) => [c.url, c.body])).toEqual([[`${ONE}/widget/publish`, { version: 3 }]]);
    // the page's button comes before the closed dialog's
    expect((screen.getAllByRole('button', { name: 'Опубликовать' })[0] as HTMLButtonElement).disabled).toBe(true);
  });

  it('shows the snippet to copy', async () => {
    backend({ current: widget() });
    renderFastlead(customerMe('analyst'), `/app/fastlead/${WS}/widget`);
    expect((await screen.findByTestId('snippet')).textContent).toBe(SNIPPET);
    expect(screen.getByRole('button', { name: 'Скопировать' })).toBeTruthy();
  });

  it('is read-only for an analyst', async () => {
    backend({ current: widget() });
    renderFastlead(customerMe('analyst'), `/app/fastlead/${WS}/widget`);
    expect((await screen.findByLabelText('Приветствие') as HTMLTextAreaElement).disabled).toBe(true);
    expect(screen.queryByRole('button', { name: 'Сохранить' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Опубликовать' })).toBeNull();
  });
});
