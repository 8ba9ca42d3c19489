// The widget on the page: a launcher button and a dialog panel in a shadow root. Everything from
// the config reaches the DOM as text or as a checked URL, never as HTML.
import type { FieldName, WidgetConfig } from './config';
import { messages, type Messages } from './i18n';
import { pageContext, sendLead, uuid4, type LeadBody, type LeadResult, type Transport } from './lead';
import { stylesFor } from './styles';
import { MAX_LENGTH, validateForm, type FormValues, type ValidForm } from './validate';

export interface WidgetEnv extends Transport {
  now: () => number;
  href: () => string;
  referrer: string;
  // Fetches the published config again (a newer `version` than ours, when the server named one).
  reloadConfig: (version: number | null) => Promise<WidgetConfig>;
}

export interface WidgetHandle {
  readonly shadow: ShadowRoot;
  open(): void;
  close(): void;
  destroy(): void;
}

type Attrs = Record<string, string | boolean | undefined>;
type Child = Node | string | null | undefined | false;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === true) element.setAttribute(key, '');
    else if (typeof value === 'string') element.setAttribute(key, value);
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

const FIELDS: readonly FieldName[] = ['name', 'phone', 'email', 'message'];
const INPUT_ATTRS: Record<FieldName, Attrs> = {
  name: { type: 'text', autocomplete: 'name' },
  phone: { type: 'tel', autocomplete: 'tel', inputmode: 'tel' },
  email: { type: 'email', autocomplete: 'email', inputmode: 'email' },
  message: {},
};
const FOCUSABLE = 'a[href],button:not([disabled]),input:not([disabled]):not([tabindex="-1"]),textarea:not([disabled]),[tabindex="0"]';
const CHAT_ICON = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z';

// A constructed stylesheet where the browser has them: pages whose CSP forbids inline styles
// (no 'unsafe-inline' in style-src) still style the widget. Otherwise a <style> in the shadow root.
function styleElement(shadow: ShadowRoot, css: string): HTMLStyleElement | null {
  if ('adoptedStyleSheets' in shadow && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      shadow.adoptedStyleSheets = [sheet];
      return null;
    } catch {
      // an engine with the property but not constructable sheets: fall through
    }
  }
  return h('style', {}, css);
}

interface Pending {
  key: string;
  id: string;
  elapsedMs: number;
}

