/**
 * A small job queue in the database (docs/decisions/0016-job-queue.md). pg-boss does not run on
 * PGlite, so this is our own, the same SQL on both engines:
 *
 * - a job is claimed with one `UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED LIMIT 1)`:
 *   on PostgreSQL two instances never claim the same job; PGlite serialises anyway;
 * - a claim is a lease (`locked_until`): a worker that dies mid-job leaves a claim that expires,
 *   and the job is taken again (counted as an attempt);
 * - a failure is retried with exponential backoff up to a cap, then the job fails with its reason;
 * - finishing checks the claim (`locked_by`), so a worker whose lease was taken over cannot
 *   finish someone else's attempt.
 *
 * Times come from the caller's clock (the server's `now`), so tests move time rather than wait.
 */
import { randomBytes } from 'node:crypto';
import type { SqlExecutor } from '../storage/index.js';

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface JobRow {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  state: JobState;
  run_at: Date;
  attempts: number;
  max_attempts: number;
  locked_until: Date | null;
  locked_by: string | null;
  last_error: string | null;
  appointment_id: number | null;
}

export interface RetryPolicy {
  /** The first retry waits this long (ms); each next one twice as long… */
  baseMs: number;
  /** …but never longer than this. */
  capMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 30_000, capMs: 60 * 60_000 };

/** How long after attempt `attempts` (1-based) the next one runs. */
export function backoffMs(attempts: number, policy: RetryPolicy): number {
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
}

export interface NewJob {
  kind: string;
  payload?: Record<string, unknown>;
  runAt: Date;
  appointmentId?: number | null;
  maxAttempts?: number;
}

/** Adds a job, inside the caller's transaction (so it exists exactly when the change does). */
export async function enqueue(db: SqlExecutor, job: NewJob, now: Date): Promise<string> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO job (kind, payload, run_at, appointment_id, max_attempts, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id::text AS id`,
    [
      job.kind,
      JSON.stringify(job.payload ?? {}),
      job.runAt.toISOString(),
      job.appointmentId ?? null,
      job.maxAttempts ?? 10,
      now.toISOString(),
    ],
  );
  return rows[0]!.id;
}

/**
 * Cancels the queued jobs of `kind` for an appointment (reminders of a cancelled appointment). A
 * job already running is left to finish: its handler locks the appointment and checks it again.
 */
export async function cancelJobs(db: SqlExecutor, appointmentId: number, kind: string, now: Date): Promise<number> {
  const rows = await db.query<{ id: string }>(
    `UPDATE job SET state = 'cancelled', updated_at = $3, locked_until = NULL, locked_by = NULL
     WHERE appointment_id = $1 AND kind = $2 AND state = 'queued' RETURNING id::text AS id`,
    [appointmentId, kind, now.toISOString()],
  );
  return rows.length;
}

const JOB_COLUMNS = `id::text AS id, kind, payload, state, run_at, attempts, max_attempts, locked_until, locked_by,
  last_error, appointment_id`;

export class JobQueue {
  /** This worker's name on its claims. */
  readonly workerId = `w-${randomBytes(6).toString('hex')}`;

  constructor(
    private readonly db: SqlExecutor,
    private readonly options: { leaseMs: number; retry: RetryPolicy },
  ) {}

  /**
   * Claims the next due job (queued and due, or running with an expired lease), or undefined.
   * `kinds` limits what this worker takes.
   */
  async claim(now: Date, kinds: readonly string[]): Promise<JobRow | undefined> {
    const rows = await this.db.query<JobRow>(
      `UPDATE job SET state = 'running', attempts = attempts + 1, locked_by = $2, locked_until = $3, updated_at = $1
       WHERE id = (
         SELECT id FROM job
         WHERE state IN ('queued', 'running') AND kind = ANY($4::text[])
           AND ((state = 'queued' AND run_at <= $1) OR (state = 'running' AND locked_until < $1))
         ORDER BY run_at, id
         LIMIT 1
         FOR UPDATE SKIP LOCKED
       )
       RETURNING ${JOB_COLUMNS}`,
      [now.toISOString(), this.workerId, new Date(now.getTime() + this.options.leaseMs).toISOString(), [...kinds]],
    );
    return rows[0];
  }

  /** Marks a claimed job done, in `db` (the transaction that records its effect). False if the claim was lost. */
  static async complete(db: SqlExecutor, job: JobRow, now: Date): Promise<boolean> {
    const rows = await db.query(
      `UPDATE job SET state = 'done', locked_until = NULL, updated_at = $3, last_error = NULL
       WHERE id = $1 AND locked_by = $2 AND state = 'running' RETURNING id`,
      [job.id, job.locked_by, now.toISOString()],
    );
    return rows.length === 1;
  }

  /**
   * Records a failed attempt: retried after the backoff, or failed for good when `permanent` or
   * out of attempts. Returns what happened (undefined when the claim was lost).
   */
  async fail(
    db: SqlExecutor,
    job: JobRow,
    reason: string,
    now: Date,
    permanent = false,
  ): Promise<{ state: 'queued' | 'failed'; runAt?: Date } | undefined> {
    const giveUp = permanent || job.attempts >= job.max_attempts;
    const runAt = new Date(now.getTime() + backoffMs(job.attempts, this.options.retry));
    const rows = await db.query(
      `UPDATE job SET state = $3, run_at = $4, locked_until = NULL, last_error = $5, updated_at = $6
       WHERE id = $1 AND locked_by = $2 AND state = 'running' RETURNING id`,
      [
        job.id,
        job.locked_by,
        giveUp ? 'failed' : 'queued',
        giveUp ? job.run_at.toISOString() : runAt.toISOString(),
        reason.slice(0, 1000),
        now.toISOString(),
      ],
    );
    if (rows.length === 0) return undefined;
    return giveUp ? { state: 'failed' } : { state: 'queued', runAt };
  }
}
