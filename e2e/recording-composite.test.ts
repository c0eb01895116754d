/**
 * End to end, the composite recording of a mesh call (docs/recording.md, "Capture"; decision
 * 0038): Chromium pages (fake camera and microphone) with the server's own `/cdn/consult-room.js`,
 * a clinician and a patient in a real mesh call, the real ConsultKit server on a data folder of its
 * own (so that a restart keeps what was stored), ffmpeg and ffprobe to look at the files.
 *
 * One consultation, one request after another:
 * - declined: no `MediaRecorder` ever runs, no recording exists on the server;
 * - withdrawn by the patient: the clinician's `MediaRecorder` stops at once, and what was recorded
 *   is saved;
 * - 30 s: uploaded, finished, and played back in Chromium (duration, seeking to 20 s) with an audio
 *   track that carries sound (ffprobe, ffmpeg's volumedetect);
 * - the server stopped for 5 s in the middle: every chunk arrives (the server's finish refuses a
 *   gap), the file plays, its duration is the capture's;
 * - the clinician's page reloaded while its uploads fail: the reloaded page finds the chunks in
 *   IndexedDB, sends them and finishes the file.
 *
 * `MediaRecorder` is watched in the clinician's page (an init script counts instances and chunks,
 * and notes when `start()` and `stop()` were called: a file's duration is compared with that
 * window, since on a loaded machine the `start` event can come seconds after recording began).
 * Skipped, saying why, without Chromium or ffmpeg.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { STAFF } from '../packages/server/src/test-helpers.js';
import type { RecordingInfo } from '../packages/core/src/contract/recording.js';
import { restartableServer, until } from './janus-support.js';
// @ts-expect-error -- plain ESM helper without types
import { CHROME_ARGS, findChrome, NO_CHROME_MESSAGE } from '../scripts/chrome.mjs';

const executablePath = findChrome() as string | null;
const hasFfmpeg = spawnSync('ffprobe', ['-version']).status === 0 && spawnSync('ffmpeg', ['-version']).status === 0;
const skip = !executablePath ? (NO_CHROME_MESSAGE as string) : !hasFfmpeg ? 'ffmpeg/ffprobe not installed' : undefined;
const LONG = 180_000;

/** In the page: a `Consultation` from the ticket or the link, shown by `<consult-room>`, joined. */
const IN_PAGE = `async (args) => {
  const { Consultation } = await import('/cdn/consult-room.js');
  const ticket = args.ticket ?? (await Consultation.redeem(location.origin, args.link));
  const consultation = new Consultation({ server: location.origin, ticket });
  window.consultation = consultation;
  window.events = [];
  for (const type of ['recording-saved', 'recording-failed', 'recording-upload-progress'])
    consultation.on(type, (detail) => window.events.push({ type, detail: { ...detail, error: detail.error && String(detail.error.message) } }));
  document.body.replaceChildren();
  const room = document.createElement('consult-room');
  room.consultation = consultation;
  document.body.append(room);
  await consultation.join();
  return { peerId: ticket.peerId, ticket };
}`;

/**
 * Counts every `MediaRecorder` made in the page, its chunks, and when it started and stopped (plain
 * JavaScript: a function compiled by tsx would carry helpers the page does not have).
 */
const WATCH_RECORDERS = `(() => {
  window.recorders = [];
  const Original = window.MediaRecorder;
  window.MediaRecorder = class extends Original {
    constructor(stream, options) {
      super(stream, options);
      // When start() and stop() were called (the events may come late on a loaded machine), and the stop event.
      const entry = { state: () => this.state, chunks: 0, startedAt: null, stopCalledAt: null, stoppedAt: null };
      window.recorders.push(entry);
      const start = this.start.bind(this);
      const stop = this.stop.bind(this);
      this.start = (timeslice) => ((entry.startedAt = performance.now()), start(timeslice));
      this.stop = () => ((entry.stopCalledAt ??= performance.now()), stop());
      this.addEventListener('stop', () => (entry.stoppedAt = performance.now()));
      this.addEventListener('dataavailable', (e) => {
        if (e.data.size > 0) entry.chunks++;
      });
    }
  };
})()`;

interface Participant {
  page: Page;
  peerId: string;
  ticket: object;
}

