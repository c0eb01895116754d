/**
 * `consultation.recorder`: the composite recording as the clinician's page that asked makes it
 * (docs/recording.md, "Capture"; decision 0038). It follows the server's recording state: when it
 * becomes `recording` with `capture: 'composite'` and this page asked, the capture starts; when it
 * stops, the capture stops, the rest is sent and the recording finished. A reloaded page finds the
 * recording it was making in IndexedDB and finishes its upload (the capture ended with the page
 * that made it: this page asks the server to stop, so nobody is shown a recording that runs
 * without a capture).
 *
 * The capture itself (`session.ts`, the compositor, `MediaRecorder`, IndexedDB) is imported only
 * then: pages that never record do not load it.
 */
import { isRecorded, type RecordingState } from '../contract/recording.js';
import type { ParticipantState } from '../consultation/participant.js';
import type { ScreenShareState } from '../consultation/screen.js';
import { Emitter } from '../emitter.js';
import { createStore, type ReadableStore, type WritableStore } from '../store.js';
import type { ChunkQueueState, UploadStatus } from './chunk-queue.js';
import type { RecordingError } from './error.js';
import type { CompositeScene, CompositorOptions } from './compositor.js';
import type { CaptureSession } from './session.js';

/**
 * - `idle`: this page makes no recording;
 * - `starting`: the capture is being set up;
 * - then the upload's status: `uploading` (capturing, chunks sent as they come), `retrying` (the
 *   server is unreachable: chunks wait in IndexedDB), `finishing` (stopped: the rest goes, then the
 *   finish), `saved`, `failed` (see `error`).
 */
export type RecorderStatus = 'idle' | 'starting' | UploadStatus;

export interface RecorderState {
  status: RecorderStatus;
  /** The recording this page makes (or finishes), or null. */
  recordingId: string | null;
  /** `MediaRecorder` runs in this page. */
  capturing: boolean;
  /** The chunks' type (`video/mp4` or `video/webm`), once known. */
  type: string | null;
  /** Chunks made, acknowledged by the server, and waiting here (in IndexedDB). */
  chunks: number;
  uploaded: number;
  pending: number;
  /** The most chunks that waited here at once (on a good network: 1, the chunk being sent). */
  pendingMax: number;
  /** Bytes recorded. */
  bytes: number;
  error: RecordingError | null;
}

export interface RecorderEvents {
  /** A chunk was made or acknowledged (the counts changed). */
  'recording-upload-progress': {
    recordingId: string;
    chunks: number;
    uploaded: number;
    pending: number;
    bytes: number;
  };
  /** The server finished the recording: every chunk is there. */
  'recording-saved': { recordingId: string; chunks: number; bytes: number };
  /** The capture or its upload failed (the chunks made stay in IndexedDB). */
  'recording-failed': { recordingId: string; error: RecordingError };
}

/** What the recorder follows: the consultation's state as it concerns the recording. */
export interface RecorderInput {
  /** The server's recording state (`ConsultationState.recording`), or null when nobody asked. */
  recording: RecordingState | null | undefined;
  self: ParticipantState | null;
  participants: readonly ParticipantState[];
  screenShare: ScreenShareState;
}

export interface CompositeRecorderOptions {
  server: string;
  /** The bearer of the recording API (the clinician's signalling token). */
  token: () => string;
  /** This page's peer id. */
  you: string;
  /** Whether this page may record (a clinician's). */
  clinician: boolean;
  /** Asks the server to stop the recording (`CK-RECORD-STOP`); rejects when it cannot now. */
  stop: () => Promise<void>;
  compositor?: CompositorOptions;
  retryDelays?: readonly number[];
}

const IDLE: RecorderState = {
  status: 'idle',
  recordingId: null,
  capturing: false,
  type: null,
  chunks: 0,
  uploaded: 0,
  pending: 0,
  pendingMax: 0,
  bytes: 0,
  error: null,
};

/** The scene the compositor draws: everyone in the call, the recorded presenter's screen large. */
export function sceneOf(input: RecorderInput): CompositeScene {
  const state = input.recording ?? undefined;
  const people = [input.self, ...input.participants].filter(
    (p): p is ParticipantState => !!p && (p.isLocal || (p.admitted && p.presence === 'admitted')),
  );
  const participants = people.map((p) => ({
    peerId: p.peerId,
    name: p.name,
    stream: p.stream,
    recorded: isRecorded(state, p.peerId),
    cameraOff: p.cameraOff || p.audioOnly,
  }));
  const { presenter, stream } = input.screenShare;
  const screen = presenter && stream && isRecorded(state, presenter) ? { peerId: presenter, stream } : null;
  return { participants, screen };
}

export class CompositeRecorder extends Emitter<RecorderEvents> {
  readonly #options: CompositeRecorderOptions;
  readonly #state: WritableStore<RecorderState> = createStore<RecorderState>(IDLE);
  #session: CaptureSession | null = null;
  #input: RecorderInput | null = null;
  /** Recording ids this page has started, resumed or checked: each is handled once. */
  readonly #handled = new Set<string>();
  /** Requests this page saw asking. */
  readonly #asked = new Set<string>();
  /**
   * The request the first roster this page had showed (null: none; undefined: no roster yet). Seen
   * running then and never asking here, it was started before this page (a reload, another tab).
   */
  #first: string | null | undefined = undefined;
  #closed = false;
  /** A recording this page must have the server stop (it runs without a capture), and whether the stop is on its way. */
  #toStop: string | null = null;
  #stopSent = false;

  constructor(options: CompositeRecorderOptions) {
    super();
    this.#options = options;
  }

