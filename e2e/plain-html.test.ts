/**
 * The plain HTML page (`examples/plain-html/`): one script tag, `/cdn/consultkit.js`, and nothing
 * else. The loader fetches `<slot-picker>`'s code when the tag is seen; a patient books; an element
 * added later comes with no second Lit. Every CDN file the page loads is the one
 * `cdn-manifest.json` names (its SRI hash), hashed chunks are served as immutable, and each names
 * its source map in a `SourceMap` header, not in a comment (decision 46).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Response } from 'playwright-core';
import { axeViolations as axe, cspViolations, startServer, watchedPage, type RunningServer } from './support.js';
// @ts-expect-error -- plain ESM helper without types
import { CHROME_ARGS, findChrome, NO_CHROME_MESSAGE } from '../scripts/chrome.mjs';

interface Manifest {
  version: string;
  entries: string[];
  files: Record<string, { integrity: string; immutable: boolean }>;
}

/** Lit's modules each record their version on the page: one entry per copy of Lit loaded. */
const LIT_MARKER = 'litHtmlVersions';

describe('plain HTML page, one script tag', () => {
  const executablePath = findChrome() as string | null;
  let browser: Browser;
  let server: RunningServer;

  before(async () => {
    assert.ok(executablePath, NO_CHROME_MESSAGE);
    server = await startServer();
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROME_ARGS, headless: true });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('loads the picker through consultkit.js, books, and loads one Lit for two elements', async () => {
    const manifest = (await (await fetch(`${server.url}/cdn/cdn-manifest.json`)).json()) as Manifest;
    const html = await (await fetch(`${server.url}/examples/plain-html/`)).text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
    assert.deepEqual(scripts, ['<script type="module" src="/cdn/consultkit.js">'], 'one script tag, the loader');

    const { context, page, errors } = await watchedPage(browser, {});
    const scriptsLoaded: { path: string; response: Response }[] = [];
    page.on('response', (response) => {
      const path = new URL(response.url()).pathname;
      if (path.startsWith('/cdn/') && path.endsWith('.js')) scriptsLoaded.push({ path, response });
    });
    await page.goto(`${server.url}/examples/plain-html/`);

    // The patient books the first time offered (any way of consulting: the first one offered).
    const picker = page.locator('slot-picker');
    await picker.locator('[part~="time"]').first().waitFor({ timeout: 30_000 });
    assert.deepEqual(await axe(page), [], 'the page with its times: axe clean');
    await picker.locator('[part~="time"]').first().click();
    await picker.getByLabel('First name').fill('Grace');
    await picker.getByLabel('Last name').fill('Hopper');
    await picker.getByLabel('Date of birth').fill('1986-12-09');
    await picker.getByLabel('Email address').fill(`plain-${Date.now()}@example.org`);
    await picker.getByLabel('Phone number').fill('07700 900456');
    await picker.locator('input[name="deliveryChannel"]').first().check();
    await picker.getByRole('button', { name: 'Book this time' }).click();
    await picker.getByText('Booking requested').waitFor({ timeout: 30_000 });
    assert.match((await picker.locator('[part~="reference"]').textContent())!.trim(), /^CK-/);
    assert.deepEqual(await axe(page), [], 'the page with its confirmation: axe clean');

    // Another element appears later: the loader fetches its code, which shares the page's Lit.
    // (Its being defined is the sentinel: its code, and any Lit it brought, has arrived.)
    await page.evaluate(() => document.body.append(document.createElement('waiting-room')));
    await page.waitForFunction(() => customElements.get('waiting-room') !== undefined, undefined, { timeout: 30_000 });
    await page.waitForLoadState('networkidle');

    const paths = scriptsLoaded.map((loaded) => loaded.path);
    assert.ok(paths.includes('/cdn/slot-picker.js'), `the picker's entry was loaded: ${paths.join(', ')}`);
    assert.ok(paths.includes('/cdn/waiting-room.js'), `the waiting room's entry was loaded: ${paths.join(', ')}`);
    assert.ok(!paths.includes('/cdn/consult-room.js'), 'no code for an element the page does not show');
    assert.equal(new Set(paths).size, paths.length, `each file fetched once: ${paths.join(', ')}`);

    let lits = 0;
    for (const { path, response } of scriptsLoaded) {
      const body = await response.body();
      const file = path.slice('/cdn/'.length);
      if (body.toString('utf8').includes(LIT_MARKER)) lits++;
      const listed = manifest.files[file];
      assert.ok(listed, `${file} is in cdn-manifest.json`);
      assert.equal(`sha384-${createHash('sha384').update(body).digest('base64')}`, listed.integrity, `${file}'s SRI`);
      const cache = response.headers()['cache-control'];
      if (listed.immutable) assert.equal(cache, 'public, max-age=31536000, immutable', file);
      else assert.doesNotMatch(cache ?? '', /immutable/, file);
      // No source map comment in the files (decision 46): the server names each map in a header.
      assert.doesNotMatch(body.toString('utf8'), /sourceMappingURL/, file);
      const map = response.headers()['sourcemap'];
      assert.equal(map, `${file.split('/').at(-1)}.map`, `${file}'s SourceMap header`);
      const mapped = await fetch(new URL(map!, `${server.url}${path}`));
      assert.equal(mapped.status, 200, `${file}'s map`);
      assert.equal(((await mapped.json()) as { version: number }).version, 3, `${file}'s map`);
    }
    assert.equal(lits, 1, 'one file with Lit in it');
    assert.ok(
      scriptsLoaded.some(({ path }) => manifest.files[path.slice('/cdn/'.length)]?.immutable),
      'hashed chunks were among them',
    );
    assert.deepEqual(
      await page.evaluate(() => (window as unknown as { litHtmlVersions?: string[] }).litHtmlVersions?.length),
      1,
    );

    assert.deepEqual(errors, []);
    assert.deepEqual(await cspViolations(page), []);
    await context.close();
  });
});
