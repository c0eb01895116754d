/**
 * The three packages as npm publishes them: `npm pack` of core, elements and server, installed into
 * an empty folder as a new user would, then the server started with `npx consultkit-server`, core
 * and elements imported in Node, their types checked from a host's code, and a Vite page built
 * with the elements and opened in Chromium.
 *
 * Offline: the install reads only npm's cache (`npm install --offline`). The new folder gets a lock
 * file made from the repository's (the same versions `npm install` already put in the cache, with
 * their integrity hashes; the three packages as the tarballs just packed), so npm needs no
 * registry metadata. Needs `npm run build` first, as every e2e test.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
// @ts-expect-error: a JavaScript module without declarations
import { CHROME_ARGS, findChrome, NO_CHROME_MESSAGE } from '../scripts/chrome.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const run = promisify(execFile);
/** Installs and builds on a loaded machine take minutes; each step waits for its own end. */
const SLOW = { timeout: 600_000 };

interface Packed {
  name: string;
  version: string;
  filename: string;
  integrity: string;
  files: { path: string }[];
}

/**
 * The new folder's package.json and package-lock.json: the three tarballs as its dependencies, and
 * every other package at the version and integrity the repository's lock file gives it (what is
 * in npm's cache). npm prunes what nothing needs.
 */
function writeApp(app: string, packed: Packed[]): void {
  const lock = JSON.parse(readFileSync(`${ROOT}package-lock.json`, 'utf8')) as {
    packages: Record<string, Record<string, unknown>>;
  };
  const byName = new Map(packed.map((p) => [p.name, p]));
  const dependencies = Object.fromEntries(packed.map((p) => [p.name, `file:../${p.filename}`]));
  const packages: Record<string, unknown> = { '': { name: 'consultkit-host', dependencies } };
  for (const [key, entry] of Object.entries(lock.packages)) {
    const name = key.replace(/^node_modules\//, '');
    const tarball = byName.get(name);
    if (tarball) {
      const manifest = JSON.parse(readFileSync(`${ROOT}packages/${name.split('/')[1]}/package.json`, 'utf8')) as Record<
        string,
        unknown
      >;
      packages[key] = {
        version: tarball.version,
        resolved: `file:../${tarball.filename}`,
        integrity: tarball.integrity,
        dependencies: manifest['dependencies'],
        peerDependencies: manifest['peerDependencies'],
        peerDependenciesMeta: manifest['peerDependenciesMeta'],
        bin: manifest['bin'],
      };
    } else if (entry['link']) {
      continue; // the repository's other workspaces (examples)
    } else if (/^packages\/[^/]+\/node_modules\//.test(key)) {
      // A workspace's own copy (the server's ws@8) goes inside the installed package.
      packages[key.replace(/^packages\/([^/]+)\//, 'node_modules/@consultkit/$1/')] = entry;
    } else if (key.startsWith('node_modules/')) {
      const { dev: _dev, peer: _peer, devOptional: _devOptional, ...rest } = entry;
      packages[key] = rest;
    }
  }
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'consultkit-host', private: true, type: 'module', dependencies }, null, 2),
  );
  writeFileSync(
    join(app, 'package-lock.json'),
    JSON.stringify({ name: 'consultkit-host', lockfileVersion: 3, requires: true, packages }, null, 2),
  );
}

/** Starts `npx consultkit-server …` in the new folder; resolves with its URL once it says it listens. */
async function startInstalledServer(
  app: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess }> {
  const { PORT: _port, CONSULTKIT_DEMO: _demo, DATABASE_URL: _db, ...rest } = process.env;
  const child = spawn('npx', ['--offline', 'consultkit-server', ...args], {
    cwd: app,
    env: { ...rest, PORT: '0', CONSULTKIT_DATA_DIR: join(app, `.data-${args.join('') || 'own'}`), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group (npx, a shell, node): stopped as one, even if this test is interrupted.
    detached: true,
  });
  groups.add(child.pid!);
  child.once('exit', () => groups.delete(child.pid!));
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /ConsultKit server (http:\/\/localhost:\d+)/.exec(output);
      if (listening) resolve(listening[1]!.replace('localhost', '127.0.0.1'));
    });
    child.on('exit', (code) => reject(new Error(`consultkit-server exited (${code}) before listening:\n${output}`)));
  });
  return { url, child };
}

