/**
 * End to end, screen share with real peers: Chromium pages each driving core's `Consultation` (the
 * server's own `/cdn/consultation.js`), the fake screen Chromium gives with
 * `--use-fake-ui-for-media-stream` (`getDisplayMedia` answers at once), a real ConsultKit server,
 * and a real Janus for the SFU case.
 *
 * - Mesh, two participants: the clinician shares; the patient decodes the screen's frames while
 *   the clinician's camera keeps flowing; the browser's own "Stop sharing" (the captured track
 *   ends) ends it for both; the patient then takes over from the clinician, who is told.
 * - Janus, three participants (`CONSULTKIT_SFU_FROM=1`): the patient shares through a second
 *   publisher; both others decode it; a guest takes over; `stopScreenShare()` ends it everywhere.
 *
 * Skipped, saying why, without Chromium (or, for the second, Janus).
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
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
const noChrome = executablePath ? undefined : NO_CHROME_MESSAGE;
/** Where to write screenshots (`CK_SCREENSHOTS=dir`); none without it. */
const SCREENSHOTS = process.env['CK_SCREENSHOTS'];

/** What a page reports about the shared screen and the cameras. */
interface View {
  self: string;
  status: string;
  mode: string;
  presenter: string | null;
  local: boolean;
  /** Frames decoded of the shared screen's track (0 without one), and its width. */
  screenFrames: number;
  screenWidth: number;
  /** The shared screen's track as last received: 'live', 'muted' (nothing comes), 'ended', or null. */
  screenTrack: string | null;
  /** Frames decoded of that last received screen track, on its connection (0 once that closed). */
  lastScreenFrames: number;
  /** The page's own capture track's state, once it shared. */
  captureTrack: string | null;
  /** Per other participant in the call: camera frames decoded. */
  cameras: Record<string, number>;
  events: { type: string; detail: Record<string, unknown> }[];
  errors: string[];
}

const IN_PAGE = `async (args) => {
  const { Consultation } = await import('/cdn/consultation.js');
  const ticket = args.ticket ?? (await Consultation.redeem(location.origin, args.link));
  const consultation = new Consultation({ server: location.origin, ticket });
  const errors = [];
  const events = [];
  consultation.on('error', (error) => errors.push(String(error.message)));
  for (const type of ['screen-share-started', 'screen-share-stopped', 'screen-share-taken-over'])
    consultation.on(type, (detail) => events.push({ type, detail }));
  window.consultation = consultation;
  let lastScreen = null;
  let lastConnection = null;
  let capture = null;
  consultation.state.subscribe((s) => {
    if (s.screenShare.stream && !s.screenShare.local) lastScreen = s.screenShare.stream.getVideoTracks()[0] ?? lastScreen;
    if (s.screenShare.local && s.screenShare.stream) capture = s.screenShare.stream.getVideoTracks()[0];
  });
  const framesOf = async (pc, track) => {
    let frames = 0;
    let width = 0;
    if (!pc || !track) return { frames, width };
    (await pc.getStats(track).catch(() => new Map())).forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') {
        frames = Math.max(frames, s.framesDecoded ?? 0);
        width = s.frameWidth ?? width;
      }
    });
    return { frames, width };
  };
  window.view = async () => {
    const state = consultation.state.get();
    const screen = state.screenShare;
    const track = screen.stream && !screen.local ? screen.stream.getVideoTracks()[0] : null;
    const { frames, width } = await framesOf(consultation.screenShareConnection, track);
    if (track && consultation.screenShareConnection) lastConnection = consultation.screenShareConnection;
    const last = await framesOf(lastConnection, lastScreen);
    const cameras = {};
    for (const p of state.participants) {
      if (p.presence !== 'admitted' || !p.stream) continue;
      cameras[p.peerId] = (await framesOf(consultation.peerConnectionWith(p.peerId), p.stream.getVideoTracks()[0])).frames;
    }
    return {
      self: ticket.peerId, status: state.status, mode: state.mode,
      presenter: screen.presenter, local: screen.local,
      screenFrames: frames, screenWidth: width,
      screenTrack: lastScreen ? (lastScreen.readyState === 'live' && lastScreen.muted ? 'muted' : lastScreen.readyState) : null,
      lastScreenFrames: last.frames,
      captureTrack: capture ? capture.readyState : null,
      cameras, events, errors,
    };
  };
  // The browser's own "Stop sharing": the captured track ends (stop() alone fires no 'ended').
  window.browserStopsSharing = () => {
    capture.stop();
    capture.dispatchEvent(new Event('ended'));
  };
  await consultation.join();
  return ticket.peerId;
}`;