async function open(browser: Browser, origin: string, args: object, watch = false): Promise<Participant> {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
  context.setDefaultTimeout(LONG);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  if (watch) await page.addInitScript(WATCH_RECORDERS);
  await page.goto(`${origin}/`);
  const { peerId, ticket } = (await page.evaluate(`(${IN_PAGE})(${JSON.stringify(args)})`)) as {
    peerId: string;
    ticket: object;
  };
  return { page, peerId, ticket };
}

type Win = {
  consultation: {
    state: {
      get(): {
        status: string;
        recording: { status: string; recordingId?: string; requestId: string; reason?: string } | null;
        participants: { peerId: string; presence: string }[];
      };
    };
    /** Made with the recording's module, when a recording first concerns the page (decision 47). */
    recorder: {
      state: { get(): { status: string; chunks: number; uploaded: number; pending: number; capturing: boolean } };
    } | null;
    admit(id: string): void;
    askToRecord(): Promise<void>;
    answerRecording(agree: boolean): Promise<void>;
    withdrawRecordingConsent(): Promise<void>;
    stopRecording(): Promise<void>;
  };
  recorders: {
    state: () => string;
    chunks: number;
    startedAt: number | null;
    stopCalledAt: number | null;
    stoppedAt: number | null;
  }[];
  events: { type: string; detail: { recordingId: string; chunks?: number; error?: string } }[];
};

const recording = (p: Participant) =>
  p.page.evaluate(() => (window as unknown as Win).consultation.state.get().recording);
const recorder = (p: Participant) =>
  p.page.evaluate(() => {
    const state = (window as unknown as Win).consultation.recorder!.state.get() as ReturnType<
      NonNullable<Win['consultation']['recorder']>['state']['get']
    > & { error: { message: string; cause?: unknown } | null };
    // The error as words (a failure shows in the assertion's message).
    return { ...state, error: state.error ? `${state.error.message} (${String(state.error.cause ?? '')})` : null };
  });
const recorders = (p: Participant) =>
  p.page.evaluate(() =>
    (window as unknown as Win).recorders.map((r) => ({
      state: r.state(),
      chunks: r.chunks,
      startedAt: r.startedAt,
      stopCalledAt: r.stopCalledAt,
      stoppedAt: r.stoppedAt,
    })),
  );
const events = (p: Participant) => p.page.evaluate(() => (window as unknown as Win).events);

/** The clinician asks, the patient answers; resolves with the state once it runs (or was declined). */
async function ask(gp: Participant, pt: Participant, agree: boolean) {
  const before = await recording(gp);
  await gp.page.evaluate(() => (window as unknown as Win).consultation.askToRecord());
  await until(
    () => recording(pt),
    (r) => r?.status === 'asking' && r.requestId !== before?.requestId,
    'the patient asked',
    LONG,
  );
  await pt.page.evaluate((yes) => (window as unknown as Win).consultation.answerRecording(yes), agree);
  return until(
    () => recording(gp),
    (r) => r?.status === (agree ? 'recording' : 'declined') && r.requestId !== before?.requestId,
    agree ? 'the recording running' : 'the request declined',
    LONG,
  );
}

/** Waits for the page's `recording-saved` event of `recordingId`; fails on `recording-failed`. */
async function saved(p: Participant, recordingId: string): Promise<{ chunks: number }> {
  const event = await until(
    () => events(p),
    (list) => list.some((e) => e.detail.recordingId === recordingId && /saved|failed/.test(e.type)),
    `recording ${recordingId} saved`,
    LONG,
  );
  const done = event.find((e) => e.detail.recordingId === recordingId && /saved|failed/.test(e.type))!;
  assert.equal(done.type, 'recording-saved', `recording ${recordingId}: ${done.detail.error ?? ''}`);
  return { chunks: done.detail.chunks! };
}

