import type { FieldPath } from '../../../api/fieldErrors';
import { CHANNEL_TYPES, type Widget, type WidgetUpdate } from '../../../api/fastlead';

/**
 * The configurator's form and the widget's settings (docs/design/widget.md, "The config JSON"): the form
 * holds every text as a string (empty: the widget's default) and the channels as one link per type; the
 * API takes `null` for a default and the channels as a list.
 */

export type WidgetSettings = Omit<WidgetUpdate, 'version'>;
type Fields = NonNullable<WidgetSettings['fields']>;
export type FieldMode = NonNullable<Fields['phone']>;
export type ChannelType = (typeof CHANNEL_TYPES)[number];
export const FORM_FIELDS = ['name', 'phone', 'email', 'message'] as const;
export const TEXT_KEYS = ['title', 'greeting', 'launcher', 'submit', 'thank_you'] as const;

export interface WidgetForm {
  locale: 'ru' | 'en';
  position: 'right' | 'left';
  colors: { primary: string; on_primary: string };
  texts: Record<(typeof TEXT_KEYS)[number], string>;
  operator_name: string;
  logo_url: string;
  avatar_url: string;
  quick_replies: string[];
  fields: Record<(typeof FORM_FIELDS)[number], FieldMode>;
  consent: { required: boolean; text: string; policy_url: string };
  channel_links: Record<ChannelType, string>;
}

export const DEFAULT_COLORS = { primary: '#2f6fed', on_primary: '#ffffff' };
const DEFAULT_FIELDS: WidgetForm['fields'] = { name: 'optional', phone: 'required', email: 'optional', message: 'optional' };

type Json = Record<string, unknown>;
const object = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Json : {});
const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const orNull = (value: string): string | null => value.trim() || null;

/** The saved settings (the view's free-form `settings`) as the form edits them. */
export function formFromSettings(settings: Widget['settings']): WidgetForm {
  const colors = object(settings.colors);
  const texts = object(settings.texts);
  const fields = object(settings.fields);
  const consent = object(settings.consent);
  const channels = Array.isArray(settings.channels) ? settings.channels.map(object) : [];
  const link = (type: ChannelType) => str(channels.find((channel) => channel.type === type)?.url);
  return {
    locale: settings.locale === 'en' ? 'en' : 'ru',
    position: settings.position === 'left' ? 'left' : 'right',
    colors: { primary: str(colors.primary) || DEFAULT_COLORS.primary, on_primary: str(colors.on_primary) || DEFAULT_COLORS.on_primary },
    texts: Object.fromEntries(TEXT_KEYS.map((key) => [key, str(texts[key])])) as WidgetForm['texts'],
    operator_name: str(settings.operator_name),
    logo_url: str(settings.logo_url),
    avatar_url: str(settings.avatar_url),
    quick_replies: Array.isArray(settings.quick_replies) ? settings.quick_replies.map(str) : [],
    fields: Object.fromEntries(FORM_FIELDS.map((name) => [name, (fields[name] as FieldMode | undefined) ?? DEFAULT_FIELDS[name]])) as WidgetForm['fields'],
    consent: { required: consent.required !== false, text: str(consent.text), policy_url: str(consent.policy_url) },
    channel_links: Object.fromEntries(CHANNEL_TYPES.map((type) => [type, link(type)])) as WidgetForm['channel_links'],
  };
}

/** The channels offered, in the configurator's order, from the links filled in. */
function channelsOf(form: WidgetForm): { type: ChannelType; url: string }[] {
  return CHANNEL_TYPES.flatMap((type) => {
    const url = form.channel_links[type]?.trim();
    return url ? [{ type, url }] : [];
  });
}

/** The form as the API's settings. */
export function settingsFromForm(form: WidgetForm): WidgetSettings {
  return {
    locale: form.locale,
    position: form.position,
    colors: { ...form.colors },
    texts: Object.fromEntries(TEXT_KEYS.map((key) => [key, orNull(form.texts[key] ?? '')])) as WidgetSettings['texts'],
    operator_name: orNull(form.operator_name ?? ''),
    logo_url: orNull(form.logo_url ?? ''),
    avatar_url: orNull(form.avatar_url ?? ''),
    quick_replies: (form.quick_replies ?? []).map((reply) => reply.trim()).filter(Boolean),
    fields: { ...form.fields },
    consent: { required: form.consent.required, text: orNull(form.consent.text ?? ''), policy_url: orNull(form.consent.policy_url ?? '') },
    channels: channelsOf(form),
  };
}

/**
 * A server error's place on the form: the API numbers the channels it got (`channels.1.url`), the form
 * has one link per type (`channel_links.whatsapp`).
 */
export function formPathOf(form: WidgetForm): (path: FieldPath) => FieldPath {
  const sent = channelsOf(form);
  return (path) => {
    if (path[0] !== 'channels' || typeof path[1] !== 'number') return path;
    const channel = sent[path[1]];
    return channel ? ['channel_links', channel.type] : ['channel_links'];
  };
}

/**
 * The config JSON the widget would read from the CDN were the form published now: what the preview
 * renders. `consentVersion` is the saved text's version, or a placeholder when the text was changed
 * (saving gives it the next version).
 */
export function previewConfig(form: WidgetForm, widget: Widget, consentVersion: string): Json {
  const settings = settingsFromForm(form);
  return {
    ...settings,
    widget_id: widget.widget_id,
    version: widget.version,
    api_base: window.location.origin,
    consent: { ...settings.consent, version: consentVersion },
  };
}

/** The consent text's version in the saved settings (assigned by the server; `v1`, `v2`, …). */
export function savedConsent(widget: Widget): { text: string; version: string | null } {
  const consent = object(widget.settings.consent);
  return { text: str(consent.text), version: str(consent.version) || null };
}
