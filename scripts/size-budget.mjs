#!/usr/bin/env node
// `npm run size`: what a page loads from the CDN build (packages/elements/dist/cdn/, as built by
// `npm run build`), and a failure when a page is over its budget. A page's size is the sum of its
// files' gzipped sizes (min+gzip, zlib level 9: what a browser downloads from a CDN that
// compresses), counting the entries it references and every chunk they import statically,
// transitively, each file once; "+ later" adds what they import dynamically (PeerJS when a call
// starts), but not the translations (loaded only for another language than English).
// `cdn-manifest.json` (written by the build) gives the import graph.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const CDN = fileURLToPath(new URL('../packages/elements/dist/cdn/', import.meta.url));
const KB = 1024;

/**
 * Pages and their budgets in bytes, gzipped, Lit included (decision 32). `load`: budget of what
 * the page loads before anything happens; `later`: with what it imports when used (PeerJS).
 */
const PAGES = [
  // A practice website with the picker alone (issue 12: ≤ 12 kB).
  { page: 'slot-picker', entries: ['slot-picker.js'], budget: { load: 12 * KB } },
  // The same through the one-script-tag loader (the loader adds itself).
  { page: 'slot-picker via consultkit.js', entries: ['consultkit.js', 'slot-picker.js'], budget: { load: 12.5 * KB } },
  { page: 'booking-desk', entries: ['booking-desk.js'] },
  // The join page: device check, waiting room and room, and PeerJS once the call starts (issue 15: ≤ 45 kB).
  { page: 'join (consultation)', entries: ['consultation.js'], budget: { later: 45 * KB } },
  { page: 'consult-room', entries: ['consult-room.js'] },
  // The vendor console: the desk and the join page's elements on one page (one Lit between them).
  { page: 'vendor console', entries: ['booking-desk.js', 'consultation.js'] },
];

let manifest;
try {
  manifest = JSON.parse(readFileSync(join(CDN, 'cdn-manifest.json'), 'utf8'));
} catch {
  console.error(`size: no cdn-manifest.json in ${CDN}; run \`npm run build\` first.`);
  process.exit(1);
}

const gzipped = new Map();
const gzip = (file) => {
  if (!gzipped.has(file)) gzipped.set(file, gzipSync(readFileSync(join(CDN, file)), { level: 9 }).length);
  return gzipped.get(file);
};

/** Every file `entries` load: static imports, and dynamic ones too when `later` (not translations). */
function closure(entries, later) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    const info = manifest.files[file];
    if (!info) throw new Error(`size: ${file} is not in cdn-manifest.json`);
    if (info.name === 'localization') return;
    seen.add(file);
    for (const next of info.imports ?? []) visit(next);
    if (later) for (const next of info.dynamicImports ?? []) visit(next);
  };
  entries.forEach(visit);
  return seen;
}

const kb = (bytes) => `${(bytes / KB).toFixed(2)} kB`;
const sum = (files) => [...files].reduce((total, file) => total + gzip(file), 0);
let over = 0;
console.log('Page                            files   load (gzip)   + later (gzip)   budget');
for (const { page, entries, budget = {} } of PAGES) {
  const now = closure(entries, false);
  const all = closure(entries, true);
  const load = sum(now);
  const later = sum(all);
  const verdicts = [];
  for (const [what, bytes] of [
    ['load', load],
    ['later', later],
  ]) {
    const limit = budget[what];
    if (limit === undefined) continue;
    if (bytes > limit) over++;
    verdicts.push(`${what} ≤ ${kb(limit)} ${bytes <= limit ? 'ok' : `OVER by ${bytes - limit} B`}`);
  }
  console.log(
    `${page.padEnd(31)} ${String(now.size).padStart(5)}   ${kb(load).padStart(11)}   ${kb(later).padStart(14)}   ${verdicts.join(', ')}`,
  );
}

console.log('\nFile                                 gzip   immutable');
for (const [file, info] of Object.entries(manifest.files)) {
  if (file.startsWith('locales/')) continue;
  console.log(`${file.padEnd(34)} ${kb(gzip(file)).padStart(9)}   ${info.immutable ? 'yes' : 'no'}`);
}
if (over) {
  console.error(`size: ${over} page(s) over budget.`);
  process.exit(1);
}
