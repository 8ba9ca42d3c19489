import { describe, expect, it } from 'vitest';
import en from '../../i18n/notifications.en.json';
import ru from '../../i18n/notifications.ru.json';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const entries = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') entries.set(path, value);
    else for (const [k, v] of flatten(value, path)) entries.set(k, v);
  }
  return entries;
}

const ruKeys = flatten(ru);
const enKeys = flatten(en);
// The notification pages ask for their texts as n('…') (useTranslation('notifications')).
const sources = import.meta.glob<string>(['./*.tsx', '!./*.test.tsx'], {
  query: '?raw', import: 'default', eager: true,
});

describe('the notifications namespace', () => {
  it('has the same keys and placeholders in ru and en', () => {
    expect([...enKeys.keys()].sort()).toEqual([...ruKeys.keys()].sort());
    const placeholders = (text: string) => [...text.matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1]).sort().join();
    expect([...ruKeys].filter(([key, text]) => placeholders(text) !== placeholders(enKeys.get(key) ?? ''))).toEqual([]);
  });

  it('covers every key the pages ask for by name, and every event, status and channel the API knows', () => {
    const used = new Set<string>();
    for (const source of Object.values(sources)) {
      for (const call of source.matchAll(/\bn\('([a-zA-Z]+(?:\.[a-zA-Z_]+)*)'/g)) used.add(call[1]);
    }
    expect(used.size).toBeGreaterThan(40);
    expect([...used].filter((key) => !ruKeys.has(key))).toEqual([]);
    const dynamic = [
      ...['license.expiry', 'license.limit', 'license.file', 'channel.test'].map((e) => `event.${e}`),
      ...['pending', 'sent', 'failed'].map((s) => `status.${s}`),
      ...['email', 'telegram', 'slack'].flatMap((c) => [`channel.${c}`, `prefs.sendBy.${c}`]),
      'confirm.replace.telegram', 'confirm.replace.slack', 'secret.keep.token', 'secret.keep.webhook',
      'secret.none.token', 'secret.none.webhook', 'audience.customer', 'audience.staff',
    ];
    expect(dynamic.filter((key) => !ruKeys.has(key))).toEqual([]);
  });
});
