#!/usr/bin/env node
// `npm run build:examples`: builds the framework examples (examples/react, examples/vue,
// examples/angular), each with its own tool (Vite, Vite, Angular's `@angular/build:application`),
// against the built packages (`npm run build` first). Cached: an example is rebuilt only when
// something it is built from changed: its own sources, the built `@consultkit/*` packages it
// imports, or the lock file. The inputs' hash is kept in `dist/.inputs-hash`.
//
// `node scripts/build-examples.mjs react vue` builds only those; `--force` ignores the cache.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const FRAMEWORKS = ['react', 'vue', 'angular'];
/** The built packages each example imports (through the workspace links in node_modules). */
const PACKAGES = {
  react: ['packages/core/dist', 'packages/elements/dist', 'packages/elements/themes', 'packages/react/dist'],
  vue: ['packages/core/dist', 'packages/elements/dist', 'packages/elements/themes'],
  angular: ['packages/core/dist', 'packages/elements/dist', 'packages/elements/themes'],
};
const SKIP = new Set(['node_modules', 'dist', '.angular', 'README.md']);

/** Every file below `dir` (relative to the root), sorted, skipping build output and dependencies. */
function files(dir, skip = SKIP) {
  const out = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    if (skip.has(entry.name) || entry.name.endsWith('.map') || entry.name === '.tsbuildinfo') continue;
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...files(path, skip));
    else out.push(path);
  }
  return out.sort();
}

/** The hash of what `framework`'s example is built from. */
export function inputsHash(framework) {
  const hash = createHash('sha256');
  const inputs = [
    ...files(`examples/${framework}`),
    ...files('examples/framework-common'),
    ...PACKAGES[framework].flatMap((dir) => (existsSync(join(ROOT, dir)) ? files(dir, new Set()) : [])),
    'package-lock.json',
  ];
  for (const path of inputs) {
    hash.update(`${path}\0`);
    hash.update(readFileSync(join(ROOT, path)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

const stampOf = (framework) => join(ROOT, 'examples', framework, 'dist', '.inputs-hash');

/** Builds `framework`'s example unless its build is current; resolves what it did. */
export function buildExample(framework, { force = false } = {}) {
  const started = Date.now();
  const hash = inputsHash(framework);
  const stamp = stampOf(framework);
  if (!force && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) {
    return { framework, built: false, seconds: (Date.now() - started) / 1000 };
  }
  const result = spawnSync('npm', ['run', '--silent', 'build', '--workspace', `examples/${framework}`], {
    cwd: ROOT,
    // No prompt can wait for an answer (the Angular CLI asks about analytics when it may).
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NG_CLI_ANALYTICS: 'false', NG_FORCE_TTY: 'false' },
  });
  if (result.status !== 0) throw new Error(`build:examples: examples/${framework} failed to build`);
  writeFileSync(stamp, hash);
  return { framework, built: true, seconds: (Date.now() - started) / 1000 };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const asked = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  const force = process.argv.includes('--force');
  for (const framework of asked.length ? asked : FRAMEWORKS) {
    if (!FRAMEWORKS.includes(framework)) {
      console.error(`build:examples: no example "${framework}" (${FRAMEWORKS.join(', ')})`);
      process.exit(2);
    }
    try {
      const { built, seconds } = buildExample(framework, { force });
      console.log(`build:examples: ${framework} ${built ? 'built' : 'up to date'} (${seconds.toFixed(1)} s)`);
    } catch (error) {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    }
  }
}
