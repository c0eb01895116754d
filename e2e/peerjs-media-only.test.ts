/**
 * The CDN build's PeerJS (`scripts/peerjs-media-only.mjs`, decision 47): media calls only. The
 * rewrite fails the build on a `bundler.mjs` it does not know (a PeerJS upgrade cannot half-apply
 * it), and the built chunk, loaded in Chromium as a page loads it, refuses data connections with a
 * clear error, ignores one another client offers, and still answers media calls. That a whole call
 * works on it is `two-party-call.test.ts` (and every e2e test of a call), which runs on this build.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
// @ts-expect-error -- plain ESM helper without types
import { NO_DATA_CONNECTIONS, NO_ID_FROM_SERVER, NO_PEER_LIST, rewritePeerjs } from '../scripts/peerjs-media-only.mjs';
// @ts-expect-error -- plain ESM helper without types
import { CHROME_ARGS, findChrome, NO_CHROME_MESSAGE } from '../scripts/chrome.mjs';

const CDN = fileURLToPath(new URL('../packages/elements/dist/cdn/', import.meta.url));
const BUNDLER = fileURLToPath(new URL('../node_modules/peerjs/dist/bundler.mjs', import.meta.url));

describe('the CDN build rewrites PeerJS only as it knows it', () => {
  const original = readFileSync(BUNDLER, 'utf8');

  it('rewrites the installed PeerJS', () => {
    const code = String(rewritePeerjs(original));
    assert.ok(code.includes('this._serializers = {}, '), 'no serializers: the data connections can go');
    assert.ok(!code.includes('this._api'), 'no HTTP API: no id from the server');
    assert.ok(!code.includes('"webrtc-adapter"'), 'no webrtc-adapter');
    assert.ok(code.includes(NO_DATA_CONNECTIONS));
  });

  it('fails on another version, or when a text it rewrites changed', () => {
    assert.throws(
      () => rewritePeerjs(original.replace('"1.5.5"', '"1.6.0"')),
      /peerjs-media-only: .*not version 1\.5\.5/,
    );
    assert.throws(
      () => rewritePeerjs(original.replace('connect(peer, options = {}) {', 'connect(peer, options) {')),
      /peerjs-media-only: .*"connect\(\)" found 0 times/,
    );
    assert.throws(
      () => rewritePeerjs(original.replace('ServerMessageType["Offer"] = "OFFER";', '')),
      /peerjs-media-only: .*\.Offer: no such member/,
    );
  });
});

const executablePath = findChrome();

describe('the CDN build of PeerJS in Chromium', { skip: executablePath ? false : NO_CHROME_MESSAGE }, () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let origin: string;
  const manifest = JSON.parse(readFileSync(join(CDN, 'cdn-manifest.json'), 'utf8')) as {
    files: Record<string, { name?: string }>;
  };
  const chunk = Object.keys(manifest.files).find((file) => manifest.files[file]!.name === 'peerjs');

  before(async () => {
    assert.ok(chunk, 'the peerjs chunk in cdn-manifest.json (npm run build first)');
    server = createServer((request, response) => {
      if (request.url === `/${chunk}`) {
        response.writeHead(200, { 'content-type': 'text/javascript' });
        response.end(readFileSync(join(CDN, chunk)));
      } else {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<!doctype html><title>PeerJS</title>');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROME_ARGS, headless: true });
    page = await browser.newPage();
    // tsx names the functions it compiles (`__name(fn, 'describe')`); the page needs the helper too.
    await page.goto(`${origin}/`);
    await page.evaluate('globalThis.__name = (fn) => fn');
  });
  after(async () => {
    await browser?.close();
    server?.close();
  });

  it('refuses data connections and the peers list with a clear error; without an id, fails as PeerJS does', async () => {
    const result = await page.evaluate(
      async ({ url, port }) => {
        const { Peer } = (await import(url)) as {
          Peer: new (
            id: unknown,
            options?: object,
          ) => {
            connect(id: string): unknown;
            listAllPeers(): unknown;
            on(event: string, fn: (value: never) => void): void;
            destroy(): void;
          };
        };
        // A port nothing listens on: the socket never opens (nothing here needs it to).
        const options = { host: '127.0.0.1', port, path: '/', key: 'consultkit', debug: 0 };
        const peer = new Peer('ck-test', options);
        const thrown = (work: () => unknown) => {
          try {
            work();
            return 'nothing thrown';
          } catch (error) {
            return (error as Error).message;
          }
        };
        const connect = thrown(() => peer.connect('ck-other'));
        const list = thrown(() => peer.listAllPeers());
        peer.destroy();
        const withoutId = new Peer(options);
        const error = await new Promise<{ type: string; message: string }>((resolve) =>
          withoutId.on('error', (e: { type: string; message: string }) =>
            resolve({ type: e.type, message: e.message }),
          ),
        );
        return { connect, list, error };
      },
      { url: `${origin}/${chunk}`, port: 9 },
    );
    assert.equal(result.connect, NO_DATA_CONNECTIONS);
    assert.equal(result.list, NO_PEER_LIST);
    assert.deepEqual(result.error, { type: 'server-error', message: NO_ID_FROM_SERVER });
  });

  it('ignores a data connection another client offers; a media call after it still arrives', async () => {
    const result = await page.evaluate(
      async ({ url }) => {
        type Handler = (value: never) => void;
        const { Peer } = (await import(url)) as {
          Peer: new (
            id: string,
            options: object,
          ) => {
            on(event: string, fn: Handler): void;
            _handleMessage(message: object): void;
            destroy(): void;
          };
        };
        const peer = new Peer('ck-test', { host: '127.0.0.1', port: 9, path: '/', key: 'consultkit', debug: 0 });
        const seen: string[] = [];
        peer.on('connection', () => seen.push('connection'));
        peer.on('call', (call: { peer: string; metadata: unknown }) =>
          seen.push(`call from ${call.peer} ${JSON.stringify(call.metadata)}`),
        );
        peer.on('error', (e: { type: string }) => seen.push(`error ${e.type}`));
        const offer = (type: string, connectionId: string) =>
          peer._handleMessage({
            type: 'OFFER',
            src: 'ck-stranger',
            payload: { type, connectionId, serialization: 'binary', metadata: { screen: false }, sdp: {} },
          });
        offer('data', 'dc_1');
        // Sentinel: a media call offered after it (what PeerJS emits at once, before any answer).
        offer('media', 'mc_1');
        peer.destroy();
        return seen;
      },
      { url: `${origin}/${chunk}` },
    );
    assert.deepEqual(result, ['call from ck-stranger {"screen":false}']);
  });

  it('its emitter: listeners in order with their context, once, off, removeAllListeners', async () => {
    const result = await page.evaluate(
      async ({ url }) => {
        type Emitter = {
          on(event: string, fn: (...args: unknown[]) => void, context?: unknown): Emitter;
          once(event: string, fn: (...args: unknown[]) => void): Emitter;
          off(event: string, fn?: (...args: unknown[]) => void): Emitter;
          emit(event: string, ...args: unknown[]): boolean;
          removeAllListeners(event?: string): Emitter;
          destroy(): void;
        };
        const { Peer } = (await import(url)) as { Peer: new (id: string, options: object) => Emitter };
        const peer = new Peer('ck-test', { host: '127.0.0.1', port: 9, path: '/', key: 'consultkit', debug: 0 });
        const log: string[] = [];
        const context = { name: 'context' };
        const first = (n: unknown) => log.push(`first ${String(n)}`);
        peer.on('x', first);
        peer.once('x', (n) => log.push(`once ${String(n)}`));
        peer.on(
          'x',
          function (this: unknown) {
            log.push(this === context ? 'with its context' : 'without');
            peer.off('x', first); // from the next emission on
          },
          context,
        );
        const heard = [peer.emit('x', 1), peer.emit('x', 2), peer.emit('nobody')];
        peer.removeAllListeners('x');
        heard.push(peer.emit('x', 3));
        peer.destroy();
        return { log, heard };
      },
      { url: `${origin}/${chunk}` },
    );
    assert.deepEqual(result.log, ['first 1', 'once 1', 'with its context', 'with its context']);
    assert.deepEqual(result.heard, [true, true, false, false]);
  });
});
