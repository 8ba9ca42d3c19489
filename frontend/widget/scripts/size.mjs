#!/usr/bin/env node
// The widget loads on every page of a customer's site: dist/widget.js must stay within 15 KB gzip.
// Measured at gzip level 9 (what CDNs serving precompressed files and `gzip -9` give).
// Usage: node scripts/size.mjs [file]   (exit 1 when over budget, 2 when not built)
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 15 * 1024;
const file = process.argv[2] ?? 'dist/widget.js';
if (!existsSync(file)) {
  console.error(`${file} does not exist: run npm run build first`);
  process.exit(2);
}
const bytes = readFileSync(file);
const gzip = gzipSync(bytes, { level: 9 }).length;
const kb = (count) => `${(count / 1024).toFixed(1)} KB`;
console.log(`${file}: ${kb(bytes.length)} raw, ${kb(gzip)} gzip -9 (budget ${kb(BUDGET_BYTES)})`);
if (gzip > BUDGET_BYTES) {
  console.error(`${file} is ${kb(gzip)} gzip, over the ${kb(BUDGET_BYTES)} budget`);
  process.exit(1);
}
