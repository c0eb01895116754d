/**
 * The pre-call device check: camera and microphone opened with a preview, the devices to choose
 * from, a microphone level, a speaker test, and plain reasons when something is missing.
 */
import { ConsultKitError } from '../errors.js';
import { createStore, type ReadableStore, type WritableStore } from '../store.js';

export interface DeviceOption {
  deviceId: string;
  /** The browser's name for it; empty before permission is given. */
  label: string;
}

/**
 * - `idle`: not started.
 * - `requesting`: asking the browser (and the person) for camera and microphone.
 * - `ready`: both open; `stream` is the preview.
 * - `permission-denied`: the person or the browser refused.
 * - `no-device`: no camera or no microphone, or it is in use by another program.
 * - `error`: anything else; `error` says what.
 */
export type DeviceCheckStatus = 'idle' | 'requesting' | 'ready' | 'permission-denied' | 'no-device' | 'error';

export interface DeviceCheckState {
  status: DeviceCheckStatus;
  stream: MediaStream | null;
  cameras: DeviceOption[];
  microphones: DeviceOption[];
  /** Audio outputs; empty where the browser cannot choose one (`setSinkId`). */
  speakers: DeviceOption[];
  cameraId: string | null;
  microphoneId: string | null;
  speakerId: string | null;
  /** Microphone level, 0 (silence) to 1, updated about ten times a second. */
  level: number;
  /** A test sound is playing on the chosen speaker. */
  testSoundPlaying: boolean;
  error: ConsultKitError | null;
}

/** Maps a getUserMedia failure to our error and the check's status. */
export function mediaError(error: unknown): { status: DeviceCheckStatus; error: ConsultKitError } {
  const name = (error as DOMException | undefined)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return {
      status: 'permission-denied',
      error: new ConsultKitError('media-permission-denied', 'Permission to use the camera or microphone was refused.', {
        cause: error,
      }),
    };
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'NotReadableError') {
    return {
      status: 'no-device',
      error: new ConsultKitError('media-unavailable', 'No camera or microphone could be opened.', { cause: error }),
    };
  }
  return {
    status: 'error',
    error: new ConsultKitError('media-unavailable', `The camera or microphone failed: ${String(error)}`, {
      cause: error,
    }),
  };
}

/** Opens camera and microphone; throws a `ConsultKitError` saying why not. */
export async function openMedia(constraints: MediaStreamConstraints): Promise<MediaStream> {
  if (!globalThis.navigator?.mediaDevices?.getUserMedia) {
    throw new ConsultKitError('webrtc-unsupported', 'This browser cannot open a camera or microphone (getUserMedia).');
  }
  try {
    return await navigator.mediaDevices.getUserMedia(constraints);
  } catch (error) {
    throw mediaError(error).error;
  }
}

export function stopStream(stream: MediaStream | null | undefined): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

type SinkCapable = { setSinkId?: (id: string) => Promise<void> };

/**
 * A device check for one person. Start it, show `state.stream` as a preview, let them choose
 * devices, then hand the stream to the consultation with `takeStream()`.
 */