export function mountWidget(initial: WidgetConfig, env: WidgetEnv): WidgetHandle {
  const host = document.createElement('div');
  host.setAttribute('data-fastlead-widget', '');
  const shadow = host.attachShadow({ mode: 'open' });
  document.body.append(host);

  let config = initial;
  let t: Messages = messages(config.locale);
  const values: FormValues = { name: '', phone: '', email: '', message: '' };
  let consentAccepted = false;
  let honeypot = '';
  let isOpen = false;
  let phase: 'form' | 'sending' | 'sent' = 'form';
  let openedAt: number | null = null;
  let pending: Pending | null = null;
  let failedOnce = false;

  // Rebuilt whole on a config change; the visitor's values above survive it.
  let ui: ReturnType<typeof render>;

  function render() {
    const launcher = h('button', {
      type: 'button',
      class: 'launcher',
      'aria-haspopup': 'dialog',
      'aria-expanded': String(isOpen),
      'aria-controls': 'fl-panel',
      'aria-label': config.texts.launcher ?? t.launcher,
      title: config.texts.launcher ?? t.launcher,
    });
    if (config.avatarUrl) launcher.append(h('img', { src: config.avatarUrl, alt: '' }));
    else {
      const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
      svg.setAttribute('viewBox', '0 0 24 24');
      svg.setAttribute('width', '28');
      svg.setAttribute('height', '28');
      svg.setAttribute('aria-hidden', 'true');
      const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
      path.setAttribute('d', CHAT_ICON);
      path.setAttribute('fill', 'currentColor');
      svg.append(path);
      launcher.append(svg);
    }

    const close = h('button', { type: 'button', class: 'close', 'aria-label': t.close, title: t.close }, '×');
    const inputs = {} as Record<FieldName, HTMLInputElement | HTMLTextAreaElement>;
    const errors = {} as Record<FieldName, HTMLElement>;
    const fieldBlocks = FIELDS.filter((name) => config.fields[name] !== 'hidden').map((name) => {
      const required = config.fields[name] === 'required';
      const attrs: Attrs = {
        ...INPUT_ATTRS[name],
        id: `fl-${name}`,
        name,
        maxlength: String(MAX_LENGTH[name]),
        'aria-describedby': `fl-${name}-error`,
        'aria-required': required ? 'true' : undefined,
      };
      const input = name === 'message' ? h('textarea', attrs) : h('input', attrs);
      input.value = values[name];
      input.addEventListener('input', () => {
        values[name] = input.value;
        showFieldError(name, undefined);
      });
      inputs[name] = input;
      errors[name] = h('p', { id: `fl-${name}-error`, class: 'error', hidden: true });
      return h(
        'div',
        { class: 'field' },
        h('label', { for: `fl-${name}` }, t[name], !required && ' ', !required && h('span', { class: 'opt' }, t.optional)),
        input,
        errors[name],
      );
    });

    // Bots fill every input they find; people never see this one (and screen readers skip it).
    const trap = h('input', { type: 'text', name: 'website', tabindex: '-1', autocomplete: 'off' });
    trap.value = honeypot;
    trap.addEventListener('input', () => (honeypot = trap.value));

    let consentBox: HTMLInputElement | null = null;
    let consentBlock: HTMLElement | null = null;
    if (config.consent) {
      consentBox = h('input', {
        type: 'checkbox',
        id: 'fl-consent',
        'aria-required': config.consent.required ? 'true' : undefined,
        'aria-describedby': 'fl-consent-version',
      });
      consentBox.checked = consentAccepted;
      const box = consentBox;
      box.addEventListener('change', () => {
        consentAccepted = box.checked;
        ui.consentNotice.hidden = true;
        updateSubmit();
      });
      consentBlock = h(
        'div',
        { class: 'consent' },
        box,
        h(
          'div',
          {},
          h('label', { for: 'fl-consent' }, config.consent.text),
          config.consent.policyUrl && ' ',
          config.consent.policyUrl && h('a', { href: config.consent.policyUrl, target: '_blank', rel: 'noopener noreferrer' }, t.policy),
          h('div', { class: 'hint', id: 'fl-consent-version' }, `${t.consentVersion}: ${config.consent.version}`),
        ),
      );
    }
    const consentHint = h('p', { class: 'hint', id: 'fl-consent-hint' }, t.consentNeeded);
    const consentNotice = h('p', { class: 'alert', role: 'alert', hidden: true }, t.consentChanged);
    const formError = h('p', { class: 'alert', role: 'alert', hidden: true });
    const submit = h('button', { type: 'submit', class: 'submit' });
    const form = h(
      'form',
      { novalidate: true, 'aria-labelledby': 'fl-title' },
      ...fieldBlocks,
      h('div', { class: 'hp', 'aria-hidden': 'true' }, h('label', {}, 'Website', trap)),
      consentBlock,
      consentNotice,
      consentHint,
      formError,
      submit,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void submitLead();
    });

    const quick = config.quickReplies.length && config.fields.message !== 'hidden'
      ? h('div', { class: 'quick', role: 'group', 'aria-label': t.quickReplies }, ...config.quickReplies.map((reply) => {
          const button = h('button', { type: 'button' }, reply);
          button.addEventListener('click', () => {
            values.message = inputs.message.value = reply;
            showFieldError('message', undefined);
            inputs.message.focus();
          });
          return button;
        }))
      : null;

    const sent = h('p', { class: 'sent', tabindex: '-1', hidden: true }, config.texts.thankYou ?? t.thankYou);
    const channels = config.channels.length
      ? h('div', { class: 'channels' }, h('span', {}, t.channels), ...config.channels.map((channel) =>
          h('a', { href: channel.url, target: '_blank', rel: 'noopener noreferrer' }, t.channel[channel.type])))
      : null;
    const status = h('p', { class: 'sr', role: 'status', 'aria-live': 'polite' });
    const panel = h(
      'div',
      { class: 'panel', id: 'fl-panel', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'fl-title', hidden: !isOpen },
      h('div', { class: 'head' },
        config.logoUrl && h('img', { src: config.logoUrl, alt: '' }),
        h('h2', { id: 'fl-title' }, config.texts.title ?? t.title),
        close),
      h('div', { class: 'body' },
        h('div', { class: 'greeting' },
          config.avatarUrl && h('img', { src: config.avatarUrl, alt: config.operatorName ?? '' }),
          h('p', {}, config.texts.greeting ?? t.greeting)),
        quick,
        form,
        sent,
        channels),
      status,
    );

    launcher.addEventListener('click', () => (isOpen ? closePanel() : openPanel()));
    close.addEventListener('click', closePanel);
    panel.addEventListener('keydown', onPanelKey);

    const root = h('div', { class: 'root', lang: config.locale }, launcher, panel);
    const style = styleElement(shadow, stylesFor(config));
    shadow.replaceChildren(...(style ? [style, root] : [root]));
    return { launcher, panel, quick, form, inputs, errors, consentBox, consentHint, consentNotice, formError, submit, sent, status };
  }

  function focusables(): HTMLElement[] {
    return Array.from(ui.panel.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((element) => !element.closest('[hidden]'));
  }

  function onPanelKey(event: KeyboardEvent) {
    if (event.key === 'Escape') {
      event.stopPropagation();
      closePanel();
      return;
    }
    if (event.key !== 'Tab') return;
    // aria-modal alone does not keep the keyboard in: Tab from the last control wraps to the first.
    const items = focusables();
    if (!items.length) return;
    const active = shadow.activeElement;
    const first = items[0];
    const last = items[items.length - 1];
    if (event.shiftKey && (active === first || !items.includes(active as HTMLElement))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !items.includes(active as HTMLElement))) {
      event.preventDefault();
      first.focus();
    }
  }

  function openPanel() {
    if (isOpen) return;
    isOpen = true;
    openedAt ??= env.now();
    ui.panel.hidden = false;
    ui.launcher.setAttribute('aria-expanded', 'true');
    if (phase === 'sent') return ui.sent.focus();
    const items = focusables();
    (items.find((element) => element.matches('input,textarea')) ?? items[0])?.focus();
  }

  function closePanel() {
    if (!isOpen) return;
    isOpen = false;
    ui.panel.hidden = true;
    ui.launcher.setAttribute('aria-expanded', 'false');
    ui.launcher.focus();
  }

  function showFieldError(name: FieldName, message: string | undefined) {
    const input = ui.inputs[name];
    const error = ui.errors[name];
    if (!input || !error) return;
    error.textContent = message ?? '';
    error.hidden = !message;
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }

  function showFormError(message: string | null) {
    ui.formError.textContent = message ?? '';
    ui.formError.hidden = !message;
  }

  function consentMissing(): boolean {
    return !!config.consent?.required && !consentAccepted;
  }

  function updateSubmit() {
    const missing = consentMissing();
    ui.submit.disabled = phase === 'sending' || missing;
    ui.consentHint.hidden = !missing;
    // A description is read even when its element is hidden, so it is named only while it applies.
    if (missing) ui.submit.setAttribute('aria-describedby', 'fl-consent-hint');
    else ui.submit.removeAttribute('aria-describedby');
    ui.submit.textContent = phase === 'sending' ? t.sending : failedOnce ? t.retry : (config.texts.submit ?? t.submit);
    ui.submit.setAttribute('aria-busy', String(phase === 'sending'));
  }

  function setPhase(next: typeof phase) {
    phase = next;
    ui.form.hidden = next === 'sent';
    if (ui.quick) ui.quick.hidden = next === 'sent';
    ui.sent.hidden = next !== 'sent';
    ui.status.textContent = next === 'sending' ? t.sending : next === 'sent' ? ui.sent.textContent ?? '' : '';
    for (const input of Object.values(ui.inputs)) input.readOnly = next === 'sending';
    updateSubmit();
  }

  function leadBody(form: ValidForm): LeadBody {
    const consent = { accepted: !!config.consent && consentAccepted, text_version: config.consent?.version ?? null };
    // One id per distinct set of what the visitor entered: every retry of it — automatic, the visitor's
    // "send again", or after a config reload — reuses the id, so the server can store it once.
    const key = JSON.stringify([form, consent, honeypot]);
    if (pending?.key !== key) pending = { key, id: uuid4(), elapsedMs: Math.max(0, Math.round(env.now() - (openedAt ?? env.now()))) };
    return {
      widget_id: config.widgetId,
      config_version: config.version,
      client_lead_id: pending.id,
      ...form,
      consent,
      ...pageContext(env.href(), env.referrer),
      honeypot,
      elapsed_ms: pending.elapsedMs,
      locale: config.locale,
    };
  }

  async function submitLead(reloadWhenStale = true): Promise<void> {
    if (phase !== 'form') return;
    if (consentMissing()) {
      ui.consentBox?.focus();
      return;
    }
    showFormError(null);
    const checked = validateForm(values, config.fields, t);
    for (const name of FIELDS) showFieldError(name, 'errors' in checked ? checked.errors[name] : undefined);
    if ('errors' in checked) {
      const firstInvalid = FIELDS.find((name) => checked.errors[name]);
      if (firstInvalid) ui.inputs[firstInvalid]?.focus();
      return;
    }
    setPhase('sending');
    const result: LeadResult = config.demo ? { kind: 'sent' } : await sendLead(config, leadBody(checked.form), env);
    if (result.kind !== 'stale' || !reloadWhenStale) return finish(result);

    // Our config is older than the server's: load the newer one once and submit again under it
    // (a second "stale" answer is shown as an error rather than looping).
    const consentVersion = config.consent?.version;
    try {
      applyConfig(await env.reloadConfig(result.currentVersion));
    } catch {
      return finish({ kind: 'failed', detail: null });
    }
    setPhase('form');
    if (config.consent && config.consent.version !== consentVersion) {
      // The visitor agreed to a text that is no longer the one in force: ask again, send nothing yet.
      consentAccepted = false;
      if (ui.consentBox) ui.consentBox.checked = false;
      ui.consentNotice.hidden = false;
      updateSubmit();
      ui.consentBox?.focus();
      return;
    }
    return submitLead(false);
  }

  function finish(result: LeadResult): void {
    if (result.kind === 'sent') {
      failedOnce = false;
      pending = null;
      setPhase('sent');
      if (isOpen) ui.sent.focus();
      return;
    }
    failedOnce = true;
    setPhase('form');
    switch (result.kind) {
      case 'rate-limited':
        showFormError(t.tooOften);
        break;
      case 'network':
        showFormError(t.network);
        break;
      case 'invalid':
        for (const name of FIELDS) if (result.fields[name]) showFieldError(name, result.fields[name]);
        showFormError(result.detail ?? t.failed);
        break;
      default:
        showFormError(result.detail ?? t.failed);
    }
  }

  function applyConfig(next: WidgetConfig) {
    const hadFocus = shadow.activeElement !== null;
    config = next;
    t = messages(config.locale);
    ui = render();
    setPhase(phase);
    if (hadFocus && isOpen) ui.submit.focus();
  }

  ui = render();
  setPhase('form');

  return {
    shadow,
    open: openPanel,
    close: closePanel,
    destroy: () => host.remove(),
  };
}
