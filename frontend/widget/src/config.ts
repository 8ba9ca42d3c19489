// The published widget config (docs/design/widget.md, "The config JSON"). It comes from a CDN the
// customer's page does not control the content of, but anything can be in it, so every value is
// checked here: texts are only ever set as text, colours and URLs are accepted only in safe forms.

export type Locale = 'ru' | 'en';
export type FieldMode = 'required' | 'optional' | 'hidden';
export type FieldName = 'name' | 'phone' | 'email' | 'message';
export type ChannelType = 'telegram' | 'whatsapp' | 'max';

export interface Channel {
  type: ChannelType;
  url: string;
}

export interface Consent {
  required: boolean;
  text: string;
  version: string;
  policyUrl: string | null;
}

export interface WidgetTexts {
  launcher?: string;
  title?: string;
  greeting?: string;
  submit?: string;
  thankYou?: string;
}

export interface WidgetConfig {
  widgetId: string;
  version: number;
  apiBase: string;
  locale: Locale;
  position: 'left' | 'right';
  colors: { primary: string; onPrimary: string };
  texts: WidgetTexts;
  logoUrl: string | null;
  avatarUrl: string | null;
  operatorName: string | null;
  quickReplies: string[];
  fields: Record<FieldName, FieldMode>;
  consent: Consent | null;
  channels: Channel[];
  /** A showcase (the marketing site's demo): the form works, nothing is sent. Never in a published config. */
  demo: boolean;
}

export class ConfigError extends Error {}

const FIELD_MODES: readonly FieldMode[] = ['required', 'optional', 'hidden'];
const CHANNEL_TYPES: readonly ChannelType[] = ['telegram', 'whatsapp', 'max'];
const DEFAULT_FIELDS: Record<FieldName, FieldMode> = {
  name: 'optional',
  phone: 'required',
  email: 'optional',
  message: 'optional',
};
const HEX_COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
const TEXT_MAX = 1000;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown, max = TEXT_MAX): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed ? trimmed.slice(0, max) : undefined;
}

function color(value: unknown, fallback: string): string {
  return typeof value === 'string' && HEX_COLOR.test(value) ? value : fallback;
}

// Only http(s) URLs: a `javascript:` link or image from a bad config must not reach the page.
export function safeUrl(value: unknown, base?: string): string | null {
  if (typeof value !== 'string' || !value) return null;
  try {
    const url = new URL(value, base);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

function required(raw: Json, key: string): unknown {
  if (raw[key] === undefined || raw[key] === null) throw new ConfigError(`config.${key} is missing`);
  return raw[key];
}

export function parseConfig(raw: unknown, configUrl: string): WidgetConfig {
  if (!isObject(raw)) throw new ConfigError('config is not a JSON object');
  const widgetId = text(required(raw, 'widget_id'), 100);
  if (!widgetId) throw new ConfigError('config.widget_id is empty');
  const version = required(raw, 'version');
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new ConfigError('config.version is not a positive integer');
  }
  const apiBase = safeUrl(required(raw, 'api_base'), configUrl);
  if (!apiBase) throw new ConfigError('config.api_base is not an http(s) URL');

  const fields = { ...DEFAULT_FIELDS };
  if (isObject(raw.fields)) {
    for (const name of Object.keys(fields) as FieldName[]) {
      const mode = raw.fields[name];
      if (mode === undefined) continue;
      if (!FIELD_MODES.includes(mode as FieldMode)) throw new ConfigError(`config.fields.${name} is not one of ${FIELD_MODES.join(', ')}`);
      fields[name] = mode as FieldMode;
    }
  }
  if (fields.phone === 'hidden' && fields.email === 'hidden') {
    throw new ConfigError('config.fields: phone and email are both hidden, a lead could not be contacted');
  }

  let consent: Consent | null = null;
  if (isObject(raw.consent)) {
    const consentText = text(raw.consent.text, 4000);
    const consentVersion = text(raw.consent.version, 100);
    const consentRequired = raw.consent.required !== false;
    if (consentText && consentVersion) {
      consent = { required: consentRequired, text: consentText, version: consentVersion, policyUrl: safeUrl(raw.consent.policy_url, configUrl) };
    } else if (consentRequired) {
      // Personal data is never collected without the text the visitor agrees to (152-ФЗ ст. 9).
      throw new ConfigError('config.consent needs text and version when consent is required');
    }
  }

  const texts: WidgetTexts = {};
  if (isObject(raw.texts)) {
    texts.launcher = text(raw.texts.launcher, 100);
    texts.title = text(raw.texts.title, 200);
    texts.greeting = text(raw.texts.greeting);
    texts.submit = text(raw.texts.submit, 100);
    texts.thankYou = text(raw.texts.thank_you);
  }

  const colors = isObject(raw.colors) ? raw.colors : {};
  const channels: Channel[] = [];
  if (Array.isArray(raw.channels)) {
    for (const channel of raw.channels) {
      if (!isObject(channel) || !CHANNEL_TYPES.includes(channel.type as ChannelType)) continue;
      const url = safeUrl(channel.url);
      if (url?.startsWith('https:')) channels.push({ type: channel.type as ChannelType, url });
    }
  }

  return {
    widgetId,
    version,
    apiBase: apiBase.replace(/\/+$/, ''),
    locale: raw.locale === 'en' ? 'en' : 'ru',
    position: raw.position === 'left' ? 'left' : 'right',
    colors: { primary: color(colors.primary, '#2f6fed'), onPrimary: color(colors.on_primary, '#ffffff') },
    texts,
    logoUrl: safeUrl(raw.logo_url, configUrl),
    avatarUrl: safeUrl(raw.avatar_url, configUrl),
    operatorName: text(raw.operator_name, 100) ?? null,
    quickReplies: Array.isArray(raw.quick_replies)
      ? raw.quick_replies.map((reply) => text(reply, 200)).filter((reply): reply is string => !!reply).slice(0, 6)
      : [],
    fields,
    consent,
    channels,
    demo: raw.demo === true,
  };
}

// `<base>/widgets/<id>/config.json`; `version` busts caches when the server said ours is stale.
export function configUrl(cdnBase: string, widgetId: string, version?: number): string {
  const url = new URL(`widgets/${encodeURIComponent(widgetId)}/config.json`, cdnBase.endsWith('/') ? cdnBase : `${cdnBase}/`);
  if (version !== undefined) url.searchParams.set('v', String(version));
  return url.href;
}
