/**
 * The clinician's self-view in the vendor console paints frames, under Chromium's default autoplay
 * policy (the other tests run with `--autoplay-policy=no-user-gesture-required`, which hides this).
 *
 * Why it stayed black: Chromium does not start a muted `autoplay` video while it is off screen; it
 * waits until the video scrolls into view. At 1280×800 the room opened below the fold and nothing
 * brought it into view, so the self-view sat paused on a decoded but never presented frame
 * (`readyState` 4, `paused` true, `currentTime` 0). The room now calls `play()` itself whenever a
 * video has a stream and is paused, and the console scrolls the room into view on opening.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { type RunningServer, startServerAndBrowser, stopServerAndBrowser, signInToConsole } from './support.js';

describe('vendor console: the self-view plays', () => {
  let browser: Browser;
  let server: RunningServer;

  before(async () => {
    ({ server, browser } = await startServerAndBrowser(
      { CONSULTKIT_JOIN_EARLY_MINUTES: '1440' },
      {
        // The default autoplay policy: the one a clinician's browser has.
        chromeArgs: (args) => args.filter((arg) => !arg.startsWith('--autoplay-policy')),
      },
    ));
  });

  after(() => stopServerAndBrowser(server, browser));

  it('at 1280×800, the clinician sees their own video painting frames once the room opens', async () => {
    const context = await browser.newContext({
      permissions: ['camera', 'microphone'],
      viewport: { width: 1280, height: 800 },
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error('[console]', error.message));
    await page.goto(`${server.url}/examples/vendor-console/`);
    await signInToConsole(page);
    const desk = page.locator('booking-desk');
    await desk.getByRole('button', { name: 'Start a video consultation now' }).click();
    await page.waitForFunction(() =>
      (
        document.querySelector('booking-desk')?.shadowRoot?.querySelector('#vn-schedule') as HTMLSelectElement | null
      )?.options[0]?.value.startsWith('Schedule/'),
    );
    await desk.getByLabel('First name').fill('Self');
    await desk.getByLabel('Last name').fill('View');
    await desk.getByLabel('Date of birth').fill('1970-05-06');
    await desk.getByLabel('Email address').fill(`self-view-${Date.now()}@example.org`);
    await desk.getByLabel('Mobile number').fill('07700 900456');
    await desk.getByRole('button', { name: 'Start video now' }).click();
    await desk
      .locator('[part~="status"]')
      .filter({ hasText: 'Video consultation started' })
      .waitFor({ timeout: 15_000 });
    await page.waitForFunction(() => (document.querySelector('#appointment') as HTMLSelectElement).value !== '');
    await page.getByRole('button', { name: 'Open the video room' }).click();
    await page
      .locator('consult-room [part~="status"]')
      .filter({ hasText: 'Waiting for the patient' })
      .waitFor({ timeout: 15_000 });

    // A frame presented to the screen (requestVideoFrameCallback fires only for painted frames),
    // by the self-view: the two-party preview, or this page's own tile in the grid.
    const painted = await page.evaluate(
      () =>
        new Promise<{ paused: boolean; width: number; bottom: number }>((resolve, reject) => {
          const room = document.querySelector('consult-room')!.shadowRoot!;
          const tiles = room.querySelector('participant-grid')?.shadowRoot?.querySelectorAll('participant-tile') ?? [];
          const own = [...tiles].find(
            (t) => (t as unknown as { participant?: { isLocal: boolean } }).participant?.isLocal,
          );
          const video = (own?.shadowRoot ?? room).querySelector<HTMLVideoElement>(
            own ? 'video' : '[part~="local-video"]',
          )!;
          const timer = setTimeout(() => reject(new Error(`no frame painted; paused: ${video.paused}`)), 15_000);
          video.requestVideoFrameCallback((_now, metadata) => {
            clearTimeout(timer);
            resolve({ paused: video.paused, width: metadata.width, bottom: video.getBoundingClientRect().bottom });
          });
        }),
    );
    assert.equal(painted.paused, false);
    assert.equal(painted.width, 640);
    assert.ok(painted.bottom <= 800, `the self-view is above the fold (its bottom at ${painted.bottom})`);
    await context.close();
  });
});