/** The recording's file, downloaded to `dir`, and what ffprobe says of it. */
async function probe(ck: { url: string }, id: string, dir: string) {
  const info = (await (await fetch(`${ck.url}/api/recordings/${id}`, { headers: STAFF })).json()) as RecordingInfo;
  assert.equal(info.status, 'ready', `recording ${id}: ${JSON.stringify(info)}`);
  const bytes = Buffer.from(await (await fetch(new URL(info.url!, ck.url), { headers: STAFF })).arrayBuffer());
  const file = join(dir, `${id}.media`);
  await writeFile(file, bytes);
  const streams = JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file], {
      encoding: 'utf8',
    }),
  ) as { streams: { codec_type: string; codec_name: string }[]; format: { duration: string } };
  const volume = spawnSync(
    'ffmpeg',
    ['-hide_banner', '-i', file, '-map', '0:a', '-af', 'volumedetect', '-f', 'null', '-'],
    {
      encoding: 'utf8',
    },
  ).stderr;
  const maxVolume = Number(/max_volume: (-?[\d.]+|-inf) dB/.exec(volume)?.[1] ?? '-Infinity');
  return { info, file, streams: streams.streams, duration: Number(streams.format.duration), maxVolume };
}

/** Plays the recording in the page: duration, the seekable range, and a seek to 20 s. */
function playBack(p: Participant, url: string, seekTo: number) {
  return p.page.evaluate(
    async ({ src, at }) => {
      const video = document.createElement('video');
      video.muted = true;
      video.preload = 'auto';
      video.src = src;
      document.body.append(video);
      await new Promise((resolve, reject) => {
        video.onloadedmetadata = resolve;
        video.onerror = () => reject(new Error(`media error ${video.error?.code}: ${video.error?.message}`));
      });
      const duration = video.duration;
      const seekable = video.seekable.length ? video.seekable.end(video.seekable.length - 1) : 0;
      video.currentTime = at;
      await new Promise((resolve) => (video.onseeked = resolve));
      // (No named function in here: tsx would wrap it in a helper the page does not have.)
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          if (video.readyState < 2) return;
          clearInterval(timer);
          resolve();
        }, 50);
      });
      const result = { duration, seekable, currentTime: video.currentTime, width: video.videoWidth };
      video.remove();
      return result;
    },
    { src: url, at: seekTo },
  );
}

/** A server on a data folder of its own, which `up()` brings back on the same port and data. */
const consultKit = () =>
  restartableServer('ck-recording-e2e-', (dataDir) => ({
    CONSULTKIT_DOCUMENTS_DIR: join(dataDir, 'documents'),
    CONSULTKIT_RECORDINGS_DIR: join(dataDir, 'recordings'),
    CONSULTKIT_RATE_LIMITS: 'off',
  }));

