/**
 * Recordings through the storage interface (migration 0013: `recording`, `recording_chunk`,
 * `recording_access`), their bytes as files in the configured folder: a composite's chunks as
 * `<id>-<seq>.chunk` while it is captured, then the finished file, named by the recording's id.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  RecordingAccess,
  RecordingCapture,
  RecordingEndReason,
  RecordingFileStatus,
  RecordingInfo,
} from '@consultkit/core/contract';
import { consultationOf } from '../join/service.js';
import type { SqlExecutor } from '../storage/index.js';

export interface RecordingRow {
  id: string;
  appointment_id: number;
  request_id: string;
  capture: RecordingCapture;
  status: RecordingFileStatus;
  asked_by: string;
  started_at: Date;
  ended_at: Date | null;
  end_reason: RecordingEndReason | null;
  capture_type: string | null;
  content_type: string | null;
  duration_seconds: number | null;
  size: number | string | null;
  sha256: string | null;
  sha1: string | null;
  failure: string | null;
  delete_after: Date | null;
  deleted_at: Date | null;
}

export interface ChunkRow {
  recording_id: string;
  seq: number;
  size: number;
  sha256: string;
  received_at: Date;
}

/** What a finished file is: the facts kept on its row. */
export interface FinishedFile {
  contentType: string;
  durationSeconds: number;
  size: number;
  /** Hex. */
  sha256: string;
  /** Base64, as FHIR's `Attachment.hash` wants it. */
  sha1: string;
}

/** One access, as it is written. */
export interface AccessEntry {
  by: string;
  who?: string | undefined;
  action: string;
  from: string;
  at: Date;
}

const ID = /^[0-9a-f]{32}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

export class Recordings {
  constructor(
    private readonly storage: SqlExecutor,
    readonly dir: string,
    /** Days a recording is kept after it ends (`CONSULTKIT_RECORDING_RETENTION_DAYS`). */
    readonly retentionDays: number,
  ) {}

