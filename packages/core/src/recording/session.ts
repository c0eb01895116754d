/**
 * One composite capture in the clinician's page (loaded only when a recording starts, or when a
 * reloaded page has one to finish): the compositor's stream recorded by `MediaRecorder`, its
 * chunks through the chunk queue (IndexedDB first, then the server).
 */
import { ChunkQueue, httpChunkTransport, RecordingError, type ChunkTransport } from './chunk-queue.js';
import { ChunkStore } from './chunk-store.js';
import { Compositor, type CompositeScene, type CompositorOptions } from './compositor.js';
import { baseType, ChunkRecorder, recordingMimeType } from './recorder.js';

export interface CaptureOptions {
  server: string;
  token: () => string;
  recordingId: string;
  /** The composite's size and rate. */
  compositor?: CompositorOptions;
  retryDelays?: readonly number[];
  /** For tests: another transport than the recording API over HTTP. */
  transport?: ChunkTransport;
}

let opened: Promise<ChunkStore> | null = null;
/** The one IndexedDB connection of this page. */
function chunkStore(): Promise<ChunkStore> {
  opened ??= ChunkStore.open();
  opened.catch(() => (opened = null));
  return opened;
}

export class CaptureSession {
  readonly queue: ChunkQueue;
  readonly #compositor: Compositor | null;
  readonly #recorder: ChunkRecorder | null;
  #stopping: Promise<void> | null = null;

  private constructor(queue: ChunkQueue, compositor: Compositor | null, recorder: ChunkRecorder | null) {
    this.queue = queue;
    this.#compositor = compositor;
    this.#recorder = recorder;
  }

  /** Starts capturing `scene` now. Throws a `RecordingError` when this browser cannot. */
  static async start(options: CaptureOptions, scene: CompositeScene, onError: (e: RecordingError) => void) {
    const mimeType = recordingMimeType();
    if (!mimeType)
      throw new RecordingError('This browser cannot record a consultation (no MediaRecorder for MP4 or WebM).');
    const queue = await ChunkQueue.open({
      store: await chunkStore(),
      transport: options.transport ?? httpChunkTransport(options.server, options.token),
      recordingId: options.recordingId,
      server: options.server,
      type: baseType(mimeType),
      ...(options.retryDelays ? { retryDelays: options.retryDelays } : {}),
    });
    const compositor = new Compositor(options.compositor);
    compositor.update(scene);
    let recorder: ChunkRecorder;
    try {
      recorder = new ChunkRecorder(compositor.stream, {
        onChunk: (chunk) => void queue.add(chunk).catch((error: unknown) => onError(asRecordingError(error))),
        onError,
      });
    } catch (error) {
      compositor.close();
      queue.close();
      throw asRecordingError(error);
    }
    return new CaptureSession(queue, compositor, recorder);
  }

  /**
   * The recording `recordingId` as this browser kept it (after a reload): what the server lacks
   * is sent, then it is finished (its capture ended with the page that made it). Null when
   * nothing of it is kept here.
   */
  static async resume(options: CaptureOptions): Promise<CaptureSession | null> {
    const store = await chunkStore();
    const kept = await store.recording(options.recordingId);
    if (!kept) return null;
    const queue = await ChunkQueue.open({
      store,
      transport: options.transport ?? httpChunkTransport(options.server, options.token),
      recordingId: options.recordingId,
      server: options.server,
      type: kept.type,
      ...(options.retryDelays ? { retryDelays: options.retryDelays } : {}),
    });
    const session = new CaptureSession(queue, null, null);
    void session.stop().catch(() => undefined);
    return session;
  }

  /** Frames the compositor drew (0 for a resumed upload). */
  get frames(): number {
    return this.#compositor?.frames ?? 0;
  }

  /** The composite's stream (null for a resumed upload). */
  get stream(): MediaStream | null {
    return this.#compositor?.stream ?? null;
  }

  /** Whether `MediaRecorder` runs. */
  get recording(): boolean {
    return this.#recorder?.recording ?? false;
  }

  update(scene: CompositeScene): void {
    this.#compositor?.update(scene);
  }

  /** Stops the capture (the last chunk is kept), sends the rest and finishes. Resolves once saved. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await this.#recorder?.stop();
      this.#compositor?.close();
      await this.queue.stop();
    })();
    return this.#stopping;
  }

  /** The page goes away: the capture stops; what is not sent stays in IndexedDB. */
  close(): void {
    void this.#recorder?.stop();
    this.#compositor?.close();
    this.queue.close();
  }
}

function asRecordingError(error: unknown): RecordingError {
  return error instanceof RecordingError
    ? error
    : new RecordingError('The recording could not be made in this browser.', 0, false, { cause: error });
}
