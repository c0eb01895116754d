/**
 * End to end, recording consent (docs/recording.md, "Consent"): two Chromium pages with
 * `<consult-room>` (and its `<consult-recorder>`) from the server's own `/cdn/consult-room.js`, a
 * real ConsultKit server, a booked appointment, real peers. The clinician asks from the room's
 * controls; the patient's page shows the consent dialog; they agree: both pages show the
 * "Recording" indicator and the server holds a recording. The patient presses "Stop my consent":
 * it stops on both pages, announced, and the recording's row is ended. axe on the recorder in each
 * state; screenshots (phone and desktop) written to `$CK_SCREENSHOTS` (default: the system's
 * temporary folder). Skipped, saying why, without Chromium.
 */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEFAULT_SERVE, type ConsultKitServer } from '../packages/server/src/app.js';
import {
  seedBookingFixture,
  startTestServer,
  TEST_NOW,
  type BookingFixture,
} from '../packages/server/src/test-helpers.js';
import { admitWhenWaiting, videoAppointment } from './janus-support.js';
import { axeViolations } from './support.js';
// @ts-expect-error -- plain ESM helper without types
import { CHROME_ARGS, findChrome, NO_CHROME_MESSAGE } from '../scripts/chrome.mjs';

const executablePath = findChrome() as string | null;
const noChrome = executablePath ? undefined : (NO_CHROME_MESSAGE as string);
const SHOTS = process.env['CK_SCREENSHOTS'] ?? tmpdir();
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

/** In the page: a `Consultation` from the ticket or the link (redeemed), shown by `<consult-room>`, joined. */
const IN_PAGE = `async (args) => {
  const { Consultation } = await import('/cdn/consult-room.js');
  const ticket = args.ticket ?? (await Consultation.redeem(location.origin, args.link));
  const consultation = new Consultation({ server: location.origin, ticket });
  window.consultation = consultation;
  document.body.replaceChildren();
  const room = document.createElement('consult-room');
  room.setAttribute('recording-retention-days', '30');
  room.consultation = consultation;
  document.body.append(room);
  await consultation.join();
  return ticket.peerId;
}`;

async function open(browser: Browser, origin: string, args: object, viewport: { width: number; height: number }) {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'], viewport });
  // Pages sending video on a shared, loaded machine answer slowly: generous timeouts.
  context.setDefaultTimeout(120_000);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  await page.goto(`${origin}/`);
  const peerId = (await page.evaluate(`(${IN_PAGE})(${JSON.stringify(args)})`)) as string;
  return { page, peerId };
}

/** axe on `<consult-recorder>` inside the room: the violations. */
const axe = (page: Page) => axeViolations(page, ['consult-room', 'consult-recorder']);

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SHOTS, `consult-recorder-${name}.png`), fullPage: true });

/** The live region's words in the page's recorder. */
const announced = (page: Page) =>
  page.locator('consult-recorder [part~="announcements"]').textContent({ timeout: 120_000 });

/** The recording state the page's core holds. */
const recording = (page: Page) =>
  page.evaluate(
    () =>
      (
        window as unknown as { consultation: { state: { get(): { recording: { status: string } | null } } } }
      ).consultation.state.get().recording,
  );

