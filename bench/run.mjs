// `npm run bench`: runs every bench/*.bench.mjs in turn (sorted by name) in headless Chromium,
// inside a loopback-only network namespace where possible. Each benchmark module exports
// `run({ executablePath, args, log })`, which resolves to its summary or throws on failure.
// `node bench/run.mjs join` runs only the benchmarks whose names are given.
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CHROME_ARGS, findChrome, NO_CHROME_MESSAGE } from '../scripts/chrome.mjs';
import { reexecIsolated } from '../scripts/netns.mjs';

reexecIsolated('bench');

const executablePath = findChrome();
if (!executablePath) {
  console.error(NO_CHROME_MESSAGE);
  process.exit(1);
}

const here = fileURLToPath(new URL('./', import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((file) => file.endsWith('.bench.mjs'))
  .filter((file) => only.length === 0 || only.includes(file.replace(/\.bench\.mjs$/, '')))
  .sort();
if (files.length === 0) {
  console.error(`bench: no benchmark to run${only.length ? ` (asked for: ${only.join(', ')})` : ''}`);
  process.exit(1);
}

let failed = 0;
for (const file of files) {
  const label = file.replace(/\.bench\.mjs$/, '');
  const started = performance.now();
  try {
    const bench = await import(pathToFileURL(`${here}${file}`).href);
    if (typeof bench.run !== 'function') throw new Error(`${file} exports no run() function`);
    await bench.run({ executablePath, args: CHROME_ARGS, log: (line) => console.log(line) });
    console.log(`${label}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    failed++;
    console.error(`${label}: FAILED: ${error instanceof Error ? error.message : String(error)}`);
  }
}

// The PeerJS server inside the ConsultKit server leaves timers behind: exit explicitly.
process.exit(failed ? 1 : 0);
