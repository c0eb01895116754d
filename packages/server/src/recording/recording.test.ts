/**
 * Recordings from outside (docs/recording.md, "Storage and access", "Retention"): a WebM made by
 * ffmpeg the way MediaRecorder makes one (streamed: no duration, no cues) sent as chunks with plain
 * `fetch` and tickets from the real join endpoints; finished seekable by the server's ffmpeg and
 * checked by ffprobe; served with odd `Range` values; the access matrix with the audit it leaves;
 * deletion and the retention sweep; the patient's retrieval link from the outbox to the media,
 * and its expiry. On PGlite, and on PostgreSQL when DATABASE_URL is set.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { describe } from 'node:test';
import type { OperationOutcome } from 'fhir/r4.js';
import type { ChunkReceipt, RecordingAccess, RecordingInfo } from '@consultkit/core/contract';
import WebSocket from 'ws';
import type { ConsultKitServer } from '../app.js';
import { Api, until, type Ticket } from '../notify/test-support.js';
import {
  freshPostgresDatabase,
  seedBookingFixture,
  skippable,
  STAFF,
  startTestServer,
  TEST_NOW,
} from '../test-helpers.js';
import { ABANDONED_AFTER_MS, sweepAbandoned, sweepRecordings } from './plugin.js';
import { Recordings } from './repository.js';

const DAY = 24 * 60 * 60 * 1000;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const bearer = (ticket: Ticket) => ({ authorization: `Bearer ${ticket.token}` });

/** Eight seconds of picture and tone, streamed to a pipe as MediaRecorder streams: no duration, no cues. */
function streamedWebm(seconds: number): Buffer {
  return execFileSync(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=160x120:rate=15',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440',
      '-t',
      String(seconds),
      '-c:v',
      'libvpx',
      '-b:v',
      '150k',
      '-c:a',
      'libopus',
      '-f',
      'webm',
      'pipe:1',
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
}

/** The Matroska `Cues` element's id: a seek index. */
const CUES = Buffer.from('1C53BB6B', 'hex');

function split(bytes: Buffer, count: number): Buffer[] {
  const size = Math.ceil(bytes.length / count);
  return Array.from({ length: count }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
}

async function outcome(response: Response): Promise<OperationOutcome> {
  assert.match(response.headers.get('content-type') ?? '', /application\/fhir\+json/);
  const body = (await response.json()) as OperationOutcome;
  assert.equal(body.resourceType, 'OperationOutcome');
  return body;
}

const engines = [
  { name: 'PGlite', skip: false as const, database: async () => undefined },
  {
    name: 'PostgreSQL',
    skip: process.env['DATABASE_URL']
      ? (false as const)
      : 'DATABASE_URL is not set: PostgreSQL recording tests skipped',
    database: freshPostgresDatabase,
  },
];

for (const engine of engines) {
  describe(`recordings (${engine.name})`, () => {
    const { it, before: setup, after: teardown } = skippable(engine.skip);
    const ctx: {
      url: string;
      server: ConsultKitServer;
      api: Api;
      dir: string;
      clock: number;
      dispose?: () => Promise<void>;
    } = { clock: TEST_NOW } as never;
    const sockets: WebSocket[] = [];
    const webm = engine.skip ? Buffer.alloc(0) : streamedWebm(8);

    setup(async () => {
      ctx.dir = await mkdtemp(join(tmpdir(), 'ck-recordings-test-'));
      const database = await engine.database();
      ctx.dispose = database?.dispose;
      const { server, url } = await startTestServer(
        {
          CONSULTKIT_SEED_DEMO: 'false',
          CONSULTKIT_JOIN_EARLY_MINUTES: '1440',
          CONSULTKIT_DOCUMENTS_DIR: join(ctx.dir, 'documents'),
          CONSULTKIT_RECORDINGS_DIR: join(ctx.dir, 'recordings'),
          CONSULTKIT_RATE_LIMITS: 'off',
          ...(database ? { DATABASE_URL: database.url } : {}),
        },
        {},
        { now: () => ctx.clock },
      );
      Object.assign(ctx, { server, url });
      ctx.api = new Api(url, (await seedBookingFixture(server.storage)).gp.scheduleId);
    });
    teardown(async () => {
      for (const socket of sockets) socket.close();
      await ctx.server?.close();
      await ctx.dispose?.();
      await rm(ctx.dir, { recursive: true, force: true });
    });

    const recordings = () => new Recordings(ctx.server.storage, join(ctx.dir, 'recordings'), 90);

    const clinician = (appointmentId: string) => ctx.api.clinicianTicket(appointmentId);
    const patient = (appointmentId: string) => ctx.api.patientTicket(appointmentId);

    /** A booked consultation with its clinician's and patient's sessions, and a recording the clinician asked for. */
    async function consultation() {
      const appt = (await ctx.api.book('2026-03-02')).appointment;
      const gp = await clinician(appt.id!);
      const pt = await patient(appt.id!);
      const row = await recordings().create({
        appointmentId: Number(appt.id),
        requestId: randomUUID(),
        capture: 'composite',
        askedBy: gp.peerId,
        startedAt: new Date(ctx.clock),
      });
      return { id: appt.id!, gp, pt, recording: row.id };
    }

    const put = (recording: string, seq: number, bytes: Buffer, headers: Record<string, string>, type = 'video/webm') =>
      fetch(`${ctx.url}/api/recordings/${recording}/chunks/${seq}`, {
        method: 'PUT',
        headers: { ...headers, 'content-type': type },
        body: bytes,
      });

    const finish = (recording: string, chunks: number, headers: Record<string, string>) =>
      fetch(`${ctx.url}/api/recordings/${recording}/finish`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ chunks }),
      });

    /** Sends every chunk (in the order given) and finishes; the finished recording's info. */
    async function record(c: Awaited<ReturnType<typeof consultation>>, order?: number[]): Promise<RecordingInfo> {
      const chunks = split(webm, 6);
      for (const seq of order ?? chunks.map((_, i) => i)) {
        const answer = await put(c.recording, seq, chunks[seq]!, bearer(c.gp));
        assert.equal(answer.status, 200, await answer.clone().text());
      }
      const done = await finish(c.recording, chunks.length, bearer(c.gp));
      assert.equal(done.status, 200, await done.clone().text());
      return (await done.json()) as RecordingInfo;
    }

    const audit = async (recording: string) => {
      const answer = await fetch(`${ctx.url}/api/recordings/${recording}/audit`, { headers: STAFF });
      assert.equal(answer.status, 200);
      return ((await answer.json()) as { accesses: RecordingAccess[] }).accesses;
    };

    it('chunks arrive out of order, again (the same receipt) and never twice with other bytes', async () => {
      const c = await consultation();
      const chunks = split(webm, 6);
      const receipts: ChunkReceipt[] = [];
      for (const seq of [2, 0, 5]) {
        const answer = await put(c.recording, seq, chunks[seq]!, bearer(c.gp));
        assert.equal(answer.status, 200);
        receipts.push((await answer.json()) as ChunkReceipt);
      }
      assert.deepEqual(receipts.at(-1), { recordingId: c.recording, received: [0, 2, 5] });
      const again = await put(c.recording, 2, chunks[2]!, bearer(c.gp));
      assert.equal(again.status, 200);
      assert.deepEqual(await again.json(), { recordingId: c.recording, received: [0, 2, 5] });
      const other = await put(c.recording, 2, chunks[3]!, bearer(c.gp));
      assert.equal(other.status, 409);
      assert.match((await outcome(other)).issue[0]!.diagnostics!, /Chunk 2 is stored already, with other bytes/);
      const listed = await fetch(`${ctx.url}/api/recordings/${c.recording}/chunks`, { headers: bearer(c.gp) });
      assert.deepEqual(await listed.json(), { recordingId: c.recording, received: [0, 2, 5] });

      // Finishing with chunks missing names them, and keeps what is there.
      const early = await finish(c.recording, 6, bearer(c.gp));
      assert.equal(early.status, 409);
      assert.match((await outcome(early)).issue[0]!.diagnostics!, /Chunks missing: 1, 3, 4\./);

      // Only the clinician who asked, by their session, sends chunks.
      for (const [who, headers] of [
        ['the patient', bearer(c.pt)],
        ['staff', STAFF],
      ] as const) {
        const refused = await put(c.recording, 1, chunks[1]!, headers);
        assert.equal(refused.status, 403, who);
        assert.match((await outcome(refused)).issue[0]!.diagnostics!, /Only the clinician who asked/);
      }
      // The same clinician after a reload (a new session, the same peer id) carries on.
      const reloaded = await clinician(c.id);
      assert.equal(reloaded.peerId, c.gp.peerId);
      const resumed = await fetch(`${ctx.url}/api/recordings/${c.recording}/chunks`, { headers: bearer(reloaded) });
      assert.deepEqual(((await resumed.json()) as ChunkReceipt).received, [0, 2, 5]);
      const stranger = await put(c.recording, 1, chunks[1]!, {});
      assert.equal(stranger.status, 401);
      await outcome(stranger);
      const wrongType = await put(c.recording, 1, chunks[1]!, bearer(c.gp), 'video/mp4');
      assert.equal(wrongType.status, 409, 'the first chunk set the type');
      assert.match((await outcome(wrongType)).issue[0]!.diagnostics!, /video\/webm, not video\/mp4/);
      const text = await put(c.recording, 1, chunks[1]!, bearer(c.gp), 'text/plain');
      assert.equal(text.status, 415);
      await outcome(text);
      const huge = await put(c.recording, 1, Buffer.alloc(8 * 1024 * 1024 + 1), bearer(c.gp));
      assert.equal(huge.status, 413);
      await outcome(huge);
      // A stranger is refused before their body is read: 401, not 413.
      const hugeStranger = await put(c.recording, 1, Buffer.alloc(8 * 1024 * 1024 + 1), {});
      assert.equal(hugeStranger.status, 401);
      await outcome(hugeStranger);
      const badSeq = await put(c.recording, -1, chunks[1]!, bearer(c.gp));
      assert.equal(badSeq.status, 400);
      await outcome(badSeq);
      assert.deepEqual(
        (
          (await (
            await fetch(`${ctx.url}/api/recordings/${c.recording}/chunks`, { headers: bearer(c.gp) })
          ).json()) as ChunkReceipt
        ).received,
        [0, 2, 5],
        'nothing refused was stored',
      );
    });

    it('finishing makes the streamed WebM seekable, with its duration, size and digests; the chunks go', async () => {
      assert.equal(webm.indexOf(CUES), -1, 'the streamed WebM has no cues to begin with');
      const c = await consultation();
      const info = await record(c, [3, 1, 0, 5, 2, 4]);
      assert.equal(info.status, 'ready');
      assert.equal(info.contentType, 'video/webm');
      assert.ok(Math.abs(info.durationSeconds! - 8) <= 1, `duration ${info.durationSeconds}`);
      assert.match(info.url ?? '', /^\/api\/recordings\/[0-9a-f]{32}\/media\?access=/);
      const served = await fetch(`${ctx.url}/api/recordings/${c.recording}/media`, { headers: STAFF });
      assert.equal(served.status, 200);
      const bytes = Buffer.from(await served.arrayBuffer());
      assert.equal(bytes.length, info.size);
      assert.equal(sha256(bytes), info.sha256);
      assert.ok(bytes.indexOf(CUES) > 0, 'the finished file has a seek index (Cues)');
      const file = join(ctx.dir, 'probe.webm');
      await writeFile(file, bytes);
      const probed = JSON.parse(
        execFileSync(
          'ffprobe',
          ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type', '-of', 'json', file],
          {
            encoding: 'utf8',
          },
        ),
      ) as { format: { duration: string }; streams: { codec_type: string }[] };
      assert.ok(Math.abs(Number(probed.format.duration) - 8) <= 1, `ffprobe: ${probed.format.duration}`);
      assert.deepEqual(probed.streams.map((s) => s.codec_type).sort(), ['audio', 'video']);
      const left = (await readdir(join(ctx.dir, 'recordings'))).filter((name) => name.startsWith(c.recording));
      assert.deepEqual(left, [c.recording], 'only the finished file is left');
      // Finishing again (a reloaded page) answers what is there; chunks are refused now.
      const again = await finish(c.recording, 6, bearer(c.gp));
      assert.equal(again.status, 200);
      assert.equal(((await again.json()) as RecordingInfo).sha256, info.sha256);
      const late = await put(c.recording, 6, Buffer.from('x'), bearer(c.gp));
      assert.equal(late.status, 409);
      assert.match((await outcome(late)).issue[0]!.diagnostics!, /ready: it takes no more chunks/);
    });

    it('ranges as players and curl send them: 206 with Content-Range, 416 outside, odd ones ignored', async () => {
      const c = await consultation();
      const info = await record(c);
      const size = info.size!;
      const whole = Buffer.from(
        await (await fetch(`${ctx.url}/api/recordings/${c.recording}/media`, { headers: STAFF })).arrayBuffer(),
      );
      const get = (range: string) =>
        fetch(`${ctx.url}/api/recordings/${c.recording}/media`, { headers: { ...STAFF, range } });
      const partial = async (range: string, start: number, end: number) => {
        const answer = await get(range);
        assert.equal(answer.status, 206, range);
        assert.equal(answer.headers.get('content-range'), `bytes ${start}-${end}/${size}`, range);
        assert.equal(answer.headers.get('accept-ranges'), 'bytes');
        assert.equal(answer.headers.get('content-length'), String(end - start + 1));
        assert.ok(Buffer.from(await answer.arrayBuffer()).equals(whole.subarray(start, end + 1)), range);
      };
      await partial('bytes=0-99', 0, 99);
      await partial('bytes=100-', 100, size - 1);
      await partial('bytes=-100', size - 100, size - 1);
      await partial(`bytes=-${size * 2}`, 0, size - 1);
      await partial(`bytes=${size - 1}-${size + 1000}`, size - 1, size - 1);
      await partial('BYTES = 10-19', 10, 19);
      await partial('bytes=10-19, 50-59', 10, 19);
      await partial(`bytes=${size}-, 20-29`, 20, 29);
      for (const range of [`bytes=${size}-`, `bytes=${size + 10}-${size + 20}`, 'bytes=-0']) {
        const answer = await get(range);
        assert.equal(answer.status, 416, range);
        assert.equal(answer.headers.get('content-range'), `bytes */${size}`);
        await outcome(answer);
      }
      for (const range of [
        'bytes=5-2',
        'items=0-1',
        'bytes=abc',
        'bytes=-',
        'bytes=1-2-3',
        `bytes=${'0-1,'.repeat(40)}0-1`,
      ]) {
        const answer = await get(range);
        assert.equal(answer.status, 200, range);
        assert.equal(answer.headers.get('content-length'), String(size), range);
        await answer.arrayBuffer();
      }
      const served = await get('bytes=0-0');
      assert.equal(served.headers.get('content-type'), 'video/webm');
      assert.equal(served.headers.get('x-content-type-options'), 'nosniff');
      assert.match(served.headers.get('content-security-policy') ?? '', /(^|; )sandbox(;|$)/);
      assert.equal(served.headers.get('cache-control'), 'private, no-store');
      assert.match(
        served.headers.get('content-disposition') ?? '',
        /^inline; filename="consultation-\d+-2026-03-02\.webm"/,
      );
      const download = await fetch(`${ctx.url}/api/recordings/${c.recording}/media?download=1`, {
        headers: { ...STAFF, range: 'bytes=0-0' },
      });
      assert.match(download.headers.get('content-disposition') ?? '', /^attachment;/);
      await download.arrayBuffer();
    });

    it("who may open it: staff, its clinicians and patient; another appointment's patient 403 and audited; a stranger 401", async () => {
      const c = await consultation();
      const other = await consultation();
      await record(c);
      const paths = [`/api/recordings/${c.recording}`, `/api/recordings/${c.recording}/media`];
      for (const path of paths) {
        for (const [who, headers] of [
          ['staff', STAFF],
          ['the clinician', bearer(c.gp)],
          ['another clinician session of it', bearer(await clinician(c.id))],
          ['its patient', bearer(c.pt)],
        ] as const) {
          const answer = await fetch(`${ctx.url}${path}`, { headers: { ...headers, range: 'bytes=0-9' } });
          assert.ok(answer.status === 200 || answer.status === 206, `${path} as ${who}: ${answer.status}`);
          await answer.arrayBuffer();
        }
        const outsider = await fetch(`${ctx.url}${path}`, { headers: bearer(other.pt) });
        assert.equal(outsider.status, 403, `${path} as another appointment's patient`);
        assert.match((await outcome(outsider)).issue[0]!.diagnostics!, /another consultation/);
        const otherGp = await fetch(`${ctx.url}${path}`, { headers: bearer(other.gp) });
        assert.equal(otherGp.status, 403);
        await outcome(otherGp);
        const stranger = await fetch(`${ctx.url}${path}`);
        assert.equal(stranger.status, 401);
        assert.match((await outcome(stranger)).issue[0]!.diagnostics!, /Join the consultation/);
        const forged = await fetch(`${ctx.url}${path}`, { headers: { cookie: 'ck_session=forged.token.value' } });
        assert.equal(forged.status, 401);
        await outcome(forged);
      }
      // A guest of this very consultation (an interpreter) is not its patient or clinician.
      const invited = await ctx.api.call<{ url: string }>('POST', `/api/consultations/${c.id}/guests`, {
        headers: STAFF,
        body: { name: 'Ana Interpreter', kind: 'interpreter' },
      });
      assert.equal(invited.status, 201, JSON.stringify(invited.body));
      const guest = await ctx.api.call<Ticket>('POST', '/api/join/redeem', {
        body: { token: /\/join\/(\S+)$/.exec(invited.body.url)![1] },
      });
      assert.equal(guest.status, 200);
      const byGuest = await fetch(`${ctx.url}/api/recordings/${c.recording}`, { headers: bearer(guest.body) });
      assert.equal(byGuest.status, 403);
      assert.match((await outcome(byGuest)).issue[0]!.diagnostics!, /for its patient and clinicians only/);
      // The signed url works alone (a <video src>), for this recording only, and not once tampered with.
      const info = (await (
        await fetch(`${ctx.url}/api/recordings/${c.recording}`, { headers: bearer(c.pt) })
      ).json()) as RecordingInfo;
      const signed = await fetch(`${ctx.url}${info.url!}`, { headers: { range: 'bytes=0-9' } });
      assert.equal(signed.status, 206);
      await signed.arrayBuffer();
      const tampered = await fetch(`${ctx.url}${info.url!.replace(/.$/, (ch) => (ch === 'A' ? 'B' : 'A'))}`);
      assert.equal(tampered.status, 403);
      await outcome(tampered);
      const elsewhere = await fetch(`${ctx.url}${info.url!.replace(c.recording, other.recording)}`);
      assert.equal(elsewhere.status, 403);
      await outcome(elsewhere);
      // Listing is for staff.
      const listed = await fetch(`${ctx.url}/api/recordings?consultation=${c.id}`, { headers: STAFF });
      assert.equal(listed.status, 200);
      assert.deepEqual(
        ((await listed.json()) as { recordings: RecordingInfo[] }).recordings.map((r) => r.id),
        [c.recording],
      );
      const byPatient = await fetch(`${ctx.url}/api/recordings?consultation=${c.id}`, { headers: bearer(c.pt) });
      assert.equal(byPatient.status, 403);
      await outcome(byPatient);
      for (const query of [
        '',
        '?consultation=1&patient=1',
        '?consultation=1&consultation=2',
        '?patient=%3Cx%3E',
        '?x=1',
      ]) {
        const odd = await fetch(`${ctx.url}/api/recordings${query}`, { headers: STAFF });
        assert.equal(odd.status, 400, query);
        await outcome(odd);
      }

      const accesses = await audit(c.recording);
      const refused = accesses.filter((a) => a.action === 'refused');
      assert.ok(
        refused.some((a) => a.by === 'patient' && a.who === 'Grace Hopper'),
        `another appointment's patient refused and audited: ${JSON.stringify(refused)}`,
      );
      assert.ok(refused.some((a) => a.by === 'clinician'));
      assert.ok(refused.some((a) => a.by === 'anonymous'));
      assert.ok(refused.some((a) => a.by === 'guest' && a.who === 'Ana Interpreter'));
      assert.ok(accesses.some((a) => a.by === 'staff' && a.who === 'staff key' && a.action === 'metadata'));
      assert.ok(accesses.some((a) => a.by === 'patient' && a.action === 'view'));
      assert.ok(accesses.some((a) => a.by === 'clinician' && a.action === 'view'));
      assert.ok(accesses.every((a) => a.from === '127.0.0.1' && !Number.isNaN(Date.parse(a.at))));
      const notStaff = await fetch(`${ctx.url}/api/recordings/${c.recording}/audit`, { headers: bearer(c.gp) });
      assert.equal(notStaff.status, 403);
      await outcome(notStaff);
    });

    it('deleting (staff) removes the bytes and keeps the audit; the retention sweep deletes what is past its period', async () => {
      const c = await consultation();
      const info = await record(c);
      assert.equal(Date.parse(info.deleteAfter!), Date.parse(info.endedAt!) + 90 * DAY);
      const byClinician = await fetch(`${ctx.url}/api/recordings/${c.recording}`, {
        method: 'DELETE',
        headers: bearer(c.gp),
      });
      assert.equal(byClinician.status, 403);
      await outcome(byClinician);
      const deleted = await fetch(`${ctx.url}/api/recordings/${c.recording}`, { method: 'DELETE', headers: STAFF });
      assert.equal(deleted.status, 200);
      assert.equal(((await deleted.json()) as RecordingInfo).status, 'deleted');
      assert.deepEqual(
        (await readdir(join(ctx.dir, 'recordings'))).filter((name) => name.startsWith(c.recording)),
        [],
      );
      const gone = await fetch(`${ctx.url}/api/recordings/${c.recording}/media`, { headers: STAFF });
      assert.equal(gone.status, 410);
      await outcome(gone);
      const stillSigned = await fetch(`${ctx.url}${info.url!}`);
      assert.equal(stillSigned.status, 410, 'a url made before the deletion opens nothing');
      await outcome(stillSigned);
      assert.ok((await audit(c.recording)).some((a) => a.action === 'delete' && a.by === 'staff'));

      // Retention: one recording past its period, one not yet.
      const old = await consultation();
      await record(old);
      const young = await consultation();
      await record(young);
      // As if the young one had ended a month later (the booking fixture has slots on one day only).
      await ctx.server.storage.query(
        "UPDATE recording SET ended_at = ended_at + interval '30 days', delete_after = delete_after + interval '30 days' WHERE id = $1",
        [young.recording],
      );
      try {
        ctx.clock += 91 * DAY;
        assert.ok((await sweepRecordings(recordings(), () => ctx.clock)) >= 1);
        const status = async (id: string) =>
          ((await (await fetch(`${ctx.url}/api/recordings/${id}`, { headers: STAFF })).json()) as RecordingInfo).status;
        assert.equal(await status(old.recording), 'deleted');
        assert.equal(await status(young.recording), 'ready');
        const files = await readdir(join(ctx.dir, 'recordings'));
        assert.ok(!files.some((name) => name.startsWith(old.recording)), 'the old bytes are gone');
        assert.ok(files.includes(young.recording), 'the young bytes stay');
        assert.ok(
          (await audit(old.recording)).some(
            (a) => a.action === 'delete' && a.by === 'system' && a.who === 'retention period',
          ),
        );
        assert.equal(await sweepRecordings(recordings(), () => ctx.clock), 0, 'a second sweep finds nothing');
      } finally {
        ctx.clock = TEST_NOW;
      }
    });

    it('a recording nobody finished is closed a day later: made from what arrived, or failed; all under the retention period', async () => {
      const chunks = split(webm, 6);
      // The page sent everything and closed before finishing; another lost chunk 3 on the way.
      const whole = await consultation();
      for (const [seq, bytes] of chunks.entries()) {
        assert.equal((await put(whole.recording, seq, bytes, bearer(whole.gp))).status, 200);
      }
      const gap = await consultation();
      for (const seq of [0, 1, 2, 4, 5]) {
        assert.equal((await put(gap.recording, seq, chunks[seq]!, bearer(gap.gp))).status, 200);
      }
      // One sent nothing at all; a Janus capture whose server stopped mid-call.
      const none = await consultation();
      const janus = await recordings().create({
        appointmentId: Number(none.id),
        requestId: randomUUID(),
        capture: 'janus',
        askedBy: none.gp.peerId,
        startedAt: new Date(ctx.clock),
      });
      const late = await consultation();
      const mine = [whole.recording, gap.recording, none.recording, janus.id, late.recording];
      const closed = async () =>
        (await sweepAbandoned(recordings(), () => ctx.clock)).filter((row) => mine.includes(row.id));
      try {
        assert.deepEqual(await closed(), [], 'within the day, the page may still come back');
        ctx.clock += ABANDONED_AFTER_MS + 60_000;
        // A chunk that arrived a minute ago (its page's session renewed meanwhile): left alone.
        await recordings().addChunk(late.recording, 0, 1, sha256(Buffer.alloc(1)), new Date(ctx.clock - 60_000));
        const rows = new Map((await closed()).map((row) => [row.id, row]));
        assert.equal(rows.size, 4);
        assert.equal(rows.get(whole.recording)!.status, 'ready');
        assert.ok(Math.abs(rows.get(whole.recording)!.duration_seconds! - 8) <= 1);
        const partial = rows.get(gap.recording)!;
        assert.equal(partial.status, 'ready', 'what came before the missing chunk is kept');
        assert.ok(partial.duration_seconds! > 0 && partial.duration_seconds! < 8, `${partial.duration_seconds}`);
        assert.equal(rows.get(none.recording)!.status, 'failed');
        assert.match(rows.get(none.recording)!.failure!, /No part of it arrived/);
        assert.equal(rows.get(janus.id)!.status, 'failed');
        assert.match(rows.get(janus.id)!.failure!, /server stopped while Janus recorded/);
        for (const row of rows.values()) {
          assert.ok(row.delete_after, `${row.id} falls under the retention period`);
        }
        const files = await readdir(join(ctx.dir, 'recordings'));
        assert.ok(files.includes(whole.recording) && files.includes(gap.recording), 'the files are made');
        assert.ok(!files.some((name) => name.startsWith(`${whole.recording}.`)), 'their chunks are gone');
        const info = await fetch(`${ctx.url}/api/recordings/${late.recording}`, { headers: STAFF });
        assert.equal(((await info.json()) as RecordingInfo).status, 'capturing');
        assert.deepEqual(await closed(), [], 'a second sweep finds nothing more');
        // The retention period ends for the failed ones too: their rows say deleted.
        ctx.clock += 91 * DAY;
        await sweepRecordings(recordings(), () => ctx.clock);
        const failedRow = await recordings().get(none.recording);
        assert.equal(failedRow!.status, 'deleted');
      } finally {
        ctx.clock = TEST_NOW;
      }
    });

    it('without ffmpeg: a warning at start, 503 on finishing with the chunks kept; bytes ffmpeg refuses: failed, with why', async () => {
      const c = await consultation();
      const chunks = split(webm, 2);
      for (const [seq, bytes] of chunks.entries()) {
        assert.equal((await put(c.recording, seq, bytes, bearer(c.gp))).status, 200);
      }
      const path = process.env['PATH'];
      const lines: string[] = [];
      const log = new PassThrough();
      log.on('data', (chunk: Buffer) => lines.push(String(chunk)));
      let other: ConsultKitServer | undefined;
      process.env['PATH'] = join(ctx.dir, 'no-tools-here');
      try {
        const missing = await finish(c.recording, 2, bearer(c.gp));
        assert.equal(missing.status, 503);
        assert.match((await outcome(missing)).issue[0]!.diagnostics!, /ffmpeg is not installed.*The chunks are kept/);
        ({ server: other } = await startTestServer(
          { LOG_LEVEL: 'warn', CONSULTKIT_RECORDINGS_DIR: join(ctx.dir, 'other') },
          {},
          { logStream: log },
        ));
        await until('the start-up warning', () => lines.some((line) => /ffmpeg and ffprobe not found/.test(line)));
      } finally {
        process.env['PATH'] = path;
        await other?.close();
      }
      const receipt = await fetch(`${ctx.url}/api/recordings/${c.recording}/chunks`, { headers: bearer(c.gp) });
      assert.deepEqual(((await receipt.json()) as ChunkReceipt).received, [0, 1], 'nothing was lost');
      const later = await finish(c.recording, 2, bearer(c.gp));
      assert.equal(later.status, 200);
      assert.equal(((await later.json()) as RecordingInfo).status, 'ready');

      const garbage = await consultation();
      assert.equal(
        (await put(garbage.recording, 0, Buffer.from('not a video at all'), bearer(garbage.gp))).status,
        200,
      );
      const failed = await finish(garbage.recording, 1, bearer(garbage.gp));
      assert.equal(failed.status, 200);
      const failedInfo = (await failed.json()) as RecordingInfo;
      assert.equal(failedInfo.status, 'failed');
      assert.equal(failedInfo.failure, undefined, 'the clinician is not shown the server’s tool output');
      // Staff listing the consultation's recordings read why.
      const listed = await fetch(`${ctx.url}/api/recordings?consultation=${garbage.id}`, { headers: STAFF });
      const info = ((await listed.json()) as { recordings: RecordingInfo[] }).recordings[0]!;
      assert.equal(info.status, 'failed');
      assert.match(info.failure!, /^ffmpeg failed: .*Invalid data/);
    });

    it("the retrieval link: e-mailed by staff, opens the patient's consultation (recording, chat, documents) and expires", async () => {
      const c = await consultation();
      await record(c);
      // A chat line and a document, as the call left them.
      const socket = new WebSocket(
        `${ctx.url.replace('http', 'ws')}/signal/peerjs?key=consultkit&id=${c.gp.peerId}&token=${c.gp.token}`,
      );
      sockets.push(socket);
      const received: { type: string; payload?: { text?: string } }[] = [];
      socket.on('message', (data) => received.push(JSON.parse(String(data)) as (typeof received)[number]));
      await until('the socket opens', () => received.some((m) => m.type === 'OPEN'));
      socket.send(
        JSON.stringify({ type: 'CK-CHAT', payload: { id: randomUUID(), text: 'Take one tablet <b>twice</b> a day.' } }),
      );
      await until('the chat line is stored', () => received.some((m) => m.type === 'CK-CHAT-MESSAGE'));
      const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2000, 7)]);
      const created = await fetch(`${ctx.url}/api/consultations/${c.id}/uploads`, {
        method: 'POST',
        headers: {
          ...bearer(c.gp),
          'tus-resumable': '1.0.0',
          'upload-length': String(pdf.length),
          'upload-metadata': `filename ${Buffer.from('plan.pdf').toString('base64')}`,
        },
      });
      assert.equal(created.status, 201);
      const sent = await fetch(`${ctx.url}${created.headers.get('location')!}`, {
        method: 'PATCH',
        headers: {
          ...bearer(c.gp),
          'tus-resumable': '1.0.0',
          'content-type': 'application/offset+octet-stream',
          'upload-offset': '0',
        },
        body: pdf,
      });
      assert.equal(sent.status, 204);

      const byClinician = await fetch(`${ctx.url}/api/consultations/${c.id}/retrieval-link`, {
        method: 'POST',
        headers: bearer(c.gp),
      });
      assert.equal(byClinician.status, 403);
      await outcome(byClinician);
      const link = await fetch(`${ctx.url}/api/consultations/${c.id}/retrieval-link`, {
        method: 'POST',
        headers: STAFF,
      });
      assert.equal(link.status, 201, await link.clone().text());
      const { sentTo } = (await link.json()) as { sentTo: string; expiresAt: string };
      const outbox = (await (await fetch(`${ctx.url}/api/outbox`, { headers: STAFF })).json()) as {
        messages: { to: string; subject: string; text: string }[];
      };
      const mail = outbox.messages.find((m) => m.to === sentTo && /recording, chat and documents/.test(m.subject));
      assert.ok(mail, 'the e-mail is in the outbox');
      const url = /(http:\S+\/my-consultation\/\S+)/.exec(mail.text)![1]!;
      assert.ok(url.startsWith(ctx.url), url);

      // The page's link keeps the token in an HttpOnly cookie for the API alone, and drops it from the address.
      const opened = await fetch(url, { redirect: 'manual' });
      assert.equal(opened.status, 303);
      assert.equal(opened.headers.get('location'), '/my-consultation/');
      const cookie = opened.headers.get('set-cookie') ?? '';
      assert.match(cookie, /^ck_retrieval=[^;]+; Path=\/api\/my-consultation; Max-Age=\d+; HttpOnly; SameSite=Strict/);
      const mine = await fetch(`${ctx.url}/api/my-consultation`, { headers: { cookie: cookie.split(';')[0]! } });
      assert.equal(mine.status, 200);
      const body = (await mine.json()) as {
        consultation: { practitioner: string; patient: string };
        recordings: RecordingInfo[];
        messages: { text: string; name: string }[];
        documents: { name: string; view: string }[];
      };
      assert.equal(body.consultation.patient, 'Grace Hopper');
      assert.deepEqual(
        body.recordings.map((r) => r.id),
        [c.recording],
      );
      assert.deepEqual(
        body.messages.map((m) => m.text),
        ['Take one tablet <b>twice</b> a day.'],
      );
      assert.deepEqual(
        body.documents.map((d) => d.name),
        ['plan.pdf'],
      );
      const video = await fetch(`${ctx.url}${body.recordings[0]!.url!}`, { headers: { range: 'bytes=0-99' } });
      assert.equal(video.status, 206);
      await video.arrayBuffer();
      const doc = await fetch(`${ctx.url}${body.documents[0]!.view}`);
      assert.equal(doc.status, 200);
      assert.ok(Buffer.from(await doc.arrayBuffer()).equals(pdf));
      const accesses = await audit(c.recording);
      assert.ok(accesses.some((a) => a.by === 'retrieval-link' && a.who === 'Grace Hopper' && a.action === 'view'));
      assert.ok(accesses.some((a) => a.by === 'retrieval-link' && a.action === 'metadata'));

      // Odd tokens: 401, never more.
      for (const headers of [
        {},
        { cookie: 'ck_retrieval=1.patient.1.x' },
        { authorization: 'Bearer 1.patient.9999999999999.' + 'A'.repeat(43) },
      ]) {
        const odd = await fetch(`${ctx.url}/api/my-consultation`, { headers });
        assert.equal(odd.status, 401);
        await outcome(odd);
      }
      // A token of this appointment does not open another's.
      const token = decodeURIComponent(/ck_retrieval=([^;]+)/.exec(cookie)![1]!);
      const swapped = token.replace(/^\d+/, c.id === '1' ? '2' : '1');
      const crossed = await fetch(`${ctx.url}/api/my-consultation`, {
        headers: { authorization: `Bearer ${swapped}` },
      });
      assert.equal(crossed.status, 401);
      await outcome(crossed);

      // Eight days on, the link is dead, and so are the urls it gave.
      ctx.clock += 8 * DAY;
      try {
        const expired = await fetch(`${ctx.url}/api/my-consultation`, { headers: { cookie: cookie.split(';')[0]! } });
        assert.equal(expired.status, 401);
        assert.match((await outcome(expired)).issue[0]!.diagnostics!, /expired or is not valid/);
        const late = await fetch(`${ctx.url}${body.recordings[0]!.url!}`);
        assert.equal(late.status, 403);
        await outcome(late);
        const page = await fetch(url, { redirect: 'manual' });
        assert.equal(page.status, 303);
        assert.equal(page.headers.get('set-cookie'), null, 'no cookie for an expired link');
      } finally {
        ctx.clock = TEST_NOW;
      }
    });
  });
}
