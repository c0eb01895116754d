#!/usr/bin/env node
// `npm run size`: the gzipped size of each CDN bundle (packages/elements/dist/cdn/*.js, as built by
// `npm run build`), and a failure when one is over its budget. Sizes are min+gzip (zlib level 9),
// what a browser downloads from a CDN that compresses.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const CDN = fileURLToPath(new URL('../packages/elements/dist/cdn/', import.meta.url));
const KB = 1024;
/** Budgets in bytes, gzipped, Lit included. Bundles without one are reported only. */
const BUDGETS = { 'slot-picker.js': 15 * KB };

let files;
try {
  files = readdirSync(CDN).filter((file) => file.endsWith('.js'));
} catch {
  files = [];
}
if (files.length === 0) {
  console.error(`size: no bundles in ${CDN}; run \`npm run build\` first.`);
  process.exit(1);
}

const kb = (bytes) => `${(bytes / KB).toFixed(2)} kB`;
let over = 0;
console.log('CDN bundle                 min        gzip       budget');
for (const file of files.sort()) {
  const min = readFileSync(join(CDN, file));
  const gzip = gzipSync(min, { level: 9 }).length;
  const budget = BUDGETS[file];
  const verdict =
    budget === undefined ? '' : gzip <= budget ? `${kb(budget)}  ok` : `${kb(budget)}  OVER by ${gzip - budget} B`;
  if (budget !== undefined && gzip > budget) over++;
  console.log(`${file.padEnd(26)} ${kb(min.length).padStart(9)}  ${kb(gzip).padStart(9)}  ${verdict}`);
}
if (over) {
  console.error(`size: ${over} bundle(s) over budget.`);
  process.exit(1);
}