describe('recording consent, end to end', { skip: noChrome }, () => {
  let browser: Browser;
  let server: ConsultKitServer;
  let url: string;
  let fixture: BookingFixture;

  before(async () => {
    ({ server, url } = await startTestServer(
      { CONSULTKIT_SEED_DEMO: 'false', CONSULTKIT_JOIN_EARLY_MINUTES: '1440' },
      DEFAULT_SERVE,
      { now: () => TEST_NOW },
    ));
    fixture = await seedBookingFixture(server.storage);
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROME_ARGS as string[], headless: true });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the clinician asks, the patient agrees in the dialog: recording on both sides; the patient withdraws: stopped on both', async () => {
    const booked = await videoAppointment({ url }, fixture.gp.scheduleId, `recording-${Date.now()}@example.org`);

    const gp = await open(browser, url, { ticket: booked.clinician }, DESKTOP);
    const pt = await open(browser, url, { link: booked.patientLink }, PHONE);
    await admitWhenWaiting(gp.page, pt.peerId);
    for (const page of [gp.page, pt.page])
      await page.locator('consult-room [part~="status"]').filter({ hasText: 'In the call.' }).waitFor();

    // Before anyone asks: the clinician has the button, the patient sees nothing of recording.
    const record = gp.page.getByRole('button', { name: 'Record this consultation' });
    await record.waitFor();
    assert.equal(await pt.page.locator('consult-recorder [part~="indicator"]').count(), 0);
    assert.deepEqual(await axe(gp.page), []);
    await record.click();

    // The patient's dialog: modal, its heading focused, the words a patient needs.
    const dialog = pt.page.getByRole('dialog', { name: 'May we record this consultation?' });
    await dialog.waitFor();
    const words = (await dialog.textContent())!.replace(/[\u2068\u2069]/g, '').replace(/\s+/g, ' ');
    assert.match(words, /would like to record this video consultation/);
    assert.match(words, /Only you and the clinicians at the practice can watch it/);
    assert.match(words, /The practice keeps it for 30 days, then deletes it/);
    assert.match(words, /You can stop the recording at any time/);
    assert.equal(
      await pt.page.evaluate(() => {
        let active = document.activeElement;
        while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
        return active?.textContent?.trim();
      }),
      'May we record this consultation?',
    );
    // Not recorded yet: the clinician sees whom they wait for.
    await gp.page.locator('consult-recorder [part~="answers"]').filter({ hasText: 'has not answered yet' }).waitFor();
    assert.equal((await recording(gp.page))?.status, 'asking');
    assert.deepEqual(
      await server.storage.query('SELECT id FROM recording WHERE appointment_id = $1', [Number(booked.id)]),
      [],
    );
    assert.deepEqual(await axe(pt.page), []);
    assert.deepEqual(await axe(gp.page), []);
    await shot(pt.page, 'dialog-phone');
    await pt.page.setViewportSize(DESKTOP);
    await shot(pt.page, 'dialog-desktop');
    await pt.page.setViewportSize(PHONE);
    await shot(gp.page, 'asking-desktop');

    await dialog.getByRole('button', { name: 'I agree to recording' }).click();

    // Recording on both sides: the indicator says so in words, and it is announced.
    for (const page of [gp.page, pt.page]) {
      await page.locator('consult-recorder [part~="indicator"]').filter({ hasText: 'Recording' }).waitFor();
      assert.equal(await announced(page), 'Recording started.');
    }
    await pt.page.getByRole('button', { name: 'Stop my consent' }).waitFor();
    await gp.page.getByRole('button', { name: 'Stop recording' }).waitFor();
    const [row] = await server.storage.query<{ id: string; capture: string }>(
      'SELECT id, capture FROM recording WHERE appointment_id = $1',
      [Number(booked.id)],
    );
    assert.equal(row?.capture, 'composite');
    assert.deepEqual(await axe(pt.page), []);
    assert.deepEqual(await axe(gp.page), []);
    await shot(pt.page, 'recording-phone');
    await shot(gp.page, 'recording-desktop');

    // The patient withdraws: it stops on both sides, said on both.
    await pt.page.getByRole('button', { name: 'Stop my consent' }).click();
    for (const page of [gp.page, pt.page])
      await page.waitForFunction(() => {
        const el = document.querySelector('consult-room')?.shadowRoot?.querySelector('consult-recorder');
        return !!el && !el.shadowRoot?.querySelector('[part~="indicator"]');
      });
    await pt.page
      .locator('consult-recorder [part~="announcements"]')
      .filter({ hasText: 'Recording stopped: you withdrew your consent.' })
      .waitFor();
    const said = (await announced(gp.page))!.replace(/[\u2068\u2069]/g, '');
    assert.match(said, /^Recording stopped: .+ withdrew consent\.$/);
    assert.equal((await recording(gp.page))?.status, 'stopped');
    await server.rooms.recordingWritten();
    const [ended] = await server.storage.query<{ end_reason: string }>(
      'SELECT end_reason FROM recording WHERE id = $1',
      [row!.id],
    );
    assert.equal(ended?.end_reason, 'withdrawn');
    await shot(gp.page, 'stopped-desktop');
  });
});
