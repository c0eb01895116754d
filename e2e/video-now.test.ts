/**
 * Video on the day, end to end in Chromium on the server as `npm start` runs it (demo practice):
 * reception starts a video consultation now from the vendor console's `<booking-desk>` (no booked slot), the link is
 * in the outbox at once; the patient opens it, checks devices and waits; the clinician opens the
 * room and lets them in; both sides decode remote frames.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  framesDecoded,
  type RunningServer,
  startServerAndBrowser,
  stopServerAndBrowser,
  signInToConsole,
} from './support.js';
import { DEV_STAFF_KEY as STAFF_KEY } from '../packages/server/src/config.js';

describe('video now, from the vendor console', () => {
  let browser: Browser;
  let server: RunningServer;

  before(async () => {
    ({ server, browser } = await startServerAndBrowser());
  });

  after(() => stopServerAndBrowser(server, browser));

  it('starts now, sends the link at once, and both sides see each other', async () => {
    const email = `now-${Date.now()}@example.org`;
    const staffContext = await browser.newContext({ permissions: ['camera', 'microphone'] });
    const consolePage = await staffContext.newPage();
    consolePage.on('pageerror', (error) => console.error('[console]', error.message));
    await consolePage.goto(`${server.url}/examples/vendor-console/`);
    await signInToConsole(consolePage);
    // The desk's "Start a video consultation now" form (in its shadow root; Playwright looks inside).
    const desk = consolePage.locator('booking-desk');
    await desk.getByRole('button', { name: 'Start a video consultation now' }).click();
    await consolePage.waitForFunction(() =>
      (
        document.querySelector('booking-desk')?.shadowRoot?.querySelector('#vn-schedule') as HTMLSelectElement | null
      )?.options[0]?.value.startsWith('Schedule/'),
    );
    await desk.getByLabel('First name').fill('Walk');
    await desk.getByLabel('Last name').fill('In');
    await desk.getByLabel('Date of birth').fill('1970-05-06');
    await desk.getByLabel('Email address').fill(email);
    await desk.getByLabel('Mobile number').fill('07700 900456');
    await desk.getByLabel('Send the link by').selectOption('both');
    const started = consolePage.evaluate(
      () =>
        new Promise<string>((resolve) =>
          document.addEventListener(
            'ck-video-started',
            (event) => resolve((event as CustomEvent<{ booking: { id: string } }>).detail.booking.id),
            { once: true },
          ),
        ),
    );
    await desk.getByRole('button', { name: 'Start video now' }).click();
    const appointmentId = await started;
    assert.ok(appointmentId);
    const result = desk.locator('[part~="status"]');
    await result.filter({ hasText: 'Video consultation started' }).waitFor({ timeout: 10_000 });
    // Addresses are isolated in the sentence (U+2068 … U+2069, for right-to-left languages).
    const said = ((await result.textContent()) ?? '').replace(/[\u2068\u2069]/g, '');
    assert.match(said, new RegExp(`${email} and by text to 07700 900456`));

    // The link is in the outbox at once: e-mail and SMS.
    const outbox = (await (
      await fetch(`${server.url}/api/outbox`, { headers: { authorization: `Bearer ${STAFF_KEY}` } })
    ).json()) as { messages: { to: string; channel: string; text: string; appointmentId: string }[] };
    const mine = outbox.messages.filter((m) => m.appointmentId === appointmentId);
    assert.deepEqual(mine.map((m) => m.channel).sort(), ['email', 'sms']);
    const link = /Join: +(http:\/\/\S+\/join\/\S+)/.exec(mine.find((m) => m.channel === 'email')!.text)?.[1];
    assert.ok(link);

    // The patient joins and waits.
    const patientContext = await browser.newContext({ permissions: ['camera', 'microphone'] });
    const joinPage = await patientContext.newPage();
    joinPage.on('pageerror', (error) => console.error('[join]', error.message));
    await joinPage.goto(link.replace('localhost', '127.0.0.1'));
    await joinPage.getByRole('button', { name: 'Join your video appointment' }).click();
    await joinPage.locator('device-check [part~="continue"]').click({ timeout: 15_000 });
    await joinPage.locator('waiting-room').getByText('You are in the waiting room').waitFor({ timeout: 15_000 });

    // The clinician opens the room for it and lets the patient in.
    await consolePage.waitForFunction(
      (id) => [...(document.querySelector('#appointment') as HTMLSelectElement).options].some((o) => o.value === id),
      appointmentId,
      { timeout: 10_000 },
    );
    await consolePage.locator('#appointment').selectOption(appointmentId);
    await consolePage.getByRole('button', { name: 'Open the video room' }).click();
    await consolePage.locator('waiting-room').getByRole('button', { name: 'Let in' }).click({ timeout: 15_000 });

    for (const page of [joinPage, consolePage]) {
      await page
        .locator('consult-room [part~="status"]')
        .filter({ hasText: 'In the call.' })
        .waitFor({ timeout: 15_000 });
      await page.waitForFunction(
        async () => {
          const pc = (window as unknown as { consultation: { peerConnection: RTCPeerConnection | null } }).consultation
            .peerConnection;
          let frames = 0;
          (await pc?.getStats())?.forEach((r: { type: string; kind?: string; framesDecoded?: number }) => {
            if (r.type === 'inbound-rtp' && r.kind === 'video') frames += r.framesDecoded ?? 0;
          });
          return frames > 0;
        },
        undefined,
        { timeout: 10_000 },
      );
      const first = await framesDecoded(page);
      await page.waitForFunction(
        async (before) => {
          const pc = (window as unknown as { consultation: { peerConnection: RTCPeerConnection | null } }).consultation
            .peerConnection;
          let frames = 0;
          (await pc?.getStats())?.forEach((r: { type: string; kind?: string; framesDecoded?: number }) => {
            if (r.type === 'inbound-rtp' && r.kind === 'video') frames += r.framesDecoded ?? 0;
          });
          return frames > before;
        },
        first,
        { timeout: 10_000 },
      );
    }
    await staffContext.close();
    await patientContext.close();
  });
});
