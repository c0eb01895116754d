/**
 * Through Janus, end to end: three Chromium pages (the clinician, the patient, a second clinician
 * session standing in for a colleague) each ask our server for the consultation's room with their
 * own session, publish the fake camera with simulcast (rids h, m, l) into it, and subscribe to the
 * other two; every page decodes frames of both; a subscriber switching to the lowest layer gets it
 * (a quarter of the width). Janus is started for the test on loopback (scripts/janus.mjs);
 * the pages speak Janus's JSON protocol themselves (e2e/janus-page/client.js), served from here.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Appointment, Bundle, Slot } from 'fhir/r4.js';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ConsultKitServer } from '../packages/server/src/app.js';
import { BareJanus, type RoomAnswer } from '../packages/server/src/sfu/bare-janus.js';
import type { SfuAccess } from '../packages/server/src/sfu/service.js';
import {
  appointmentRequest,
  seedBookingFixture,
  STAFF,
  startTestServer,
  TEST_NOW,
} from '../packages/server/src/test-helpers.js';
// @ts-expect-error -- plain ESM helper without types
import { CHROME_ARGS, findChrome, NO_CHROME_MESSAGE } from '../scripts/chrome.mjs';
import { startJanus, type RunningJanus } from '../scripts/janus.mjs';

const started = await startJanus();
const executablePath = findChrome() as string | null;
const skip = started.skip ?? (executablePath ? undefined : NO_CHROME_MESSAGE);
const janus = started as RunningJanus;

const CLIENT = new URL('./janus-page/client.js', import.meta.url);

/** Serves the participants' page and its script on 127.0.0.1 (a secure context for the camera). */
async function pageServer(): Promise<{ server: Server; url: string }> {
  const script = await readFile(CLIENT, 'utf8');
  const server = createServer((request, response) => {
    if (request.url === '/client.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      return;
    }
    response
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><title>Janus room</title><script type="module" src="/client.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${address.port}/` };
}

describe('a call through Janus with simulcast', () => {
  let browser: Browser;
  let ck: { server: ConsultKitServer; url: string };
  let pages: { server: Server; url: string };

  before(async () => {
    if (skip) return;
    ck = await startTestServer(
      {
        CONSULTKIT_SEED_DEMO: 'false',
        CONSULTKIT_JOIN_EARLY_MINUTES: '1440',
        CONSULTKIT_JANUS_URL: janus.wsUrl,
        CONSULTKIT_JANUS_ADMIN_URL: janus.adminUrl,
        CONSULTKIT_JANUS_ADMIN_SECRET: janus.adminSecret,
        CONSULTKIT_JANUS_ROOM_KEY: janus.roomAdminKey,
      },
      {},
      { now: () => TEST_NOW },
    );
    pages = await pageServer();
    // Chromium sends three simulcast layers only from 960×540 up; the fake camera is 640×480.
    const threeLayers = '--force-fieldtrials=WebRTC-LegacySimulcastLayerLimit/Disabled/';
    browser = await chromium.launch({
      executablePath: executablePath!,
      args: [...CHROME_ARGS, threeLayers],
      headless: true,
    });
  });

  after(async () => {
    if (skip) return;
    await browser?.close();
    pages?.server.close();
    await ck?.server.close();
    await janus.stop();
  });

  it(
    'three pages publish h/m/l into the room and each decodes the other two; a subscriber picks a layer',
    { skip },
    async () => {
      const fetchJson = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
        const response = await fetch(`${ck.url}${path}`, init);
        const body = (await response.json()) as T;
        assert.ok(response.ok, `${path}: ${response.status} ${JSON.stringify(body)}`);
        return body;
      };
      const fixture = await seedBookingFixture(ck.server.storage);
      const json = { 'content-type': 'application/json' };
      /** A confirmed video appointment on the GP's next free slot. */
      const videoAppointment = async (email: string) => {
        const slots = await fetchJson<Bundle>(
          `/fhir/Slot?status=free&schedule=Schedule/${fixture.gp.scheduleId}&start=2026-03-02`,
        );
        const slot = slots.entry!.map((e) => e.resource as Slot).find((r) => r.resourceType === 'Slot')!;
        const booked = await fetchJson<Appointment>('/fhir/Appointment', {
          method: 'POST',
          headers: json,
          body: JSON.stringify(appointmentRequest(slot, email)),
        });
        await fetchJson(`/fhir/Appointment/${booked.id}`, {
          method: 'PUT',
          headers: { ...STAFF, ...json, 'if-match': `W/"${booked.meta!.versionId}"` },
          body: JSON.stringify({ ...booked, status: 'booked' }),
        });
        return booked;
      };
      const booked = await videoAppointment('janus-e2e@example.org');
      // Three sessions of the consultation: two clinician sessions (a colleague joining) and the patient.
      const sessions: string[] = [];
      for (let i = 0; i < 2; i++) {
        const clinician = await fetchJson<{ token: string }>(`/api/consultations/${booked.id}/clinician-token`, {
          method: 'POST',
          headers: STAFF,
        });
        sessions.push(clinician.token);
      }
      const outbox = await fetchJson<{ messages: { to: string; text: string }[] }>('/api/outbox', { headers: STAFF });
      const link = /\/join\/(\S+)/.exec(outbox.messages.find((m) => m.to === 'janus-e2e@example.org')!.text)![1];
      const patient = await fetchJson<{ token: string }>('/api/join/redeem', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ token: link }),
      });
      sessions.push(patient.token);

      const accesses: SfuAccess[] = [];
      for (const session of sessions) {
        accesses.push(
          await fetchJson<SfuAccess>(`/api/consultations/${booked.id}/sfu`, {
            method: 'POST',
            headers: { authorization: `Bearer ${session}` },
          }),
        );
      }
      assert.equal(new Set(accesses.map((a) => a.room)).size, 1, 'one room for the consultation');

      const participants: Page[] = [];
      for (const access of accesses) {
        const context = await browser.newContext({ permissions: ['camera'] });
        const page = await context.newPage();
        page.on('pageerror', (error) => console.error('page error:', error.message));
        await page.goto(pages.url);
        await page.waitForFunction(() => (window as unknown as { janusReady?: boolean }).janusReady === true);
        const published = await page.evaluate(
          (a) =>
            (
              window as unknown as { janusRoom: { publish(a: unknown): Promise<{ simulcast: boolean }> } }
            ).janusRoom.publish(a),
          access,
        );
        assert.ok(published.simulcast, 'the offer sends three simulcast layers (h;m;l)');
        participants.push(page);
      }
      for (const [i, page] of participants.entries()) {
        const others = accesses.filter((_, j) => j !== i).map((a) => a.publisherId);
        const feeds = await page.evaluate(
          ([a, f]) =>
            (
              window as unknown as { janusRoom: { subscribe(a: unknown, f: unknown): Promise<{ feed: number }[]> } }
            ).janusRoom.subscribe(a, f),
          [accesses[i], others] as const,
        );
        assert.deepEqual(feeds.map((f) => f.feed).sort(), [...others].sort());
      }

      type Received = { feed: number; frames: number; width: number }[];
      const received = (page: Page) =>
        page.evaluate(() =>
          (window as unknown as { janusRoom: { received(): Promise<Received> } }).janusRoom.received(),
        );
      const until = async (page: Page, check: (r: Received) => boolean, what: string) => {
        const deadline = Date.now() + 20_000;
        let last: Received = [];
        while (!check((last = await received(page)))) {
          if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}: ${JSON.stringify(last)}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        return last;
      };
      // Every page decodes frames of both others, at the top layer by default (640 wide).
      for (const page of participants) {
        await until(
          page,
          (r) => r.length === 2 && r.every((f) => f.frames > 5 && f.width === 640),
          'frames of both feeds',
        );
      }
      // Each publisher encodes three layers.
      for (const page of participants) {
        const sent = await page.evaluate(() =>
          (window as unknown as { janusRoom: { sent(): Promise<Record<string, number>> } }).janusRoom.sent(),
        );
        assert.deepEqual(Object.keys(sent).sort(), ['h', 'l', 'm']);
        assert.ok(
          Object.values(sent).every((frames) => frames > 0),
          JSON.stringify(sent),
        );
      }
      // One subscriber asks for the lowest layer: its frames shrink to a quarter of the width; the
      // others still receive the top layer.
      const [low, ...rest] = participants;
      await low!.evaluate(() =>
        (window as unknown as { janusRoom: { layer(n: number): Promise<void> } }).janusRoom.layer(0),
      );
      await until(low!, (r) => r.every((f) => f.width === 160), 'the lowest layer (160 wide)');
      for (const page of rest) {
        const before = await received(page);
        await until(
          page,
          (r) => r.every((f, i) => f.width === 640 && f.frames > before[i]!.frames),
          'more top-layer frames',
        );
      }

      // A participant of another consultation, its token valid in Janus, cannot watch these feeds:
      // not with its own pin, nor with this room's pin (leaked): a subscriber must give the private
      // id of a publisher of the room, which only a token on the room's list can get.
      const other = await videoAppointment('janus-other@example.org');
      const otherSession = await fetchJson<{ token: string }>(`/api/consultations/${other.id}/clinician-token`, {
        method: 'POST',
        headers: STAFF,
      });
      const otherAccess = await fetchJson<SfuAccess>(`/api/consultations/${other.id}/sfu`, {
        method: 'POST',
        headers: { authorization: `Bearer ${otherSession.token}` },
      });
      const intruder = await BareJanus.connect(janus.wsUrl, otherAccess.token);
      assert.equal(await intruder.attach(), null);
      const room = accesses[0]!;
      const watch = (pin: string, extra: Record<string, unknown> = {}) =>
        intruder.videoroom({
          request: 'join',
          ptype: 'subscriber',
          room: room.room,
          pin,
          token: otherAccess.token,
          streams: [{ feed: room.publisherId }],
          ...extra,
        });
      const attempts: [RoomAnswer, RegExp][] = [
        [await watch(otherAccess.pin), /wrong pin/],
        [await watch(room.pin), /private_id/],
        [await watch(room.pin, { private_id: 12345 }), /private_id/],
      ];
      for (const [answer, reason] of attempts) {
        assert.ok(!answer.ok && answer.code === 433, JSON.stringify(answer));
        assert.match(answer.reason, reason);
      }
      intruder.close();

      for (const page of participants) {
        await page.evaluate(() => (window as unknown as { janusRoom: { close(): void } }).janusRoom.close());
      }
    },
  );
});