  async ready(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  static isId(id: string): boolean {
    return ID.test(id);
  }

  /** The finished file of a recording (its id is checked: never a path of the caller's choosing). */
  path(id: string): string {
    if (!ID.test(id)) throw new Error('not a recording id');
    return join(this.dir, id);
  }

  /** The file of one composite chunk. */
  chunkPath(id: string, seq: number): string {
    if (!Number.isSafeInteger(seq) || seq < 0) throw new Error('not a chunk number');
    return `${this.path(id)}-${seq}.chunk`;
  }

  /** When a recording that ended at `endedAt` is to be deleted. */
  deleteAfter(endedAt: Date): Date {
    return new Date(endedAt.getTime() + this.retentionDays * DAY_MS);
  }

  /** A recording that starts now (the consent service opens it once everyone has agreed). */
  async create(row: {
    appointmentId: number;
    requestId: string;
    capture: RecordingCapture;
    askedBy: string;
    startedAt: Date;
  }): Promise<RecordingRow> {
    const id = randomBytes(16).toString('hex');
    const [created] = await this.storage.query<RecordingRow>(
      `INSERT INTO recording (id, appointment_id, request_id, capture, status, asked_by, started_at, delete_after)
       VALUES ($1, $2, $3, $4, 'capturing', $5, $6, $7) RETURNING *`,
      [id, row.appointmentId, row.requestId, row.capture, row.askedBy, row.startedAt, this.deleteAfter(row.startedAt)],
    );
    return created!;
  }

  async get(id: string): Promise<RecordingRow | undefined> {
    if (!ID.test(id)) return undefined;
    const [row] = await this.storage.query<RecordingRow>('SELECT * FROM recording WHERE id = $1', [id]);
    return row;
  }

  async forAppointment(appointmentId: number, limit = 200): Promise<RecordingRow[]> {
    return this.storage.query<RecordingRow>(
      'SELECT * FROM recording WHERE appointment_id = $1 ORDER BY started_at, id LIMIT $2',
      [appointmentId, limit],
    );
  }

  async forPatient(patientId: number, limit = 200): Promise<RecordingRow[]> {
    return this.storage.query<RecordingRow>(
      `SELECT r.* FROM recording r JOIN appointment a ON a.id = r.appointment_id
        WHERE a.patient_id = $1 ORDER BY r.started_at DESC, r.id LIMIT $2`,
      [patientId, limit],
    );
  }

  async chunks(id: string): Promise<ChunkRow[]> {
    return this.storage.query<ChunkRow>(
      'SELECT * FROM recording_chunk WHERE recording_id = $1 ORDER BY seq LIMIT 100000',
      [id],
    );
  }

  async chunk(id: string, seq: number): Promise<ChunkRow | undefined> {
    const [row] = await this.storage.query<ChunkRow>(
      'SELECT * FROM recording_chunk WHERE recording_id = $1 AND seq = $2',
      [id, seq],
    );
    return row;
  }

  /** Records a chunk; false when one with this `seq` is there already (the caller compares). */
  async addChunk(id: string, seq: number, size: number, sha256: string, at: Date): Promise<boolean> {
    const rows = await this.storage.query(
      `INSERT INTO recording_chunk (recording_id, seq, size, sha256, received_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (recording_id, seq) DO NOTHING RETURNING seq`,
      [id, seq, size, sha256, at],
    );
    return rows.length === 1;
  }

  /** The first chunk says what the capture sends; later ones must say the same. */
  async setCaptureType(id: string, type: string): Promise<string> {
    const [row] = await this.storage.query<{ capture_type: string }>(
      'UPDATE recording SET capture_type = COALESCE(capture_type, $2) WHERE id = $1 RETURNING capture_type',
      [id, type],
    );
    return row!.capture_type;
  }

  /** Moves `capturing` (or `failed`, to try again) to `processing`; false when another got there first. */
  async startProcessing(id: string, at: Date): Promise<boolean> {
    const rows = await this.storage.query(
      `UPDATE recording SET status = 'processing', failure = NULL, ended_at = COALESCE(ended_at, $2)
        WHERE id = $1 AND status IN ('capturing', 'failed') RETURNING id`,
      [id, at],
    );
    return rows.length === 1;
  }

  /** Back to `capturing` when processing could not start (no ffmpeg): nothing is lost. */
  async backToCapturing(id: string): Promise<void> {
    await this.storage.query(`UPDATE recording SET status = 'capturing' WHERE id = $1 AND status = 'processing'`, [id]);
  }

  async markReady(id: string, file: FinishedFile): Promise<RecordingRow> {
    const [row] = await this.storage.query<RecordingRow>(
      `UPDATE recording SET status = 'ready', content_type = $2, duration_seconds = $3, size = $4, sha256 = $5,
              sha1 = $6, failure = NULL, delete_after = ended_at + make_interval(days => $7::int)
        WHERE id = $1 RETURNING *`,
      [id, file.contentType, file.durationSeconds, file.size, file.sha256, file.sha1, this.retentionDays],
    );
    return row!;
  }

  /**
   * Marks it failed. What is left of it (chunks, Janus's raw files) stays for an operator until the
   * retention period, counted from when it ended (or started), is over: then the sweep deletes it.
   */
  async failed(id: string, reason: string): Promise<RecordingRow> {
    const [row] = await this.storage.query<RecordingRow>(
      `UPDATE recording SET status = 'failed', failure = $2,
              delete_after = COALESCE(ended_at, started_at) + make_interval(days => $3::int)
        WHERE id = $1 RETURNING *`,
      [id, reason.slice(0, 500), this.retentionDays],
    );
    return row!;
  }

  /**
   * Recordings still `capturing` with nothing heard of them since `before`: no chunk arrived, and
   * they neither started nor ended since. The clinician's page never finished the upload (closed
   * for good), or the server stopped while Janus recorded. Oldest first.
   */
  async abandoned(before: Date, limit = 100): Promise<RecordingRow[]> {
    return this.storage.query<RecordingRow>(
      `SELECT r.* FROM recording r
        WHERE r.status = 'capturing' AND r.started_at < $1 AND COALESCE(r.ended_at, r.started_at) < $1
          AND NOT EXISTS (SELECT 1 FROM recording_chunk c WHERE c.recording_id = r.id AND c.received_at >= $1)
        ORDER BY r.started_at, r.id LIMIT $2`,
      [before, limit],
    );
  }

  /** Removes the bytes (the finished file and any chunks) and marks the row `deleted`; the audit stays. */
  async delete(id: string, at: Date): Promise<RecordingRow | undefined> {
    await this.removeBytes(id, { file: true });
    const [row] = await this.storage.query<RecordingRow>(
      `UPDATE recording SET status = 'deleted', deleted_at = COALESCE(deleted_at, $2) WHERE id = $1 RETURNING *`,
      [id, at],
    );
    return row;
  }

  /** Chunk files (and with `file`, the finished file); their rows go with the chunks. */
  async removeBytes(id: string, options: { file: boolean }): Promise<void> {
    const chunks = await this.chunks(id);
    for (const chunk of chunks) await rm(this.chunkPath(id, chunk.seq), { force: true });
    await rm(`${this.path(id)}.work`, { recursive: true, force: true });
    if (options.file) await rm(this.path(id), { force: true });
  }

  /** Recordings past their retention (not yet deleted), oldest first. */
  async due(now: Date, limit = 100): Promise<RecordingRow[]> {
    return this.storage.query<RecordingRow>(
      `SELECT * FROM recording WHERE status <> 'deleted' AND delete_after IS NOT NULL AND delete_after <= $1
        ORDER BY delete_after, id LIMIT $2`,
      [now, limit],
    );
  }

  async audit(id: string, entry: AccessEntry): Promise<void> {
    await this.storage.query(
      `INSERT INTO recording_access (recording_id, at, by_kind, who, action, from_address) VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, entry.at, entry.by, entry.who?.slice(0, 200) ?? null, entry.action, entry.from.slice(0, 100)],
    );
  }

  async accesses(id: string, limit = 1000): Promise<RecordingAccess[]> {
    const rows = await this.storage.query<{
      at: Date;
      by_kind: string;
      who: string | null;
      action: string;
      from_address: string;
    }>(
      'SELECT at, by_kind, who, action, from_address FROM recording_access WHERE recording_id = $1 ORDER BY at, id LIMIT $2',
      [id, limit],
    );
    return rows.map((row) => ({
      at: new Date(row.at).toISOString(),
      by: row.by_kind,
      ...(row.who ? { who: row.who } : {}),
      action: row.action,
      from: row.from_address,
    }));
  }
}

/** A row as the wire shows it (`url` is the caller's to add). */
export function recordingInfo(row: RecordingRow, options: { staff?: boolean } = {}): RecordingInfo {
  const info: RecordingInfo = {
    id: row.id,
    consultationId: consultationOf(row.appointment_id),
    appointmentId: row.appointment_id,
    capture: row.capture,
    status: row.status,
    startedAt: new Date(row.started_at).toISOString(),
  };
  if (row.ended_at) info.endedAt = new Date(row.ended_at).toISOString();
  if (row.status === 'ready') {
    if (row.content_type) info.contentType = row.content_type;
    if (row.duration_seconds !== null) info.durationSeconds = Number(row.duration_seconds);
    if (row.size !== null) info.size = Number(row.size);
    if (row.sha256) info.sha256 = row.sha256;
  }
  if (row.delete_after && row.status !== 'deleted') info.deleteAfter = new Date(row.delete_after).toISOString();
  // Why it failed may name the server's tools and folders: staff only.
  if (options.staff && row.status === 'failed' && row.failure) info.failure = row.failure;
  return info;
}
