/**
 * End to end, what a patient's join page loads and when (decision 47): the reference server as
 * `npm start` runs it, the CDN build it serves, Debian's Chromium driven by Playwright. The patient
 * joins by link; every script the page fetches is counted by file name (the CDN's chunks are named
 * for what they hold: `consult-chat-…`, `core-chat-…`, `call-shortcuts-panel-…`, `file-share-…`,
 * `files-…`, `recording-…`, `consult-recorder-…`, `screen-…`, `screen-share-…`, `tus-…`).
 *
 * - Up to the waiting room: none of the parts loaded on first use.
 * - Let in, the first frame decoded: `<screen-share>` (its button is enabled now) and the documents
 *   (`<file-share>` and core's `files`) arrive, after the frame; the chat (panel and core's: nobody
 *   wrote), the call shortcuts' list, the recording and core's screen sharing still not (the page
 *   has finished what it loads on admission: the documents' panel on screen is the sentinel).
 * - Used: opening the chat fetches the chat panel and core's chat; opening the call shortcuts'
 *   panel, its list; the clinician asking to record fetches the recording's parts, and the consent
 *   dialog shows.
 */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  admitWhenWaiting,
  clinicianPage,
  decodesFrames,
  joinToWaitingRoom,
  type RunningServer,
  startServerAndBrowser,
  stopServerAndBrowser,
  videoAppointment,
} from './support.js';

const STAFF_KEY = 'e2e-staff-key-e2e-staff-key-e2e-staff-key';
const SHOTS = process.env['CK_SCREENSHOTS'] ?? tmpdir();

/** The parts a consultation loads on first use, by their chunks' names (before `-[hash].js`). */
const ON_FIRST_USE = {
  chat: ['consult-chat', 'core-chat'],
  'call shortcuts panel': ['call-shortcuts-panel'],
  documents: ['file-share', 'files', 'tus'],
  recording: ['recording', 'recording-parts', 'consult-recorder'],
  'screen sharing (core)': ['screen'],
};

/** The scripts in `fetched` that are chunks called one of `names` (`name-[hash].js`, an 8-character hash). */
const among = (fetched: Set<string>, names: string[]) =>
  [...fetched].filter((file) => names.some((name) => new RegExp(`^${name}-[\\w-]{8}\\.js$`).test(file)));

