import { vi } from 'vitest';
import { parseConfig, type WidgetConfig } from '../src/config';
import { mountWidget, type WidgetEnv, type WidgetHandle } from '../src/ui';

export const CONFIG_URL = 'https://cdn.example.ru/widgets/wgt_1/config.json';

export function rawConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    widget_id: 'wgt_1',
    version: 3,
    api_base: 'https://api.example.ru/',
    texts: { title: 'Окна Плюс', greeting: 'Здравствуйте! Чем помочь?', thank_you: 'Спасибо, перезвоним!' },
    colors: { primary: '#123456' },
    quick_replies: ['Хочу замер', 'Сколько стоит?'],
    fields: { name: 'optional', phone: 'required', email: 'optional', message: 'optional' },
    consent: { required: true, text: 'Согласен на обработку персональных данных', version: 'v7', policy_url: 'https://example.ru/pd' },
    channels: [
      { type: 'telegram', url: 'https://t.me/okna_bot' },
      { type: 'whatsapp', url: 'https://wa.me/79991234567' },
    ],
    ...overrides,
  };
}

export function config(overrides: Record<string, unknown> = {}): WidgetConfig {
  return parseConfig(rawConfig(overrides), CONFIG_URL);
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers },
  });
}

export interface Harness {
  widget: WidgetHandle;
  shadow: ShadowRoot;
  fetch: ReturnType<typeof vi.fn>;
  sleeps: number[];
  clock: { now: number };
  reloadConfig: ReturnType<typeof vi.fn>;
  $<T extends Element = HTMLElement>(selector: string): T;
  bodies(): Record<string, unknown>[];
}

export function mount(widgetConfig: WidgetConfig = config(), env: Partial<WidgetEnv> = {}): Harness {
  const fetch = vi.fn();
  const sleeps: number[] = [];
  const clock = { now: 1000 };
  const reloadConfig = vi.fn();
  const widget = mountWidget(widgetConfig, {
    fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0,
    now: () => clock.now,
    href: () => 'https://okna.example.ru/catalog?utm_source=yandex&utm_campaign=winter&x=1#top',
    referrer: 'https://ya.ru/',
    reloadConfig,
    ...env,
  });
  const shadow = widget.shadow;
  return {
    widget,
    shadow,
    fetch,
    sleeps,
    clock,
    reloadConfig,
    $<T extends Element = HTMLElement>(selector: string): T {
      const found = shadow.querySelector<T>(selector);
      if (!found) throw new Error(`no ${selector} in the shadow root`);
      return found;
    },
    bodies: () => fetch.mock.calls.map((call) => JSON.parse(call[1].body as string)),
  };
}

export function type(input: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

export function check(box: HTMLInputElement, checked = true): void {
  box.checked = checked;
  box.dispatchEvent(new Event('change', { bubbles: true }));
}

export function press(target: Element, key: string, shiftKey = false): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { key, shiftKey, bubbles: true, cancelable: true, composed: true });
  target.dispatchEvent(event);
  return event;
}

export function submit(h: Harness): void {
  h.$<HTMLFormElement>('form').dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
}

// Opens the panel and fills in a valid lead with consent given.
export function fillValid(h: Harness): void {
  h.widget.open();
  type(h.$('#fl-name'), '  Иван  ');
  type(h.$('#fl-phone'), '8 (999) 123-45-67');
  type(h.$('#fl-message'), 'Нужен замер');
  check(h.$('#fl-consent'));
}
