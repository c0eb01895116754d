/**
 * The Janus capture against a real Janus (scripts/janus.mjs) and the real server's storage: what it
 * asks Janus (the room records into the recording's own folder, locked against participants), and
 * how it ends when something goes wrong (Janus unreachable, nothing recorded, a tool missing or
 * too slow): always `failed` with a reason in the `recording` row, never a thrown error. The
 * mix itself (consent cut by time, each voice placed by its start) on files made with ffmpeg.
 * The three-party call with real media is e2e/recording-janus.test.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { Appointment, Bundle, Slot } from 'fhir/r4.js';
import { startJanus, type RunningJanus } from '../../../../scripts/janus.mjs';
import type { ConsultKitServer } from '../app.js';
import { JanusAdmin } from '../sfu/janus.js';
import type { SfuService } from '../sfu/service.js';
import {
  appointmentRequest,
  caller,
  seedBookingFixture,
  STAFF,
  startTestServer,
  TEST_NOW,
  type BookingFixture,
} from '../test-helpers.js';
import { RecordingEvents } from '../room/recording.js';
import {
  hookJanusCapture,
  JanusCapture,
  publishersFromStorage,
  roomFromStorage,
  storageSink,
  type RecordingSink,
} from './janus-capture.js';
import { mixArgs } from './janus-mix.js';
import { MediaToolError, runTool } from './media-tools.js';
import { decodePcm, probe, toneLevel } from './test-audio.js';
import { janusSettings, janusSfu } from '../sfu/test-support.js';

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
const noFfmpeg = has('ffmpeg') && has('ffprobe') ? undefined : 'ffmpeg is missing: skipped';
const started = await startJanus();
const skip = started.skip ?? noFfmpeg;
const janus = started as RunningJanus;

/** Polls `check` until it holds (60 s: the machine is shared and loaded). */
async function until(check: () => Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'consultkit-janus-capture-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
  if (!started.skip) await janus.stop();
});

describe('running the media tools', () => {
  it('refuses a tool that is not there, with a reason', async () => {
    await assert.rejects(runTool(['/nonexistent/ffmpeg', '-version'], 5_000), (error: unknown) => {
      assert.ok(error instanceof MediaToolError);
      assert.match(error.message, /ffmpeg could not run/);
      return true;
    });
  });

  it('kills a tool that runs past its time limit', async () => {
    await assert.rejects(runTool(['sleep', '30'], 300), /sleep ran past its time limit/);
  });

  it('says what a failing tool printed', async (t: TestContext) => {
    if (noFfmpeg) return t.skip(noFfmpeg);
    await assert.rejects(
      runTool(['ffmpeg', '-hide_banner', '-i', join(work, 'absent.opus')], 30_000),
      (error: Error) => {
        assert.match(error.message, /ffmpeg failed \(exit 1\): .*absent\.opus/);
        return true;
      },
    );
  });

  it('passes arguments as they are: no shell sees them', async () => {
    const odd = '$(touch /tmp/consultkit-never); `id` ; "quoted" \'single\'';
    const { stdout } = await runTool(['printf', '%s', odd], 5_000);
    assert.equal(stdout, odd);
  });
});

