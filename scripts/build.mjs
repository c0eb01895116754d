#!/usr/bin/env node
// `npm run build`: type declarations and the server (tsc -b), the browser packages and CDN bundles
// (rollup), and the elements' custom-elements.json (CEM analyzer).
import { spawnSync } from 'node:child_process';

const bin = (name) => new URL(`../node_modules/.bin/${name}`, import.meta.url).pathname;
const steps = [
  ['types and server', bin('tsc'), ['-b']],
  ['bundles', bin('rollup'), ['-c', '--silent']],
  ['custom-elements.json', 'npm', ['run', '--silent', 'analyze']],
];

for (const [what, command, args] of steps) {
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: new URL('..', import.meta.url) });
  if (result.status !== 0) {
    console.error(`build: ${what} failed`);
    process.exit(result.status ?? 1);
  }
  console.log(`build: ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
