/**
 * Recording a consultation that runs through Janus (docs/decisions/0039-janus-recording.md).
 *
 * - **Start**: the room's recordings go to a folder of this recording's own
 *   (`CONSULTKIT_RECORDINGS_DIR/<recordingId>.work/janus/`, VideoRoom `edit` with `new_rec_dir`), only
 *   an administrator may change the room's recording state from now on (`new_lock_record`), then
 *   `enable_recording`: Janus writes one `.mjr` file per stream of every publisher, and of every
 *   publisher who joins while it runs.
 * - **Consent** is kept here as a timeline: who was recorded (`isRecorded`: their answer is
 *   `agreed`) from when to when. Janus records the whole room; what someone sent while they were
 *   not `agreed` (a late joiner before they answered) is cut by time when the file is made, and the
 *   files of a publisher who never agreed are deleted unread.
 * - **Stop**: `enable_recording` off (Janus closes the files), then each `.mjr` through
 *   `janus-pp-rec` (Opus → .opus, VP8 → .webm), then one ffmpeg run (janus-mix.ts) makes ONE WebM
 *   with every recorded voice and every recorded camera as a tile, handed to the sink's `finish`
 *   (rec-store's `finishRecordingFile`: seekable remux, duration, size, hashes, `ready`).
 *
 * Every tool runs from an argv array (no shell) with a time limit; every failure ends as the
 * recording's status `failed` with a reason (the sink's `failed`), never as a thrown error.
 */
import { mkdir, readdir, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RecordingEventMap, RecordingEvents } from '../room/recording.js';
import type { Storage } from '../storage/index.js';
import { JanusAdmin, JanusError } from '../sfu/janus.js';
import { finishRecording } from './finish.js';
import { mixArgs, type Interval, type MixTrack } from './janus-mix.js';
import { mjrHeader, runTool } from './media-tools.js';
import type { Recordings } from './repository.js';

/** The Janus room of a consultation, and what manages it. */
export interface JanusRoomRef {
  admin: JanusAdmin;
  room: number;
  secret: string;
}

/** Where a recording's status goes (the `recording` table; rec-store's finishing). */
export interface RecordingSink {
  /** Capture over: the file is being made (`processing`). */
  processing(recordingId: string): Promise<void>;
  /**
   * The mixed file is made: remux it seekable, record its facts, mark it `ready`. It must not keep
   * `file` after resolving (the folder it lies in is removed).
   */
  finish(recordingId: string, file: string, contentType: string): Promise<void>;
  /** It failed, and why (`failed`, `failure`). */
  failed(recordingId: string, reason: string): Promise<void>;
}

export interface JanusCaptureOptions {
  /** The consultation's Janus room, or undefined when it has none. */
  room(appointmentId: number): Promise<JanusRoomRef | undefined>;
  /** The publisher ids (camera and screen) of these participants of the consultation → peer id. */
  publishersOf(appointmentId: number, peerIds: readonly string[]): Promise<Map<number, string>>;
  /** `CONSULTKIT_RECORDINGS_DIR`, as this server sees it. */
  recordingsDir: string;
  /** The same folder as Janus sees it (when Janus runs elsewhere with it mounted); default the same. */
  janusRecordingsDir?: string | undefined;
  sink: RecordingSink;
  /** The tools (on the PATH by default). */
  ppRec?: string;
  ffmpeg?: string;
  /**
   * Time limits, against a tool that hangs: per `janus-pp-rec` run (120 s), and the mix: `mixBaseMs`
   * (300 s) + `mixPerSecondMs` (10 s) × the recording's length in seconds.
   */
  ppRecTimeoutMs?: number;
  mixBaseMs?: number;
  mixPerSecondMs?: number;
  /** Milliseconds since the epoch (the consent timeline's clock; Janus's must agree: NTP). */
  now?: () => number;
  log?: { warn(message: string): void };
}

