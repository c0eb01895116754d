/**
 * The composite recording's upload (docs/recording.md, "Capture"): every chunk is written to
 * IndexedDB (`chunk-store.ts`) before anything else, then sent in order (`PUT
 * /api/recordings/:id/chunks/:seq`), retried with backoff while the server cannot be reached, and
 * deleted only once the server's receipt lists it. When the capture has stopped and every chunk is
 * acknowledged, the recording is finished (`POST /api/recordings/:id/finish`) and forgotten here.
 *
 * A page that reloads finds the unfinished recording in IndexedDB (`ChunkQueue.open` with the
 * same id): it asks the server what it has (`GET .../chunks`), sends what is missing, and
 * finishes when the capture had stopped. No chunk's bytes stay in this page's memory once stored:
 * the Blob sent is the one read back from IndexedDB (backed by its files).
 */
import type { ChunkReceipt, FinishRecording } from '../contract/recording.js';
import { RecordingError } from './error.js';
import { createStore, type ReadableStore, type WritableStore } from '../store.js';
import type { ChunkStore } from './chunk-store.js';

export { RecordingError };

/** How the queue reaches the server (the recording API over HTTP by default: {@link httpChunkTransport}). */
export interface ChunkTransport {
  /** Sends one chunk; answers the receipt. Throws a `RecordingError` (`retry` when worth retrying). */
  put(recordingId: string, seq: number, chunk: Blob, type: string): Promise<ChunkReceipt>;
  /** What the server has stored. */
  receipt(recordingId: string): Promise<ChunkReceipt>;
  /** Finishes the recording with `chunks` chunks. */
  finish(recordingId: string, chunks: number): Promise<void>;
}

/**
 * - `uploading`: chunks are sent as they come (or none is waiting);
 * - `retrying`: the server could not be reached: the next try waits (`attempt` says which);
 * - `finishing`: the capture stopped: the last chunks go, then the finish;
 * - `saved`: the server finished the recording; nothing is kept here any more;
 * - `failed`: the server refused (see `error`); the chunks stay in IndexedDB.
 */
export type UploadStatus = 'uploading' | 'retrying' | 'finishing' | 'saved' | 'failed';

export interface ChunkQueueState {
  recordingId: string;
  status: UploadStatus;
  /** Chunks made so far (the next one's sequence number). */
  chunks: number;
  /** Chunks the server has acknowledged. */
  uploaded: number;
  /** Chunks kept here, not yet acknowledged (the backlog). */
  pending: number;
  /** The largest backlog seen. */
  pendingMax: number;
  /** Bytes made so far. */
  bytes: number;
  /** Failed tries in a row (0 while the server answers). */
  attempt: number;
  error: RecordingError | null;
}

export interface ChunkQueueOptions {
  store: ChunkStore;
  transport: ChunkTransport;
  recordingId: string;
  /** The server (origin): kept with the recording, so a reloaded page finds its own. */
  server: string;
  /** The chunks' `Content-Type` (for a recording already kept, the kept one wins). */
  type: string;
  /** Waits between failed tries (ms); the last repeats for as long as the page lives. */
  retryDelays?: readonly number[];
}

const DEFAULT_DELAYS = [250, 500, 1_000, 2_000, 4_000, 5_000];

export class ChunkQueue {
  readonly #options: ChunkQueueOptions;
  readonly #state: WritableStore<ChunkQueueState>;
  readonly #delays: readonly number[];
  /** Sequence numbers kept in IndexedDB, not yet acknowledged. */
  readonly #kept = new Set<number>();
  #type: string;
  /** Appends run one after the other, so sequence numbers follow the recorder's order. */
  #appending: Promise<unknown> = Promise.resolve();
  #pumping = false;
  #again = false;
  #closed = false;
  #stopped = false;
  #wake: (() => void) | null = null;
  readonly #saved: { promise: Promise<void>; resolve: () => void; reject: (e: RecordingError) => void };

