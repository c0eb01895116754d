/**
 * `MediaRecorder` over the composite's stream (docs/recording.md, "Capture"): MP4 (H.264 and
 * Opus) where the browser records it, else WebM (VP8 and Opus); a chunk every
 * `RECORDING_TIMESLICE_MS`, handed on in order to `onChunk` (the chunk queue, which numbers them
 * from 0 as it stores them).
 */
import { RECORDING_TIMESLICE_MS } from '../contract/recording.js';
import { RecordingError } from './chunk-queue.js';

/** The types tried, best first: the first the browser can record is used. */
export const RECORDING_MIME_TYPES = [
  'video/mp4;codecs=avc1,opus',
  'video/mp4;codecs=avc1.42E01F,opus',
  'video/webm;codecs=vp8,opus',
] as const;

/** The type `MediaRecorder` will record here, or null when it records none of ours. */
export function recordingMimeType(): string | null {
  if (typeof MediaRecorder === 'undefined') return null;
  return RECORDING_MIME_TYPES.find((type) => MediaRecorder.isTypeSupported(type)) ?? null;
}

/** `video/mp4;codecs=…` → `video/mp4` (what the chunk upload's `Content-Type` says). */
export const baseType = (mimeType: string): string => mimeType.split(';')[0]!.trim();

export interface ChunkRecorderOptions {
  /** Called with each chunk, in order; the recorder waits for nothing. */
  onChunk: (chunk: Blob) => void;
  /** The recorder failed (the stream's encoder, say). */
  onError: (error: RecordingError) => void;
  timesliceMs?: number;
  videoBitsPerSecond?: number;
  audioBitsPerSecond?: number;
}

export class ChunkRecorder {
  readonly #recorder: MediaRecorder;
  readonly mimeType: string;
  #stopped: Promise<void> | null = null;

  constructor(stream: MediaStream, options: ChunkRecorderOptions) {
    const mimeType = recordingMimeType();
    if (!mimeType)
      throw new RecordingError('This browser cannot record a consultation (no MediaRecorder for MP4 or WebM).');
    this.mimeType = mimeType;
    const timeslice = options.timesliceMs ?? RECORDING_TIMESLICE_MS;
    this.#recorder = new MediaRecorder(stream, {
      mimeType,
      videoBitsPerSecond: options.videoBitsPerSecond ?? 1_000_000,
      audioBitsPerSecond: options.audioBitsPerSecond ?? 64_000,
      // A key frame every timeslice: an MP4 fragment (a chunk) can only end before one, so without
      // this Chromium hands over MP4 chunks many seconds apart, and a reload would lose that much.
      videoKeyFrameIntervalDuration: timeslice,
    } as MediaRecorderOptions);
    this.#recorder.addEventListener('dataavailable', (event) => {
      if (event.data.size > 0) options.onChunk(event.data);
    });
    this.#recorder.addEventListener('error', (event) => {
      const cause = (event as Event & { error?: unknown }).error;
      options.onError(new RecordingError('The browser stopped recording.', 0, false, { cause }));
    });
    this.#recorder.start(timeslice);
  }

  /** The chunks' `Content-Type` (`video/mp4` or `video/webm`). */
  get type(): string {
    return baseType(this.mimeType);
  }

  get recording(): boolean {
    return this.#recorder.state === 'recording';
  }

  /** Stops; resolves after the last chunk was handed on. */
  stop(): Promise<void> {
    this.#stopped ??= new Promise<void>((resolve) => {
      if (this.#recorder.state === 'inactive') return resolve();
      this.#recorder.addEventListener('stop', () => resolve(), { once: true });
      this.#recorder.stop();
    });
    return this.#stopped;
  }
}
