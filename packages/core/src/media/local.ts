/**
 * The local side of the media: camera and microphone, muted, camera off, audio only (chosen, or
 * forced by the network), the chosen speaker, and switching devices mid-call. Its own store; the
 * transport reads the stream and the audio-only flag from it to fill its senders.
 */
import { ConsultKitError } from '../errors.js';
import type { MediaFlags } from '../contract/room.js';
import { createStore, type ReadableStore, type WritableStore } from '../store.js';
import { openMedia, stopStream } from './devices.js';

export interface LocalMediaState {
  stream: MediaStream | null;
  muted: boolean;
  cameraOff: boolean;
  audioOnly: boolean;
  audioOnlyReason: 'chosen' | 'network' | null;
  speakerId: string | null;
}

export class LocalMedia {
  readonly #state: WritableStore<LocalMediaState> = createStore<LocalMediaState>({
    stream: null,
    muted: false,
    cameraOff: false,
    audioOnly: false,
    audioOnlyReason: null,
    speakerId: null,
  });
  #released = false;

  constructor(private readonly constraints: MediaStreamConstraints = { audio: true, video: true }) {}

  get state(): ReadableStore<LocalMediaState> {
    return this.#state;
  }

  /** What the others are told this page sends (`CK-MEDIA`). */
  get flags(): MediaFlags {
    const { muted, cameraOff, audioOnly } = this.#state.get();
    return { muted, cameraOff, audioOnly };
  }

  /** Opens camera and microphone, or takes `given`. */
  async open(given?: MediaStream): Promise<void> {
    const stream = given ?? (await openMedia(this.constraints));
    if (this.#released) return stopStream(stream);
    this.#state.update({ stream });
    this.#applyEnabled();
  }

  setMuted(muted: boolean): void {
    this.#state.update({ muted });
    this.#applyEnabled();
  }

  setCameraOff(cameraOff: boolean): void {
    this.#state.update({ cameraOff });
    this.#applyEnabled();
  }

  /** Audio only chosen by the person (or not). */
  setAudioOnly(audioOnly: boolean): void {
    this.#state.update({ audioOnly, audioOnlyReason: audioOnly ? 'chosen' : null });
  }

  /** The network asks for audio only (or lets video back); a choice of the person wins. */
  setNetworkAudioOnly(audioOnly: boolean): void {
    if (this.#state.get().audioOnlyReason === 'chosen') return;
    this.#state.update({ audioOnly, audioOnlyReason: audioOnly ? 'network' : null });
  }

  setSpeaker(speakerId: string | null): void {
    this.#state.update({ speakerId });
  }

  /** Uses another camera or microphone: a fresh track replaces the old one in a new stream. */
  async switchDevice(kind: 'audio' | 'video', deviceId: string): Promise<void> {
    const { stream } = this.#state.get();
    if (!stream) throw new ConsultKitError('invalid-state', 'No camera or microphone is open yet');
    const base = kind === 'video' ? this.constraints.video : this.constraints.audio;
    const extra = typeof base === 'object' ? base : {};
    const fresh = await openMedia({ [kind]: { ...extra, deviceId: { exact: deviceId } } });
    const track = (kind === 'audio' ? fresh.getAudioTracks() : fresh.getVideoTracks())[0];
    if (!track)
      throw new ConsultKitError(
        'media-unavailable',
        `That ${kind === 'audio' ? 'microphone' : 'camera'} gave no track`,
      );
    const current = this.#state.get().stream;
    if (this.#released || !current) return track.stop();
    const old = (kind === 'audio' ? current.getAudioTracks() : current.getVideoTracks())[0];
    this.#state.update({ stream: new MediaStream([...current.getTracks().filter((t) => t !== old), track]) });
    this.#applyEnabled();
    old?.stop();
  }

  /** Stops camera and microphone; nothing opens after. */
  release(): void {
    this.#released = true;
    stopStream(this.#state.get().stream);
    this.#state.update({ stream: null });
  }

  #applyEnabled(): void {
    const { stream, muted, cameraOff } = this.#state.get();
    for (const track of stream?.getAudioTracks() ?? []) track.enabled = !muted;
    for (const track of stream?.getVideoTracks() ?? []) track.enabled = !cameraOff;
  }
}