export interface JanusCaptureResult {
  recordingId: string;
  status: 'ready' | 'failed';
  reason?: string;
  /** Publisher files mixed, and files deleted because their publisher never agreed. */
  mixed?: number;
  discarded?: number;
}

interface Active {
  appointmentId: number;
  recordingId: string;
  startedAt: number;
  dir: string;
  room: JanusRoomRef | undefined;
  /** Per peer id: their `agreed` spans, ms since the epoch (`to` undefined: still open). */
  spans: Map<string, { from: number; to?: number }[]>;
  /** Janus being told to record (a stop waits for it, so it never runs before the start). */
  starting?: Promise<unknown>;
  stopping?: Promise<JanusCaptureResult>;
}

/** Janus's automatic recording names: `videoroom-<room>-user-<publisher>-<µs>-<audio|video|data>-<mindex>.mjr`. */
const MJR = /^videoroom-(\d+)-user-(\d+)-(\d+)-(audio|video|data)-(\d+)\.mjr$/;
const RECORDING_ID = /^[0-9a-f]{32}$/;

export class JanusCapture {
  readonly #active = new Map<string, Active>();
  readonly #now: () => number;

  constructor(private readonly options: JanusCaptureOptions) {
    this.#now = options.now ?? Date.now;
  }

  /**
   * The folder of a recording's raw files: inside `<id>.work/`, the recording's work folder, which
   * rec-store's deletion (`Recordings.removeBytes`) removes with the recording.
   */
  folderOf(recordingId: string, as: 'server' | 'janus' = 'server'): string {
    if (!RECORDING_ID.test(recordingId)) throw new Error('not a recording id');
    const base =
      as === 'janus' ? (this.options.janusRecordingsDir ?? this.options.recordingsDir) : this.options.recordingsDir;
    return join(base, `${recordingId}.work`, 'janus');
  }

  /** Whether `recordingId` is being captured (started, not yet stopped). */
  capturing(recordingId: string): boolean {
    const active = this.#active.get(recordingId);
    return active !== undefined && active.stopping === undefined;
  }

  /**
   * Starts recording the consultation's room, with `recorded` (peer ids) in it from now. Resolves
   * true when Janus records; false when it could not start (the recording is then `failed`).
   */
  async start(event: { appointmentId: number; recordingId: string; recorded: readonly string[] }): Promise<boolean> {
    const { appointmentId, recordingId } = event;
    if (!RECORDING_ID.test(recordingId) || this.#active.has(recordingId)) return false;
    const startedAt = this.#now();
    const active: Active = {
      appointmentId,
      recordingId,
      startedAt,
      dir: this.folderOf(recordingId),
      room: undefined,
      spans: new Map(),
    };
    for (const peerId of event.recorded) active.spans.set(peerId, [{ from: startedAt }]);
    this.#active.set(recordingId, active);
    const started = this.#start(active);
    active.starting = started;
    return started;
  }

  async #start(active: Active): Promise<boolean> {
    const { appointmentId, recordingId } = active;
    try {
      active.room = await this.options.room(appointmentId);
      if (!active.room) throw new Error('this consultation has no Janus room');
      await mkdir(active.dir, { recursive: true, mode: 0o770 });
      const { admin, room, secret } = active.room;
      await admin.videoroom({
        request: 'edit',
        room,
        secret,
        new_rec_dir: this.folderOf(recordingId, 'janus'),
        new_lock_record: true,
      });
      await admin.videoroom({ request: 'enable_recording', room, secret, record: true });
      return true;
    } catch (error) {
      this.#active.delete(recordingId);
      await this.#fail(recordingId, `Janus did not start recording: ${reason(error)}`);
      await removeFolder(active.dir);
      return false;
    }
  }

