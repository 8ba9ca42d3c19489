#!/usr/bin/env node
// The JavaScript a visitor downloads before the first screen — the entry chunk and everything it
// imports statically — must stay within budget. Lazy chunks (pages, areas) are listed, not counted.
// Usage: node scripts/bundle-size.mjs [dist]   (exit 1 when over budget)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = 300;
const dist = process.argv[2] ?? 'dist';
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));

// Default gzip level (6): a little larger than the `-9` Vite prints, closer to what CDNs serve.
const sizes = new Map();
function sizeOf(file) {
  if (!sizes.has(file)) {
    const bytes = readFileSync(join(dist, file));
    sizes.set(file, { raw: bytes.length, gzip: gzipSync(bytes).length });
  }
  return sizes.get(file);
}

function staticClosure(key, seen = new Set()) {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const imported of manifest[key].imports ?? []) staticClosure(imported, seen);
  return seen;
}

const entries = Object.keys(manifest).filter((key) => manifest[key].isEntry);
if (entries.length === 0) {
  console.error('no entry chunk in the manifest: was the build run with build.manifest?');
  process.exit(2);
}
const initial = new Set(entries.flatMap((key) => [...staticClosure(key)]).map((key) => manifest[key].file));

const chunks = [...new Set(Object.values(manifest).map((chunk) => chunk.file))]
  .filter((file) => file.endsWith('.js'))
  .map((file) => ({ file, initial: initial.has(file), ...sizeOf(file) }))
  .sort((a, b) => Number(b.initial) - Number(a.initial) || b.gzip - a.gzip);

const kb = (bytes) => (bytes / 1024).toFixed(1).padStart(8);
const width = Math.max(...chunks.map((chunk) => chunk.file.length), 5);
console.log(`${'chunk'.padEnd(width)}  ${'raw KB'.padStart(8)}  ${'gzip KB'.padStart(8)}  loaded`);
for (const chunk of chunks) {
  console.log(`${chunk.file.padEnd(width)}  ${kb(chunk.raw)}  ${kb(chunk.gzip)}  ${chunk.initial ? 'initial' : 'lazy'}`);
}
const total = (list, field) => list.reduce((sum, chunk) => sum + chunk[field], 0);
const initialChunks = chunks.filter((chunk) => chunk.initial);
const initialGzip = total(initialChunks, 'gzip');
console.log(`${'all JavaScript'.padEnd(width)}  ${kb(total(chunks, 'raw'))}  ${kb(total(chunks, 'gzip'))}  ${chunks.length} chunks`);
console.log(`${'initial JavaScript'.padEnd(width)}  ${kb(total(initialChunks, 'raw'))}  ${kb(initialGzip)}  ${initialChunks.length} chunks, budget ${BUDGET_KB} KB gzip`);

if (initialGzip > BUDGET_KB * 1024) {
  console.error(`initial JavaScript is ${(initialGzip / 1024).toFixed(1)} KB gzip, over the ${BUDGET_KB} KB budget`);
  process.exit(1);
}
