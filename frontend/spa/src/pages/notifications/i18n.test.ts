import { describe, expect, it } from 'vitest';
import { CHANNELS, DELIVERY_AUDIENCES, DELIVERY_EVENTS, DELIVERY_STATUSES, NOTICE_EVENTS } from '../../api/enums';
import { expectSameKeysAndPlaceholders, flatten, keysUsed } from '../../test/i18nNamespace';
import en from '../../i18n/notifications.en.json';
import ru from '../../i18n/notifications.ru.json';

const ruKeys = flatten(ru);
const enKeys = flatten(en);
// The notification pages ask for their texts as n('…') (useTranslation('notifications')).
const sources = import.meta.glob<string>(['./*.tsx', '!./*.test.tsx'], {
  query: '?raw', import: 'default', eager: true,
});

describe('the notifications namespace', () => {
  it('has the same keys and placeholders in ru and en', () => {
    expectSameKeysAndPlaceholders(ruKeys, enKeys);
  });

  it('covers every key the pages ask for by name, and every event, status and channel the API knows', () => {
    const used = keysUsed(sources, 'n');
    expect(used.size).toBeGreaterThan(40);
    expect([...used].filter((key) => !ruKeys.has(key))).toEqual([]);
    const dynamic = [
      ...[...DELIVERY_EVENTS, ...NOTICE_EVENTS].map((e) => `event.${e}`),
      ...DELIVERY_STATUSES.map((s) => `status.${s}`),
      ...CHANNELS.flatMap((c) => [`channel.${c}`, `prefs.sendBy.${c}`]),
      ...DELIVERY_AUDIENCES.map((a) => `audience.${a}`),
      'confirm.replace.telegram', 'confirm.replace.slack', 'secret.keep.token', 'secret.keep.webhook',
      'secret.none.token', 'secret.none.webhook', 'secret.forget.token', 'secret.forget.webhook',
      'secret.forgetTitle.telegram', 'secret.forgetTitle.slack',
    ];
    expect(dynamic.filter((key) => !ruKeys.has(key))).toEqual([]);
  });
});
