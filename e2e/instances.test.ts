/**
 * End to end: three server instances (`consultkit-server`, as `npm start` runs it, in demo mode) on
 * one PostgreSQL behind HAProxy (docs/decisions/0035-instances.md). The patient's page is pinned to
 * instance one and the clinician's to instance three (a cookie HAProxy reads); they go through warm
 * admission and see each other's frames; instance one is then killed (SIGKILL, no goodbye) and the
 * call carries on, its signalling back on another instance, with no user action. Before that, a
 * booking made through instance two shows in a desk whose event stream instance one serves.
 * (packages/server/src/instances.test.ts has the relay refusals, the booking race and the rate
 * limits across instances, at the server's level.)
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import pg from 'pg';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freshPostgresDatabase, skippable } from '../packages/server/src/test-helpers.js';
import { startBalancer, type Balancer } from './balancer.js';
import { framesDecoded, startServer, type RunningServer, signInToConsole } from './support.js';
// @ts-expect-error -- plain ESM helper without types
import { CHROME_ARGS, findChrome, NO_CHROME_MESSAGE } from '../scripts/chrome.mjs';

const DATABASE_URL = process.env['DATABASE_URL'];

/** Resolves once `check` holds, polling; rejects with `what` after `ms`. */
async function until<T>(check: () => Promise<T | undefined | false>, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Whether a remote participant's tile (not the mirrored self-view) shows video. */
function remoteVideo(page: Page): Promise<void> {
  return page
    .waitForFunction(
      () => {
        const roots: (Document | ShadowRoot)[] = [document];
        for (let i = 0; i < roots.length; i++) {
          for (const element of roots[i]!.querySelectorAll('*')) {
            if (element.shadowRoot) roots.push(element.shadowRoot);
            if (element instanceof HTMLVideoElement && !element.hasAttribute('data-mirror') && element.videoWidth > 0)
              return true;
          }
        }
        return false;
      },
      undefined,
      { timeout: 20_000 },
    )
    .then(() => undefined);
}

// Skipped test by test without DATABASE_URL, so each counts in the summary.
const { it, before, after } = skippable(
  DATABASE_URL ? false : 'DATABASE_URL is not set: several instances need PostgreSQL (.ci/run provides one)',
);

describe('three instances behind HAProxy on one PostgreSQL', () => {
  const executablePath = findChrome() as string | null;
  let browser: Browser;
  let database: { url: string; dispose(): Promise<void> };
  const instances: Record<string, RunningServer> = {};
  let balancer: Balancer;
  let db: pg.Client;

  before(async () => {
    assert.ok(executablePath, NO_CHROME_MESSAGE);
    database = (await freshPostgresDatabase())!;
    // One after the other: the first migrates and seeds the demo practice.
    for (const name of ['one', 'two', 'three']) {
      instances[name] = await startServer(
        // Demo mode: every instance has the development secret, so a ticket of one is good on all.
        { DATABASE_URL: database.url, CONSULTKIT_INSTANCE: name },
        { practice: 'demo' },
      );
    }
    balancer = await startBalancer(Object.fromEntries(Object.entries(instances).map(([name, s]) => [name, s.url])));
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROME_ARGS, headless: true });
  });

  after(async () => {
    await browser?.close();
    await db?.end();
    await balancer?.stop();
    for (const server of Object.values(instances)) await server.stop();
    await database?.dispose();
  });

  /** Which instance holds the socket of `role` in demo consultation `room`, as PostgreSQL records it. */
  const holder = async (room: string, role: string): Promise<string | undefined> => {
    const { rows } = await db.query<{ instance: string | null }>(
      `SELECT instance FROM room_participant WHERE consultation = $1 AND state->>'role' = $2 AND (state->>'connected')::boolean`,
      [`demo-${room}`, role],
    );
    return rows[0]?.instance ?? undefined;
  };

  it('a booking made through instance two shows, live, in a desk streaming from instance one', async () => {
    const context = await browser.newContext();
    await context.addCookies([{ name: 'ck_instance', value: 'one', url: balancer.url }]);
    const desk = await context.newPage();
    desk.on('pageerror', (error) => console.error('[desk] page error:', error.message));
    // The cookie pins this page, its event stream included, to instance one (HAProxy reads it).
    const streams: string[] = [];
    desk.on('request', (request) => {
      if (request.url().includes('/api/staff/events')) streams.push(request.url());
    });
    await desk.goto(`${balancer.url}/examples/vendor-console/`);
    await signInToConsole(desk);
    await desk
      .locator('booking-desk [part~="live"]')
      .filter({ hasText: 'Live: changes show as they happen.' })
      .waitFor({ timeout: 20_000 });
    assert.ok(streams.length > 0, 'the desk opened its event stream');

    const from = new Date(Date.now() + 24 * 3_600_000).toISOString();
    const two = instances['two']!.url;
    const slots = (await (
      await fetch(`${two}/fhir/Slot?status=free&schedule.actor=Practitioner/1&start=ge${from}&_count=5`)
    ).json()) as { entry: { resource: { resourceType: string; id: string; start: string; end: string } }[] };
    const slot = slots.entry.map((e) => e.resource).find((r) => r.resourceType === 'Slot')!;
    const family = `Instances${Date.now().toString(36)}`;
    const created = await fetch(`${two}/fhir/Appointment`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify({
        resourceType: 'Appointment',
        status: 'proposed',
        contained: [
          {
            resourceType: 'Patient',
            id: 'patient',
            name: [{ given: ['Ida'], family }],
            birthDate: '1980-02-02',
            telecom: [{ system: 'email', value: `${family.toLowerCase()}@example.org` }],
          },
        ],
        participant: [{ actor: { reference: '#patient' }, status: 'accepted' }],
        slot: [{ reference: `Slot/${slot.id}` }],
        start: slot.start,
        end: slot.end,
        extension: [
          {
            url: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-DeliveryChannel',
            valueCode: 'Telephone',
          },
        ],
      }),
    });
    assert.equal(created.status, 201, await created.clone().text());
    const booked = performance.now();
    // The desk polls only every 30 s: the request appearing well before that came through the stream.
    await desk
      .locator('booking-desk [part~="pending"]')
      .filter({ hasText: family })
      .first()
      .waitFor({ timeout: 10_000 });
    console.log(`# instances: booking on two → desk on one in ${Math.round(performance.now() - booked)} ms`);
    await context.close();
  });

  it('patient on one, clinician on three: admitted, frames both ways; one is killed and the call carries on', async () => {
    const room = `multi${Date.now().toString(36)}`;
    const open = async (role: string, instance: string) => {
      const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
      await context.addCookies([{ name: 'ck_instance', value: instance, url: balancer.url }]);
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error(`[${role}] page error:`, error.message));
      await page.goto(`${balancer.url}/examples/two-party-call/?role=${role}&room=${room}`);
      await page.getByRole('button', { name: 'Join the call' }).click();
      return page;
    };
    const status = (page: Page, text: string, timeout = 20_000) =>
      page.locator('consult-room [part~="status"]').filter({ hasText: text }).waitFor({ timeout });

    const patient = await open('patient', 'one');
    await status(patient, 'waiting room');
    const clinician = await open('clinician', 'three');
    assert.equal(await until(() => holder(room, 'patient'), 'the patient’s socket'), 'one');
    assert.equal(await until(() => holder(room, 'clinician'), 'the clinician’s socket'), 'three');

    await clinician.getByRole('button', { name: 'Let the patient in' }).click();
    for (const page of [patient, clinician]) {
      await status(page, 'In the call.');
      await remoteVideo(page);
    }

    // Instance one dies without a word.
    const killed = new Promise((resolve) => instances['one']!.child.once('exit', resolve));
    instances['one']!.child.kill('SIGKILL');
    await killed;
    const atKill = await Promise.all([framesDecoded(patient), framesDecoded(clinician)]);
    // Media is peer to peer: frames keep advancing on both sides within 5 s, nobody touching anything.
    await until(
      async () => (await framesDecoded(patient)) > atKill[0]! && (await framesDecoded(clinician)) > atKill[1]!,
      'frames advancing on both pages after the kill',
      5_000,
    );
    // The patient's signalling is back, on another instance, within the existing backoff.
    const now = await until(
      async () => {
        const where = await holder(room, 'patient');
        return where && where !== 'one' ? where : undefined;
      },
      'the patient’s socket on another instance',
      30_000,
    );
    assert.ok(now === 'two' || now === 'three', now);
    for (const page of [patient, clinician]) await status(page, 'In the call.');
    const afterMove = await Promise.all([framesDecoded(patient), framesDecoded(clinician)]);
    await until(
      async () => (await framesDecoded(patient)) > afterMove[0]! && (await framesDecoded(clinician)) > afterMove[1]!,
      'frames still advancing after the move',
    );

    // Signalling works across the instances still: ending reaches the patient.
    await clinician.getByRole('button', { name: 'End for everyone' }).click();
    await status(patient, 'The consultation has ended.');
  });
});