  /** Who is recorded changed (someone agreed, someone was let in and not yet asked, …): from now. */
  recordedChanged(event: { recordingId: string; recorded: readonly string[] }): void {
    const active = this.#active.get(event.recordingId);
    if (!active || active.stopping) return;
    const at = this.#now();
    const now = new Set(event.recorded);
    for (const [peerId, spans] of active.spans) {
      const open = spans.at(-1);
      if (open && open.to === undefined && !now.has(peerId)) open.to = at;
    }
    for (const peerId of now) {
      const spans = active.spans.get(peerId) ?? [];
      const open = spans.at(-1);
      if (!open || open.to !== undefined) spans.push({ from: at });
      active.spans.set(peerId, spans);
    }
  }

  /**
   * Stops recording and makes the file; resolves once it is `ready` or `failed` (never rejects).
   * Stopping twice resolves to the same result; an unknown id to `failed`.
   */
  stop(event: { recordingId: string }): Promise<JanusCaptureResult> {
    const active = this.#active.get(event.recordingId);
    if (!active) {
      return Promise.resolve({ recordingId: event.recordingId, status: 'failed', reason: 'not being recorded' });
    }
    active.stopping ??= this.#finish(active).finally(() => this.#active.delete(active.recordingId));
    return active.stopping;
  }

