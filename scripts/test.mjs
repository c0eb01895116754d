#!/usr/bin/env node
// `npm test`: every test, ending with one line CI can read: `N passed, N failed, N skipped`.
//
// 1. Re-runs itself in a loopback-only network namespace when it can (root), so WebRTC pairs only
//    127.0.0.1 and nothing leaves the machine.
// 2. Builds (the end-to-end tests serve the built CDN bundles, as `npm start` does).
// 3. Node tests (node:test): the server, storage on PGlite (and PostgreSQL with DATABASE_URL), and
//    end-to-end tests driving Chromium with Playwright.
// 4. Browser tests (web-test-runner): core and elements in headless Chromium with fake devices.
//
// `--only node` or `--only browser` runs one half.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findChrome, NO_CHROME_MESSAGE } from './chrome.mjs';
import { reexecIsolated } from './netns.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(ROOT, '.test-results');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;

reexecIsolated('test');

if (!findChrome()) {
  console.log(NO_CHROME_MESSAGE);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
if (!process.env.DATABASE_URL) {
  console.log('test: DATABASE_URL is not set: the PostgreSQL storage tests will be skipped (.ci/run sets it).');
}

const run = (command, args, env = {}) =>
  spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;

/** Runs a command, showing its output as it comes, and resolves to its status and output. */
function runTee(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.on('close', (status) => resolve({ status: status ?? 1, output }));
  });
}

/** Test files below `dir` matching `pattern`, skipping build output and dependencies. */
function find(dir, pattern) {
  const out = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...find(path, pattern));
    else if (pattern.test(entry.name)) out.push(path);
  }
  return out;
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];
rmSync(RESULTS, { recursive: true, force: true });
mkdirSync(RESULTS, { recursive: true });

if (run('npm', ['run', '--silent', 'build']) !== 0) {
  console.log('test: the build failed, so no test ran.');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

if (!only || only === 'node') {
  const files = [...find('packages/server/src', /\.test\.ts$/), ...find('e2e', /\.test\.ts$/)];
  const { status, output } = await runTee(process.execPath, [
    '--import',
    'tsx',
    '--test',
    '--test-force-exit',
    '--test-concurrency=1',
    '--test-reporter=spec',
    ...files,
  ]);
  const field = (name) => Number(new RegExp(`^\u2139 ${name} (\\d+)$`, 'm').exec(output)?.[1] ?? 0);
  const node = { passed: field('pass'), failed: field('fail') + field('cancelled'), skipped: field('skipped') };
  // Skipped tests count one by one: suites that may be skipped whole (PostgreSQL without
  // DATABASE_URL) skip each test instead (test-helpers.ts `skippable`), since node:test reports a
  // skipped `describe` as one skipped test, however many it holds.
  if (status !== 0 && node.failed === 0) node.failed = 1;
  lines.push(`node:    ${node.passed} passed, ${node.failed} failed, ${node.skipped} skipped (${files.length} files)`);
  for (const key of Object.keys(totals)) totals[key] += node[key];
}

if (!only || only === 'browser') {
  const status = run(join(ROOT, 'node_modules/.bin/wtr'), ['--config', 'web-test-runner.config.mjs'], {
    CONSULTKIT_RESULTS_DIR: RESULTS,
  });
  const file = join(RESULTS, 'browser.json');
  const browser = existsSync(file)
    ? JSON.parse(readFileSync(file, 'utf8'))
    : { passed: 0, failed: 0, skipped: 0, files: 0, fileErrors: 0 };
  browser.failed += browser.fileErrors;
  if (status !== 0 && browser.failed === 0) browser.failed = 1;
  lines.push(
    `browser: ${browser.passed} passed, ${browser.failed} failed, ${browser.skipped} skipped (${browser.files} files)`,
  );
  for (const key of Object.keys(totals)) totals[key] += browser[key];
}

console.log(`\nConsultKit tests (${relative(process.cwd(), ROOT) || '.'}):`);
for (const line of lines) console.log(`  ${line}`);
if (totals.passed === 0 && totals.failed === 0) totals.failed = 1; // never green on zero tests
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
