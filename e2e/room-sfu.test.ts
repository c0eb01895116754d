/**
 * End to end, a consultation past four people runs through Janus: Chromium pages each driving
 * core's `Consultation` (from the server's own `/cdn/consultation.js`, on the server's origin, as a
 * practice's page would), a real ConsultKit server and a real Janus (scripts/janus.mjs, loopback).
 *
 * - Six participants of one appointment: the clinician (staff route), the patient (join link,
 *   redeemed in the page) and four guests (invited with `POST /api/consultations/:id/guests`,
 *   redeemed in their pages). The fifth admitted moves the room to `sfu`; with no configuration,
 *   every page's `Consultation` moves its media to Janus (make before break) and decodes every
 *   other participant's frames through it. A receiver's frame timeline measures the switch.
 * - With `CONSULTKIT_SFU_FROM=1`, a two-party call runs through Janus from the start.
 *
 * Skipped, saying why, without Chromium or Janus.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_SERVE, type ConsultKitServer } from '../packages/server/src/app.js';
import { startTestServer, TEST_NOW } from '../packages/server/src/test-helpers.js';
import { admitWhenWaiting, launchRoomBrowser, roomAppointment, until } from './janus-support.js';
// @ts-expect-error -- plain ESM helper without types
import { findChrome, NO_CHROME_MESSAGE } from '../scripts/chrome.mjs';
import { startJanus, type RunningJanus } from '../scripts/janus.mjs';
import { janusSettings } from '../packages/server/src/sfu/test-support.js';

const started = (await startJanus()) as RunningJanus & { skip?: string };
const executablePath = findChrome() as string | null;
const skip = started.skip ?? (executablePath ? undefined : NO_CHROME_MESSAGE);

/** What a page reports: who it receives, frames decoded from each, and through what. */
interface Seen {
  self: string;
  status: string;
  mode: string;
  errors: string[];
  /** Per other participant in the call: video frames decoded, and whether through Janus. */
  from: Record<string, { frames: number; janus: boolean }>;
}

/**
 * The in-page part (plain JavaScript, as the page runs it): starts a `Consultation` with the ticket
 * or by redeeming the link, follows each other participant's stream on a <video> (a frame timeline,
 * as a tile would show it), and offers `seen()`: frames decoded from each, and through what.
 */
const IN_PAGE = `async (args) => {
  const { Consultation } = await import('/cdn/consultation.js');
  const ticket = args.ticket ?? (await Consultation.redeem(location.origin, args.link));
  const consultation = new Consultation({ server: location.origin, ticket });
  const errors = [];
  consultation.on('error', (error) => errors.push(String(error.message)));
  window.consultation = consultation;
  const timeline = {};
  const videos = new Map();
  const switches = {};
  setInterval(() => {
    if (consultation.state.get().mode === 'sfu') window.movedAt ??= performance.now();
    for (const p of consultation.state.get().participants) {
      if (p.peerId === ticket.peerId || !p.stream) continue;
      let video = videos.get(p.peerId);
      if (!video) {
        video = document.createElement('video');
        video.muted = true;
        video.autoplay = true;
        video.playsInline = true;
        document.body.append(video);
        videos.set(p.peerId, video);
        const frames = (timeline[p.peerId] = []);
        const v = video;
        const tick = (now) => {
          frames.push(now);
          v.requestVideoFrameCallback(tick);
        };
        v.requestVideoFrameCallback(tick);
      }
      if (video.srcObject !== p.stream) {
        if (video.srcObject) (switches[p.peerId] ??= []).push(performance.now());
        video.srcObject = p.stream;
        video.play().catch(() => undefined);
      }
    }
  }, 50);
  window.timeline = timeline;
  window.switches = switches;
  window.seen = async () => {
    const state = consultation.state.get();
    const from = {};
    for (const p of state.participants) {
      if (p.peerId === ticket.peerId || p.presence !== 'admitted' || !p.stream) continue;
      const track = p.stream.getVideoTracks()[0];
      const pc = consultation.peerConnectionWith(p.peerId);
      if (!track || !pc) continue;
      let frames = 0;
      // The state may be a moment behind the transport during the move: no report counts as none yet.
      (await pc.getStats(track).catch(() => new Map())).forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') frames = Math.max(frames, s.framesDecoded ?? 0);
      });
      // Janus's SDPs carry its name (a=msid-semantic: WMS janus); a mesh link's, Chromium's.
      from[p.peerId] = { frames, janus: /^a=msid-semantic: ?WMS janus/m.test(pc.remoteDescription?.sdp ?? '') };
    }
    return { self: ticket.peerId, status: state.status, mode: state.mode, errors, from };
  };
  await consultation.join();
  return ticket.peerId;
}`;