  /** Stops every recording (the server is closing); each is finished or failed. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.#active.keys()].map((recordingId) => this.stop({ recordingId })));
  }

  async #fail(recordingId: string, why: string): Promise<void> {
    this.options.log?.warn(`recording ${recordingId} failed: ${why}`);
    await this.options.sink.failed(recordingId, why.slice(0, 500)).catch((error: unknown) => {
      this.options.log?.warn(`recording ${recordingId}: could not record the failure: ${reason(error)}`);
    });
  }

  async #finish(active: Active): Promise<JanusCaptureResult> {
    const stoppedAt = this.#now();
    for (const spans of active.spans.values()) {
      const open = spans.at(-1);
      if (open && open.to === undefined) open.to = stoppedAt;
    }
    const { recordingId } = active;
    // It never started (the failure is recorded already): nothing to stop or make.
    if (!(await active.starting)) return { recordingId, status: 'failed', reason: 'Janus did not start recording' };
    const failed = async (why: string, extra: Partial<JanusCaptureResult> = {}): Promise<JanusCaptureResult> => {
      await this.#fail(recordingId, why);
      return { recordingId, status: 'failed', reason: why, ...extra };
    };
    // Janus closes every file now; if it cannot be reached, what it wrote so far is still made into
    // the file (a .mjr is readable up to its last packet).
    let stopError: string | undefined;
    if (active.room) {
      const { admin, room, secret } = active.room;
      await admin.videoroom({ request: 'enable_recording', room, secret, record: false }).catch((error: unknown) => {
        stopError = reason(error);
        this.options.log?.warn(`recording ${recordingId}: Janus did not stop recording: ${stopError}`);
      });
    }
    try {
      await this.options.sink.processing(recordingId);
    } catch (error) {
      return failed(`could not mark it processing: ${reason(error)}`);
    }
    try {
      const made = await this.#make(active, stoppedAt);
      if ('why' in made) return failed(made.why, { discarded: made.discarded });
      try {
        await this.options.sink.finish(recordingId, made.file, made.contentType);
      } catch (error) {
        return failed(`the mixed file could not be finished: ${reason(error)}`, made);
      }
      await removeFolder(active.dir);
      return { recordingId, status: 'ready', mixed: made.mixed, discarded: made.discarded };
    } catch (error) {
      return failed(`post-processing failed: ${reason(error)}${stopError ? ` (Janus: ${stopError})` : ''}`);
    }
  }

  /** Post-processing: the `.mjr` files of the folder → one file (or why not). */
  async #make(
    active: Active,
    stoppedAt: number,
  ): Promise<
    { file: string; contentType: string; mixed: number; discarded: number } | { why: string; discarded: number }
  > {
    const ppRec = this.options.ppRec ?? 'janus-pp-rec';
    const ppRecMs = this.options.ppRecTimeoutMs ?? 120_000;
    const room = active.room?.room;
    const names = await readdir(active.dir).catch(() => [] as string[]);
    const everRecorded = [...active.spans.entries()].filter(([, spans]) => spans.length > 0).map(([peerId]) => peerId);
    const publishers = await this.options.publishersOf(active.appointmentId, everRecorded);
    const seconds = (ms: number) => (ms - active.startedAt) / 1000;
    const consentOf = (peerId: string): Interval[] =>
      (active.spans.get(peerId) ?? [])
        .map((s) => ({ from: seconds(s.from), to: seconds(s.to ?? stoppedAt) }))
        .filter((s) => s.to > s.from);

    const tracks: MixTrack[] = [];
    let discarded = 0;
    for (const name of names.sort()) {
      const match = MJR.exec(name);
      const path = join(active.dir, name);
      if (!match) continue;
      const [, roomId, publisherId, , kind] = match;
      const peerId = publishers.get(Number(publisherId));
      const consent = peerId ? consentOf(peerId) : [];
      // Another room's, a data channel's, or a publisher who never agreed: never read, deleted now.
      if (Number(roomId) !== room || kind === 'data' || consent.length === 0) {
        await unlink(path).catch(() => undefined);
        discarded++;
        continue;
      }
      if ((await stat(path)).size === 0) continue;
      const header = await mjrHeader(ppRec, path, ppRecMs);
      if (header.firstPacketUs <= 0) continue;
      const out = path.replace(/\.mjr$/, header.kind === 'audio' ? '.opus' : '.webm');
      if (header.kind === 'audio' && header.codec !== 'opus')
        throw new Error(`audio codec ${header.codec} not supported`);
      if (header.kind === 'video' && header.codec !== 'vp8' && header.codec !== 'vp9') {
        throw new Error(`video codec ${header.codec} not supported`);
      }
      try {
        await runTool([ppRec, '--debug-level=1', path, out], ppRecMs);
      } catch (error) {
        // Every voice is the requirement: a picture that cannot be read (no keyframe, a broken
        // file) leaves its tile black, and the recording goes on; a voice that cannot fails it.
        if (header.kind === 'audio') throw error;
        this.options.log?.warn(`recording ${active.recordingId}: a video left out: ${reason(error)}`);
        continue;
      }
      const made = await stat(out).catch(() => undefined);
      // A stream that carried no media (a camera turned off from the start) leaves no output.
      if (!made || made.size === 0) continue;
      tracks.push({
        kind: header.kind === 'audio' ? 'audio' : 'video',
        file: out,
        offsetSeconds: Math.max(0, header.firstPacketUs / 1000 - active.startedAt) / 1000,
        consent,
        tile: `publisher-${publisherId}`,
      });
    }
    if (!tracks.some((t) => t.kind === 'audio')) {
      return { why: 'Janus recorded no audio of anyone who agreed to be recorded', discarded };
    }
    const durationSeconds = (stoppedAt - active.startedAt) / 1000;
    const output = join(active.dir, 'mixed.webm');
    const { argv, contentType } = mixArgs({
      ffmpeg: this.options.ffmpeg ?? 'ffmpeg',
      tracks,
      durationSeconds,
      output,
    });
    const limit = (this.options.mixBaseMs ?? 300_000) + (this.options.mixPerSecondMs ?? 10_000) * durationSeconds;
    await runTool(argv, limit);
    return { file: output, contentType, mixed: tracks.length, discarded };
  }
}

/** Removes a raw folder, and the work folder around it when nothing else is left in it. */
async function removeFolder(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  await rmdir(dirname(dir)).catch(() => undefined);
}

