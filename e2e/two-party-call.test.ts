/**
 * End to end: the reference server as `npm start` runs it, the two-party example in two browser
 * contexts (patient and clinician) of Debian's Chromium driven by Playwright; both see each other.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { framesDecoded, type RunningServer, startServerAndBrowser, stopServerAndBrowser } from './support.js';

describe('two-party call example, end to end', () => {
  let browser: Browser;
  let server: RunningServer;

  before(async () => {
    ({ server, browser } = await startServerAndBrowser());
  });

  after(() => stopServerAndBrowser(server, browser));

  it('the clinician lets the patient in; both see remote frames; hang up ends both', async () => {
    const room = `e2e${Date.now().toString(36)}`;
    const open = async (role: string) => {
      const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error(`[${role}] page error:`, error.message));
      await page.goto(`${server.url}/examples/two-party-call/?role=${role}&room=${room}`);
      await page.getByRole('button', { name: 'Join the call' }).click();
      return page;
    };
    const patient = await open('patient');
    const clinician = await open('clinician');
    await patient
      .locator('consult-room [part~="status"]')
      .filter({ hasText: 'waiting room' })
      .waitFor({ timeout: 15_000 });
    await clinician.getByRole('button', { name: 'Let the patient in' }).click();

    for (const page of [patient, clinician]) {
      // Playwright's locators pierce <consult-room>'s shadow root.
      await page
        .locator('consult-room [part~="status"]')
        .filter({ hasText: 'In the call.' })
        .waitFor({ timeout: 15_000 });
      // A remote participant's tile (not the mirrored self-view) shows their video.
      await page.waitForFunction(
        () => {
          // No named inner function: tsx would wrap it in a helper the page does not have.
          const roots: (Document | ShadowRoot)[] = [document];
          for (let i = 0; i < roots.length; i++) {
            for (const element of roots[i]!.querySelectorAll('*')) {
              if (element.shadowRoot) roots.push(element.shadowRoot);
              if (
                element instanceof HTMLVideoElement &&
                !element.hasAttribute('data-mirror') &&
                element.videoWidth > 0
              ) {
                return true;
              }
            }
          }
          return false;
        },
        undefined,
        { timeout: 10_000 },
      );
    }
    for (const page of [patient, clinician]) {
      const first = await framesDecoded(page);
      await page.waitForTimeout(1000);
      assert.ok((await framesDecoded(page)) > first, 'remote frames keep being decoded');
    }

    await clinician.getByRole('button', { name: 'End for everyone' }).click();
    await patient
      .locator('consult-room [part~="status"]')
      .filter({ hasText: 'The consultation has ended.' })
      .waitFor({ timeout: 10_000 });
    await clinician
      .locator('consult-room [part~="status"]')
      .filter({ hasText: 'The consultation has ended.' })
      .waitFor({ timeout: 5_000 });
  });
});
