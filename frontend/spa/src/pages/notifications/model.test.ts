import { describe, expect, it } from 'vitest';
import type { PreferencesView } from './api';
import { moscowDayBounds } from './api';
import { placeFieldErrors, replacedSecrets, silences, toForm, toUpdate } from './model';

const VIEW: PreferencesView = {
  owner: 'org', owner_id: 'org_01JABCDEFGHJKMNPQRSTVWXYZ0', events: ['license.expiry'], language: 'ru',
  email: { enabled: true, recipients: ['it@romashka.ru'], effective_recipients: ['it@romashka.ru'] },
  telegram: { enabled: true, chat_id: '-1001234567890', configured: true, bot_token_hint: '••••k9Xz' },
  slack: { enabled: false, configured: true, webhook_hint: '••••jk12' },
  customers: [], saved: true, updated_at: '2026-03-01T09:00:00Z',
};

describe('the preferences form model', () => {
  it('never puts a stored secret in the form, and sends none unless one is typed', () => {
    const values = toForm(VIEW);
    expect(values.telegram.bot_token).toBe('');
    expect(values.slack.webhook_url).toBe('');
    const body = toUpdate(values, false);
    expect(body.telegram).toEqual({ enabled: true, chat_id: '-1001234567890', forget_bot_token: false });
    expect(body.slack).toEqual({ enabled: false, forget_webhook: false });
    expect('customers' in body).toBe(false);
    expect(replacedSecrets(values, VIEW)).toEqual([]);
  });

  it('sends a typed secret and says which stored one it replaces', () => {
    const values = toForm(VIEW);
    values.slack.webhook_url = ' https://hooks.slack.com/services/T1/B2/abc ';
    expect(toUpdate(values, false).slack).toEqual({
      enabled: false, forget_webhook: false, webhook_url: 'https://hooks.slack.com/services/T1/B2/abc' });
    expect(replacedSecrets(values, VIEW)).toEqual(['slack']);
    expect(replacedSecrets(values, { ...VIEW, slack: { ...VIEW.slack, webhook_hint: null } })).toEqual([]);
  });

  it('forgetting a secret turns its channel off and sends no secret at all', () => {
    const values = toForm(VIEW);
    values.telegram.bot_token = '123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';  // a forget never carries a typed one
    const body = toUpdate(values, false, 'telegram');
    expect(body.telegram).toEqual({ enabled: false, chat_id: '-1001234567890', forget_bot_token: true });
    expect(body.slack).toEqual({ enabled: false, forget_webhook: false });
    expect(toUpdate(toForm(VIEW), false, 'slack').telegram?.enabled).toBe(true);
  });

  it('a staff body carries its customers and no e-mail recipients; a blank chat id goes as null', () => {
    const values = { ...toForm(VIEW), customers: ['org_01JABCDEFGHJKMNPQRSTVWXYZ0'] };
    values.telegram.chat_id = '  ';
    const body = toUpdate(values, true);
    expect(body).toMatchObject({ customers: ['org_01JABCDEFGHJKMNPQRSTVWXYZ0'], email: { enabled: true, recipients: [] } });
    expect(body.telegram?.chat_id).toBeNull();
  });

  it('knows when settings would deliver nothing', () => {
    const values = toForm(VIEW);
    expect(silences(values)).toBe(false);
    expect(silences({ ...values, events: [] })).toBe(true);
    expect(silences({ ...values, email: { ...values.email, enabled: false }, telegram: { ...values.telegram, enabled: false } })).toBe(true);
  });

  it('places nested 422 errors on their fields and keeps the rest apart', () => {
    const placed = placeFieldErrors([
      { loc: 'body.telegram.bot_token', msg: 'required when Telegram is on', code: 'required' },
      { loc: 'body.email.recipients.1', msg: 'not an e-mail', code: 'value_error' },
      { loc: 'body.email.recipients.3', msg: 'not an e-mail either', code: 'value_error' },
      { loc: 'query.limit', msg: 'too big', code: 'x' },
      { loc: 'body', msg: 'Field required', code: 'missing' },
    ]);
    expect(placed.fields).toEqual([
      { name: ['telegram', 'bot_token'], errors: ['required when Telegram is on'] },
      { name: ['email', 'recipients'], errors: ['not an e-mail', 'not an e-mail either'] },
    ]);
    expect(placed.unmatched.map((e) => e.loc)).toEqual(['query.limit', 'body']);
  });

  it('turns a Moscow day range into UTC instants', () => {
    expect(moscowDayBounds('2026-03-01', '2026-03-02')).toEqual({
      from: '2026-02-28T21:00:00.000Z', to: '2026-03-02T20:59:59.999Z',
    });
    expect(moscowDayBounds()).toEqual({ from: undefined, to: undefined });
  });
});