function reason(error: unknown): string {
  if (error instanceof JanusError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

// --- Wiring from the server's parts ---------------------------------------------------------

/** The Janus room of an appointment from `sfu_room` (not destroyed), on one of `instances`. */
export function roomFromStorage(
  storage: Storage,
  instances: readonly { url: string; admin: JanusAdmin }[],
): JanusCaptureOptions['room'] {
  return async (appointmentId) => {
    const [row] = await storage.query<{ instance: string; room: string | number; secret: string }>(
      'SELECT instance, room, secret FROM sfu_room WHERE appointment_id = $1 AND destroyed_at IS NULL',
      [appointmentId],
    );
    const instance = row && instances.find((i) => i.url === row.instance);
    return instance ? { admin: instance.admin, room: Number(row.room), secret: row.secret } : undefined;
  };
}

/** Publisher ids (camera, screen) of the consultation's join sessions with these peer ids. */
export function publishersFromStorage(
  storage: Storage,
  publisherIdOf: (sessionId: string, stream?: 'screen') => number,
): JanusCaptureOptions['publishersOf'] {
  return async (appointmentId, peerIds) => {
    const map = new Map<number, string>();
    if (peerIds.length === 0) return map;
    const rows = await storage.query<{ id: string; peer_id: string }>(
      'SELECT id, peer_id FROM join_session WHERE appointment_id = $1 AND peer_id = ANY($2::text[])',
      [appointmentId, [...peerIds]],
    );
    for (const row of rows) {
      map.set(publisherIdOf(row.id), row.peer_id);
      map.set(publisherIdOf(row.id, 'screen'), row.peer_id);
    }
    return map;
  };
}

/**
 * The `recording` table as a sink: `processing`, `failed` with its reason; `finish` is rec-store's
 * `finishRecordingFile` (given by whoever wires this).
 */
export function storageSink(
  storage: Storage,
  finish: (recordingId: string, file: string, contentType: string) => Promise<void>,
): RecordingSink {
  return {
    async processing(recordingId) {
      await storage.query(`UPDATE recording SET status = 'processing' WHERE id = $1 AND status = 'capturing'`, [
        recordingId,
      ]);
    },
    finish,
    async failed(recordingId, why) {
      await storage.query(
        `UPDATE recording SET status = 'failed', failure = $2 WHERE id = $1 AND status <> 'deleted'`,
        [recordingId, why],
      );
    },
  };
}

/**
 * rec-store's `Recordings` as a sink: `processing` (`startProcessing`), the finish
 * (`finishRecording`: seekable remux into the recording's file, duration, size, hashes, `ready`),
 * `failed` with the reason.
 */
export function recordingsSink(recordings: Recordings, now: () => number = Date.now): RecordingSink {
  return {
    async processing(recordingId) {
      if (!(await recordings.startProcessing(recordingId, new Date(now())))) {
        throw new Error('the recording is not being captured (unknown, deleted, or already finished)');
      }
    },
    async finish(recordingId, file, contentType) {
      const row = await recordings.get(recordingId);
      if (!row) throw new Error('the recording is gone');
      const done = await finishRecording(recordings, row, file, contentType);
      if (done.status !== 'ready') throw new Error(done.failure ?? `the recording is ${done.status}`);
    },
    async failed(recordingId, why) {
      await recordings.failed(recordingId, why);
    },
  };
}

/**
 * The room registry's recording events drive the capture (only recordings whose capture is
 * `janus`); returns what unhooks it. The stop is not awaited: the file is made in the background
 * and its outcome lands in the `recording` row.
 */
export function hookJanusCapture(events: RecordingEvents, capture: JanusCapture): () => void {
  const started = (event: RecordingEventMap['started'][0]) => {
    if (event.capture === 'janus') void capture.start(event);
  };
  const changed = (event: RecordingEventMap['recorded-changed'][0]) => capture.recordedChanged(event);
  const stopped = (event: RecordingEventMap['stopped'][0]) => {
    if (capture.capturing(event.recordingId)) void capture.stop(event);
  };
  events.on('started', started);
  events.on('recorded-changed', changed);
  events.on('stopped', stopped);
  return () => {
    events.off('started', started);
    events.off('recorded-changed', changed);
    events.off('stopped', stopped);
  };
}
