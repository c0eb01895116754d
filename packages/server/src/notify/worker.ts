/**
 * The worker: polls the job table, runs due jobs with a few lanes at once, and stops cleanly.
 * Every server instance runs one; the queue's claim makes sure each job is taken by one of them.
 */
import type { Storage } from '../storage/index.js';
import { JobQueue, type JobRow, type RetryPolicy } from './queue.js';

/** A job's work. It completes the job itself (in the transaction that records its effect) or throws. */
export type JobHandler = (job: JobRow) => Promise<void>;

export interface WorkerOptions {
  storage: Storage;
  handlers: Record<string, JobHandler>;
  now: () => number;
  /** Looks for due jobs this often (ms) when idle. */
  pollMs: number;
  /** Jobs run at once. */
  concurrency?: number;
  leaseMs?: number;
  retry: RetryPolicy;
  log?: { error(object: unknown, message: string): void };
}

export class Worker {
  readonly queue: JobQueue;
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;
  private stopped = true;
  private stopping = false;
  /** Completed polling passes: tests wait for one more pass rather than for time. */
  passes = 0;
  private started = 0;
  private waiters: { target: number; wake: () => void }[] = [];

  constructor(private readonly options: WorkerOptions) {
    this.queue = new JobQueue(options.storage, { leaseMs: options.leaseMs ?? 120_000, retry: options.retry });
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.stopping = false;
    this.schedule(0);
  }

  /** Stops polling and waits for the jobs in hand; leaves no timer behind. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.pass;
    for (const { wake } of this.waiters.splice(0)) wake();
  }

  /** Resolves after the next complete polling pass (one that started after this call). */
  nextPass(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ target: this.started + 1, wake: resolve }));
  }

  /** Runs due jobs until none is left (benchmarks and tests; the timer does the same). */
  async drain(): Promise<number> {
    const kinds = Object.keys(this.options.handlers);
    let done = 0;
    const lane = async () => {
      for (;;) {
        if (this.stopping) return;
        const job = await this.queue.claim(new Date(this.options.now()), kinds);
        if (!job) return;
        await this.run(job);
        done++;
      }
    };
    await Promise.all(Array.from({ length: this.options.concurrency ?? 4 }, lane));
    return done;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.started++;
      this.pass = this.drain()
        .catch((error: unknown) => this.options.log?.error({ err: error }, 'job worker: a polling pass failed'))
        .then(() => {
          this.passes++;
          this.pass = undefined;
          const ready = this.waiters.filter((w) => w.target <= this.passes);
          this.waiters = this.waiters.filter((w) => w.target > this.passes);
          for (const { wake } of ready) wake();
          this.schedule(this.options.pollMs);
        });
    }, delay);
    this.timer.unref();
  }

  private async run(job: JobRow): Promise<void> {
    const handler = this.options.handlers[job.kind];
    try {
      if (!handler) throw new Error(`no handler for jobs of kind "${job.kind}"`);
      await handler(job);
    } catch (error) {
      this.options.log?.error({ err: error, job: job.id, kind: job.kind }, 'job failed');
      await this.queue
        .fail(this.options.storage, job, (error as Error).message ?? String(error), new Date(this.options.now()))
        .catch((failure: unknown) =>
          this.options.log?.error({ err: failure }, 'job worker: could not record a failure'),
        );
    }
  }
}