  get state(): ReadableStore<RecorderState> {
    return this.#state;
  }

  /** The capture at work (for tests and the benchmark: its frames and stream), or null. */
  get session(): CaptureSession | null {
    return this.#session;
  }

  /** The consultation's state changed: start, re-lay out, or stop. */
  follow(input: RecorderInput): void {
    if (this.#closed || !this.#options.clinician) return;
    this.#input = input;
    const rec = input.recording;
    if (rec?.status === 'asking') this.#asked.add(rec.requestId);
    if (this.#first === undefined && input.self) this.#first = rec?.requestId ?? null;
    if (this.#toStop && rec?.recordingId === this.#toStop && rec.status === 'recording') this.#sendStop();
    const current = this.#state.get().recordingId;
    const running = rec?.status === 'recording' && rec.capture === 'composite';
    if (this.#session && current && (!running || rec?.recordingId !== current)) void this.#stop();
    if (this.#session && running && rec?.recordingId === current) this.#session.update(sceneOf(input));
    const id = rec?.recordingId;
    if (!id || rec.askedBy !== this.#options.you || rec.capture !== 'composite' || this.#handled.has(id)) return;
    if (this.#session) return;
    this.#handled.add(id);
    void this.#begin(id, rec.requestId, running);
  }

  async #begin(recordingId: string, requestId: string, running: boolean): Promise<void> {
    const { CaptureSession } = await import('./session.js');
    if (this.#closed) return;
    const options = {
      server: this.#options.server,
      token: this.#options.token,
      recordingId,
      ...(this.#options.compositor ? { compositor: this.#options.compositor } : {}),
      ...(this.#options.retryDelays ? { retryDelays: this.#options.retryDelays } : {}),
    };
    // A recording this browser was making before a reload: finish its upload.
    const resumed = await CaptureSession.resume(options).catch(() => null);
    if (resumed) {
      this.#attach(resumed, recordingId);
      // Its capture ended with the page that made it: a recording shown as running with no
      // capture would mislead everyone, so it is stopped (a new request records the rest).
      this.#stopWhileRunning(recordingId);
      return;
    }
    const now = this.#input?.recording;
    if (!running || !now || now.status !== 'recording' || now.recordingId !== recordingId) return;
    if (requestId === this.#first && !this.#asked.has(requestId)) {
      // It ran before this page (this page reloaded, or another tab asked), and nothing of it is
      // kept here: a capture started now would number its chunks from 0 again. It is stopped.
      this.#stopWhileRunning(recordingId);
      return;
    }
    this.#state.update({ ...IDLE, status: 'starting', recordingId });
    try {
      const session = await CaptureSession.start(options, sceneOf(this.#input!), (error) => this.#failed(error));
      if (this.#closed) return session.close();
      this.#attach(session, recordingId);
      const later = this.#input?.recording;
      if (later?.status !== 'recording' || later.recordingId !== recordingId) void this.#stop();
      else session.update(sceneOf(this.#input!));
    } catch (error) {
      this.#failed(error as RecordingError);
    }
  }

  /** Has the server stop `recordingId` while it runs (tried again at each change until it takes). */
  #stopWhileRunning(recordingId: string): void {
    this.#toStop = recordingId;
    const rec = this.#input?.recording;
    if (rec?.status === 'recording' && rec.recordingId === recordingId) this.#sendStop();
  }

  #sendStop(): void {
    if (this.#stopSent) return;
    this.#stopSent = true;
    this.#options.stop().then(
      () => (this.#toStop = null),
      () => (this.#stopSent = false),
    );
  }

  #attach(session: CaptureSession, recordingId: string): void {
    this.#session = session;
    const show = (q: ChunkQueueState) => {
      const before = this.#state.get();
      this.#state.update({
        status: q.status,
        recordingId,
        capturing: session.recording,
        type: session.queue.type,
        chunks: q.chunks,
        uploaded: q.uploaded,
        pending: q.pending,
        pendingMax: q.pendingMax,
        bytes: q.bytes,
        error: q.error && q.status === 'failed' ? q.error : null,
      });
      const now = this.#state.get();
      if (now.chunks !== before.chunks || now.uploaded !== before.uploaded || now.pending !== before.pending)
        this.emit('recording-upload-progress', {
          recordingId,
          chunks: now.chunks,
          uploaded: now.uploaded,
          pending: now.pending,
          bytes: now.bytes,
        });
    };
    show(session.queue.state.get());
    const off = session.queue.state.subscribe(show);
    session.queue.saved.then(
      () => {
        off();
        show(session.queue.state.get());
        if (this.#session === session) this.#session = null;
        const { chunks, bytes } = session.queue.state.get();
        this.emit('recording-saved', { recordingId, chunks, bytes });
      },
      (error: RecordingError) => {
        off();
        if (this.#session === session) this.#session = null;
        this.#failed(error);
      },
    );
  }

  async #stop(): Promise<void> {
    const session = this.#session;
    if (!session) return;
    const stopping = session.stop();
    this.#state.update({ capturing: false });
    await stopping.catch(() => undefined);
  }

  #failed(error: RecordingError): void {
    const recordingId = this.#state.get().recordingId ?? '';
    this.#state.update({ status: 'failed', capturing: false, error });
    this.emit('recording-failed', { recordingId, error });
  }

  /**
   * The consultation is over on this page: a capture at work stops and its upload is finished
   * while the page stays open (what is not sent stays in IndexedDB for the next page).
   */
  end(): void {
    if (this.#session) void this.#stop();
  }

  /** The page goes away for good: nothing more is sent. */
  close(): void {
    this.#closed = true;
    this.#session?.close();
  }
}