describe('a join page loads the call first, and each part of it on first use', () => {
  let browser: Browser;
  let server: RunningServer;

  before(async () => {
    ({ server, browser } = await startServerAndBrowser({
      CONSULTKIT_STAFF_KEY: STAFF_KEY,
      CONSULTKIT_SEED_DEMO: 'on',
      // Whatever the time of the run, the first free video slot's link is already open.
      CONSULTKIT_JOIN_EARLY_MINUTES: '1440',
    }));
  });

  after(() => stopServerAndBrowser(server, browser));

  it('waiting room and first frame without chat, documents or recording; each fetched when used', async () => {
    // A confirmed video appointment and its join link (the outbox).
    const { booking, url } = await videoAppointment(server.url, STAFF_KEY, 'lazy');

    // The patient's page, every script it fetches from the CDN counted.
    const patientContext = await browser.newContext({ permissions: ['camera', 'microphone'] });
    const patient = await patientContext.newPage();
    patient.on('pageerror', (error) => console.error('[patient]', error.message));
    const fetched = new Set<string>();
    patient.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (request.resourceType() === 'script' || path.endsWith('.js'))
        fetched.add(path.slice(path.lastIndexOf('/') + 1));
    });
    await joinToWaitingRoom(patient, url);
    assert.ok(
      [...fetched].some((file) => /^consultation-[\w-]{8}\.js$/.test(file)),
      `core's consultation was fetched: ${[...fetched].join(', ')}`,
    );
    for (const [part, prefixes] of Object.entries(ON_FIRST_USE))
      assert.deepEqual(among(fetched, prefixes), [], `no ${part} in the waiting room`);
    assert.deepEqual(among(fetched, ['screen-share']), [], 'no <screen-share> before being let in');
    // The room's stand-in for the share button (disabled, as the element shows it before admission).
    const standIn = patient.locator('consult-room .screen-share-stand-in');
    assert.equal(await standIn.isDisabled(), true);
    await patient.screenshot({ path: join(SHOTS, 'lazy-consultation-waiting.png'), fullPage: true });

    // The clinician (a page with core alone) lets the patient in; both decode frames.
    const clinician = await clinicianPage(browser, server.url, STAFF_KEY, booking.id);
    await admitWhenWaiting(clinician);
    await patient
      .locator('consult-room [part~="status"]')
      .filter({ hasText: 'In the call.' })
      .waitFor({ timeout: 60_000 });
    await decodesFrames(patient);

    // After the first frame: the share button (enabled now) and the documents' panel.
    await patient.locator('consult-room screen-share [part~="toggle"]:enabled').waitFor({ timeout: 60_000 });
    await patient.locator('consult-room file-share').waitFor({ timeout: 60_000 });
    assert.equal(await standIn.count(), 0, 'the stand-in gone once <screen-share> is defined');
    await patient.screenshot({ path: join(SHOTS, 'lazy-consultation-in-call.png'), fullPage: true });
    assert.notDeepEqual(among(fetched, ['file-share']), [], '<file-share> fetched once in the call');
    assert.notDeepEqual(among(fetched, ['files']), [], "core's documents fetched once in the call");
    // The uploader waits for a first document; the chat, the recording and screen sharing for theirs.
    for (const part of ['chat', 'call shortcuts panel', 'recording', 'screen sharing (core)'] as const)
      assert.deepEqual(among(fetched, ON_FIRST_USE[part]), [], `no ${part} in the call before it is used`);
    assert.deepEqual(among(fetched, ['tus']), [], 'no uploader before a document is sent');

    // Used: the chat opened.
    await patient.locator('consult-room [part~="chat-toggle"]').click();
    await patient.locator('consult-room consult-chat [part~="field"]').waitFor({ timeout: 60_000 });
    assert.notDeepEqual(among(fetched, ['consult-chat']), [], 'the chat panel fetched when opened');
    assert.notDeepEqual(among(fetched, ['core-chat']), [], "core's chat fetched when opened (nobody had written)");
    assert.deepEqual(among(fetched, ON_FIRST_USE.recording), [], 'still no recording');

    // Used: the call shortcuts' panel opened; its list comes with its module.
    assert.deepEqual(among(fetched, ON_FIRST_USE['call shortcuts panel']), [], "no shortcuts' list before");
    await patient.locator('consult-room [part~="shortcuts"] summary').click();
    await patient.locator('consult-room [part~="shortcuts"] kbd').first().waitFor({ timeout: 60_000 });
    assert.notDeepEqual(
      among(fetched, ON_FIRST_USE['call shortcuts panel']),
      [],
      "the shortcuts' list fetched when opened",
    );
    await patient.screenshot({ path: join(SHOTS, 'lazy-consultation-shortcuts.png'), fullPage: true });

    // Used: the clinician asks to record; the patient's page fetches the recording's parts and asks.
    await clinician.evaluate(() =>
      (window as unknown as { consultation: { askToRecord(): Promise<void> } }).consultation.askToRecord(),
    );
    await patient.locator('consult-room consult-recorder [part~="agree"]').waitFor({ timeout: 60_000 });
    assert.notDeepEqual(among(fetched, ['recording-parts']), [], "core's recording fetched when asked");
    assert.notDeepEqual(among(fetched, ['consult-recorder']), [], '<consult-recorder> fetched when asked');
    assert.deepEqual(among(fetched, ON_FIRST_USE['screen sharing (core)']), [], 'nobody presented');

    await clinician.evaluate(() => (window as unknown as { consultation: { end(): void } }).consultation.end());
    await patientContext.close();
    await clinician.context().close();
  });
});
