/**
 * A three-party consultation through Janus, recorded by Janus and made into ONE file by the server
 * (packages/server/src/recording/janus-capture.ts), end to end: a real Janus (scripts/janus.mjs),
 * the real server, and three headless Chromiums, each running core's `SfuSession` (the Janus page
 * harness) with its own fake microphone: a WAV of a tone of its own (Chromium's
 * `--use-file-for-fake-audio-capture`), so each participant's voice can be told apart in the mix.
 *
 * The script, on the recording's clock (seconds after it started): each participant is muted
 * (`setMediaFlags`, as a page's mute button) except in its own window. The clinician (A) and the
 * patient (B) agreed from the start; the third (C, a specialist invited as a guest) has been asked and not
 * yet answered, speaks once before agreeing (must not be heard: their consent is cut by time), then
 * agrees and speaks again (must be heard).
 *
 *   A speaks [1, 4) · C speaks unagreed [5, 8) · B speaks [9, 12) · C agrees at 13 · C speaks [14, 17) · the call ends at 19
 *
 * (The windows measured are the spans between the page's unmute and mute as they took effect, so a
 * slow machine shifts them but never makes them overlap.)
 *
 * The file: one WebM with an Opus track and a VP8 track, its duration the recording's (± 1 s); in
 * each window the speaker's tone is loud and the others' are not; C's tone is absent while C had not
 * agreed, and C's tile is the black canvas then and drawn after. The server's own capture (app.ts)
 * records, driven by the consent service's events on the room registry (`started`,
 * `recorded-changed`, `stopped`, emitted here as the consent service emits them), and rec-store's
 * `Recordings` finish the file (`ready`, duration, size, SHA-256). Skipped, saying why, without
 * Chromium, Janus, janus-pp-rec or ffmpeg.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ConsultKitServer } from '../packages/server/src/app.js';
import { Recordings } from '../packages/server/src/recording/repository.js';
import { runTool } from '../packages/server/src/recording/media-tools.js';
import { decodePcm, probe, toneLevel, toneWav } from '../packages/server/src/recording/test-audio.js';
import { STAFF, startTestServer, TEST_NOW } from '../packages/server/src/test-helpers.js';
// @ts-expect-error -- plain ESM helper without types
import { CHROME_ARGS, findChrome, NO_CHROME_MESSAGE } from '../scripts/chrome.mjs';
import { startJanus, type RunningJanus } from '../scripts/janus.mjs';
import {
  ck as page$,
  consultation,
  pageServer,
  participantPage,
  seedPractice,
  sessionOf,
  until,
  admitOverSignalling,
  api,
} from './janus-support.js';
import { janusSettings, janusSfu } from '../packages/server/src/sfu/test-support.js';

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
const started = await startJanus();
const executablePath = findChrome() as string | null;
const skip =
  started.skip ??
  (executablePath ? undefined : NO_CHROME_MESSAGE) ??
  (has('janus-pp-rec') ? undefined : 'janus-pp-rec (Debian janus-tools) is missing: skipped') ??
  (has('ffmpeg') && has('ffprobe') ? undefined : 'ffmpeg is missing: skipped');
const janus = started as RunningJanus;

/** Each participant's voice: a tone of its own (Hz), far apart and off each other's harmonics. */
const TONES = { A: 440, B: 1130, C: 2390 } as const;
type Who = keyof typeof TONES;

