/**
 * End to end, the three framework hosts (docs/decisions/0034-framework-hosts.md): the React 19,
 * Vue 3 and Angular examples, each built with its own tool against the npm build of
 * `@consultkit/elements` and `@consultkit/core`, served from an origin of their own (as a
 * vendor's app is) and talking to the reference server across origins (its CORS origins set to
 * theirs). For each one, in Debian's Chromium driven by Playwright:
 *
 * 1. a patient books a video appointment through `<slot-picker>` in the app; the app shows what
 *    its own event binding received (`onCkBooked` in React, `@ck-booked` in Vue, `(ck-booked)` in
 *    Angular): the booking reference the picker shows;
 * 2. the practice confirms it (the staff API, as the desk would) and the vendor's "backend" (this
 *    test) asks the server for the clinician's ticket with the staff key;
 * 3. the patient joins by the e-mailed link on the server's join page; the clinician joins in the
 *    app with the ticket, admits the patient from `<consult-room>`'s tile; both decode frames;
 *    the clinician ends the call; the app's event log shows each payload its binding received.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { StaffClient } from '../packages/core/src/booking/index.js';
import { axeViolations, framesDecoded, startServer, watchedPage, type RunningServer } from './support.js';
// @ts-expect-error -- plain ESM helper without types
import { CHROME_ARGS, findChrome, NO_CHROME_MESSAGE } from '../scripts/chrome.mjs';
// @ts-expect-error -- plain ESM helper without types
import { buildExample } from '../scripts/build-examples.mjs';
import { DEV_STAFF_KEY as STAFF_KEY } from '../packages/server/src/config.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FRAMEWORKS = ['react', 'vue', 'angular'] as const;
type Framework = (typeof FRAMEWORKS)[number];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** A static server for one built app on 127.0.0.1 (its own origin), with the app's page as fallback. */
async function serveApp(dir: string): Promise<{ origin: string; server: Server }> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    let file = normalize(join(dir, path));
    if (!file.startsWith(dir) || !existsSync(file) || statSync(file).isDirectory()) file = join(dir, 'index.html');
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** `#ticket=` as the examples read it: the ticket's JSON, base64url. */
const ticketFragment = (ticket: unknown) => `#ticket=${Buffer.from(JSON.stringify(ticket)).toString('base64url')}`;

/**
 * Each state of each app: axe finds no violation (the app's own markup and the elements in it),
 * and with `CK_SCREENSHOTS=<folder>` (as e2e/languages.test.ts) a picture of it is kept there.
 */
async function look(page: Page, name: string): Promise<void> {
  assert.deepEqual(await axeViolations(page), [], `axe on ${name}`);
  const folder = process.env['CK_SCREENSHOTS'];
  if (folder) await page.screenshot({ path: join(folder, `${name}.png`), fullPage: true });
}

/** The lines of the app's "What the … app heard" log of room events. */
const heard = (page: Page) => page.locator('[data-events] li').allTextContents();

