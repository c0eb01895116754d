/**
 * The Content Security Policy in a real browser: every page the server serves runs its own scripts
 * with no violation, and a script an attacker gets into the page (an injected inline script, an
 * event-handler attribute, a `javascript:` URL, a script from another origin) never runs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type RunningServer, startServerAndBrowser, stopServerAndBrowser } from './support.js';

const PAGES: [string, string][] = [
  ['/', 'h1'],
  ['/examples/practice-website/', 'slot-picker'],
  ['/examples/vendor-console/', '#sign-in'],
  ['/examples/two-party-call/', 'consult-room'],
  ['/join/eyJhbGciOiJFZERTQSJ9.e30.c2ln', '#begin'],
  ['/check', 'device-check'],
];

/** Violations the page reported (recorded from before its first script runs). */
const violations = (page: Page) => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);

describe('Content Security Policy in Chromium', () => {
  let browser: Browser;
  let server: RunningServer;

  before(async () => {
    ({ server, browser } = await startServerAndBrowser());
  });

  after(() => stopServerAndBrowser(server, browser));

  for (const [path, ready] of PAGES) {
    it(`${path}: its own scripts run with no violation; injected ones are blocked`, async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.addInitScript(() => {
        const list: string[] = [];
        (window as unknown as { __violations: string[] }).__violations = list;
        document.addEventListener('securitypolicyviolation', (event) =>
          list.push(`${event.violatedDirective} ${event.blockedURI}`),
        );
      });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${server.url}${path}`);
      await page.locator(ready).first().waitFor({ state: 'attached', timeout: 15_000 });
      if (path !== '/') {
        // The page's module scripts ran: its custom elements are defined.
        await page.waitForFunction(
          () =>
            customElements.get('consult-room') ||
            customElements.get('slot-picker') ||
            customElements.get('booking-desk') ||
            customElements.get('device-check'),
          undefined,
          { timeout: 15_000 },
        );
      }
      assert.deepEqual(await violations(page), [], 'the page itself breaks no rule');
      assert.deepEqual(errors, []);

      // The attacks: each would set window.pwned if it ran.
      await page.evaluate((origin) => {
        const inline = document.createElement('script');
        inline.textContent = 'window.pwned = "inline"';
        document.body.append(inline);
        const handler = document.createElement('img');
        handler.setAttribute('onerror', 'window.pwned = "handler"');
        handler.src = 'data:,not-an-image';
        document.body.append(handler);
        const link = document.createElement('a');
        link.href = 'javascript:window.pwned="javascript-url"';
        document.body.append(link);
        link.click();
        const foreign = document.createElement('script');
        foreign.src = `${origin.replace('127.0.0.1', 'localhost')}/cdn/slot-picker.js?pwned`;
        document.body.append(foreign);
      }, server.url);
      await page.waitForFunction(
        () => (window as unknown as { __violations: string[] }).__violations.length >= 4,
        undefined,
        { timeout: 10_000 },
      );
      assert.equal(await page.evaluate(() => (window as unknown as { pwned?: string }).pwned), undefined);
      const seen = (await violations(page)).join('\n');
      assert.match(seen, /script-src-elem inline/);
      assert.match(seen, /script-src-attr inline/);
      assert.match(seen, /localhost/);
      await context.close();
    });
  }
});