describe('a three-party Janus call is recorded into one file with every voice', () => {
  const browsers: Browser[] = [];
  let ck: { server: ConsultKitServer; url: string };
  let pages: { server: Server; url: string };
  let work: string;
  let recordingsDir: string;

  before(async () => {
    if (skip) return;
    work = await mkdtemp(join(tmpdir(), 'consultkit-rec-janus-'));
    recordingsDir = join(work, 'recordings');
    ck = await startTestServer(
      {
        CONSULTKIT_SEED_DEMO: 'false',
        CONSULTKIT_JOIN_EARLY_MINUTES: '1440',
        ...janusSettings(janus),
        CONSULTKIT_RECORDINGS_DIR: recordingsDir,
      },
      {},
      { now: () => TEST_NOW },
    );
    pages = await pageServer(ck.url);
  });

  after(async () => {
    if (skip) return;
    for (const browser of browsers) await browser.close().catch(() => undefined);
    pages?.server.close();
    await ck?.server.close();
    await janus.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it(
    'mixes all three voices, each in its window, and leaves out what C sent before agreeing',
    { timeout: 600_000 },
    async (t) => {
      if (skip) return t.skip(skip);
      const schedule = await seedPractice(ck);
      // Sessions: the clinician (A), the patient (B), and a specialist invited as a guest (C), each a
      // peer of its own (two clinician sessions would share the clinician's peer id).
      const x = await consultation(ck, schedule, 'recorded-three@example.org', 1);
      const fetchJson = api(ck);
      const json = { 'content-type': 'application/json' };
      const invited = await fetchJson<{ url: string }>(`/api/consultations/${x.id}/guests`, {
        method: 'POST',
        headers: { ...STAFF, ...json },
        body: JSON.stringify({ name: 'Dr Specialist', kind: 'specialist' }),
      });
      const guest = await fetchJson<{ token: string; peerId: string }>('/api/join/redeem', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ token: /\/join\/([^/?#\s]+)/.exec(invited.url)![1] }),
      });
      const gp = await fetchJson<{ token: string; peerId: string }>(`/api/consultations/${x.id}/clinician-token`, {
        method: 'POST',
        headers: STAFF,
      });
      await admitOverSignalling(ck.url, gp, guest);
      const tokens: Record<Who, string> = { A: x.clinicians[0]!, B: x.patient, C: guest.token };

      const participants = {} as Record<Who, { page: Page; publisherId: number }>;
      for (const who of ['A', 'B', 'C'] as const) {
        const wav = join(work, `${who}.wav`);
        await toneWav(wav, TONES[who], 40);
        const browser = await chromium.launch({
          executablePath: executablePath!,
          headless: true,
          args: [...CHROME_ARGS, `--use-file-for-fake-audio-capture=${wav}`],
        });
        browsers.push(browser);
        const page = await participantPage(browser, pages.url, who);
        await page$.flags(page, {}).catch(() => undefined);
        const opened = await page$.open(page, pages.url, x.id, tokens[who]);
        assert.equal(opened.error, undefined, `${who} could not open: ${JSON.stringify(opened.error)}`);
        participants[who] = { page, publisherId: opened.publisherId };
      }
      const audioSent = (page: Page) =>
        page.evaluate(async () => {
          const sfu = (window as unknown as { sfu: { publisherConnection: RTCPeerConnection } }).sfu;
          let packets = 0;
          (await sfu.publisherConnection.getStats()).forEach(
            (r: { type: string; kind?: string; packetsSent?: number }) => {
              if (r.type === 'outbound-rtp' && r.kind === 'audio') packets = r.packetsSent ?? 0;
            },
          );
          return packets;
        });
      // Everyone publishes audio to Janus before the recording starts; then all are muted.
      for (const who of ['A', 'B', 'C'] as const) {
        const { page } = participants[who];
        await until(
          () => audioSent(page),
          (n) => n > 50,
          `${who} sending audio to Janus`,
          60_000,
          () => sessionOf(page),
        );
        await page$.flags(page, { muted: true });
      }

      // Who is who, as the server maps them: peer ids (join sessions) → publisher ids, cross-checked
      // against the publisher id each page joined Janus with.
      const sessions = await ck.server.storage.query<{ id: string; peer_id: string; role: string }>(
        'SELECT id, peer_id, role FROM join_session WHERE appointment_id = $1',
        [Number(x.id)],
      );
      const { sfu } = janusSfu(ck.server.storage, janus);
      const peerOf = {} as Record<Who, string>;
      for (const who of ['A', 'B', 'C'] as const) {
        const session = sessions.find((s) => sfu.publisherIdOf(s.id) === participants[who].publisherId);
        assert.ok(session, `${who}'s publisher id belongs to one of the consultation's sessions`);
        peerOf[who] = session.peer_id;
      }

      // The recording row, as rec-consent makes it when everyone asked has agreed (rec-store's
      // repository), and the server's own capture, driven by rec-consent's events as in a call.
      const recordings = new Recordings(ck.server.storage, recordingsDir, 90);
      const { id: recordingId } = await recordings.create({
        appointmentId: Number(x.id),
        requestId: 'request-1',
        capture: 'janus',
        askedBy: peerOf.A,
        startedAt: new Date(),
      });
      const events = ck.server.rooms.recordingEvents;
      const about = { cid: 'consultation', appointmentId: Number(x.id), recordingId };

      // --- The script ---
      const startedAt = Date.now();
      events.emit('started', { ...about, capture: 'janus', recorded: [peerOf.A, peerOf.B] });
      const at = async (second: number) => {
        const wait = startedAt + second * 1000 - Date.now();
        // The script's own clock: these are the moments the participants act, not waits for a condition.
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      };
      /** Actual windows (seconds on the recording's clock), as the mute changes took effect. */
      const spoke: Record<string, { from: number; to: number }> = {};
      const speak = async (label: string, who: Who, from: number, to: number) => {
        await at(from);
        await page$.flags(participants[who].page, { muted: false });
        const on = (Date.now() - startedAt) / 1000;
        await at(to);
        const off = (Date.now() - startedAt) / 1000;
        await page$.flags(participants[who].page, { muted: true });
        spoke[label] = { from: on, to: off };
      };
      await speak('A', 'A', 1, 4);
      await speak('C unagreed', 'C', 5, 8);
      await speak('B', 'B', 9, 12);
      await at(13);
      events.emit('recorded-changed', { ...about, recorded: [peerOf.A, peerOf.B, peerOf.C] });
      const agreedAt = (Date.now() - startedAt) / 1000;
      await speak('C', 'C', 14, 17);
      await at(19);
      // The call ends (every page leaves Janus), then the recording stops.
      for (const who of ['A', 'B', 'C'] as const) await page$.close(participants[who].page);
      const stoppedAt = (Date.now() - startedAt) / 1000;
      events.emit('stopped', { ...about, reason: 'ended' });
      const row = await until(
        async () => (await recordings.get(recordingId))!,
        (r) => r.status === 'ready' || r.status === 'failed',
        'the recording finished',
        900_000,
      );
      assert.equal(row.status, 'ready', `the recording failed: ${row.failure}`);

      // --- The file ---
      const finished = recordings.path(recordingId);
      const bytes = await readFile(finished);
      assert.equal(row.sha256, createHash('sha256').update(bytes).digest('hex'));
      assert.equal(Number(row.size), bytes.length);
      assert.equal(row.content_type, 'video/webm');
      assert.ok(
        Math.abs(row.duration_seconds! - stoppedAt) <= 1,
        `duration ${row.duration_seconds} s, recorded ${stoppedAt} s`,
      );
      const info = await probe(finished);
      assert.deepEqual(info.streams.map((s) => `${s.codec_type}/${s.codec_name}`).sort(), ['audio/opus', 'video/vp8']);
      assert.ok(Math.abs(info.duration - stoppedAt) <= 1, `duration ${info.duration} s, recorded ${stoppedAt} s`);
      // The raw .mjr files are gone with the work folder (they hold what C sent unagreed).
      assert.deepEqual(await readdir(recordingsDir), [recordingId]);

      const pcm = await decodePcm(finished);
      const level = (who: Who, w: { from: number; to: number }) => toneLevel(pcm, TONES[who], w.from, w.to);
      const inside = (w: { from: number; to: number }) => ({ from: w.from + 0.4, to: w.to - 0.2 });
      const report: string[] = [];
      for (const [label, window] of Object.entries(spoke)) {
        const w = inside(window);
        report.push(
          `${label} [${w.from.toFixed(1)}, ${w.to.toFixed(1)}): A ${level('A', w).toFixed(4)} B ${level('B', w).toFixed(4)} C ${level('C', w).toFixed(4)}`,
        );
      }
      const quiet = { from: stoppedAt - 1.6, to: stoppedAt - 0.4 };
      report.push(
        `quiet end: A ${level('A', quiet).toFixed(4)} B ${level('B', quiet).toFixed(4)} C ${level('C', quiet).toFixed(4)}`,
      );
      t.diagnostic(report.join(' · '));
      for (const [label, window] of Object.entries(spoke)) {
        assert.ok(window.to - window.from > 1, `${label} spoke long enough to measure: ${JSON.stringify(spoke)}`);
      }
      const LOUD = 0.02;
      const SILENT = 0.004;
      for (const [label, who] of [
        ['A', 'A'],
        ['B', 'B'],
        ['C', 'C'],
      ] as const) {
        const w = inside(spoke[label]!);
        assert.ok(level(who, w) > LOUD, `${who}'s voice is in their window: ${report.join(' · ')}`);
        for (const other of ['A', 'B', 'C'] as const) {
          if (other !== who)
            assert.ok(level(other, w) < SILENT, `${other} is silent in ${who}'s window: ${report.join(' · ')}`);
        }
      }
      const unagreed = inside(spoke['C unagreed']!);
      for (const who of ['A', 'B', 'C'] as const) {
        assert.ok(
          level(who, unagreed) < SILENT,
          `nothing is heard while C speaks unagreed (${who}): ${report.join(' · ')}`,
        );
        assert.ok(level(who, quiet) < SILENT, `silence at the end (${who}): ${report.join(' · ')}`);
      }
      assert.ok(agreedAt < spoke['C']!.from, 'C agreed before speaking again');

      // C's tile: black while C had not agreed, C's camera after (the fake camera is never black).
      const tiles = [participants.A, participants.B, participants.C]
        .map((p) => p.publisherId)
        .sort((a, b) => String(a).localeCompare(String(b)));
      const cell = tiles.indexOf(participants.C.publisherId);
      const lumaOfC = async (second: number) => {
        const raw = join(work, `frame-${second.toFixed(2)}.gray`);
        await runTool(
          ['ffmpeg', '-hide_banner', '-loglevel', 'error', '-y', '-ss', second.toFixed(2), '-i', finished].concat([
            '-frames:v',
            '1',
            '-vf',
            'format=gray',
            '-f',
            'rawvideo',
            raw,
          ]),
          60_000,
        );
        const frame = await readFile(raw);
        const x0 = (cell % 2) * 320;
        const y0 = Math.floor(cell / 2) * 240;
        let sum = 0;
        for (let y = y0 + 20; y < y0 + 220; y++)
          for (let x = x0 + 20; x < x0 + 300; x++) sum += frame[y * 640 + x] ?? 0;
        return sum / (200 * 280);
      };
      const before = await lumaOfC((spoke['C unagreed']!.from + spoke['C unagreed']!.to) / 2);
      // After agreeing: C's camera may reach the recording a moment late (a key frame after the
      // consent gate, on a loaded machine): the brightest of a few frames from then to the end.
      const agreedSpan = spoke['C']!;
      let afterAgreeing = 0;
      for (const second of [
        agreedSpan.from + 0.3,
        (agreedSpan.from + agreedSpan.to) / 2,
        agreedSpan.to - 0.2,
        agreedSpan.to + 1,
      ]) {
        afterAgreeing = Math.max(afterAgreeing, await lumaOfC(second));
      }
      t.diagnostic(`C's tile mean luma: unagreed ${before.toFixed(1)}, agreed ${afterAgreeing.toFixed(1)}`);
      assert.ok(before < 1, `C's tile is the black canvas before C agreed (mean luma ${before})`);
      assert.ok(
        afterAgreeing > 5,
        `C's tile is drawn (not the black canvas) after C agreed (mean luma ${afterAgreeing})`,
      );
    },
  );
});
