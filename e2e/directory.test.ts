/**
 * End to end, the staff directory, presence and calling a colleague in (docs/staff.md, decision
 * 0042): Chromium pages with `<clinician-directory>` from the server's own
 * `/cdn/clinician-directory.js`, against a real ConsultKit server on PGlite; staff act as named
 * practitioners with the staff key and the acting-practitioner header (the seam until OIDC).
 *
 * - Presence: one clinician sets "Busy" in their directory; another browser's directory shows it
 *   live (the time it took is printed, never asserted); closing the first browser shows them
 *   offline, with a last-seen time. axe on the element in the browser after each change.
 * - Calling a colleague in: a GP in a running consultation with a patient presses "Call in" beside
 *   a dermatologist; her directory shows the request; she presses Join, which opens the room in her
 *   console as a guest of kind specialist; the GP lets her in and she decodes the GP's and the
 *   patient's video frames; her presence becomes "in a consultation" for the others.
 *
 * Skipped, saying why, without Chromium. Screenshots go to `$CK_SCREENSHOTS` (default: the
 * system's temporary folder).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEFAULT_SERVE, type ConsultKitServer } from '../packages/server/src/app.js';
import { BookingRepository } from '../packages/server/src/booking/repository.js';
import { addPractitionerRole } from '../packages/server/src/staff/directory.js';
import { StaffAccounts } from '../packages/server/src/staff/accounts.js';
import { seedBookingFixture, startTestServer, TEST_NOW, TEST_STAFF_KEY } from '../packages/server/src/test-helpers.js';
import { admitWhenWaiting, until, videoAppointment } from './janus-support.js';
import { axeViolations } from './support.js';
// @ts-expect-error -- plain ESM helper without types
import { CHROME_ARGS, findChrome, NO_CHROME_MESSAGE } from '../scripts/chrome.mjs';

const executablePath = findChrome() as string | null;
const noChrome = executablePath ? undefined : (NO_CHROME_MESSAGE as string);
const SHOTS = process.env['CK_SCREENSHOTS'] ?? tmpdir();
/** The machine is shared and loaded: conditions get long to come true, never a fixed wait. */
const LONG = 120_000;

/** In the page: `<clinician-directory>` for practitioner `me`, through the staff key naming them. */
const DIRECTORY = `async (args) => {
  await import('/cdn/clinician-directory.js');
  const el = document.createElement('clinician-directory');
  el.setAttribute('fhir-base', location.origin + '/fhir');
  el.setAttribute('me', args.me);
  if (args.consultation) el.setAttribute('consultation', args.consultation);
  el.staffKey = args.key;
  window.directoryEvents = [];
  for (const name of ['ck-called-in', 'ck-call-in-received'])
    el.addEventListener(name, (event) => window.directoryEvents.push({ name, detail: event.detail }));
  document.getElementById('directory').append(el);
}`;

/** In the page: a consultation from a ticket or a link (redeemed), shown by \`<consult-room>\`, joined. */
const ROOM = `async (args) => {
  const { Consultation } = await import('/cdn/consult-room.js');
  const ticket = args.ticket ?? (await Consultation.redeem(location.origin, args.link));
  const consultation = new Consultation({ server: location.origin, ticket });
  window.consultation = consultation;
  const room = document.createElement('consult-room');
  room.consultation = consultation;
  document.getElementById('room').append(room);
  await consultation.join();
  return ticket.peerId;
}`;

/** In the page: video frames decoded from each admitted participant, by peer id. */
const FRAMES = `async () => {
  const consultation = window.consultation;
  const state = consultation.state.get();
  const from = {};
  for (const p of state.participants) {
    const pc = consultation.peerConnectionWith(p.peerId);
    if (!pc || p.presence !== 'admitted') continue;
    let frames = 0;
    (await pc.getStats().catch(() => new Map())).forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') frames = Math.max(frames, s.framesDecoded ?? 0);
    });
    from[p.peerId] = frames;
  }
  return { status: state.status, from };
}`;