async function open(browser: Browser, origin: string, label: string, args: { link?: string; ticket?: object }) {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[${label}] page error:`, error.message));
  await page.goto(`${origin}/`);
  const peerId = (await page.evaluate(`(${IN_PAGE})(${JSON.stringify(args)})`)) as string;
  return { page, peerId, label };
}

const seen = (page: Page) => page.evaluate(() => (window as unknown as { seen(): Promise<Seen> }).seen());

describe('a consultation past four people runs through Janus', () => {
  const janus = started;
  let browser: Browser;
  const servers: { server: ConsultKitServer; url: string }[] = [];
  const pages: Page[] = [];

  before(async () => {
    if (skip) return;
    browser = await launchRoomBrowser(executablePath!);
  });
  after(async () => {
    if (skip) return;
    for (const page of pages)
      await page
        .context()
        .close()
        .catch(() => undefined);
    await browser?.close();
    for (const ck of servers) await ck.server.close();
    await janus.stop?.();
  });

  async function server(env: Record<string, string> = {}) {
    const ck = await startTestServer(
      {
        CONSULTKIT_SEED_DEMO: 'false',
        CONSULTKIT_JOIN_EARLY_MINUTES: '1440',
        ...janusSettings(janus),
        ...env,
      },
      DEFAULT_SERVE,
      { now: () => TEST_NOW },
    );
    servers.push(ck);
    return ck;
  }

  /** A confirmed video appointment; the clinician's ticket (staff route) and the patient's link. */
  const appointment = (ck: { server: ConsultKitServer; url: string }) =>
    roomAppointment(ck, `room-sfu-${Date.now()}@example.org`);

  /** Waits until every page decodes frames of every other admitted page, through Janus, past `after`. */
  async function everyoneDecodesThroughJanus(all: { page: Page; peerId: string; label: string }[], what: string) {
    const baseline = new Map<string, Seen>();
    for (const p of all) baseline.set(p.peerId, await seen(p.page));
    for (const p of all) {
      const others = all.filter((o) => o !== p).map((o) => o.peerId);
      await until(
        () => seen(p.page),
        (s) =>
          others.every((o) => {
            const now = s.from[o];
            const then = baseline.get(p.peerId)!.from[o];
            return !!now && now.janus && now.frames > (then?.janus ? then.frames : 0) + 10;
          }),
        `${what}: ${p.label} decodes the ${others.length} others through Janus`,
        180_000,
      );
    }
  }

  it(
    'six participants: the fifth admitted moves the room to Janus; every page decodes every other, no configuration',
    { skip, timeout: 900_000 },
    async (t: TestContext) => {
      const ck = await server();
      const appt = await appointment(ck);
      const gp = await open(browser, ck.url, 'clinician', { ticket: appt.clinician });
      pages.push(gp.page);
      const admit = (peerId: string) => admitWhenWaiting(gp.page, peerId);
      const pt = await open(browser, ck.url, 'patient', { link: appt.patientLink });
      pages.push(pt.page);
      await admit(pt.peerId);
      const everyone = [gp, pt];
      const guests = [
        ['Ana Interpreter', 'interpreter'],
        ['Carl Carer', 'carer'],
        ['Sam Specialist', 'specialist'],
        ['Nina Nurse', 'nurse'],
      ] as const;
      for (const [i, [name, kind]] of guests.entries()) {
        const g = await open(browser, ck.url, name, { link: await appt.guest(name, kind) });
        pages.push(g.page);
        everyone.push(g);
        // The clinician's receiver timeline of the patient spans the move to Janus (the fifth).
        await admit(g.peerId);
        if (i === 1) {
          // Four in the call: a mesh, every page decoding the three others peer to peer.
          for (const p of everyone) {
            await until(
              () => seen(p.page),
              (s) =>
                s.mode === 'mesh' &&
                everyone
                  .filter((o) => o !== p)
                  .every((o) => (s.from[o.peerId]?.frames ?? 0) > 10 && !s.from[o.peerId]!.janus),
              `${p.label} decodes three others in the mesh`,
              180_000,
            );
          }
        }
      }
      for (const p of everyone) {
        await until(
          () => seen(p.page),
          (s) => s.mode === 'sfu',
          `${p.label}: the room is sfu`,
          60_000,
        );
      }
      await everyoneDecodesThroughJanus(everyone, 'six in the room');
      for (const p of everyone) assert.deepEqual((await seen(p.page)).errors, [], `${p.label}: no errors`);

      // The move as the clinician saw the patient (already in the call, so their frames flowed
      // before): from the roster's `sfu` on, the longest pause between presented frames, and when
      // the tile's stream became the SFU's.
      const view = await gp.page.evaluate((id) => {
        const w = window as unknown as {
          timeline: Record<string, number[]>;
          switches: Record<string, number[]>;
          movedAt: number;
        };
        return { frames: w.timeline[id] ?? [], switches: w.switches[id] ?? [], movedAt: w.movedAt };
      }, pt.peerId);
      const after = view.frames.filter((at) => at >= view.movedAt);
      const before = view.frames.filter((at) => at < view.movedAt).at(-1);
      assert.ok(before !== undefined, 'patient frames were presented before the move');
      assert.ok(after.length > 30, 'and after it');
      assert.equal(view.switches.length, 1, 'the tile changed stream once: mesh to SFU');
      let gap = 0;
      for (const [i, at] of after.entries()) gap = Math.max(gap, at - (i === 0 ? before : after[i - 1]!));
      t.diagnostic(
        `the move, on the clinician's page, of the patient's video: the SFU's stream shown ${Math.round(
          view.switches[0]! - view.movedAt,
        )} ms after the roster said sfu; longest pause between presented frames from then: ${Math.round(gap)} ms`,
      );
    },
  );

  it('with CONSULTKIT_SFU_FROM=1 a two-party call runs through Janus', { skip, timeout: 600_000 }, async () => {
    const ck = await server({ CONSULTKIT_SFU_FROM: '1' });
    const appt = await appointment(ck);
    const gp = await open(browser, ck.url, 'clinician', { ticket: appt.clinician });
    pages.push(gp.page);
    const pt = await open(browser, ck.url, 'patient', { link: appt.patientLink });
    pages.push(pt.page);
    await admitWhenWaiting(gp.page, pt.peerId);
    for (const p of [gp, pt]) {
      await until(
        () => seen(p.page),
        (s) => s.mode === 'sfu',
        `${p.label}: the room is sfu`,
        60_000,
      );
    }
    await everyoneDecodesThroughJanus([gp, pt], 'two in the room');
  });
});