  private constructor(options: ChunkQueueOptions) {
    this.#options = options;
    this.#type = options.type;
    this.#delays = options.retryDelays?.length ? options.retryDelays : DEFAULT_DELAYS;
    this.#state = createStore<ChunkQueueState>({
      recordingId: options.recordingId,
      status: 'uploading',
      chunks: 0,
      uploaded: 0,
      pending: 0,
      pendingMax: 0,
      bytes: 0,
      attempt: 0,
      error: null,
    });
    let resolve!: () => void;
    let reject!: (e: RecordingError) => void;
    const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    promise.catch(() => undefined);
    this.#saved = { promise, resolve, reject };
  }

  /**
   * Opens the queue of a recording: a new one, or one this browser kept (after a reload): then
   * what the server already has is forgotten here, the rest is sent, and, when the capture had
   * stopped, the recording is finished.
   */
  static async open(options: ChunkQueueOptions): Promise<ChunkQueue> {
    const queue = new ChunkQueue(options);
    await queue.#load();
    return queue;
  }

  get state(): ReadableStore<ChunkQueueState> {
    return this.#state;
  }

  /** The chunks' `Content-Type`. */
  get type(): string {
    return this.#type;
  }

  /** Resolves once the server finished the recording; rejects with the `RecordingError` that stopped it. */
  get saved(): Promise<void> {
    return this.#saved.promise;
  }

  async #load(): Promise<void> {
    const { store, recordingId, server } = this.#options;
    const kept = await store.begin({ id: recordingId, server, type: this.#options.type });
    this.#type = kept.type;
    this.#stopped = kept.stopped;
    for (const seq of await store.pending(recordingId)) this.#kept.add(seq);
    this.#state.update({
      chunks: kept.made,
      bytes: kept.bytes,
      uploaded: kept.made - this.#kept.size,
      pending: this.#kept.size,
      status: kept.stopped ? 'finishing' : 'uploading',
    });
    if (kept.made > 0) void this.#pump(true);
  }

  /** Keeps the next chunk (in IndexedDB first) and sends it. Resolves once it is stored. */
  add(chunk: Blob): Promise<void> {
    const run = this.#appending.then(async () => {
      if (this.#stopped) throw new RecordingError('The recording has stopped: no chunk may follow.');
      const seq = await this.#options.store.append(this.#options.recordingId, chunk);
      this.#kept.add(seq);
      const { bytes, pendingMax } = this.#state.get();
      this.#state.update({
        chunks: seq + 1,
        bytes: bytes + chunk.size,
        pending: this.#kept.size,
        pendingMax: Math.max(pendingMax, this.#kept.size),
      });
      void this.#pump();
    });
    this.#appending = run.catch(() => undefined);
    return run;
  }

  /** No chunk follows: the rest is sent, then the recording is finished. Resolves once saved. */
  async stop(): Promise<void> {
    await this.#appending;
    if (!this.#stopped) {
      this.#stopped = true;
      await this.#options.store.stop(this.#options.recordingId);
    }
    if (this.#state.get().status === 'uploading') this.#state.update({ status: 'finishing' });
    void this.#pump();
    return this.saved;
  }

  /** Tries again now (the network is back), rather than after the current wait. */
  retryNow(): void {
    this.#wake?.();
  }

  /** Stops sending (the page goes away): what is kept stays in IndexedDB for the next page. */
  close(): void {
    this.#closed = true;
    this.#wake?.();
  }

  async #pump(resume = false): Promise<void> {
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = true;
    const { store, recordingId } = this.#options;
    try {
      if (resume) await this.#acknowledge(await this.#retrying(() => this.#options.transport.receipt(recordingId)));
      do {
        this.#again = false;
        for (const seq of [...this.#kept].sort((a, b) => a - b)) {
          if (this.#closed) return;
          if (!this.#kept.has(seq)) continue;
          const chunk = await store.chunk(recordingId, seq);
          if (!chunk) {
            this.#kept.delete(seq);
            continue;
          }
          const receipt = await this.#retrying(async () => {
            const answer = await this.#options.transport.put(recordingId, seq, chunk, this.#type);
            if (!answer.received.includes(seq))
              throw new RecordingError(`The server's receipt does not list chunk ${seq}.`, 0, true);
            return answer;
          });
          await this.#acknowledge(receipt);
        }
      } while (this.#again && !this.#closed);
      if (this.#stopped && this.#kept.size === 0 && !this.#closed) await this.#finish();
    } catch (error) {
      if (this.#closed) return;
      const failure =
        error instanceof RecordingError
          ? error
          : new RecordingError('The recording could not be kept in this browser.', 0, false, { cause: error });
      this.#state.update({ status: 'failed', error: failure });
      this.#saved.reject(failure);
    } finally {
      this.#pumping = false;
    }
    // A chunk that came while the last try ended.
    if (this.#again && !this.#closed && this.#state.get().status !== 'failed') void this.#pump();
  }

  async #finish(): Promise<void> {
    const { store, recordingId, transport } = this.#options;
    const { chunks } = this.#state.get();
    // A 409 may be passing (a chunk still being written, a finish already at work): when the
    // server holds every chunk, the finish is tried again a few times.
    for (let tries = 1; ; tries++) {
      try {
        await this.#retrying(() => transport.finish(recordingId, chunks));
        break;
      } catch (error) {
        if (!(error instanceof RecordingError) || error.status !== 409 || tries >= 10 || this.#closed) throw error;
        const { received } = await this.#retrying(() => transport.receipt(recordingId));
        const missing = Array.from({ length: chunks }, (_, seq) => seq).filter((seq) => !received.includes(seq));
        if (missing.length)
          throw new RecordingError(
            `The server lacks chunks ${missing.join(', ')}, which this browser no longer has.`,
            409,
          );
        await new Promise((resolve) => setTimeout(resolve, this.#delays[Math.min(tries, this.#delays.length - 1)]));
      }
    }
    await store.forget(recordingId);
    this.#state.update({ status: 'saved', attempt: 0 });
    this.#saved.resolve();
  }

  /** Forgets here what the server's receipt lists. */
  async #acknowledge(receipt: ChunkReceipt): Promise<void> {
    const listed = receipt.received.filter((seq) => this.#kept.has(seq));
    await this.#options.store.acknowledge(this.#options.recordingId, listed);
    for (const seq of listed) this.#kept.delete(seq);
    const { chunks } = this.#state.get();
    this.#state.update({ uploaded: chunks - this.#kept.size, pending: this.#kept.size });
  }

  /** Runs `work` until it succeeds, waiting between tries while the error says retrying may help. */
  async #retrying<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await work();
        if (attempt > 0 || this.#state.get().status === 'retrying')
          this.#state.update({ status: this.#stopped ? 'finishing' : 'uploading', attempt: 0, error: null });
        return result;
      } catch (error) {
        if (!(error instanceof RecordingError) || !error.retry || this.#closed) throw error;
        this.#state.update({ status: 'retrying', attempt: attempt + 1, error });
        const base = this.#delays[Math.min(attempt, this.#delays.length - 1)]!;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, base + Math.floor(Math.random() * base * 0.2));
          this.#wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.#wake = null;
        if (this.#closed) throw error;
      }
    }
  }
}

/** The recording API over HTTP, the bearer `token` on every request. */
export function httpChunkTransport(server: string | URL, token: () => string): ChunkTransport {
  const url = (path: string) => new URL(path, server).href;
  const call = async (path: string, init: RequestInit, what: string): Promise<Response> => {
    let response: Response;
    try {
      response = await fetch(url(path), {
        ...init,
        cache: 'no-store',
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token()}` },
      });
    } catch (cause) {
      throw new RecordingError(`${what}: the server is not reachable.`, 0, true, { cause });
    }
    if (response.ok) return response;
    const text = await response.text().catch(() => '');
    let detail = '';
    try {
      detail = (JSON.parse(text) as { issue?: { diagnostics?: string }[] }).issue?.[0]?.diagnostics ?? '';
    } catch {
      // not an OperationOutcome
    }
    const retry = response.status >= 500 || response.status === 408 || response.status === 429;
    throw new RecordingError(`${what}: ${detail || `the server answered ${response.status}.`}`, response.status, retry);
  };
  const path = (id: string) => `/api/recordings/${encodeURIComponent(id)}`;
  return {
    async put(id, seq, chunk, type) {
      const response = await call(
        `${path(id)}/chunks/${seq}`,
        { method: 'PUT', body: chunk, headers: { 'content-type': type } },
        `Chunk ${seq} could not be sent`,
      );
      return (await response.json()) as ChunkReceipt;
    },
    async receipt(id) {
      const response = await call(`${path(id)}/chunks`, { method: 'GET' }, 'The stored chunks could not be listed');
      return (await response.json()) as ChunkReceipt;
    },
    async finish(id, chunks) {
      const body: FinishRecording = { chunks };
      await call(
        `${path(id)}/finish`,
        { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
        'The recording could not be finished',
      );
    },
  };
}