/** The process groups of the servers still running, killed whenever this process ends. */
const groups = new Set<number>();
const killGroups = (signal: NodeJS.Signals) => {
  for (const pid of groups) {
    try {
      process.kill(-pid, signal);
    } catch {
      // Gone already.
    }
  }
};
process.once('exit', () => killGroups('SIGKILL'));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killGroups('SIGKILL');
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  process.kill(-child.pid!, 'SIGTERM');
  await exited;
}

/** The join page, the module it loads and its theme, as a patient's browser asks for them. */
async function assertJoinPageServed(url: string): Promise<void> {
  const page = await fetch(`${url}/join/x`);
  assert.equal(page.status, 200, `/join/x answered ${page.status}`);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  const html = await page.text();
  assert.match(html, /<script type="module" src="\/cdn\/consultation\.js">/);
  const module = await fetch(`${url}/cdn/consultation.js`);
  assert.equal(module.status, 200);
  assert.match(module.headers.get('content-type') ?? '', /javascript/);
  assert.match(await module.text(), /consult-room/);
  const theme = await fetch(`${url}/themes/nhs.css`);
  assert.equal(theme.status, 200);
  assert.match(theme.headers.get('content-type') ?? '', /^text\/css/);
}

describe('npm pack and install: core, elements and server from their tarballs', { timeout: 1_800_000 }, () => {
  let dir: string;
  let app: string;
  let packed: Packed[];
  const children: ChildProcess[] = [];

  before(async () => {
    for (const built of ['core/dist/index.js', 'elements/dist/index.js', 'server/dist/bin/consultkit-server.js']) {
      assert.ok(existsSync(`${ROOT}packages/${built}`), `packages/${built} is missing: run \`npm run build\` first`);
    }
    dir = mkdtempSync(join(tmpdir(), 'consultkit-pack-'));
    app = join(dir, 'app');
    mkdirSync(app);
    const { stdout } = await run(
      'npm',
      [
        'pack',
        '--json',
        '--pack-destination',
        dir,
        '-w',
        'packages/core',
        '-w',
        'packages/elements',
        '-w',
        'packages/server',
      ],
      { cwd: ROOT, ...SLOW, maxBuffer: 64 * 1024 * 1024 },
    );
    packed = JSON.parse(stdout) as Packed[];
    writeApp(app, packed);
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
      cwd: app,
      ...SLOW,
    });
  });

  after(async () => {
    for (const child of children) await stop(child);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('packs the build, the server’s join page and the elements’ types, and no source or test', () => {
    const files = Object.fromEntries(packed.map((p) => [p.name, p.files.map((f) => f.path)]));
    assert.deepEqual(Object.keys(files).sort(), ['@consultkit/core', '@consultkit/elements', '@consultkit/server']);
    for (const [name, paths] of Object.entries(files)) {
      assert.ok(paths.includes('package.json'), name);
      assert.deepEqual(
        paths.filter((p) => p.startsWith('src/') || /\.test\.(js|ts)$/.test(p)),
        [],
        `${name} ships sources or tests`,
      );
    }
    const server = files['@consultkit/server']!;
    for (const path of ['dist/bin/consultkit-server.js', 'public/join/index.html', 'public/cdn/consultation.js']) {
      assert.ok(server.includes(path), `server tarball lacks ${path}`);
    }
    assert.ok(server.includes('public/themes/nhs.css'), 'server tarball lacks the NHS theme');
    const elements = files['@consultkit/elements']!;
    for (const path of ['custom-elements.json', 'types/vue.d.ts', 'types/angular.d.ts', 'dist/slot-picker/define.js']) {
      assert.ok(elements.includes(path), `elements tarball lacks ${path}`);
    }
  });

  it('installs with @lit/localize and lit as single peers of elements', () => {
    const elements = JSON.parse(readFileSync(join(app, 'node_modules/@consultkit/elements/package.json'), 'utf8')) as {
      peerDependencies: Record<string, string>;
      dependencies?: Record<string, string>;
    };
    assert.ok(elements.peerDependencies['@lit/localize'], '@lit/localize is a peer');
    assert.equal(elements.dependencies?.['@lit/localize'], undefined);
    // One copy: the host's `configureLocalization` configures the one the elements use.
    assert.ok(existsSync(join(app, 'node_modules/@lit/localize/package.json')));
    assert.ok(!existsSync(join(app, 'node_modules/@consultkit/elements/node_modules/@lit/localize')));
    assert.ok(!existsSync(join(app, 'node_modules/@consultkit/elements/node_modules/lit')));
  });

  it('starts with `npx consultkit-server --demo` (PGlite) and serves the join page from the package', async () => {
    const { url, child } = await startInstalledServer(app, ['--demo'], {});
    children.push(child);
    await assertJoinPageServed(url);
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
    // No repository around it: no examples to list.
    assert.equal((await fetch(`${url}/examples/two-party-call/`)).status, 404);
    await stop(child);
  });

  it('serves the join page when started with its own secret and staff key (not the demo)', async () => {
    const { url, child } = await startInstalledServer(app, [], {
      CONSULTKIT_SECRET: 'a-secret-of-this-installation-only-0123456789',
      CONSULTKIT_STAFF_KEY: 'a-staff-key-of-this-installation-only-0123456789',
    });
    children.push(child);
    await assertJoinPageServed(url);
    await stop(child);
  });

  it('without configuration, refuses to start and says how to run the demo', async () => {
    const { PORT: _port, CONSULTKIT_DEMO: _demo, CONSULTKIT_SECRET: _secret, ...env } = process.env;
    const failed = await run('npx', ['--offline', 'consultkit-server'], { cwd: app, env, ...SLOW }).then(
      () => assert.fail('consultkit-server started with no secret'),
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(failed.code, 78);
    assert.match(failed.stderr, /CONSULTKIT_SECRET/);
    assert.match(failed.stderr, /npx consultkit-server --demo/);
  });

  it('imports core and the element classes in Node; internals are not exported', async () => {
    const script = `
      const out = {};
      const core = await import('@consultkit/core');
      const booking = await import('@consultkit/core/booking');
      out.core = [typeof core.Consultation, typeof core.ConsultKitError];
      out.booking = [typeof booking.BookingClient, typeof booking.BookingDeskStore, 'BookingDesk' in booking];
      const picker = await import('@consultkit/elements/slot-picker/slot-picker.js');
      out.picker = typeof picker.SlotPicker;
      out.refused = [];
      for (const internal of ['@consultkit/elements/internal/events.js', '@consultkit/elements/slot-picker/slot-picker.styles.js', '@consultkit/elements/cdn/slot-picker.js', '@consultkit/core/dist/store.js']) {
        try { await import(internal); out.refused.push(internal + ': imported'); }
        catch (error) { out.refused.push(error.code); }
      }
      console.log(JSON.stringify(out));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: app, ...SLOW });
    const out = JSON.parse(stdout) as Record<string, unknown>;
    assert.deepEqual(out['core'], ['function', 'function']);
    assert.deepEqual(out['booking'], ['function', 'function', false]);
    assert.equal(out['picker'], 'function');
    assert.deepEqual(out['refused'], Array(4).fill('ERR_PACKAGE_PATH_NOT_EXPORTED'));
  });

  it('types a host’s listeners, Vue templates’ components and Angular handlers from the installed packages', async () => {
    writeFileSync(
      join(app, 'host.ts'),
      `import '@consultkit/elements/slot-picker';
import type { GlobalComponents } from 'vue';
import type { SlotPickerEvents, BookingDeskEvents } from '@consultkit/elements/angular';
import type { BookingDeskStore } from '@consultkit/core/booking';

const picker = document.createElement('slot-picker');
picker.fhirBase = '/fhir';
picker.addEventListener('ck-booked', (event) => console.log(event.detail.booking.id));
// @ts-expect-error: ck-booked carries a booking, not a slot
picker.addEventListener('ck-booked', (event) => console.log(event.detail.slot));

type PickerProps = InstanceType<GlobalComponents['slot-picker']>['$props'];
export const props: PickerProps = { fhirBase: '/fhir', days: 7, onCkBooked: (event) => event.detail.booking.id };
// @ts-expect-error: days is a number
export const wrongDays: PickerProps = { days: 'seven' };
// @ts-expect-error: no such event on the picker
export const wrongEvent: PickerProps = { onCkVideoStarted: () => undefined };

export function booked(event: SlotPickerEvents['ck-booked']): string {
  return event.detail.booking.id;
}
export function started(event: BookingDeskEvents['ck-video-started']): unknown {
  return event.detail.linkSentTo;
}
export type Store = BookingDeskStore;
`,
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: 'es2022',
          module: 'esnext',
          moduleResolution: 'bundler',
          lib: ['es2022', 'dom', 'dom.iterable'],
          types: [],
          // Vue is the host's: the repository's copy stands in for it.
          paths: { vue: [`${ROOT}node_modules/vue`] },
        },
        files: ['host.ts', 'node_modules/@consultkit/elements/types/vue.d.ts'],
      }),
    );
    const result = await run(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, '-p', app], {
      cwd: app,
      ...SLOW,
    }).then(
      () => ({ code: 0, stdout: '' }),
      (error: { code: number; stdout: string }) => error,
    );
    assert.equal(result.code, 0, result.stdout);
  });

  it('builds a Vite page importing core and elements, and the picker renders in Chromium', async () => {
    const executablePath = findChrome() as string | null;
    assert.ok(executablePath, NO_CHROME_MESSAGE);
    writeFileSync(
      join(app, 'index.html'),
      `<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8" /><title>host</title></head>
<body><main><slot-picker fhir-base="/fhir"></slot-picker></main><script type="module" src="./main.js"></script></body></html>`,
    );
    writeFileSync(
      join(app, 'main.js'),
      `import '@consultkit/elements/slot-picker';
import { BookingClient } from '@consultkit/core/booking';
document.documentElement.dataset.client = typeof BookingClient;
`,
    );
    await run(process.execPath, [`${ROOT}node_modules/vite/bin/vite.js`, 'build', '--logLevel', 'warn'], {
      cwd: app,
      ...SLOW,
    });
    const built = join(app, 'dist');
    assert.ok(existsSync(join(built, 'index.html')), 'vite wrote dist/index.html');

    // The built page over HTTP (a module script needs it); /fhir answers nothing useful: the picker
    // still renders, and says so.
    const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
    const server: Server = createServer((request, response) => {
      const path = join(built, new URL(request.url ?? '/', 'http://x').pathname.replace(/\/$/, '/index.html'));
      if (!path.startsWith(built) || !existsSync(path)) return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
      response.end(readFileSync(path));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    const browser = await chromium.launch({ executablePath: executablePath!, args: CHROME_ARGS, headless: true });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(
        () => {
          const picker = document.querySelector('slot-picker');
          return customElements.get('slot-picker') !== undefined && (picker?.shadowRoot?.childElementCount ?? 0) > 0;
        },
        undefined,
        { timeout: 120_000 },
      );
      assert.equal(await page.evaluate(() => document.documentElement.dataset['client']), 'function');
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      server.close();
    }
  });
});
