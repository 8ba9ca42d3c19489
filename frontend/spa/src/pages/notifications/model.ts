import type { FieldError } from '../../api/errors';
import { fieldPathFromLoc, type FieldPath } from '../../api/fieldErrors';
import type { EventName, NoticeLanguage, PreferencesUpdate, PreferencesView, StaffPreferencesUpdate } from './api';

/** The same patterns the API checks (tessera/notify/channels.py): the form says so before sending. */
export const TELEGRAM_TOKEN = /^\d{5,15}:[A-Za-z0-9_-]{30,60}$/;
export const TELEGRAM_CHAT = /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$/;
export const SLACK_WEBHOOK = /^https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9]+\/[A-Za-z0-9]+\/[A-Za-z0-9]+$/;
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const MAX_RECIPIENTS = 20;

/**
 * What the form edits. Secrets (the bot token, the webhook URL) start empty, always: the API never
 * returns them, and an empty field on save keeps the stored one.
 */
export interface PreferencesForm {
  events: EventName[];
  language: NoticeLanguage;
  email: { enabled: boolean; recipients: string[] };
  telegram: { enabled: boolean; chat_id: string; bot_token: string };
  slack: { enabled: boolean; webhook_url: string };
  customers: string[];
}

/** Every field of the form by its path, for placing the server's field errors. */
export const FORM_FIELDS: FieldPath[] = [
  ['events'], ['language'], ['customers'],
  ['email', 'enabled'], ['email', 'recipients'],
  ['telegram', 'enabled'], ['telegram', 'chat_id'], ['telegram', 'bot_token'],
  ['slack', 'enabled'], ['slack', 'webhook_url'],
];

export function toForm(view: PreferencesView): PreferencesForm {
  return {
    events: [...view.events],
    language: view.language,
    email: { enabled: view.email.enabled, recipients: [...view.email.recipients] },
    telegram: { enabled: view.telegram.enabled, chat_id: view.telegram.chat_id ?? '', bot_token: '' },
    slack: { enabled: view.slack.enabled, webhook_url: '' },
    customers: [...(view.customers ?? [])],
  };
}

const blank = (text: string | undefined | null) => !text || !text.trim();

/**
 * The PUT body. A secret goes only when one was typed (omitted: the server keeps what it has); a staff
 * user's own e-mail recipients are not theirs to set (notices go to their account's address).
 */
/** The body of a save; `forget` erases that channel's stored secret and turns the channel off. */
/** The channels with a write-only secret (a bot token, a webhook URL). */
export type SecretChannel = 'telegram' | 'slack';

export function toUpdate(values: PreferencesForm, staff: boolean, forget?: SecretChannel): PreferencesUpdate | StaffPreferencesUpdate {
  const telegram: NonNullable<PreferencesUpdate['telegram']> = {
    enabled: values.telegram.enabled && forget !== 'telegram',
    chat_id: blank(values.telegram.chat_id) ? null : values.telegram.chat_id.trim(),
    forget_bot_token: forget === 'telegram',
  };
  if (!forget && !blank(values.telegram.bot_token)) telegram.bot_token = values.telegram.bot_token.trim();
  const slack: NonNullable<PreferencesUpdate['slack']> = { enabled: values.slack.enabled && forget !== 'slack', forget_webhook: forget === 'slack' };
  if (!forget && !blank(values.slack.webhook_url)) slack.webhook_url = values.slack.webhook_url.trim();
  const body: PreferencesUpdate = {
    events: [...values.events],
    language: values.language,
    email: {
      enabled: values.email.enabled,
      recipients: staff ? [] : [...new Set(values.email.recipients.map((r) => r.trim()).filter(Boolean))],
    },
    telegram,
    slack,
  };
  return staff ? { ...body, customers: [...values.customers] } : body;
}

/** The channels whose stored secret this save would replace (a new one typed over a hint). */
export function replacedSecrets(values: PreferencesForm, view: PreferencesView): SecretChannel[] {
  const replaced: SecretChannel[] = [];
  if (!blank(values.telegram.bot_token) && view.telegram.bot_token_hint) replaced.push('telegram');
  if (!blank(values.slack.webhook_url) && view.slack.webhook_hint) replaced.push('slack');
  return replaced;
}

/** True when these settings would deliver nothing at all (no event chosen, or every channel off). */
export function silences(values: PreferencesForm): boolean {
  return values.events.length === 0 || !(values.email.enabled || values.telegram.enabled || values.slack.enabled);
}

/** Comparable form state: what would be sent, plus whether a secret was typed. */
export function fingerprint(values: PreferencesForm, staff: boolean): string {
  return JSON.stringify(toUpdate(values, staff));
}

export interface PlacedErrors {
  fields: { name: FieldPath; errors: string[] }[];
  unmatched: FieldError[];
}

/**
 * The server's 422 field errors on the form's fields: `body.telegram.bot_token` on the token field,
 * `body.email.recipients.3` on the recipients list (the longest field path the location starts with).
 */
export function placeFieldErrors(errors: FieldError[], fields: FieldPath[] = FORM_FIELDS): PlacedErrors {
  const byField = new Map<string, { name: FieldPath; errors: string[] }>();
  const unmatched: FieldError[] = [];
  const known = [...fields].sort((a, b) => b.length - a.length);
  for (const error of errors) {
    const path = fieldPathFromLoc(error.loc);
    const field = path && known.find((name) => name.every((part, i) => String(path[i]) === String(part)));
    if (!field) {
      unmatched.push(error);
      continue;
    }
    const key = field.join('.');
    const entry = byField.get(key) ?? { name: field, errors: [] };
    entry.errors.push(error.msg);
    byField.set(key, entry);
  }
  return { fields: [...byField.values()], unmatched };
}
