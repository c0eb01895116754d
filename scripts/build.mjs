#!/usr/bin/env node
// `npm run build` (and so `npm start`): type declarations and the server (tsc -b), the browser
// packages and CDN bundles (rollup), the join page's copies inside the server package, the
// elements' custom-elements.json (CEM analyzer), and what is generated from it (host type
// declarations, one docs page per element).
//
// Incremental: `tsc -b` keeps its own build info; every other step runs only when the contents of
// its inputs changed since it last succeeded (a SHA-256 of their paths and bytes, kept in
// node_modules/.cache/consultkit-build/) or one of its outputs is missing. Contents, not times: a
// `git checkout` or a fresh clone touches every file without changing it. `--force` runs every step.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => `${root}node_modules/.bin/${name}`;
const force = process.argv.includes('--force');
const stamps = `${root}node_modules/.cache/consultkit-build/`;

/** Files under `dir` (relative to the root), sorted; tests and screenshots are no step's input. */
function files(dir) {
  const out = [];
  const walk = (path) => {
    if (!existsSync(`${root}${path}`)) return;
    for (const entry of readdirSync(`${root}${path}`, { withFileTypes: true })) {
      const child = `${path}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (!/\.test\.ts$/.test(entry.name)) out.push(child);
    }
  };
  walk(dir);
  return out.sort();
}

function hashOf(inputs) {
  const hash = createHash('sha256');
  for (const input of inputs.flatMap((i) => (i.endsWith('/') ? files(i.slice(0, -1)) : [i]))) {
    hash.update(`${input}\0`);
    hash.update(existsSync(`${root}${input}`) ? readFileSync(`${root}${input}`) : 'missing');
    hash.update('\0');
  }
  return hash.digest('hex');
}

const ELEMENTS_SRC = 'packages/elements/src/';
const CORE_SRC = 'packages/core/src/';
const steps = [
  // tsc -b knows what changed itself (its .tsbuildinfo files).
  { what: 'types and server', run: [bin('tsc'), ['-b']] },
  {
    what: 'bundles',
    inputs: [
      CORE_SRC,
      ELEMENTS_SRC,
      'rollup.config.mjs',
      // Its plugins for the CDN build.
      'scripts/minify-templates.mjs',
      'scripts/peerjs-media-only.mjs',
      'packages/elements/tsconfig.json',
      'package-lock.json',
    ],
    outputs: ['packages/core/dist/index.js', 'packages/elements/dist/index.js', 'packages/elements/dist/cdn'],
    run: [bin('rollup'), ['-c', '--silent']],
  },
  {
    what: 'server assets',
    inputs: ['examples/patient-join/index.html', 'packages/elements/dist/cdn/', 'packages/elements/themes/'],
    outputs: ['packages/server/public/join/index.html'],
    run: ['node', ['scripts/server-assets.mjs']],
  },
  {
    what: 'custom-elements.json',
    inputs: [ELEMENTS_SRC, 'custom-elements-manifest.config.mjs', 'package.json'],
    outputs: ['packages/elements/custom-elements.json'],
    run: ['npm', ['run', '--silent', 'analyze']],
  },
  {
    what: 'host types and element docs',
    inputs: ['packages/elements/custom-elements.json', 'scripts/host-types.mjs', 'scripts/element-docs.mjs'],
    outputs: ['packages/elements/types/vue.d.ts', 'docs/elements'],
    run: ['node', ['scripts/host-types.mjs']],
    then: ['node', ['scripts/element-docs.mjs']],
  },
];

const total = Date.now();
for (const step of steps) {
  const started = Date.now();
  const stamp = `${stamps}${step.what.replace(/\W+/g, '-')}`;
  const hash = step.inputs ? hashOf(step.inputs) : undefined;
  const fresh =
    !force &&
    hash !== undefined &&
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8') === hash &&
    step.outputs.every((output) => existsSync(`${root}${output}`));
  if (fresh) {
    console.log(`build: ${step.what} unchanged`);
    continue;
  }
  for (const [command, args] of [step.run, step.then].filter(Boolean)) {
    const result = spawnSync(command, args, { stdio: 'inherit', cwd: root });
    if (result.status !== 0) {
      console.error(`build: ${step.what} failed`);
      process.exit(result.status ?? 1);
    }
  }
  if (step.inputs) {
    mkdirSync(stamps, { recursive: true });
    // The inputs as they were when the step started (a step never writes its own inputs).
    writeFileSync(stamp, hash);
  }
  console.log(`build: ${step.what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
console.log(`build: done (${((Date.now() - total) / 1000).toFixed(1)} s)`);