describe('composite recording of a mesh call, end to end', () => {
  let browser: Browser;
  let ck: Awaited<ReturnType<typeof consultKit>>;
  let gp: Participant;
  let pt: Participant;
  let appointmentId: string;
  let dir: string;

  before(async () => {
    if (skip) return;
    dir = await mkdtemp(join(tmpdir(), 'ck-recording-files-'));
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROME_ARGS, headless: true });
    ck = await consultKit();
    const appt = await ck.appointment(`recording-${Date.now()}@example.org`);
    appointmentId = appt.id;
    gp = await open(browser, ck.url, { ticket: appt.clinician }, true);
    pt = await open(browser, ck.url, { link: appt.patientLink });
    await until(
      () => gp.page.evaluate(() => (window as unknown as Win).consultation.state.get().participants),
      (list) => list.some((p) => p.peerId === pt.peerId && p.presence === 'waiting'),
      'the patient waiting',
      LONG,
    );
    await gp.page.evaluate((id) => (window as unknown as Win).consultation.admit(id), pt.peerId);
    for (const p of [gp, pt])
      await until(
        () => p.page.evaluate(() => (window as unknown as Win).consultation.state.get().status),
        (s) => s === 'in-call',
        'in call',
        LONG,
      );
  });

  after(async () => {
    await browser?.close();
    await ck?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('declined: no MediaRecorder runs and nothing is recorded', { skip, timeout: 600_000 }, async () => {
    const state = await ask(gp, pt, false);
    assert.equal(state.recordingId, undefined);
    // The recorder follows the state synchronously; its capture would have been created by now had
    // it started: the clinician's page made no MediaRecorder, its recorder is idle.
    assert.deepEqual(await recorders(gp), []);
    assert.equal((await recorder(gp)).status, 'idle');
    const list = await ck.json<{ recordings: RecordingInfo[] }>(`/api/recordings?consultation=${appointmentId}`, {
      headers: STAFF,
    });
    assert.deepEqual(list.recordings, []);
  });

  it(
    'withdrawn: the MediaRecorder stops at once, and what was recorded is saved',
    { skip, timeout: 600_000 },
    async () => {
      // The sentinel for the test before: agreeing does start a MediaRecorder in this page.
      const state = await ask(gp, pt, true);
      await until(
        () => recorder(gp),
        (r) => r.uploaded >= 2,
        'two chunks acknowledged',
        LONG,
      );
      assert.equal((await recorders(gp)).length, 1);
      assert.equal((await recorders(gp))[0]!.state, 'recording');
      await pt.page.evaluate(() => (window as unknown as Win).consultation.withdrawRecordingConsent());
      await until(
        () => recorders(gp),
        (list) => list[0]!.state === 'inactive',
        'the MediaRecorder stopped',
        LONG,
      );
      const ended = await recording(gp);
      assert.equal(ended?.status, 'stopped');
      assert.equal(ended?.reason, 'withdrawn');
      const { chunks } = await saved(gp, state.recordingId!);
      assert.equal(chunks, (await recorders(gp))[0]!.chunks);
      const file = await probe(ck, state.recordingId!, dir);
      assert.ok(file.duration > 0, `duration ${file.duration}`);
    },
  );

  it(
    '30 s: uploaded, finished, plays back in Chromium with its duration, sound and a seekable index',
    { skip, timeout: 600_000 },
    async () => {
      const index = (await recorders(gp)).length;
      const state = await ask(gp, pt, true);
      const started = await until(
        () => recorders(gp),
        (list) => list[index]?.startedAt != null,
        'the MediaRecorder started',
        LONG,
      );
      const startedAt = started[index]!.startedAt!;
      // The recording lasts 30 s of the page's clock: the scenario, not a wait for something.
      await gp.page.waitForFunction((t) => performance.now() - t >= 30_000, startedAt, { timeout: LONG, polling: 200 });
      await gp.page.evaluate(() => (window as unknown as Win).consultation.stopRecording());
      const { chunks } = await saved(gp, state.recordingId!);
      const made = (await recorders(gp))[index]!;
      assert.equal(chunks, made.chunks, 'every chunk made was saved');
      const captured = (made.stopCalledAt! - made.startedAt!) / 1000;
      assert.ok(captured >= 30, `captured ${captured} s`);
      const file = await probe(ck, state.recordingId!, dir);
      assert.ok(Math.abs(file.duration - captured) <= 1, `ffprobe: ${file.duration} s for ${captured} s captured`);
      assert.ok(
        file.streams.some((s) => s.codec_type === 'video'),
        'a video stream',
      );
      assert.ok(
        file.streams.some((s) => s.codec_type === 'audio' && s.codec_name === 'opus'),
        'an Opus audio stream',
      );
      // The fake microphones beep: the mixed voices are in the file, not silence.
      assert.ok(file.maxVolume > -40, `max volume ${file.maxVolume} dB`);
      const played = await playBack(gp, new URL(file.info.url!, ck.url).href, 20);
      assert.ok(Math.abs(played.duration - captured) <= 1, `<video> duration ${played.duration} s`);
      assert.ok(played.seekable >= 29, `seekable to ${played.seekable} s`);
      assert.ok(Math.abs(played.currentTime - 20) < 0.5, `seeked to ${played.currentTime} s`);
      assert.equal(played.width, 1280);
    },
  );

  it(
    'the server gone for 5 s mid-recording: every chunk arrives, the file plays, its duration is the capture’s',
    { skip, timeout: 600_000 },
    async () => {
      const index = (await recorders(gp)).length;
      const state = await ask(gp, pt, true);
      await until(
        () => recorder(gp),
        (r) => r.uploaded >= 3,
        'three chunks acknowledged',
        LONG,
      );
      const statuses: string[] = [];
      await gp.page.exposeFunction('__status', (s: string) => statuses.push(s));
      await gp.page.evaluate(() =>
        (
          window as unknown as Win & {
            consultation: { recorder: { state: { subscribe(f: (s: { status: string }) => void): void } } };
          }
        ).consultation.recorder.state.subscribe((s) =>
          (window as unknown as { __status(s: string): void }).__status(s.status),
        ),
      );
      await ck.down();
      // Gone for 5 s: the scenario's length.
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      await ck.up();
      // Back: the chunks kept meanwhile go (the server may also have ended the recording as every
      // socket dropped: then the page finishes it at once).
      await until(
        () => recorder(gp),
        (r) => r.pending <= 1 && r.status !== 'retrying' && r.status !== 'starting',
        'the backlog sent',
        LONG,
      );
      assert.ok(statuses.includes('retrying'), `the page retried while the server was gone (${statuses.join(', ')})`);
      // The signalling socket back too: the recording either still runs (the clinician stops it
      // now) or was ended by the server as every socket dropped (the page then finished it).
      await until(
        () =>
          gp.page.evaluate(() => {
            const s = (window as unknown as Win).consultation.state.get() as { signalling?: string };
            return s.signalling;
          }),
        (s) => s === 'connected',
        'the clinician’s signalling back',
        LONG,
      );
      if ((await recording(gp))?.status === 'recording')
        await gp.page.evaluate(() => (window as unknown as Win).consultation.stopRecording());
      const { chunks } = await saved(gp, state.recordingId!);
      const made = (await recorders(gp))[index]!;
      assert.equal(chunks, made.chunks, 'every chunk made was saved (the finish refuses a gap)');
      const captured = (made.stopCalledAt! - made.startedAt!) / 1000;
      const file = await probe(ck, state.recordingId!, dir);
      assert.ok(Math.abs(file.duration - captured) <= 1, `ffprobe: ${file.duration} s for ${captured} s captured`);
      const played = await playBack(gp, new URL(file.info.url!, ck.url).href, Math.min(5, captured / 2));
      assert.ok(Math.abs(played.duration - captured) <= 1, `<video> duration ${played.duration} s`);
    },
  );

  it(
    'the clinician’s page reloaded while its uploads fail: the new page sends the chunks kept in IndexedDB and finishes',
    { skip, timeout: 600_000 },
    async () => {
      const state = await ask(gp, pt, true);
      await until(
        () => recorder(gp),
        (r) => r.uploaded >= 1,
        'a chunk acknowledged',
        LONG,
      );
      // The recording API unreachable from this page: chunks pile up in IndexedDB.
      await gp.page.route('**/api/recordings/**', (route) => route.abort('connectionrefused'));
      const before = await until(
        () => recorder(gp),
        (r) => r.pending >= 3,
        'three chunks kept in IndexedDB',
        LONG,
      );
      await gp.page.reload();
      const again = (await gp.page.evaluate(`(${IN_PAGE})(${JSON.stringify({ ticket: gp.ticket })})`)) as {
        peerId: string;
      };
      assert.equal(again.peerId, gp.peerId);
      // The recorder is made when the first roster shows the recording (decision 47).
      await gp.page.waitForFunction(() => (window as unknown as Win).consultation.recorder !== null, undefined, {
        timeout: LONG,
      });
      // The new page found the recording (still failing to reach the API): nothing is lost yet.
      await until(
        () => recorder(gp),
        (r) => r.status === 'retrying' && r.chunks >= before.chunks,
        'the reloaded page holding the kept recording',
        LONG,
      );
      const kept = await recorder(gp);
      await gp.page.unroute('**/api/recordings/**');
      const { chunks } = await saved(gp, state.recordingId!);
      assert.equal(chunks, kept.chunks);
      // Its capture ended with the page that made it: the reloaded page asked the server to stop.
      await until(
        () => recording(pt),
        (r) => r?.status === 'stopped',
        'the recording stopped for everyone',
        LONG,
      );
      assert.deepEqual(await recorders(gp), [], 'the reloaded page started no new capture');
      const file = await probe(ck, state.recordingId!, dir);
      assert.ok(file.duration >= 2 * (chunks - 1) - 1, `duration ${file.duration} s for ${chunks} chunks`);
      const played = await playBack(gp, new URL(file.info.url!, ck.url).href, 1);
      assert.ok(played.duration > 0);
    },
  );
});