interface Participant {
  page: Page;
  peerId: string;
  label: string;
}

async function open(browser: Browser, origin: string, label: string, args: { link?: string; ticket?: object }) {
  const context = await browser.newContext({
    permissions: ['camera', 'microphone'],
    viewport: { width: 1200, height: 800 },
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[${label}] page error:`, error.message));
  await page.goto(`${origin}/`);
  const peerId = (await page.evaluate(`(${IN_PAGE})(${JSON.stringify(args)})`)) as string;
  return { page, peerId, label };
}

const view = (p: Participant) => p.page.evaluate(() => (window as unknown as { view(): Promise<View> }).view());
const share = (p: Participant) =>
  p.page.evaluate(() =>
    (window as unknown as { consultation: { startScreenShare(): Promise<void> } }).consultation.startScreenShare(),
  );

/** Waits until `viewer` decodes the shared screen of `presenter`, `more` frames past where it stood. */
async function decodesScreen(viewer: Participant, presenter: Participant, more = 20): Promise<View> {
  const first = await until(
    () => view(viewer),
    (v) => v.presenter === presenter.peerId && v.screenFrames > 0,
    `${viewer.label} receives ${presenter.label}'s screen`,
    120_000,
  );
  return until(
    () => view(viewer),
    (v) => v.presenter === presenter.peerId && v.screenFrames >= first.screenFrames + more,
    `${viewer.label} decodes ${presenter.label}'s screen, frames advancing`,
    120_000,
  );
}

/** Waits until `viewer`'s camera frames of each of `from` advance by `more` (media still flows). */
async function camerasFlow(viewer: Participant, from: Participant[], more = 20, timeoutMs = 120_000): Promise<void> {
  const start = await view(viewer);
  await until(
    () => view(viewer),
    (v) => from.every((o) => (v.cameras[o.peerId] ?? 0) >= (start.cameras[o.peerId] ?? 0) + more),
    `${viewer.label}: cameras of ${from.map((o) => o.label).join(', ')} keep flowing`,
    timeoutMs,
  );
}

/**
 * After a share ended: `viewer` gets no more frames of the last screen it received, while the
 * cameras of `sentinels` advance (the proof that frames would have arrived).
 */
async function screenFramesStopped(viewer: Participant, sentinels: Participant[]): Promise<void> {
  const before = (await view(viewer)).lastScreenFrames;
  await camerasFlow(viewer, sentinels, 30);
  assert.equal((await view(viewer)).lastScreenFrames, before, `${viewer.label}: no screen frame after the end`);
}

/**
 * Puts a `<consult-room>` (the server's `/cdn/consult-room.js`) on `p`'s page over its
 * consultation, and measures its stage once the shared screen plays there: the screen's width, and
 * each camera tile's.
 */
async function roomOnPage(p: Participant): Promise<{ screen: number; tiles: number[] }> {
  await p.page.evaluate(async () => {
    await import('/cdn/consult-room.js' as string);
    document.body.style.margin = '0';
    const room = document.createElement('consult-room') as HTMLElement & { consultation: unknown };
    room.consultation = (window as unknown as { consultation: unknown }).consultation;
    room.style.maxInlineSize = '1100px';
    document.body.append(room);
  });
  await p.page.waitForFunction(
    () => {
      const video = document
        .querySelector('consult-room')
        ?.shadowRoot?.querySelector<HTMLVideoElement>('[part~="screen"]');
      return !!video && video.videoWidth > 0 && video.currentTime > 0.5;
    },
    undefined,
    { timeout: 60_000 },
  );
  return p.page.evaluate(() => {
    const root = document.querySelector('consult-room')!.shadowRoot!;
    const screen = root.querySelector('[part~="screen"]')!.getBoundingClientRect().width;
    const grid = root.querySelector('participant-grid')!.shadowRoot!;
    const tiles = [...grid.querySelectorAll('participant-tile')].map((t) => t.getBoundingClientRect().width);
    return { screen, tiles };
  });
}

async function shoot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

describe('screen share with real peers', () => {
  let browser: Browser;
  const servers: { server: ConsultKitServer; url: string }[] = [];
  const pages: Page[] = [];

  before(async () => {
    if (noChrome) return;
    browser = await launchRoomBrowser(executablePath!);
  });
  after(async () => {
    for (const page of pages)
      await page
        .context()
        .close()
        .catch(() => undefined);
    await browser?.close();
    for (const ck of servers) await ck.server.close();
    await started.stop?.();
  });

  async function server(env: Record<string, string>) {
    const ck = await startTestServer(
      { CONSULTKIT_SEED_DEMO: 'false', CONSULTKIT_JOIN_EARLY_MINUTES: '1440', ...env },
      DEFAULT_SERVE,
      { now: () => TEST_NOW },
    );
    servers.push(ck);
    return ck;
  }

  /** A confirmed video appointment: the clinician's ticket, the patient's link, guest links. */
  const appointment = (ck: { server: ConsultKitServer; url: string }) =>
    roomAppointment(ck, `screen-${Date.now()}@example.org`);

  async function join(ck: { url: string }, label: string, args: { link?: string; ticket?: object }) {
    const p = await open(browser, ck.url, label, args);
    pages.push(p.page);
    return p;
  }

  async function admit(gp: Participant, who: Participant) {
    await admitWhenWaiting(gp.page, who.peerId);
  }

  it(
    'mesh, two: frames of the screen arrive with the camera on; the browser’s own stop ends it; a second presenter takes over',
    { skip: noChrome, timeout: 600_000 },
    async () => {
      const ck = await server({});
      const appt = await appointment(ck);
      const gp = await join(ck, 'clinician', { ticket: appt.clinician });
      const pt = await join(ck, 'patient', { link: appt.patientLink });
      await admit(gp, pt);
      for (const [viewer, other] of [
        [gp, pt],
        [pt, gp],
      ] as const)
        await camerasFlow(viewer, [other]);

      // The clinician shares: the patient decodes the screen (not the camera: another size), and
      // the clinician's camera keeps flowing beside it.
      await share(gp);
      const seen = await decodesScreen(pt, gp);
      assert.equal(seen.mode, 'mesh');
      assert.ok(seen.screenWidth > 0 && seen.screenWidth !== 640, `the screen's width, ${seen.screenWidth}`);
      await camerasFlow(pt, [gp]);
      // In <consult-room>: the screen large, the cameras small beside it.
      const stage = await roomOnPage(pt);
      assert.ok(stage.tiles.length >= 1, 'camera tiles beside the screen');
      for (const tile of stage.tiles)
        assert.ok(tile * 2 < stage.screen, `a tile (${tile}px) small beside the screen (${stage.screen}px)`);
      await shoot(pt.page, 'consult-room-shared-screen');
      const mine = await view(gp);
      assert.equal(mine.presenter, gp.peerId);
      assert.equal(mine.local, true);
      assert.equal(mine.captureTrack, 'live');

      // The browser's own "Stop sharing": ended for both, the capture released, the screen's track
      // on the patient's side ended (no more frames); the cameras carry on.
      await gp.page.evaluate(() => (window as unknown as { browserStopsSharing(): void }).browserStopsSharing());
      const stopped = await until(
        () => view(pt),
        (v) => v.presenter === null && v.screenTrack === 'ended',
        "the patient sees the clinician's share end",
        60_000,
      );
      assert.equal(stopped.screenFrames, 0);
      await screenFramesStopped(pt, [gp]);
      const gpAfter = await view(gp);
      assert.equal(gpAfter.presenter, null);
      assert.equal(gpAfter.captureTrack, 'ended');
      assert.deepEqual(
        gpAfter.events.filter((e) => e.type === 'screen-share-stopped').map((e) => e.detail),
        [{ peerId: gp.peerId, local: true, reason: 'ended' }],
      );
      await camerasFlow(gp, [pt]);
      assert.deepEqual(
        stopped.events.filter((e) => e.type === 'screen-share-stopped').map((e) => e.detail),
        [{ peerId: gp.peerId, local: false, reason: 'stopped' }],
      );

      // The clinician shares again, then the patient takes over: the clinician is told, their
      // capture stops, and they decode the patient's screen.
      await share(gp);
      await decodesScreen(pt, gp);
      await share(pt);
      const gpSees = await decodesScreen(gp, pt);
      assert.equal(gpSees.local, false);
      assert.equal(gpSees.captureTrack, 'ended');
      assert.deepEqual(
        gpSees.events.filter((e) => e.type === 'screen-share-taken-over').map((e) => e.detail),
        [{ by: pt.peerId }],
      );
      const ptSees = await view(pt);
      assert.equal(ptSees.presenter, pt.peerId);
      assert.equal(ptSees.local, true);
      assert.equal(ptSees.screenTrack, 'ended', "the clinician's screen, as the patient received it, ended");
      for (const p of [gp, pt]) assert.deepEqual((await view(p)).errors, [], `${p.label}: no errors`);
    },
  );

  it(
    'Janus, three: the screen through a second publisher reaches both others; a guest takes over; stop ends it',
    { skip: noChrome ?? started.skip, timeout: 900_000 },
    async () => {
      const janus = started;
      const ck = await server({
        ...janusSettings(janus),
        CONSULTKIT_SFU_FROM: '1',
      });
      const appt = await appointment(ck);
      const gp = await join(ck, 'clinician', { ticket: appt.clinician });
      const pt = await join(ck, 'patient', { link: appt.patientLink });
      await admit(gp, pt);
      const guest = await join(ck, 'interpreter', { link: await appt.guest('Ana Interpreter', 'interpreter') });
      await admit(gp, guest);
      const all = [gp, pt, guest];
      for (const p of all) {
        await until(
          () => view(p),
          (v) => v.mode === 'sfu',
          `${p.label}: sfu`,
          60_000,
        );
        // The first media through Janus, three pages on a loaded machine: generous.
        await camerasFlow(
          p,
          all.filter((o) => o !== p),
          20,
          300_000,
        );
      }

      await share(pt);
      for (const viewer of [gp, guest]) {
        const seen = await decodesScreen(viewer, pt);
        assert.ok(seen.screenWidth > 0 && seen.screenWidth !== 640, `the screen's width, ${seen.screenWidth}`);
        await camerasFlow(viewer, [pt]);
      }

      await share(guest);
      for (const viewer of [gp, pt]) await decodesScreen(viewer, guest);
      const told = await view(pt);
      assert.equal(told.captureTrack, 'ended');
      assert.deepEqual(
        told.events.filter((e) => e.type === 'screen-share-taken-over').map((e) => e.detail),
        [{ by: guest.peerId }],
      );

      await guest.page.evaluate(() =>
        (window as unknown as { consultation: { stopScreenShare(): void } }).consultation.stopScreenShare(),
      );
      for (const viewer of [gp, pt]) {
        await until(
          () => view(viewer),
          (v) => v.presenter === null && v.screenTrack !== 'live' && v.screenFrames === 0,
          `${viewer.label} sees the share end, its feed gone`,
          60_000,
        );
        await screenFramesStopped(viewer, [guest]);
      }
      for (const p of all) assert.deepEqual((await view(p)).errors, [], `${p.label}: no errors`);
    },
  );
});
