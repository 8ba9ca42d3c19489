import { expect } from 'vitest';

type Tree = { [key: string]: string | Tree };

/** "a.b.c" → text, for every leaf of a translation tree. */
export function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const entries = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') entries.set(path, value);
    else for (const [k, v] of flatten(value, path)) entries.set(k, v);
  }
  return entries;
}

/** Russian and English have the same keys, and each text the same {{placeholders}} in both. */
export function expectSameKeysAndPlaceholders(ru: Map<string, string>, en: Map<string, string>): void {
  expect([...en.keys()].sort()).toEqual([...ru.keys()].sort());
  const placeholders = (text: string) => [...text.matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1]).sort().join();
  expect([...ru].filter(([key, text]) => placeholders(text) !== placeholders(en.get(key) ?? ''))).toEqual([]);
}

/** The keys sources ask for as `fn('a.b')`. */
export function keysUsed(sources: Record<string, string>, fn: string): Set<string> {
  const used = new Set<string>();
  const call = new RegExp(`\\b${fn}\\('([a-zA-Z]+(?:\\.[a-zA-Z_]+)*)'`, 'g');
  for (const source of Object.values(sources)) for (const match of source.matchAll(call)) used.add(match[1]);
  return used;
}