describe('framework hosts (React 19, Vue 3, Angular), end to end', () => {
  const executablePath = findChrome() as string | null;
  let browser: Browser;
  let server: RunningServer;
  const apps = new Map<Framework, { origin: string; server: Server }>();
  let staff: StaffClient;

  before(async () => {
    assert.ok(executablePath, NO_CHROME_MESSAGE);
    const started = Date.now();
    // Each app built with its own tool; nothing is rebuilt when its inputs are unchanged.
    for (const framework of FRAMEWORKS) {
      const { built, seconds } = buildExample(framework) as { built: boolean; seconds: number };
      console.log(`frameworks: examples/${framework} ${built ? 'built' : 'up to date'} (${seconds.toFixed(1)} s)`);
      apps.set(framework, await serveApp(join(ROOT, 'examples', framework, 'dist')));
    }
    server = await startServer({
      CONSULTKIT_CORS_ORIGINS: [...apps.values()].map((app) => app.origin).join(','),
      // Whatever the time of the run, the booked slot's link is already open.
      CONSULTKIT_JOIN_EARLY_MINUTES: '1440',
    });
    staff = new StaffClient({
      baseUrl: `${server.url}/fhir`,
      headers: () => ({ authorization: `Bearer ${STAFF_KEY}` }),
    });
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROME_ARGS, headless: true });
    console.log(`frameworks: apps, server and browser ready (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    for (const app of apps.values()) await new Promise((resolve) => app.server.close(resolve));
  });

  it('the React wrappers are generated from the current custom-elements.json', () => {
    const check = spawnSync(process.execPath, ['scripts/react-wrappers.mjs', '--check'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.equal(check.status, 0, check.stderr);
  });

  for (const framework of FRAMEWORKS) {
    it(`${framework}: books through <slot-picker> and runs a two-party call through <consult-room>`, async () => {
      const app = apps.get(framework)!;
      const email = `e2e-${framework}-${Date.now()}@example.org`;
      const query = `?server=${encodeURIComponent(server.url)}`;

      // 1. The patient books in the app, on its own origin.
      const patient = await watchedPage(browser, { permissions: ['camera', 'microphone'] });
      const website = patient.page;
      await website.goto(`${app.origin}/${query}`);
      const picker = website.locator('slot-picker');
      const times = picker.locator('[part~="time"]');
      await times.first().waitFor({ timeout: 20_000 });
      // (Which times come first depends on the hour: try until one offers video.)
      const video = picker.getByLabel('Video call');
      await look(website, `${framework}-book`);
      await times.first().click();
      for (let i = 1; i < 12 && !(await video.count()); i++) {
        await picker.getByRole('button', { name: 'Back' }).click();
        await times.nth(i).click();
      }
      // The app's binding of ck-slot-selected received the slot.
      await website
        .locator('[data-event="ck-slot-selected"]')
        .filter({ hasText: 'Time chosen:' })
        .waitFor({ timeout: 10_000 });
      await picker.getByLabel('First name').fill('Ada');
      await picker.getByLabel('Last name').fill('Lovelace');
      await picker.getByLabel('Date of birth').fill('1985-12-10');
      await picker.getByLabel('Email address').fill(email);
      await picker.getByLabel('Phone number').fill('07700 900123');
      await picker.getByLabel('Video call').check();
      await picker.getByRole('button', { name: 'Book this time' }).click();
      await picker.getByText('Booking requested').waitFor({ timeout: 15_000 });
      const reference = (await picker.locator('[part~="reference"]').textContent())!.trim();
      assert.match(reference, /^CK-/);
      // The app's binding of ck-booked received the booking: its reference and status.
      const booked = website.locator('[data-event="ck-booked"]');
      await booked.waitFor({ timeout: 10_000 });
      assert.equal((await booked.textContent())!.trim(), `Booking ${reference} is pending.`);
      await look(website, `${framework}-booked`);

      // 2. The practice confirms it; the confirmation e-mail carries the patient's join link.
      const pending = await staff.listAppointments({ status: 'pending' });
      const booking = pending.find((b) => b.reference === reference);
      assert.ok(booking, `the pending request ${reference} is on the practice's list`);
      await staff.confirm(booking.id);
      let link: string | undefined;
      for (let i = 0; i < 100 && !link; i++) {
        const outbox = (await (
          await fetch(`${server.url}/api/outbox`, { headers: { authorization: `Bearer ${STAFF_KEY}` } })
        ).json()) as { messages: { to: string; text: string }[] };
        const text = outbox.messages.find((m) => m.to === email)?.text ?? '';
        link = /Join: +(http:\/\/\S+\/join\/\S+)/.exec(text)?.[1];
        if (!link) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      assert.ok(link, 'the outbox holds the confirmation with a join link');
      // The vendor's backend asks for the clinician's ticket with the staff key.
      const response = await fetch(`${server.url}/api/consultations/${booking.id}/clinician-token`, {
        method: 'POST',
        headers: { authorization: `Bearer ${STAFF_KEY}` },
      });
      assert.equal(response.status, 200);
      const ticket = (await response.json()) as { role: string; remotePeerId: string };
      assert.equal(ticket.role, 'clinician');

      // 3. The patient joins by the link on the server's join page and waits.
      const joinPage = await patient.context.newPage();
      await joinPage.goto(link.replace('localhost', '127.0.0.1'));
      await joinPage.getByRole('button', { name: 'Join your video appointment' }).click();
      await joinPage.locator('device-check [part~="continue"]').click({ timeout: 20_000 });
      await joinPage.locator('waiting-room').getByText('You are in the waiting room').waitFor({ timeout: 20_000 });

      // The clinician joins in the app with the ticket and admits the patient from the tile.
      const clinician = await watchedPage(browser, { permissions: ['camera', 'microphone'] });
      const room = clinician.page;
      // Without a ticket, or with one that is not one, the call view says what it needs.
      for (const fragment of [
        '',
        '#ticket=not%20a%20ticket',
        `#ticket=${Buffer.from('{"x":1}').toString('base64url')}`,
      ]) {
        // (A query of its own for each: a change of fragment alone would not load the page again.)
        await room.goto(`${app.origin}/${query}&view=call&case=${encodeURIComponent(fragment)}${fragment}`);
        await room.getByText('Open this page with the ticket your backend was given').waitFor({ timeout: 20_000 });
        assert.equal(await room.getByRole('button', { name: 'Join the consultation' }).count(), 0);
      }
      await look(room, `${framework}-no-ticket`);
      await room.goto(`${app.origin}/${query}&view=call${ticketFragment(ticket)}`);
      await room.getByRole('button', { name: 'Join the consultation' }).waitFor({ timeout: 20_000 });
      await look(room, `${framework}-call-ready`);
      await room.getByRole('button', { name: 'Join the consultation' }).click();
      await room.locator('consult-room').getByRole('button', { name: 'Admit' }).click({ timeout: 20_000 });

      for (const page of [joinPage, room]) {
        await page
          .locator('consult-room [part~="status"]')
          .filter({ hasText: 'In the call.' })
          .waitFor({ timeout: 20_000 });
        await page.waitForFunction(
          async () => {
            const pc = (window as unknown as { consultation?: { peerConnection: RTCPeerConnection | null } })
              .consultation?.peerConnection;
            let frames = 0;
            (await pc?.getStats())?.forEach((r: { type: string; kind?: string; framesDecoded?: number }) => {
              if (r.type === 'inbound-rtp' && r.kind === 'video') frames += r.framesDecoded ?? 0;
            });
            return frames > 0;
          },
          undefined,
          { timeout: 20_000 },
        );
        const first = await framesDecoded(page);
        await page.waitForFunction(
          async (before) => {
            const pc = (window as unknown as { consultation?: { peerConnection: RTCPeerConnection | null } })
              .consultation?.peerConnection;
            let frames = 0;
            (await pc?.getStats())?.forEach((r: { type: string; kind?: string; framesDecoded?: number }) => {
              if (r.type === 'inbound-rtp' && r.kind === 'video') frames += r.framesDecoded ?? 0;
            });
            return frames > before;
          },
          first,
          { timeout: 20_000 },
        );
      }

      // The app's bindings received the room's events, each with its detail: the admit request
      // named the patient's peer (the ticket's remote peer), and the status reached in-call.
      await room.locator('[data-events] li').filter({ hasText: 'Status: in-call' }).waitFor({ timeout: 10_000 });
      assert.ok((await heard(room)).includes(`Admit asked for ${ticket.remotePeerId}`), (await heard(room)).join('\n'));

      await look(room, `${framework}-in-call`);

      // A mute through the room's own button reaches the app's binding with `muted`.
      await room.locator('consult-room').getByRole('button', { name: 'Mute' }).click();
      await room.locator('[data-events] li').filter({ hasText: 'Microphone muted' }).waitFor({ timeout: 10_000 });

      // The clinician ends the consultation; the app's ck-ended binding receives the reason.
      await room.locator('consult-room').getByRole('button', { name: 'End for everyone' }).click();
      await room.locator('[data-events] li').filter({ hasText: 'Ended: ' }).waitFor({ timeout: 10_000 });
      assert.ok((await heard(room)).includes('Ended: local-hang-up'), (await heard(room)).join('\n'));
      await joinPage.locator('waiting-room').getByText('You can close this page').waitFor({ timeout: 15_000 });
      await look(room, `${framework}-ended`);

      assert.deepEqual(patient.errors, [], `no page errors in the ${framework} app (patient)`);
      assert.deepEqual(clinician.errors, [], `no page errors in the ${framework} app (clinician)`);
      await patient.context.close();
      await clinician.context.close();
    });
  }
});
