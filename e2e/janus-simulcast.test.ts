/**
 * Through Janus, end to end: three Chromium pages (the clinician, the patient, a second clinician
 * session standing in for a colleague) each open core's `SfuSession` with their own session: it
 * asks our server for the consultation's room, publishes the fake camera with simulcast (rids h,
 * m, l) into it, and subscribes to the other two; every page decodes frames of both; a subscriber
 * capping its feeds at the lowest layer (`setPreferredLayer`) gets it (a quarter of the width); a
 * camera turned off stops its frames; the consultation ending closes every session (`sfu-closed`).
 * Janus is started for the test on loopback (scripts/janus.mjs); the pages load core from
 * packages/core/dist (`npm run build` first) through e2e/janus-page/harness.js.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { SfuAccess } from '@consultkit/core/contract';
import type { Appointment } from 'fhir/r4.js';
import type { Browser, Page } from 'playwright-core';
import type { ConsultKitServer } from '../packages/server/src/app.js';
import { BareJanus, type RoomAnswer } from '../packages/server/src/sfu/bare-janus.js';
import { STAFF, startTestServer, TEST_NOW } from '../packages/server/src/test-helpers.js';
// @ts-expect-error -- plain ESM helper without types
import { findChrome, NO_CHROME_MESSAGE } from '../scripts/chrome.mjs';
import { startJanus, type RunningJanus } from '../scripts/janus.mjs';
import {
  api,
  ck as page$,
  consultation,
  launchRoomBrowser,
  pageServer,
  participantPage,
  seedPractice,
  sessionOf,
  until,
  type Received,
} from './janus-support.js';
import { janusSettings } from '../packages/server/src/sfu/test-support.js';

const started = await startJanus();
const executablePath = findChrome() as string | null;
const skip = started.skip ?? (executablePath ? undefined : NO_CHROME_MESSAGE);
const janus = started as RunningJanus;

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
        ...janusSettings(janus),
      },
      {},
      { now: () => TEST_NOW },
    );
    pages = await pageServer(ck.url);
    browser = await launchRoomBrowser(executablePath!);
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
      const fetchJson = api(ck);
      const schedule = await seedPractice(ck);
      const booked = await consultation(ck, schedule, 'janus-e2e@example.org', 2);
      // Three sessions of the consultation: two clinician sessions (a colleague joining) and the patient.
      const sessions = [...booked.clinicians, booked.patient];

      const participants: Page[] = [];
      const ids: number[] = [];
      for (const [i, session] of sessions.entries()) {
        const page = await participantPage(browser, pages.url, `participant ${i}`);
        // Layers by the network off: this test is about simulcast and chosen layers, and a loaded
        // machine's late packets would otherwise step the layers down (janus-room.test.ts tests that).
        const opened = await page$.open(page, pages.url, booked.id, session, { adaptive: false });
        assert.equal(opened.error, undefined, JSON.stringify(opened.error));
        assert.ok(opened.simulcast, 'the offer sends three simulcast layers (h;m;l)');
        participants.push(page);
        ids.push(opened.publisherId);
      }
      assert.equal(new Set(ids).size, 3, 'each session publishes under its own id');

      // Every page decodes frames of both others, at the top layer by default (640 wide).
      for (const [i, page] of participants.entries()) {
        const others = ids.filter((_, j) => j !== i).sort((a, b) => a - b);
        await until(
          () => page$.received(page),
          (r) =>
            JSON.stringify(r.map((f) => f.feed)) === JSON.stringify(others) &&
            r.every((f) => f.frames > 5 && f.width === 640),
          'frames of both feeds',
          30_000,
          () => sessionOf(page),
        );
      }
      // Each publisher encodes three layers.
      for (const page of participants) {
        const sent = await page$.sent(page);
        assert.deepEqual(Object.keys(sent).sort(), ['h', 'l', 'm']);
        assert.ok(
          Object.values(sent).every((frames) => frames > 0),
          JSON.stringify(sent),
        );
      }
      // One subscriber caps its feeds at the lowest layer: its frames shrink to a quarter of the
      // width; the others still receive the top layer.
      const [low, ...rest] = participants;
      await page$.prefer(low!, 0);
      await until(
        () => page$.received(low!),
        (r) => r.every((f) => f.width === 160),
        'the lowest layer (160 wide)',
      );
      for (const page of rest) {
        const before: Received = await page$.received(page);
        await until(
          () => page$.received(page),
          (r) => r.every((f, i) => f.width === 640 && f.frames > before[i]!.frames),
          'more top-layer frames',
        );
      }

      // Camera off (`setMediaFlags`): the publisher stops sending video, so the others decode no
      // new frames of it while the other feed keeps coming; camera on again, its frames resume.
      const [, second, third] = participants;
      const frameOf = async (page: Page, feed: number) =>
        (await page$.received(page)).find((f) => f.feed === feed)!.frames;
      await page$.flags(second!, { cameraOff: true });
      // Frames already on their way may still land: let thirty frames of the other feed pass first.
      const sentinel = async () => {
        const other = await frameOf(third!, ids[0]!);
        await until(
          () => frameOf(third!, ids[0]!),
          (n) => n > other + 30,
          'more frames of the feed still on',
        );
      };
      await sentinel();
      const stopped = await frameOf(third!, ids[1]!);
      // The sentinel again: thirty more frames of the other feed, and none of the camera that is off.
      await sentinel();
      assert.equal(await frameOf(third!, ids[1]!), stopped, 'no frames of a camera that is off');
      await page$.flags(second!, { cameraOff: false });
      await until(
        () => frameOf(third!, ids[1]!),
        (n) => n > stopped + 5,
        'frames again once the camera is on',
      );

      // A participant of another consultation, its token valid in Janus, cannot watch these feeds:
      // not with its own pin, nor with this room's pin (leaked): a subscriber must give the private
      // id of a publisher of the room, which only a token on the room's list can get.
      const other = await consultation(ck, schedule, 'janus-other@example.org', 1);
      const otherAccess = await fetchJson<SfuAccess>(`/api/consultations/${other.id}/sfu`, {
        method: 'POST',
        headers: { authorization: `Bearer ${other.clinicians[0]}` },
      });
      const room = await fetchJson<SfuAccess>(`/api/consultations/${booked.id}/sfu`, {
        method: 'POST',
        headers: { authorization: `Bearer ${booked.patient}` },
      });
      const intruder = await BareJanus.connect(janus.wsUrl, otherAccess.token);
      assert.equal(await intruder.attach(), null);
      const watch = (pin: string, extra: Record<string, unknown> = {}) =>
        intruder.videoroom({
          request: 'join',
          ptype: 'subscriber',
          room: room.room,
          pin,
          token: otherAccess.token,
          streams: [{ feed: ids[0] }],
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

      // The consultation ends (fulfilled): the server destroys the room, and every page's session
      // ends with `sfu-closed`, its connections closed.
      const appointment = await fetchJson<Appointment>(`/fhir/Appointment/${booked.id}`, { headers: STAFF });
      await fetchJson(`/fhir/Appointment/${booked.id}`, {
        method: 'PUT',
        headers: { ...STAFF, 'content-type': 'application/json', 'if-match': `W/"${appointment.meta!.versionId}"` },
        body: JSON.stringify({ ...appointment, status: 'fulfilled' }),
      });
      for (const page of participants) {
        const ended = await until(
          () => page$.layers(page),
          (l) => l.status !== 'connected',
          'the session to end with the consultation',
        );
        assert.equal(ended.status, 'failed');
        assert.deepEqual(
          (await page$.errors(page)).map((e) => (e as { code: string }).code),
          ['sfu-closed'],
        );
      }
    },
  );
});