export class DeviceCheck {
  readonly #state: WritableStore<DeviceCheckState> = createStore<DeviceCheckState>({
    status: 'idle',
    stream: null,
    cameras: [],
    microphones: [],
    speakers: [],
    cameraId: null,
    microphoneId: null,
    speakerId: null,
    level: 0,
    testSoundPlaying: false,
    error: null,
  });
  #audio: AudioContext | null = null;
  #meterTimer: ReturnType<typeof setInterval> | undefined;
  #onDeviceChange = () => void this.#listDevices();

  get state(): ReadableStore<DeviceCheckState> {
    return this.#state;
  }

  /**
   * Asks for camera and microphone (`constraints`, default both) and lists the devices. Resolves
   * whatever the outcome: `state.status` says it.
   */
  async start(constraints: MediaStreamConstraints = { audio: true, video: true }): Promise<void> {
    this.#state.update({ status: 'requesting', error: null });
    try {
      await this.#open(constraints);
    } catch (error) {
      this.#state.update({ ...mediaError(error) });
      return;
    }
    navigator.mediaDevices.addEventListener?.('devicechange', this.#onDeviceChange);
    await this.#listDevices();
  }

  selectCamera(deviceId: string): Promise<void> {
    return this.#reopen('video', deviceId);
  }

  selectMicrophone(deviceId: string): Promise<void> {
    return this.#reopen('audio', deviceId);
  }

  /** Chooses the speaker the consultation will play through (where the browser allows it). */
  selectSpeaker(deviceId: string): void {
    this.#state.update({ speakerId: deviceId });
  }

  /** Plays a short two-tone chime on the chosen speaker. */
  async playTestSound(): Promise<void> {
    const context = new AudioContext();
    try {
      const { speakerId } = this.#state.get();
      if (speakerId) await (context as unknown as SinkCapable).setSinkId?.(speakerId);
      this.#state.update({ testSoundPlaying: true });
      const gain = context.createGain();
      gain.gain.value = 0.2;
      gain.connect(context.destination);
      for (const [frequency, at] of [
        [660, 0],
        [880, 0.35],
      ] as const) {
        const tone = context.createOscillator();
        tone.frequency.value = frequency;
        tone.connect(gain);
        tone.start(context.currentTime + at);
        tone.stop(context.currentTime + at + 0.3);
      }
      await new Promise((resolve) => setTimeout(resolve, 700));
    } finally {
      this.#state.update({ testSoundPlaying: false });
      await context.close();
    }
  }

  /** Ends the check and gives the stream to its new owner (the consultation); the check forgets it. */
  takeStream(): MediaStream | null {
    const { stream } = this.#state.get();
    this.#stopMeter();
    this.#state.update({ stream: null, status: 'idle', level: 0 });
    return stream;
  }

  /** Ends the check and releases camera and microphone. */
  stop(): void {
    stopStream(this.takeStream());
    navigator.mediaDevices?.removeEventListener?.('devicechange', this.#onDeviceChange);
  }

  async #open(constraints: MediaStreamConstraints): Promise<void> {
    const stream = await navigator.mediaDevices.getUserMedia(constraints);
    stopStream(this.#state.get().stream);
    this.#state.update({
      stream,
      status: 'ready',
      cameraId: stream.getVideoTracks()[0]?.getSettings().deviceId ?? null,
      microphoneId: stream.getAudioTracks()[0]?.getSettings().deviceId ?? null,
    });
    this.#startMeter(stream);
  }

  async #reopen(kind: 'audio' | 'video', deviceId: string): Promise<void> {
    const { cameraId, microphoneId } = this.#state.get();
    const constraint = (id: string | null) => (id ? { deviceId: { exact: id } } : true);
    try {
      await this.#open({
        video: constraint(kind === 'video' ? deviceId : cameraId),
        audio: constraint(kind === 'audio' ? deviceId : microphoneId),
      });
    } catch (error) {
      this.#state.update({ ...mediaError(error) });
    }
  }

  async #listDevices(): Promise<void> {
    const devices = await navigator.mediaDevices.enumerateDevices();
    const of = (kind: MediaDeviceKind) =>
      devices.filter((d) => d.kind === kind && d.deviceId).map((d) => ({ deviceId: d.deviceId, label: d.label }));
    const canChooseSpeaker = typeof (HTMLMediaElement.prototype as SinkCapable).setSinkId === 'function';
    const speakers = canChooseSpeaker ? of('audiooutput') : [];
    this.#state.update({
      cameras: of('videoinput'),
      microphones: of('audioinput'),
      speakers,
      speakerId: this.#state.get().speakerId ?? speakers[0]?.deviceId ?? null,
    });
  }

  #startMeter(stream: MediaStream): void {
    this.#stopMeter();
    if (stream.getAudioTracks().length === 0) return;
    this.#audio = new AudioContext();
    const analyser = this.#audio.createAnalyser();
    analyser.fftSize = 512;
    this.#audio.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    this.#meterTimer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      // RMS, scaled so ordinary speech reaches about the middle of the meter.
      const level = Math.min(1, Math.sqrt(sum / samples.length) * 4);
      this.#state.update({ level: Math.round(level * 100) / 100 });
    }, 100);
  }

  #stopMeter(): void {
    clearInterval(this.#meterTimer);
    this.#meterTimer = undefined;
    void this.#audio?.close();
    this.#audio = null;
  }
}
