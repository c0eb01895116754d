/**
 * The SFU as a `MediaTransport`: the consultation's media through its Janus room (`SfuSession`),
 * once the roster's `mode` is `sfu`. The facade makes one with `sfuTransport` (its default when the
 * ticket belongs to an appointment) and hands it over from the mesh with `Handover`
 * (`./handover.ts`). Decision 0027 says why it is shaped so.
 *
 * - Opens only once this participant is let in (the server refuses a waiting one: 403), with the
 *   ticket's appointment id and signalling token, at the consultation's server.
 * - Publishes the local stream; maps each feed (`sfuId`) to a participant by the roster.
 * - Per participant: their stream, `connected` once it is there; the subscription's quality;
 *   speaking, from the audio level of their feed.
 * - Mute and camera off ride on the tracks (disabled tracks send silence and black, as in the
 *   mesh); audio only stops every video layer (`setMediaFlags`); a new local track is put on the
 *   sender with `replaceTrack`.
 * - A session lost to a failure that may pass (`sfu-unavailable`, `network`) is opened again, with
 *   a growing pause; one refused or closed is not.
 */
import type { RosterEntry } from '../../contract/room.js';
import { ConsultKitError } from '../../contract/errors.js';
import { monitorQuality, type QualitySample } from '../../media/quality.js';
import { createStore, type WritableStore } from '../../store.js';
import { isIn } from '../roster.js';
import { nextSpeaking, type SpeakingState } from '../speaking.js';
import type { MediaTransport, RemoteMedia, TransportContext, TransportState } from '../transport.js';
import { SfuSession, type SfuOpenOptions } from './session.js';

/** How often the audio level of each feed is read for speaking, ms. */
const SPEAKING_POLL_MS = 200;
/** Pauses before opening a lost session again, ms (the last one repeats). */
const RETRY_MS = [1000, 2000, 4000, 8000, 15_000];

export interface SfuTransportOptions extends TransportContext {
  /** Opens the session (`SfuSession.open`); for tests. */
  open?: (options: SfuOpenOptions) => Promise<SfuSession>;
  /** Reports an error the transport cannot recover from (refused, closed). */
  onError?: (error: ConsultKitError) => void;
}

/** The `ConsultationOptions.sfu` factory: the SFU session as the room's transport. */
export function sfuTransport(context: TransportContext): SfuTransport {
  return new SfuTransport(context);
}

export class SfuTransport implements MediaTransport {
  readonly state: WritableStore<TransportState> = createStore<TransportState>({ remotes: [] });
  readonly #options: SfuTransportOptions;
  #session: SfuSession | null = null;
  #opening = false;
  #attempt = 0;
  #retry: ReturnType<typeof setTimeout> | null = null;
  #given: ConsultKitError | null = null;
  #closed = false;
  #you = '';
  #roster: readonly RosterEntry[] = [];
  #quality: QualitySample | null = null;
  #stopQuality: (() => void) | null = null;
  #qualityOn: RTCPeerConnection | null = null;
  readonly #speaking = new Map<number, SpeakingState>();
  #speakingTimer: ReturnType<typeof setInterval> | null = null;
  readonly #stops: (() => void)[] = [];
  /** What was last put on the senders, so `refresh` only touches what changed. */
  #sent: { audio?: MediaStreamTrack | null; video?: MediaStreamTrack | null; audioOnly?: boolean } = {};

  constructor(options: SfuTransportOptions) {
    this.#options = options;
  }

  /** The session, once open (for statistics and layer choices). */
  get session(): SfuSession | null {
    return this.#session;
  }

  sync(you: string, roster: readonly RosterEntry[]): void {
    if (this.#closed) return;
    this.#you = you;
    this.#roster = roster;
    const self = roster.find((entry) => entry.peerId === you);
    // The server lets only a participant who is in into the room: ask only then.
    if (self && isIn(self) && !self.left) this.#open();
    this.#publish();
  }

  refresh(): void {
    void this.#applySenders();
  }

  /** The SFU adapts per receiver (simulcast layers): nothing was learnt on the sending side. */
  resetAdaptation(): void {}

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#retry) clearTimeout(this.#retry);
    this.#stopAll();
    this.#session?.close();
    this.#session = null;
    this.state.update({ remotes: [] });
  }

