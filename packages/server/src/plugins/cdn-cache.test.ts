/**
 * `/cdn/` cache headers (decision 32): what the elements' CDN build marks content-hashed in its
 * `cdn-manifest.json` is immutable for a year; entries, translations and the manifest get a short
 * age; a script with its source map beside it names the map in a `SourceMap` header (decision 46).
 * A CDN folder of our own (not the build's), so the test holds whatever the build makes.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ConsultKitServer } from '../app.js';
import { startTestServer } from '../test-helpers.js';
import { IMMUTABLE, SHORT } from './cdn-cache.js';

describe('/cdn/ cache headers', () => {
  let server: ConsultKitServer;
  let url: string;
  const dir = mkdtempSync(join(tmpdir(), 'consultkit-cdn-'));

  before(async () => {
    mkdirSync(join(dir, 'locales'));
    const files = {
      'slot-picker.js': 'export const entry = 1;',
      'lit-AbCd1234.js': 'export const chunk = 1;',
      'locales/cy.js': 'export const templates = {};',
      // The build writes maps without a `sourceMappingURL` comment; the server names them.
      'lit-AbCd1234.js.map': '{"version":3,"sources":[],"names":[],"mappings":""}',
      'locales/cy.js.map': '{"version":3,"sources":[],"names":[],"mappings":""}',
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    writeFileSync(
      join(dir, 'cdn-manifest.json'),
      JSON.stringify({
        entries: ['slot-picker.js'],
        files: {
          'slot-picker.js': { integrity: 'sha384-x', immutable: false },
          'lit-AbCd1234.js': { integrity: 'sha384-y', immutable: true },
          'locales/cy.js': { integrity: 'sha384-z', immutable: false },
        },
      }),
    );
    ({ server, url } = await startTestServer({}, { cdnDir: dir }));
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a hashed chunk as immutable for a year, and the stable entries for a minute', async () => {
    const chunk = await fetch(`${url}/cdn/lit-AbCd1234.js`);
    assert.equal(chunk.status, 200);
    assert.equal(chunk.headers.get('cache-control'), IMMUTABLE);
    assert.match(chunk.headers.get('content-type') ?? '', /javascript/);
    assert.equal(await chunk.text(), 'export const chunk = 1;');
    for (const path of ['slot-picker.js', 'locales/cy.js', 'cdn-manifest.json']) {
      const response = await fetch(`${url}/cdn/${path}`);
      assert.equal(response.status, 200, path);
      assert.equal(response.headers.get('cache-control'), SHORT, path);
      await response.arrayBuffer();
    }
  });

  it("names a script's source map in a SourceMap header when the map is beside it, and only then", async () => {
    const chunk = await fetch(`${url}/cdn/lit-AbCd1234.js`);
    assert.equal(chunk.headers.get('sourcemap'), 'lit-AbCd1234.js.map');
    await chunk.arrayBuffer();
    // Relative to the script's URL: a translation's map is beside it in `locales/`.
    const locale = await fetch(`${url}/cdn/locales/cy.js`);
    assert.equal(locale.headers.get('sourcemap'), 'cy.js.map');
    await locale.arrayBuffer();
    const map = await fetch(new URL(chunk.headers.get('sourcemap') ?? '', `${url}/cdn/lit-AbCd1234.js`));
    assert.equal(map.status, 200);
    assert.equal(((await map.json()) as { version: number }).version, 3);
    // No map beside the entry, and none for what is not a script: no header.
    for (const path of ['slot-picker.js', 'lit-AbCd1234.js.map', 'cdn-manifest.json', 'nope-AbCd1234.js']) {
      const response = await fetch(`${url}/cdn/${path}`);
      assert.ok(response.status < 500, path);
      assert.equal(response.headers.get('sourcemap'), null, path);
      await response.arrayBuffer();
    }
  });

  it('gives a stranger nothing outside the folder and no 5xx for odd paths and parameters', async () => {
    for (const path of [
      '/cdn/nope-AbCd1234.js',
      '/cdn/../package.json',
      '/cdn/%2e%2e/%2e%2e/package.json',
      '/cdn/lit-AbCd1234.js%00.map',
      '/cdn/lit-AbCd1234.js?v=1&v=2&v[]=3',
      '/cdn/?x=1',
    ]) {
      const response = await fetch(`${url}${path}`);
      const text = await response.text();
      assert.ok(response.status < 500, `${path}: ${response.status}`);
      assert.doesNotMatch(text, /"workspaces"|"devDependencies"/, path);
      if (response.status === 200) assert.equal(response.headers.get('cache-control'), IMMUTABLE, path);
    }
  });
});
