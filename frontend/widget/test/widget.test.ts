import { afterEach, describe, expect, it } from 'vitest';
import { messages } from '../src/i18n';
import { RETRY_DELAYS_MS } from '../src/lead';
import { check, config, fillValid, json, mount, press, submit, type, type Harness } from './helpers';

const ru = messages('ru');
const en = messages('en');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let harness: Harness | null = null;
function setup(...args: Parameters<typeof mount>): Harness {
  harness = mount(...args);
  return harness;
}
afterEach(() => {
  harness?.widget.destroy();
  harness = null;
});

async function settled(h: Harness): Promise<void> {
  await expect.poll(() => h.$('.submit').getAttribute('aria-busy')).toBe('false');
}

describe('rendering', () => {
  it('renders the launcher and a closed dialog inside a shadow root, nothing in the page', () => {
    const h = setup();
    const host = document.querySelector('[data-fastlead-widget]');
    expect(host?.shadowRoot).toBe(h.shadow);
    expect(document.querySelector('.launcher, .panel, form')).toBeNull();
    expect(document.head.querySelector('style')).toBeNull();
    const css = h.shadow.querySelector('style')?.textContent ??
      Array.from(h.shadow.adoptedStyleSheets ?? [], (sheet) => Array.from(sheet.cssRules, (rule) => rule.cssText).join('\n')).join('\n');
    expect(css).toMatch(/:host\s*\{\s*all:\s*initial\s*!important/);
    expect(css).toMatch(/--p:\s*#123456/);

    const launcher = h.$('.launcher');
    expect(launcher.getAttribute('aria-label')).toBe(ru.launcher);
    expect(launcher.getAttribute('aria-expanded')).toBe('false');
    const panel = h.$('#fl-panel');
    expect(panel.hidden).toBe(true);
    expect(panel.getAttribute('role')).toBe('dialog');
    expect(panel.getAttribute('aria-modal')).toBe('true');
    expect(h.$('#' + panel.getAttribute('aria-labelledby')).textContent).toBe('Окна Плюс');
  });

  it('shows the texts, quick replies, fields, consent with its version and the channels from the config', () => {
    const h = setup();
    expect(h.$('.greeting p').textContent).toBe('Здравствуйте! Чем помочь?');
    expect(Array.from(h.shadow.querySelectorAll('.quick button'), (b) => b.textContent)).toEqual(['Хочу замер', 'Сколько стоит?']);
    expect(Array.from(h.shadow.querySelectorAll('.field label'), (l) => l.textContent)).toEqual([
      `${ru.name} ${ru.optional}`,
      ru.phone,
      `${ru.email} ${ru.optional}`,
      `${ru.message} ${ru.optional}`,
    ]);
    expect(h.$('#fl-phone').getAttribute('aria-required')).toBe('true');
    expect(h.$('label[for=fl-consent]').textContent).toBe('Согласен на обработку персональных данных');
    expect(h.$('#fl-consent-version').textContent).toBe(`${ru.consentVersion}: v7`);
    expect(h.$<HTMLAnchorElement>('.consent a').href).toBe('https://example.ru/pd');
    const links = Array.from(h.shadow.querySelectorAll<HTMLAnchorElement>('.channels a'), (a) => [a.textContent, a.href, a.rel]);
    expect(links).toEqual([
      ['Telegram', 'https://t.me/okna_bot', 'noopener noreferrer'],
      ['WhatsApp', 'https://wa.me/79991234567', 'noopener noreferrer'],
    ]);
  });

  it('sets config texts as text, never as markup', () => {
    const h = setup(config({ texts: { greeting: '<img src=x onerror=alert(1)>' } }));
    expect(h.$('.greeting p').textContent).toBe('<img src=x onerror=alert(1)>');
    expect(h.shadow.querySelector('.greeting p img')).toBeNull();
  });

  it('leaves out hidden fields, and quick replies when there is no message field', () => {
    const h = setup(config({ fields: { name: 'hidden', phone: 'optional', email: 'required', message: 'hidden' } }));
    expect(h.shadow.querySelector('#fl-name')).toBeNull();
    expect(h.shadow.querySelector('#fl-message')).toBeNull();
    expect(h.shadow.querySelector('.quick')).toBeNull();
    expect(h.$('#fl-email').getAttribute('type')).toBe('email');
  });

  it('speaks English when the config says so', () => {
    const h = setup(config({ locale: 'en', texts: {} }));
    expect(h.$('.launcher').getAttribute('aria-label')).toBe(en.launcher);
    expect(h.$('h2').textContent).toBe(en.title);
    expect(h.$('.submit').textContent).toBe(en.submit);
    expect(h.$('.root').getAttribute('lang')).toBe('en');
  });

  it('a quick reply fills in the message', () => {
    const h = setup();
    h.widget.open();
    h.$<HTMLButtonElement>('.quick button').click();
    expect(h.$<HTMLTextAreaElement>('#fl-message').value).toBe('Хочу замер');
    expect(h.shadow.activeElement).toBe(h.$('#fl-message'));
  });
});

describe('keyboard', () => {
  it('the launcher opens the dialog and focuses its first field; Esc closes it and returns focus', () => {
    const h = setup();
    h.$<HTMLButtonElement>('.launcher').click();
    expect(h.$('#fl-panel').hidden).toBe(false);
    expect(h.$('.launcher').getAttribute('aria-expanded')).toBe('true');
    expect(h.shadow.activeElement).toBe(h.$('#fl-name'));

    press(h.$('#fl-name'), 'Escape');
    expect(h.$('#fl-panel').hidden).toBe(true);
    expect(h.$('.launcher').getAttribute('aria-expanded')).toBe('false');
    expect(h.shadow.activeElement).toBe(h.$('.launcher'));
  });

  it('traps focus in the open dialog: Tab from the last control goes to the first, Shift+Tab back', () => {
    const h = setup();
    h.widget.open();
    check(h.$('#fl-consent'));
    const close = h.$('.close');
    const lastLink = Array.from(h.shadow.querySelectorAll<HTMLElement>('.channels a')).pop()!;

    lastLink.focus();
    const forward = press(lastLink, 'Tab');
    expect(forward.defaultPrevented).toBe(true);
    expect(h.shadow.activeElement).toBe(close);

    const back = press(close, 'Tab', true);
    expect(back.defaultPrevented).toBe(true);
    expect(h.shadow.activeElement).toBe(lastLink);

    h.$('#fl-phone').focus();
    expect(press(h.$('#fl-phone'), 'Tab').defaultPrevented).toBe(false);
  });

  it('never tabs into the honeypot', () => {
    const h = setup();
    const trap = h.$('input[name=website]');
    expect(trap.getAttribute('tabindex')).toBe('-1');
    expect(trap.getAttribute('autocomplete')).toBe('off');
    expect(trap.closest('[aria-hidden=true]')).not.toBeNull();
  });
});

describe('consent', () => {
  it('keeps submit disabled with a clear message until the consent is ticked', () => {
    const h = setup();
    h.widget.open();
    const button = h.$<HTMLButtonElement>('.submit');
    const hint = h.$('#fl-consent-hint');
    expect(button.disabled).toBe(true);
    expect(hint.hidden).toBe(false);
    expect(hint.textContent).toBe(ru.consentNeeded);
    expect(button.getAttribute('aria-describedby')).toBe('fl-consent-hint');

    check(h.$('#fl-consent'));
    expect(button.disabled).toBe(false);
    expect(hint.hidden).toBe(true);
    expect(button.hasAttribute('aria-describedby')).toBe(false);

    check(h.$('#fl-consent'), false);
    expect(button.disabled).toBe(true);
    submit(h);
    expect(h.fetch).not.toHaveBeenCalled();
  });

  it('an optional consent does not block sending and is sent as not accepted', async () => {
    const h = setup(config({ consent: { required: false, text: 'Хочу получать новости', version: 'news-1' } }));
    h.widget.open();
    expect(h.$<HTMLButtonElement>('.submit').disabled).toBe(false);
    type(h.$('#fl-phone'), '+7 999 000 11 22');
    h.fetch.mockResolvedValue(json(201, { lead_id: 'lead_1' }));
    submit(h);
    await settled(h);
    expect(h.bodies()[0].consent).toEqual({ accepted: false, text_version: 'news-1' });
  });
});

describe('validation', () => {
  it('shows each error next to its field, marks it invalid, focuses the first, sends nothing', () => {
    const h = setup();
    h.widget.open();
    check(h.$('#fl-consent'));
    type(h.$('#fl-phone'), '12-34');
    type(h.$('#fl-email'), 'ivan@');
    submit(h);
    expect(h.fetch).not.toHaveBeenCalled();
    expect(h.$('#fl-phone-error').textContent).toBe(ru.phoneInvalid);
    expect(h.$('#fl-phone-error').hidden).toBe(false);
    expect(h.$('#fl-phone').getAttribute('aria-invalid')).toBe('true');
    expect(h.$('#fl-phone').getAttribute('aria-describedby')).toBe('fl-phone-error');
    expect(h.$('#fl-email-error').textContent).toBe(ru.emailInvalid);
    expect(h.shadow.activeElement).toBe(h.$('#fl-phone'));

    type(h.$('#fl-phone'), '8 999 123 45 67');
    expect(h.$('#fl-phone-error').hidden).toBe(true);
    expect(h.$('#fl-phone').hasAttribute('aria-invalid')).toBe(false);
  });

  it('asks for the required phone', () => {
    const h = setup();
    h.widget.open();
    check(h.$('#fl-consent'));
    submit(h);
    expect(h.$('#fl-phone-error').textContent).toBe(ru.fieldRequired);
    expect(h.fetch).not.toHaveBeenCalled();
  });
});

describe('submitting', () => {
  it('posts the lead with consent, page context, honeypot and time to submit, then thanks', async () => {
    const h = setup();
    fillValid(h);
    h.clock.now = 8500;
    h.fetch.mockResolvedValue(json(201, { lead_id: 'lead_1', client_lead_id: 'x' }));
    submit(h);
    expect(h.$<HTMLButtonElement>('.submit').textContent).toBe(ru.sending);
    expect(h.$<HTMLButtonElement>('.submit').disabled).toBe(true);
    await settled(h);

    const [url, init] = h.fetch.mock.calls[0];
    expect(url).toBe('https://api.example.ru/api/public/leads');
    expect(init).toMatchObject({ method: 'POST', credentials: 'omit' });
    expect(init.headers).toMatchObject({ 'Content-Type': 'application/json', 'Accept-Language': 'ru' });
    const body = h.bodies()[0];
    expect(body).toEqual({
      widget_id: 'wgt_1',
      config_version: 3,
      client_lead_id: expect.stringMatching(UUID),
      name: 'Иван',
      phone: '+79991234567',
      email: null,
      message: 'Нужен замер',
      consent: { accepted: true, text_version: 'v7' },
      page_url: 'https://okna.example.ru/catalog?utm_source=yandex&utm_campaign=winter&x=1',
      referrer: 'https://ya.ru/',
      utm_source: 'yandex',
      utm_medium: null,
      utm_campaign: 'winter',
      utm_term: null,
      utm_content: null,
      honeypot: '',
      elapsed_ms: 7500,
      locale: 'ru',
    });
    expect(h.$('form').hidden).toBe(true);
    expect(h.$('.quick').hidden).toBe(true);
    expect(h.$('.sent').hidden).toBe(false);
    expect(h.$('.sent').textContent).toBe('Спасибо, перезвоним!');
    expect(h.$('[role=status]').textContent).toBe('Спасибо, перезвоним!');
    expect(h.shadow.activeElement).toBe(h.$('.sent'));
  });

  it('a showcase config (the marketing demo) checks the form and thanks, but sends nothing', async () => {
    const h = setup(config({ demo: true }));
    submit(h);
    expect(h.$('.sent').hidden).toBe(true);  // the same validation as a real widget
    fillValid(h);
    submit(h);
    await settled(h);
    expect(h.fetch).not.toHaveBeenCalled();
    expect(h.$('.sent').hidden).toBe(false);
  });

  it('sends what a bot typed into the honeypot', async () => {
    const h = setup();
    fillValid(h);
    type(h.$('input[name=website]'), 'http://spam.example');
    h.fetch.mockResolvedValue(json(200, {}));
    submit(h);
    await settled(h);
    expect(h.bodies()[0].honeypot).toBe('http://spam.example');
  });

  it('retries a network failure with backoff and the same client_lead_id, then keeps it for "send again"', async () => {
    const h = setup();
    fillValid(h);
    h.fetch.mockRejectedValue(new TypeError('Failed to fetch'));
    submit(h);
    await settled(h);

    expect(h.fetch).toHaveBeenCalledTimes(RETRY_DELAYS_MS.length + 1);
    expect(h.sleeps).toEqual(RETRY_DELAYS_MS);
    const ids = new Set(h.bodies().map((body) => body.client_lead_id));
    expect(ids.size).toBe(1);
    const firstElapsed = h.bodies()[0].elapsed_ms;
    expect(h.$('[role=alert]:not([hidden])').textContent).toBe(ru.network);
    expect(h.$('.submit').textContent).toBe(ru.retry);

    h.fetch.mockReset();
    h.fetch.mockResolvedValue(json(201, {}));
    h.clock.now += 60000;
    submit(h);
    await settled(h);
    const retried = h.bodies()[0];
    expect(retried.client_lead_id).toBe([...ids][0]);
    expect(retried.elapsed_ms).toBe(firstElapsed);
    expect(h.$('.sent').hidden).toBe(false);
  });

  it('gives a new client_lead_id when the visitor changes what they entered', async () => {
    const h = setup();
    fillValid(h);
    // A Response body reads once: every attempt gets its own answer.
    h.fetch.mockImplementation(async () => json(503, { detail: 'Сервис временно недоступен' }, { 'Retry-After': '3' }));
    submit(h);
    await settled(h);
    expect(h.sleeps).toEqual([3000, 3000, 4000]);
    expect(h.$('.alert:not([hidden])').textContent).toBe('Сервис временно недоступен');
    const first = h.bodies()[0].client_lead_id;

    type(h.$('#fl-phone'), '+7 999 765 43 21');
    h.fetch.mockReset();
    h.fetch.mockResolvedValue(json(201, {}));
    submit(h);
    await settled(h);
    expect(h.bodies()[0].client_lead_id).not.toBe(first);
  });

  it('a 5xx then success is one lead sent twice under one id', async () => {
    const h = setup();
    fillValid(h);
    h.fetch.mockResolvedValueOnce(json(500, { detail: 'boom' })).mockResolvedValueOnce(json(201, {}));
    submit(h);
    await settled(h);
    const [first, second] = h.bodies();
    expect(second).toEqual(first);
    expect(h.$('.sent').hidden).toBe(false);
  });

  it('429 says "too often" and does not retry', async () => {
    const h = setup();
    fillValid(h);
    h.fetch.mockResolvedValue(json(429, { type: '/problems/rate-limited', detail: 'Too Many Requests' }, { 'Retry-After': '60' }));
    submit(h);
    await settled(h);
    expect(h.fetch).toHaveBeenCalledTimes(1);
    expect(h.$('.alert:not([hidden])').textContent).toBe('Слишком часто, попробуйте позже.');
    expect(h.$('form').hidden).toBe(false);
  });

  it('shows the problem detail and the field errors of a 422', async () => {
    const h = setup();
    fillValid(h);
    h.fetch.mockResolvedValue(
      json(422, {
        type: '/problems/validation-failed',
        detail: 'Проверьте поля формы',
        errors: [{ loc: 'body.phone', msg: 'Номер не обслуживается', code: 'phone' }],
      }),
    );
    submit(h);
    await settled(h);
    expect(h.fetch).toHaveBeenCalledTimes(1);
    expect(h.$('#fl-phone-error').textContent).toBe('Номер не обслуживается');
    expect(h.$('#fl-phone').getAttribute('aria-invalid')).toBe('true');
    expect(h.$('.alert:not([hidden])').textContent).toBe('Проверьте поля формы');
  });

  it('shows the detail of a forbidden origin as it is', async () => {
    const h = setup(config({ locale: 'en' }));
    fillValid(h);
    h.fetch.mockResolvedValue(json(403, { type: '/problems/forbidden', detail: 'This site may not send leads to this widget.' }));
    submit(h);
    await settled(h);
    expect(h.fetch.mock.calls[0][1].headers['Accept-Language']).toBe('en');
    expect(h.$('.alert:not([hidden])').textContent).toBe('This site may not send leads to this widget.');
  });
});

describe('a stale config', () => {
  it('is reloaded once and the lead sent again under the new version, same id', async () => {
    const h = setup();
    fillValid(h);
    h.reloadConfig.mockResolvedValue(config({ version: 4, texts: { title: 'Окна Плюс 2' } }));
    h.fetch
      .mockResolvedValueOnce(json(409, { type: '/problems/conflict', code: 'widget-config-stale', current_version: 4 }))
      .mockResolvedValueOnce(json(201, {}));
    submit(h);
    await settled(h);
    expect(h.reloadConfig).toHaveBeenCalledExactlyOnceWith(4);
    const [stale, fresh] = h.bodies();
    expect([stale.config_version, fresh.config_version]).toEqual([3, 4]);
    expect(fresh.client_lead_id).toBe(stale.client_lead_id);
    expect(fresh.phone).toBe('+79991234567');
    expect(h.$('h2').textContent).toBe('Окна Плюс 2');
    expect(h.$('.sent').hidden).toBe(false);
  });

  it('is reloaded only once when the server keeps saying it is stale', async () => {
    const h = setup();
    fillValid(h);
    h.reloadConfig.mockResolvedValue(config({ version: 4 }));
    h.fetch.mockImplementation(async () => json(410, { type: '/problems/gone', detail: 'Виджет обновлён', current_version: 5 }));
    submit(h);
    await settled(h);
    expect(h.reloadConfig).toHaveBeenCalledTimes(1);
    expect(h.fetch).toHaveBeenCalledTimes(2);
    expect(h.$('.alert:not([hidden])').textContent).toBe('Виджет обновлён');
  });

  it('with a new consent text asks for consent again and sends nothing until given', async () => {
    const h = setup();
    fillValid(h);
    h.reloadConfig.mockResolvedValue(config({ version: 4, consent: { required: true, text: 'Новый текст согласия', version: 'v8' } }));
    h.fetch.mockResolvedValueOnce(json(409, { code: 'widget-config-stale', current_version: 4 }));
    submit(h);
    await settled(h);
    expect(h.fetch).toHaveBeenCalledTimes(1);
    expect(h.$<HTMLInputElement>('#fl-consent').checked).toBe(false);
    expect(h.$('label[for=fl-consent]').textContent).toBe('Новый текст согласия');
    expect(h.$('.alert:not([hidden])').textContent).toBe(ru.consentChanged);
    expect(h.$<HTMLButtonElement>('.submit').disabled).toBe(true);
    expect(h.$<HTMLInputElement>('#fl-phone').value).toBe('8 (999) 123-45-67');

    h.fetch.mockResolvedValueOnce(json(201, {}));
    check(h.$('#fl-consent'));
    submit(h);
    await settled(h);
    expect(h.bodies()[1]).toMatchObject({ config_version: 4, consent: { accepted: true, text_version: 'v8' } });
  });
});