describe('the mix: every voice placed by its start, each heard only while agreed', () => {
  it('delays each file by its offset and zeroes what was sent outside consent', async (t: TestContext) => {
    if (noFfmpeg) return t.skip(noFfmpeg);
    const make = async (name: string, args: string[]) => {
      const file = join(work, name);
      await runTool(['ffmpeg', '-hide_banner', '-loglevel', 'error', '-y', ...args, file], 300_000);
      return file;
    };
    // A: a 440 Hz tone for 6 s from the start; B: 1130 Hz for 6 s, its file starting 2 s in.
    const a = await make('a.opus', ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=6', '-c:a', 'libopus']);
    const b = await make('b.opus', ['-f', 'lavfi', '-i', 'sine=frequency=1130:duration=6', '-c:a', 'libopus']);
    const video = await make('b.webm', [
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=320x240:rate=15:duration=6',
      '-c:v',
      'libvpx',
    ]);
    const output = join(work, 'mixed.webm');
    const { argv, contentType } = mixArgs({
      ffmpeg: 'ffmpeg',
      durationSeconds: 8,
      output,
      tracks: [
        { kind: 'audio', file: a, offsetSeconds: 0, consent: [{ from: 0, to: 8 }] },
        // B agreed only at 5 s: their first 3 s (2 s → 5 s) are cut.
        { kind: 'audio', file: b, offsetSeconds: 2, consent: [{ from: 5, to: 8 }], tile: 'b' },
        { kind: 'video', file: video, offsetSeconds: 2, consent: [{ from: 5, to: 8 }], tile: 'b' },
      ],
    });
    assert.equal(contentType, 'video/webm');
    await runTool(argv, 900_000);
    const info = await probe(output);
    assert.ok(Math.abs(info.duration - 8) < 0.5, `duration ${info.duration}`);
    const pcm = await decodePcm(output);
    const at = (hz: number, from: number, to: number) => toneLevel(pcm, hz, from, to);
    assert.ok(at(440, 0.5, 5.5) > 0.05, 'A is heard from the start');
    assert.ok(at(440, 6.5, 7.5) < 0.004, 'A is silent after its file ends');
    assert.ok(at(1130, 2.5, 4.5) < 0.004, 'B is not heard before agreeing');
    assert.ok(at(1130, 5.5, 7.5) > 0.05, 'B is heard once agreed, at its place on the timeline');
  });

  it('refuses to make a file with nobody’s voice', () => {
    assert.throws(() => mixArgs({ ffmpeg: 'ffmpeg', durationSeconds: 1, output: 'x', tracks: [] }), /no recorded/);
  });
});

describe('recording a consultation’s Janus room', () => {
  let ck: { server: ConsultKitServer; url: string };
  let fixture: BookingFixture;
  let admin: JanusAdmin;
  let sfu: SfuService;
  let recordings: string;
  const call = caller(() => ck.url);

  before(async () => {
    if (skip) return;
    recordings = join(work, 'recordings');
    ck = await startTestServer(
      {
        CONSULTKIT_SEED_DEMO: 'false',
        CONSULTKIT_JOIN_EARLY_MINUTES: '1440',
        ...janusSettings(janus),
      },
      {},
      { now: () => TEST_NOW },
    );
    fixture = await seedBookingFixture(ck.server.storage);
    ({ admin, sfu } = janusSfu(ck.server.storage, janus));
  });
  after(async () => {
    await ck?.server.close();
  });

  let patients = 0;
  /** A confirmed video appointment whose Janus room exists (a clinician asked for it); its id and the clinician's peer. */
  async function consultationWithRoom(): Promise<{ id: number; room: number; clinician: string }> {
    const bundle = (
      await call<Bundle>('GET', `/fhir/Slot?status=free&schedule=Schedule/${fixture.gp.scheduleId}&start=2026-03-02`)
    ).body;
    const slot = bundle.entry!.map((e) => e.resource as Slot).find((r) => r.resourceType === 'Slot')!;
    const booked = await call<Appointment>('POST', '/fhir/Appointment', {
      body: appointmentRequest(slot, `capture${++patients}@example.org`),
    });
    assert.equal(booked.status, 201, JSON.stringify(booked.body));
    const confirmed = await call<Appointment>('PUT', `/fhir/Appointment/${booked.body.id}`, {
      body: { ...booked.body, status: 'booked' },
      headers: { ...STAFF, 'if-match': `W/"${booked.body.meta!.versionId}"` },
    });
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
    const clinician = await call<{ token: string; peerId: string }>(
      'POST',
      `/api/consultations/${booked.body.id}/clinician-token`,
      { headers: STAFF },
    );
    const access = await call<{ room: number }>('POST', `/api/consultations/${booked.body.id}/sfu`, {
      headers: { authorization: `Bearer ${clinician.body.token}` },
    });
    assert.equal(access.status, 200, JSON.stringify(access.body));
    return { id: Number(booked.body.id), room: access.body.room, clinician: clinician.body.peerId };
  }

  let recordings$ = 0;
  /** A `recording` row (as rec-consent makes it), `capturing`. */
  async function recordingRow(appointmentId: number, askedBy: string): Promise<string> {
    const id = (++recordings$).toString(16).padStart(32, '0');
    await ck.server.storage.query(
      `INSERT INTO recording (id, appointment_id, request_id, capture, status, asked_by, started_at)
       VALUES ($1, $2, 'request', 'janus', 'capturing', $3, $4)`,
      [id, appointmentId, askedBy, new Date()],
    );
    return id;
  }

  const rowOf = async (id: string) =>
    (
      await ck.server.storage.query<{ status: string; failure: string | null }>(
        'SELECT status, failure FROM recording WHERE id = $1',
        [id],
      )
    )[0]!;

  /** What Janus says of the room (`list` with the admin key shows private rooms and their recording). */
  async function roomState(room: number): Promise<Record<string, unknown> | undefined> {
    const listed = await admin.videoroom({ request: 'list', admin_key: janus.roomAdminKey });
    return (listed['list'] as Record<string, unknown>[]).find((r) => r['room'] === room);
  }

  const finished: string[] = [];
  const capture = (overrides: Partial<ConstructorParameters<typeof JanusCapture>[0]> = {}) =>
    new JanusCapture({
      recordingsDir: recordings,
      room: roomFromStorage(ck.server.storage, [{ url: janus.wsUrl, admin }]),
      publishersOf: publishersFromStorage(ck.server.storage, (sid, stream) => sfu.publisherIdOf(sid, stream)),
      sink: storageSink(ck.server.storage, async (id) => void finished.push(id)),
      ...overrides,
    });

  it('records the room into the recording’s own folder, locked against participants, and stops', async (t: TestContext) => {
    if (skip) return t.skip(skip);
    const { id, room, clinician } = await consultationWithRoom();
    const recordingId = await recordingRow(id, clinician);
    const janusCapture = capture();
    assert.equal(await janusCapture.start({ appointmentId: id, recordingId, recorded: [clinician] }), true);
    assert.equal(janusCapture.capturing(recordingId), true);
    const state = await roomState(room);
    assert.equal(state?.['record'], true, JSON.stringify(state));
    assert.equal(state?.['rec_dir'], join(recordings, `${recordingId}.work`, 'janus'));
    assert.equal(state?.['lock_record'], true);
    // Nobody published media: stopping ends `failed`, saying so, and Janus records no more.
    const result = await janusCapture.stop({ recordingId });
    assert.equal(result.status, 'failed');
    assert.match(result.reason!, /no audio/);
    assert.equal((await roomState(room))?.['record'], false);
    assert.deepEqual(await rowOf(recordingId), { status: 'failed', failure: result.reason });
    assert.equal(janusCapture.capturing(recordingId), false);
    // Stopping again, or an id never started, answers without touching anything.
    assert.equal((await janusCapture.stop({ recordingId })).reason, 'not being recorded');
  });

  it('a stop that comes while Janus is still being told to start waits for it, and leaves Janus not recording', async (t: TestContext) => {
    if (skip) return t.skip(skip);
    const { id, room, clinician } = await consultationWithRoom();
    const recordingId = await recordingRow(id, clinician);
    const janusCapture = capture();
    const starting = janusCapture.start({ appointmentId: id, recordingId, recorded: [clinician] });
    const result = await janusCapture.stop({ recordingId });
    assert.equal(await starting, true);
    assert.equal(result.status, 'failed');
    assert.match(result.reason!, /no audio/);
    assert.equal((await roomState(room))?.['record'], false);
  });

  it('deletes unread the files of anyone who never agreed, and of other rooms', async (t: TestContext) => {
    if (skip) return t.skip(skip);
    const { id, room, clinician } = await consultationWithRoom();
    const recordingId = await recordingRow(id, clinician);
    const janusCapture = capture();
    assert.equal(await janusCapture.start({ appointmentId: id, recordingId, recorded: [clinician] }), true);
    const folder = janusCapture.folderOf(recordingId);
    // As Janus would name them: a publisher of no session of this consultation, and another room.
    const stranger = `videoroom-${room}-user-123456-1764490000000000-audio-0.mjr`;
    const elsewhere = `videoroom-${room + 1}-user-${sfu.publisherIdOf('x')}-1764490000000000-audio-0.mjr`;
    await writeFile(join(folder, stranger), 'not read');
    await writeFile(join(folder, elsewhere), 'not read');
    const result = await janusCapture.stop({ recordingId });
    assert.equal(result.status, 'failed');
    assert.equal(result.discarded, 2);
    assert.deepEqual(await readdir(folder), []);
  });

  it('fails with a reason when Janus cannot be reached, and when the consultation has no room', async (t: TestContext) => {
    if (skip) return t.skip(skip);
    const { id, clinician } = await consultationWithRoom();
    const away = new JanusAdmin({ url: 'http://127.0.0.1:9/admin', adminSecret: 'x', timeoutMs: 2_000 });
    const recordingId = await recordingRow(id, clinician);
    const unreachable = capture({ room: async () => ({ admin: away, room: 1, secret: 'x' }) });
    assert.equal(await unreachable.start({ appointmentId: id, recordingId, recorded: [clinician] }), false);
    const row = await rowOf(recordingId);
    assert.equal(row.status, 'failed');
    assert.match(row.failure!, /Janus did not start recording: Janus Admin API unreachable/);
    assert.equal(unreachable.capturing(recordingId), false);

    const other = await recordingRow(id, clinician);
    const roomless = capture({ room: async () => undefined });
    assert.equal(await roomless.start({ appointmentId: id, recordingId: other, recorded: [clinician] }), false);
    assert.match((await rowOf(other)).failure!, /no Janus room/);
  });

  it('records what it can when Janus goes away before the stop, and reports a failing sink', async (t: TestContext) => {
    if (skip) return t.skip(skip);
    const { id, clinician } = await consultationWithRoom();
    const recordingId = await recordingRow(id, clinician);
    const failingSink: RecordingSink = {
      processing: async () => {
        throw new Error('database gone');
      },
      finish: async () => undefined,
      failed: async () => {
        throw new Error('database still gone');
      },
    };
    const janusCapture = capture({ sink: failingSink });
    assert.equal(await janusCapture.start({ appointmentId: id, recordingId, recorded: [clinician] }), true);
    const result = await janusCapture.stop({ recordingId });
    assert.deepEqual(result, { recordingId, status: 'failed', reason: 'could not mark it processing: database gone' });
  });

  it('follows the room registry’s recording events, for Janus captures only', async (t: TestContext) => {
    if (skip) return t.skip(skip);
    const { id, room, clinician } = await consultationWithRoom();
    const janusCapture = capture();
    const events = new RecordingEvents();
    const unhook = hookJanusCapture(events, janusCapture);
    const composite = await recordingRow(id, clinician);
    events.emit('started', {
      cid: 'c',
      appointmentId: id,
      recordingId: composite,
      capture: 'composite',
      recorded: [clinician],
    });
    assert.equal(janusCapture.capturing(composite), false, 'a composite is the page’s to capture');
    const recordingId = await recordingRow(id, clinician);
    events.emit('started', { cid: 'c', appointmentId: id, recordingId, capture: 'janus', recorded: [clinician] });
    assert.equal(janusCapture.capturing(recordingId), true);
    await until(async () => (await roomState(room))?.['record'] === true, 'Janus recording the room');
    events.emit('recorded-changed', { cid: 'c', appointmentId: id, recordingId, recorded: [clinician, 'ck-someone'] });
    events.emit('stopped', { cid: 'c', appointmentId: id, recordingId, reason: 'stopped' });
    assert.equal(janusCapture.capturing(recordingId), false);
    await until(
      async () => (await rowOf(recordingId)).status === 'failed',
      'the recording ends (nothing was published)',
    );
    assert.equal((await roomState(room))?.['record'], false);
    unhook();
    assert.equal(events.listenerCount('started'), 0);
  });

  it('refuses a recording id that could name another folder', async (t: TestContext) => {
    if (skip) return t.skip(skip);
    const janusCapture = capture();
    assert.equal(await janusCapture.start({ appointmentId: 1, recordingId: '../../etc', recorded: [] }), false);
    assert.throws(() => janusCapture.folderOf('../x'), /not a recording id/);
  });
});