  #open(): void {
    if (this.#session || this.#opening || this.#retry || this.#given) return;
    const { stream } = this.#options.local();
    if (!stream) return;
    this.#opening = true;
    const open = this.#options.open ?? ((options: SfuOpenOptions) => SfuSession.open(options));
    const { ticket } = this.#options;
    const self = this.#roster.find((entry) => entry.peerId === this.#you);
    open({
      server: String(this.#options.server),
      appointmentId: ticket.appointmentId!,
      token: ticket.token,
      localStream: stream,
      qualityIntervalMs: Math.min(this.#options.qualityIntervalMs, 1000),
      adaptive: this.#options.adapt,
      ...(self?.name ? { display: self.name } : {}),
    }).then(
      (session) => {
        this.#opening = false;
        if (this.#closed) return session.close();
        this.#attempt = 0;
        this.#session = session;
        this.#sent = { audio: stream.getAudioTracks()[0] ?? null, video: stream.getVideoTracks()[0] ?? null };
        this.#stops.push(
          session.state.subscribe(() => this.#publish()),
          session.on('error', (error) => this.#lost(error)),
        );
        this.#speakingTimer = setInterval(() => this.#pollSpeaking(), SPEAKING_POLL_MS);
        void this.#applySenders();
        this.#publish();
      },
      (error: unknown) => {
        this.#opening = false;
        if (!this.#closed) this.#lost(error);
      },
    );
  }

  /** The session failed (or could not open): again after a pause if it may pass; else given up. */
  #lost(cause: unknown): void {
    const error =
      cause instanceof ConsultKitError ? cause : new ConsultKitError('sfu-unavailable', String(cause), { cause });
    this.#stopAll();
    this.#session = null;
    this.#publish();
    if (this.#closed) return;
    if (error.code === 'sfu-unavailable' || error.code === 'network') {
      const pause = RETRY_MS[Math.min(this.#attempt++, RETRY_MS.length - 1)]!;
      this.#retry = setTimeout(() => {
        this.#retry = null;
        this.sync(this.#you, this.#roster);
      }, pause);
      return;
    }
    this.#given = error;
    this.#options.onError?.(error);
  }

  #stopAll(): void {
    for (const stop of this.#stops.splice(0)) stop();
    if (this.#speakingTimer) clearInterval(this.#speakingTimer);
    this.#speakingTimer = null;
    this.#stopQuality?.();
    this.#stopQuality = null;
    this.#qualityOn = null;
    this.#quality = null;
    this.#speaking.clear();
  }

  /** The senders follow the local stream (a switched device) and audio only. */
  async #applySenders(): Promise<void> {
    const session = this.#session;
    if (!session) return;
    const { stream, audioOnly } = this.#options.local();
    const audio = stream?.getAudioTracks()[0] ?? null;
    const video = stream?.getVideoTracks()[0] ?? null;
    try {
      if (audio !== this.#sent.audio) {
        this.#sent.audio = audio;
        await session.replaceTrack('audio', audio);
      }
      if (video !== this.#sent.video) {
        this.#sent.video = video;
        await session.replaceTrack('video', video);
      }
      if (audioOnly !== this.#sent.audioOnly) {
        this.#sent.audioOnly = audioOnly;
        // Muted and camera off ride on the tracks themselves (disabled: silence and black).
        await session.setMediaFlags({ muted: false, cameraOff: false, audioOnly });
      }
    } catch {
      // The session closed under us: its error (or close) says so.
    }
  }

  /** Each feed's speaking, from the audio level the subscription receives. */
  #pollSpeaking(): void {
    const pc = this.#session?.subscriberConnection;
    if (!pc) return;
    let changed = false;
    for (const [sfuId, stream] of this.#session!.state.get().streams) {
      const track = stream.getAudioTracks()[0];
      const receiver = track && pc.getReceivers().find((r) => r.track === track);
      const sources = receiver?.getSynchronizationSources?.() ?? [];
      const fresh = sources.filter(
        (s) => Math.abs(performance.now() - s.timestamp) < 1000 || Math.abs(Date.now() - s.timestamp) < 1000,
      );
      const level = fresh.length ? Math.max(...fresh.map((s) => s.audioLevel ?? 0)) : null;
      const before = this.#speaking.get(sfuId) ?? { speaking: false, quiet: 0 };
      const next = nextSpeaking(before, level);
      if (next.speaking !== before.speaking) changed = true;
      this.#speaking.set(sfuId, next);
    }
    if (changed) this.#publish();
  }

  /** One `RemoteMedia` per other participant who is in the call, from the session's feeds. */
  #publish(): void {
    if (this.#closed) return;
    const session = this.#session;
    const pc = session?.subscriberConnection ?? null;
    if (pc !== this.#qualityOn) {
      this.#stopQuality?.();
      this.#qualityOn = pc;
      this.#stopQuality = pc
        ? monitorQuality(
            pc,
            (sample) => {
              this.#quality = sample;
              this.#publish();
            },
            this.#options.qualityIntervalMs,
          )
        : null;
    }
    const streams = session?.state.get().streams ?? new Map<number, MediaStream>();
    const remotes: RemoteMedia[] = [];
    for (const entry of this.#roster) {
      if (entry.peerId === this.#you || !isIn(entry) || entry.left || !entry.connected) continue;
      const stream = entry.sfuId === undefined ? undefined : streams.get(entry.sfuId);
      remotes.push({
        peerId: entry.peerId,
        status: stream ? 'connected' : 'connecting',
        stream: stream ?? null,
        quality: stream ? this.#quality : null,
        audioOnlyForNetwork: false,
        speaking: entry.sfuId !== undefined && (this.#speaking.get(entry.sfuId)?.speaking ?? false),
        peerConnection: pc,
      });
    }
    this.state.update({ remotes });
  }
}