interface Console {
  context: BrowserContext;
  page: Page;
}

/** A staff console: a blank page of the server's origin with a place for the directory and the room. */
async function openConsole(browser: Browser, origin: string, label: string): Promise<Console> {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'], bypassCSP: true });
  context.setDefaultTimeout(LONG);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[${label}] page error:`, error.message));
  await page.goto(`${origin}/healthz`);
  await page.setContent('<main><div id="room"></div><div id="directory"></div></main>');
  return { context, page };
}

/** The presence a directory shows for `practitioner` (its words), or null. */
const shownPresence = (page: Page, practitioner: string) =>
  page.evaluate((id) => {
    const el = document.querySelector('clinician-directory');
    const row = el?.shadowRoot?.querySelector(`li[data-practitioner="${id}"] [part~="presence"]`);
    return row ? row.textContent!.replace(/\s+/g, ' ').trim() : null;
  }, practitioner);

/** axe on `<clinician-directory>`: the violations. */
const axe = (page: Page) => axeViolations(page, ['clinician-directory']);

describe('staff directory and presence, end to end', () => {
  let browser: Browser;
  let server: ConsultKitServer;
  let url = '';
  let dataDir = '';
  const people = { gp: '', nurse: '', dermatologist: '' };
  let gpSchedule = 0;
  const consoles: Console[] = [];

  before(async () => {
    if (noChrome) return;
    dataDir = await mkdtemp(join(tmpdir(), 'ck-directory-e2e-'));
    ({ server, url } = await startTestServer(
      { CONSULTKIT_SEED_DEMO: 'false', CONSULTKIT_JOIN_EARLY_MINUTES: '1440', CONSULTKIT_DATA_DIR: dataDir },
      DEFAULT_SERVE,
      { now: () => TEST_NOW },
    ));
    const fixture = await seedBookingFixture(server.storage);
    people.gp = String(fixture.gp.practitionerId);
    gpSchedule = fixture.gp.scheduleId;
    people.nurse = String(fixture.nurse.practitionerId);
    const dermatologist = await new BookingRepository(server.storage).createPractitioner({
      name: { prefix: ['Dr'], given: ['Grace'], family: 'Adeyemi' },
      qualification: 'GP with an extended role in dermatology',
    });
    people.dermatologist = String(dermatologist);
    const gp: [string, string] = ['394814009', 'General practice'];
    await addPractitionerRole(server.storage, {
      practitionerId: fixture.gp.practitionerId,
      code: 'doctor',
      display: 'Doctor',
      specialty: gp,
      occupation: ['62247001', 'General practitioner'],
    });
    await addPractitionerRole(server.storage, {
      practitionerId: fixture.nurse.practitionerId,
      code: 'nurse',
      display: 'Nurse',
      specialty: gp,
      occupation: ['224535009', 'Registered nurse'],
    });
    await addPractitionerRole(server.storage, {
      practitionerId: dermatologist,
      code: 'doctor',
      display: 'Doctor',
      specialty: ['394582007', 'Dermatology'],
      occupation: ['18803008', 'Dermatologist'],
    });
    // Members of staff, as their sign-in would make them (docs/staff.md, "Roles").
    const accounts = new StaffAccounts(server.storage, () => TEST_NOW);
    for (const id of Object.values(people)) await accounts.setRoles(Number(id), ['clinician']);
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROME_ARGS, headless: true });
  });

  after(async () => {
    for (const c of consoles) await c.context.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it(
    'a presence set in one browser is seen live in another; closing it shows offline with a last-seen time',
    { skip: noChrome, timeout: 600_000 },
    async () => {
      const nurse = await openConsole(browser, url, 'nurse');
      const gp = await openConsole(browser, url, 'gp');
      consoles.push(nurse, gp);
      await nurse.page.evaluate(`(${DIRECTORY})(${JSON.stringify({ me: people.nurse, key: TEST_STAFF_KEY })})`);
      await until(
        () => shownPresence(nurse.page, people.gp),
        (s) => s === 'Offline',
        'the GP offline to the nurse',
        LONG,
      );
      await gp.page.evaluate(`(${DIRECTORY})(${JSON.stringify({ me: people.gp, key: TEST_STAFF_KEY })})`);
      await until(
        () => shownPresence(nurse.page, people.gp),
        (s) => s === 'Available',
        'the GP online to the nurse',
        LONG,
      );
      assert.deepEqual(await axe(nurse.page), []);

      // The GP chooses "Busy" in their own directory, as a person would.
      const sent = Date.now();
      await gp.page.locator('clinician-directory').getByLabel('Your status').selectOption('busy');
      const seenAt = await until(
        () =>
          nurse.page.evaluate((id) => {
            const row = document
              .querySelector('clinician-directory')
              ?.shadowRoot?.querySelector(`li[data-practitioner="${id}"] [part~="presence"]`);
            return row?.textContent?.includes('Busy') ? Date.now() : 0;
          }, people.gp),
        (t) => t > 0,
        'Busy seen by the nurse',
        LONG,
      );
      console.log(`presence: "Busy" set in one browser was shown in the other after ${seenAt - sent} ms`);
      // Announced politely in the nurse's directory.
      await until(
        () => nurse.page.locator('clinician-directory [part~="status"]').textContent(),
        (text) => /is now busy/.test(text ?? ''),
        'the polite announcement',
        LONG,
      );
      assert.deepEqual(await axe(nurse.page), []);
      await nurse.page.screenshot({ path: join(SHOTS, 'clinician-directory-busy.png'), fullPage: true });

      const closed = Date.now();
      await gp.context.close();
      consoles.splice(consoles.indexOf(gp), 1);
      const offline = await until(
        () => shownPresence(nurse.page, people.gp),
        (s) => s !== null && s.startsWith('Offline'),
        'the GP offline again',
        LONG,
      );
      console.log(`presence: closing the browser showed "Offline" in the other after ${Date.now() - closed} ms`);
      assert.match(offline!, /Last seen/);
      assert.deepEqual(await axe(nurse.page), []);
      await nurse.page.screenshot({ path: join(SHOTS, 'clinician-directory-offline.png'), fullPage: true });
      await nurse.context.close();
      consoles.splice(consoles.indexOf(nurse), 1);
    },
  );

  it(
    'a colleague called into a running consultation joins as a specialist and decodes frames',
    { skip: noChrome, timeout: 600_000 },
    async () => {
      // A confirmed video appointment with the GP, now.
      const booked = await videoAppointment({ url }, gpSchedule, 'directory-e2e@example.org', {
        name: { given: ['Ada'], family: 'Lovelace' },
      });

      const gp = await openConsole(browser, url, 'gp');
      const patient = await openConsole(browser, url, 'patient');
      const dermatologist = await openConsole(browser, url, 'dermatologist');
      const watcher = await openConsole(browser, url, 'nurse');
      consoles.push(gp, patient, dermatologist, watcher);

      // The GP and the patient in the call.
      await gp.page.evaluate(`(${ROOM})(${JSON.stringify({ ticket: booked.clinician })})`);
      const patientPeer = (await patient.page.evaluate(
        `(${ROOM})(${JSON.stringify({ link: booked.patientLink })})`,
      )) as string;
      await admitWhenWaiting(gp.page, patientPeer);

      // Everyone's directory; the dermatologist's console joins a call-in in its own room.
      await watcher.page.evaluate(`(${DIRECTORY})(${JSON.stringify({ me: people.nurse, key: TEST_STAFF_KEY })})`);
      await until(
        () => shownPresence(watcher.page, people.gp),
        (s) => s === 'In a consultation',
        'the GP in a consultation',
        LONG,
      );
      await dermatologist.page.evaluate(
        `(${DIRECTORY})(${JSON.stringify({ me: people.dermatologist, key: TEST_STAFF_KEY })})`,
      );
      await dermatologist.page.evaluate(`(${ROOM_ON_JOIN})()`);
      await gp.page.evaluate(
        `(${DIRECTORY})(${JSON.stringify({ me: people.gp, key: TEST_STAFF_KEY, consultation: booked.id })})`,
      );
      await until(
        () => shownPresence(gp.page, people.dermatologist),
        (s) => s === 'Available',
        'the dermatologist online',
        LONG,
      );

      // The GP finds her by specialty and calls her in.
      const directory = gp.page.locator('clinician-directory');
      await directory.getByLabel('Specialty').selectOption('394582007');
      await directory.getByRole('button', { name: 'Search' }).click();
      await until(
        () => directory.locator('li').count(),
        (n) => n === 1,
        'one dermatologist found',
        LONG,
      );
      await directory
        .locator(`li[data-practitioner="${people.dermatologist}"]`)
        .getByRole('button', { name: 'Call in' })
        .click();
      await until(
        () => directory.locator('[part~="status"]').textContent(),
        (text) => /has been asked to join/.test(text ?? ''),
        'the GP told she was asked',
        LONG,
      );

      // She is told, and presses Join.
      const notice = dermatologist.page.locator('clinician-directory [part~="notice"]');
      await notice.waitFor({ timeout: LONG });
      // Names are isolated (U+2068 … U+2069) so that a right-to-left name keeps the sentence in order.
      assert.match(
        ((await notice.textContent()) ?? '').replace(/[\u2068\u2069]/g, ''),
        /Dr Ada Test asks you to join the consultation with Ada Lovelace/,
      );
      assert.deepEqual(await axe(dermatologist.page), []);
      await dermatologist.page.screenshot({ path: join(SHOTS, 'clinician-directory-call-in.png'), fullPage: true });
      await notice.getByRole('button', { name: 'Join' }).click();

      // She waits as a specialist guest; the GP lets her in; she decodes both others' video.
      const guestPeer = await until(
        () => dermatologist.page.evaluate(() => (window as unknown as { joinedAs?: string }).joinedAs ?? ''),
        (peer) => peer !== '',
        'the dermatologist in the room',
        LONG,
      );
      await admitWhenWaiting(gp.page, guestPeer);
      assert.equal(await guestKind(gp.page, guestPeer), 'specialist');
      const frames = await until(
        () => dermatologist.page.evaluate(`(${FRAMES})()`) as Promise<{ status: string; from: Record<string, number> }>,
        (seen) => Object.keys(seen.from).length >= 2 && Object.values(seen.from).every((n) => n > 0),
        'the dermatologist decodes the GP and the patient',
        LONG,
      );
      assert.equal(frames.status, 'in-call');
      // Her presence follows: in a consultation, to the others.
      await until(
        () => shownPresence(watcher.page, people.dermatologist),
        (s) => s === 'In a consultation',
        'the dermatologist in a consultation',
        LONG,
      );
      assert.deepEqual(await axe(gp.page), []);
    },
  );
});

/** In the dermatologist's console: Join on a call-in opens the room here, as the guest the link makes her. */
const ROOM_ON_JOIN = `() => {
  const el = document.querySelector('clinician-directory');
  el.addEventListener('ck-call-in-join', async (event) => {
    event.preventDefault();
    el.directory?.dismissCallIn?.(event.detail.notice.id);
    window.joinedAs = await (${ROOM})({ link: event.detail.notice.url });
  });
}`;

async function guestKind(page: Page, peerId: string): Promise<string | undefined> {
  return page.evaluate(
    (id) =>
      (
        window as unknown as {
          consultation: { state: { get(): { participants: { peerId: string; kind?: string }[] } } };
        }
      ).consultation.state
        .get()
        .participants.find((p) => p.peerId === id)?.kind,
    peerId,
  );
}
