/**
 * End to end, the whole journey on the reference server as `npm start` runs it (demo practice
 * seeded), in Debian's Chromium driven by Playwright:
 *
 * 1. a patient books a video appointment on the practice website (`<slot-picker>`);
 * 2. the receptionist confirms it in the vendor console (`<booking-desk>`); the outbox holds the
 *    confirmation with the join link;
 * 3. the patient opens the link, checks devices, waits; the clinician opens the room in the
 *    console and lets them in; both see frames; the clinician hangs up; the appointment is
 *    `fulfilled`.
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

interface Outbox {
  messages: { to: string; subject: string; text: string }[];
}

describe('from booking to consultation, end to end', () => {
  let browser: Browser;
  let server: RunningServer;

  before(async () => {
    ({ server, browser } = await startServerAndBrowser({
      // Whatever the time of the run, the first free slot's link is already open.
      CONSULTKIT_JOIN_EARLY_MINUTES: '1440',
    }));
  });

  after(() => stopServerAndBrowser(server, browser));

  const outbox = async (): Promise<Outbox> =>
    (await (
      await fetch(`${server.url}/api/outbox`, { headers: { authorization: `Bearer ${STAFF_KEY}` } })
    ).json()) as Outbox;

  it('books, confirms, joins by link, is let in, talks, and is fulfilled', async () => {
    const email = `e2e-${Date.now()}@example.org`;

    // 1. The patient books on the practice website.
    const patientContext = await browser.newContext({ permissions: ['camera', 'microphone'] });
    const website = await patientContext.newPage();
    website.on('pageerror', (error) => console.error('[website]', error.message));
    await website.goto(`${server.url}/examples/practice-website/`);
    const picker = website.locator('slot-picker');
    await picker.locator('[part~="time"]').first().waitFor({ timeout: 15_000 });
    // Choose a time that offers video: the first one whose clinician is a GP (the nurse does not).
    const times = picker.locator('[part~="time"]');
    // (Which times come first depends on the hour: try until one offers video.)
    const video = picker.getByLabel('Video call');
    await times.first().click();
    for (let i = 1; i < 12 && !(await video.count()); i++) {
      await picker.getByRole('button', { name: 'Back' }).click();
      await times.nth(i).click();
    }
    await picker.getByLabel('First name').fill('Ada');
    await picker.getByLabel('Last name').fill('Lovelace');
    await picker.getByLabel('Date of birth').fill('1985-12-10');
    await picker.getByLabel('Email address').fill(email);
    await picker.getByLabel('Phone number').fill('07700 900123');
    await picker.getByLabel('Video call').check();
    await picker.getByRole('button', { name: 'Book this time' }).click();
    await picker.getByText('Booking requested').waitFor({ timeout: 10_000 });
    const reference = (await picker.locator('[part~="reference"]').textContent())!.trim();
    assert.match(reference, /^CK-/);

    // 2. The receptionist confirms it in the vendor console.
    const staffContext = await browser.newContext({ permissions: ['camera', 'microphone'] });
    const consolePage = await staffContext.newPage();
    consolePage.on('pageerror', (error) => console.error('[console]', error.message));
    await consolePage.goto(`${server.url}/examples/vendor-console/`);
    await signInToConsole(consolePage);
    const request = consolePage
      .locator('booking-desk [part~="pending"] li, booking-desk [part~="pending"] article')
      .filter({
        hasText: reference,
      });
    await request.first().waitFor({ timeout: 15_000 });
    await request.first().getByRole('button', { name: 'Confirm' }).click();
    let confirmation: Outbox['messages'][number] | undefined;
    for (let i = 0; i < 50 && !confirmation; i++) {
      confirmation = (await outbox()).messages.find((m) => m.to === email);
      if (!confirmation) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.ok(confirmation, 'the outbox holds the confirmation');
    assert.match(confirmation.text, new RegExp(reference));
    const link = /Join: +(http:\/\/\S+\/join\/\S+)/.exec(confirmation.text)?.[1];
    assert.ok(link, `a join link in: ${confirmation.text}`);

    // 3. The patient opens the link (the page only), then joins deliberately.
    const joinPage = await patientContext.newPage();
    joinPage.on('pageerror', (error) => console.error('[join]', error.message));
    await joinPage.goto(link.replace('localhost', '127.0.0.1'));
    await joinPage.getByRole('button', { name: 'Join your video appointment' }).click();
    await joinPage.locator('device-check [part~="continue"]').click({ timeout: 15_000 });
    await joinPage.locator('waiting-room').getByText('You are in the waiting room').waitFor({ timeout: 15_000 });

    // The clinician opens the room for that appointment, sees the patient waiting, lets them in.
    // The console's list followed the desk's confirmation: no Refresh needed.
    await consolePage.waitForFunction(
      () => (document.querySelector('#appointment') as HTMLSelectElement).options[0]?.value !== '',
      undefined,
      { timeout: 10_000 },
    );
    await consolePage.getByRole('button', { name: 'Open the video room' }).click();
    // The room is brought into view (below the fold on a laptop) with focus.
    await consolePage.waitForFunction(() => {
      const room = document.querySelector('#room')!;
      return document.activeElement === room && room.getBoundingClientRect().top < innerHeight / 2;
    });
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
      await page.waitForTimeout(700);
      assert.ok((await framesDecoded(page)) > first, 'remote frames keep being decoded');
    }

    // The appointment went arrived when the patient entered the waiting room…
    const appointmentId = await consolePage.evaluate(
      () => (document.querySelector('#appointment') as HTMLSelectElement).value,
    );
    const status = async () =>
      (
        (await (
          await fetch(`${server.url}/fhir/Appointment/${appointmentId}`, {
            headers: { authorization: `Bearer ${STAFF_KEY}` },
          })
        ).json()) as { status: string }
      ).status;
    assert.equal(await status(), 'arrived');

    // The patient's status box follows the call.
    await joinPage.locator('waiting-room').getByText('You are in the consultation').waitFor({ timeout: 10_000 });

    // …and is fulfilled when the patient hangs up (leaves, after being let in: the server marks
    // it). A patient's hang-up is leaving, not ending (docs/consultation.md): the clinician ends
    // the consultation with their own. Both sides are told what happens next, and the call
    // controls go.
    await joinPage.locator('consult-room').getByRole('button', { name: 'Hang up' }).click();
    await joinPage.locator('waiting-room').getByText('You can close this page').waitFor({ timeout: 10_000 });
    await consolePage.locator('consult-room').getByRole('button', { name: 'End for everyone' }).click();
    await consolePage
      .locator('consult-room [part~="status"]')
      .filter({ hasText: 'open the next appointment' })
      .waitFor({ timeout: 10_000 });
    for (const page of [joinPage, consolePage]) {
      for (const name of ['Hang up', 'End for everyone']) {
        assert.equal(await page.locator('consult-room').getByRole('button', { name }).count(), 0);
      }
    }
    let final = await status();
    for (let i = 0; i < 20 && final !== 'fulfilled'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      final = await status();
    }
    assert.equal(final, 'fulfilled');
    // The console's list follows: the seen appointment leaves it without Refresh.
    await consolePage.waitForFunction(
      (id) => ![...(document.querySelector('#appointment') as HTMLSelectElement).options].some((o) => o.value === id),
      appointmentId,
      { timeout: 10_000 },
    );
  });
});
