/**
 * One connection with one other participant (PeerJS media connection): placed or answered,
 * senders kept to the plan, quality sampled and video adapted to this link, its speaker followed,
 * and kept alive through network trouble (ICE restarts, then a fresh call, for up to a minute).
 */
import type { MediaConnection, Peer } from 'peerjs';
import { adapt, DEGRADE_STEPS, type AdaptState } from '../media/adapt.js';
import { monitorQuality, type QualitySample } from '../media/quality.js';
import { applySenderPlan, senderPlan } from '../media/senders.js';
import { createStore, type ReadableStore, type WritableStore } from '../store.js';
import { offerIceRestart } from './ice-restart.js';
import { monitorSpeaking } from './speaking.js';

/**
 * - `idle`: no call (not placed yet, or closed by the other side).
 * - `connecting`: a call placed or answered, its path not up yet.
 * - `connected`: the path is up.
 * - `reconnecting`: the path was lost; recovering.
 * - `gone`: recovery gave up (a minute); the mesh drops the link.
 */
export type LinkStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'gone';

export interface LinkState {
  peerId: string;
  status: LinkStatus;
  /** What they send, as received; null before it arrives. */
  stream: MediaStream | null;
  quality: QualitySample | null;
  /** The degrade step of video sent on this link (`media/adapt.ts`). */
  level: number;
  speaking: boolean;
}

export interface LinkDeps {
  peer: () => Peer | null;
  /** The local stream and whether video is off for the whole page (audio only). */
  local: () => { stream: MediaStream | null; audioOnly: boolean };
  qualityIntervalMs: number;
  /** Lower the video on this link under a poor network (and restore it). */
  adapt: boolean;
  /** How long recovery may take before the link is `gone`. */
  giveUpMs: number;
  onChange: () => void;
}

/** How often the side that placed the call retries an ICE restart, then a fresh call. */
const RETRY_MS = 2000;
/**
 * A call whose path is not up after this long is dropped and placed again by the caller (its
 * offer may have been refused unanswered: the other page had not seen the roster yet).
 */
const CONNECT_TIMEOUT_MS = 15_000;

export class PeerLink {
  readonly #state: WritableStore<LinkState>;
  #call: MediaConnection | null = null;
  #placed = false;
  #send = false;
  #adapt: AdaptState = { level: 0, poor: 0, good: 0 };
  #stops: (() => void)[] = [];
  #watchStops: (() => void)[] = [];
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #applying: Promise<void> | null = null;
  #dirty = false;
  #troubleSince = 0;
  #closed = false;

  constructor(
    readonly peerId: string,
    /** This side places the call (`placesCall` in `roster.ts`). */
    readonly caller: boolean,
    private readonly deps: LinkDeps,
  ) {
    this.#state = createStore<LinkState>({
      peerId,
      status: 'idle',
      stream: null,
      quality: null,
      level: 0,
      speaking: false,
    });
    this.#state.subscribe(() => deps.onChange());
  }

  get state(): ReadableStore<LinkState> {
    return this.#state;
  }

  get call(): MediaConnection | null {
    return this.#call;
  }

  get peerConnection(): RTCPeerConnection | null {
    return this.#call?.peerConnection ?? null;
  }

  /** Media flows on this link (both let in); before that the senders are attached but inactive. */
  setSending(send: boolean): void {
    if (this.#send === send) return;
    this.#send = send;
    this.applySenders();
  }

  /** The caller places a call when there is none. */
  place(): void {
    const peer = this.deps.peer();
    const { stream } = this.deps.local();
    if (!this.caller || this.#closed || this.#call || !peer || peer.disconnected || !stream) return;
    this.#track(peer.call(this.peerId, callStream(stream)), true);
  }

  /** Takes their call: a call again from them (a reload, a recovery) replaces the one before. */
  answer(call: MediaConnection): void {
    const { stream } = this.deps.local();
    if (this.#closed || !stream) return call.close();
    this.#drop();
    call.answer(callStream(stream));
    this.#track(call, false);
  }

  /** Something sent to them expired unanswered: a call that never connected is dropped. */
  unavailable(): void {
    if (this.#call && !this.#state.get().stream) {
      this.#drop();
      this.#state.update({ status: 'idle' });
    }
  }

  /** Forgets the adaptation (video chosen again after audio only). */
  resetAdaptation(): void {
    this.#adapt = { level: 0, poor: 0, good: 0 };
    this.#state.update({ level: 0 });
  }

  /** Puts the plan on the senders; applies run one at a time, the last one wins. */
  applySenders(): void {
    const pc = this.peerConnection;
    if (!pc) return;
    if (this.#applying) {
      this.#dirty = true;
      return;
    }
    const { stream, audioOnly } = this.deps.local();
    const step = DEGRADE_STEPS[this.#adapt.level]!;
    const plan = senderPlan({ stream, send: this.#send, audioOnly: audioOnly || step.audioOnly });
    this.#applying = applySenderPlan(pc, plan, step).finally(() => {
      this.#applying = null;
      if (this.#dirty && !this.#closed) {
        this.#dirty = false;
        this.applySenders();
      }
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#drop();
  }

  #track(call: MediaConnection, placed: boolean): void {
    this.#call = call;
    this.#placed = placed;
    // A call placed or answered to recover stays `reconnecting` until its path is up.
    const recovering = this.#state.get().status === 'reconnecting';
    this.#state.update({ status: recovering ? 'reconnecting' : 'connecting', stream: null });
    this.applySenders();
    const pc = call.peerConnection;
    const onIce = () => this.#iceChanged(call);
    pc?.addEventListener('iceconnectionstatechange', onIce);
    this.#stops.push(() => pc?.removeEventListener('iceconnectionstatechange', onIce));
    call.on('stream', (stream) => {
      if (this.#call !== call) return;
      this.#state.update({ stream });
    });
    call.on('close', () => this.#callClosed(call));
    call.on('error', () => undefined); // reported through close and the ICE state
    this.#later(() => {
      if (this.#call !== call || this.#state.get().status !== 'connecting') return;
      this.#drop();
      this.#state.update({ status: 'idle', stream: null });
      this.place();
    }, CONNECT_TIMEOUT_MS);
  }

  #iceChanged(call: MediaConnection): void {
    if (this.#call !== call || this.#closed) return;
    const ice = call.peerConnection?.iceConnectionState ?? 'closed';
    if (ice === 'connected' || ice === 'completed') {
      if (this.#state.get().status !== 'connected') {
        this.#state.update({ status: 'connected' });
        this.#watch(call);
      }
    } else if (ice === 'disconnected' || ice === 'failed') {
      this.#trouble();
      if (this.#placed) this.#restartIce(call);
    }
  }

  /** The path is down: recovering, for at most `giveUpMs`. */
  #trouble(): void {
    if (this.#state.get().status === 'reconnecting') return;
    this.#troubleSince = Date.now();
    this.#state.update({ status: 'reconnecting' });
    this.#later(() => {
      const stillDown = this.#state.get().status === 'reconnecting';
      if (stillDown && Date.now() - this.#troubleSince >= this.deps.giveUpMs) {
        this.#drop();
        this.#state.update({ status: 'gone', stream: null, quality: null });
      }
    }, this.deps.giveUpMs);
  }

  /** ICE restarts every 2 s while the path is down (the side that placed the call offers them). */
  #restartIce(call: MediaConnection): void {
    if (this.#call !== call || this.#closed) return;
    const ice = call.peerConnection?.iceConnectionState;
    if (ice !== 'disconnected' && ice !== 'failed') return;
    const peer = this.deps.peer();
    if (peer) void offerIceRestart(peer, call).catch(() => undefined);
    this.#later(() => this.#restartIce(call), RETRY_MS);
  }

  #callClosed(call: MediaConnection): void {
    if (this.#call !== call) return;
    const outage = this.#state.get().status === 'reconnecting';
    this.#drop();
    if (this.#closed) return;
    if (outage) {
      // The path died: a fresh call (the caller places it) takes over.
      this.#state.update({ stream: null });
      if (this.caller) this.#recall();
      return;
    }
    this.#state.update({ status: 'idle', stream: null, quality: null, speaking: false });
  }

  /** Caller: places a new call every 2 s until one is up, the link closes, or it gives up. */
  #recall(): void {
    if (this.#closed || this.#call || this.#state.get().status !== 'reconnecting') return;
    this.place();
    this.#later(() => this.#recall(), RETRY_MS);
  }

  /** Quality (and adaptation) and speaking, while the call is up. */
  #watch(call: MediaConnection): void {
    const pc = call.peerConnection;
    if (!pc) return;
    for (const stop of this.#watchStops.splice(0)) stop();
    this.#watchStops.push(
      monitorQuality(
        pc,
        (sample) => {
          if (this.#call !== call) return;
          const before = this.#adapt.level;
          if (this.deps.adapt) this.#adapt = adapt(this.#adapt, sample.quality);
          this.#state.update({ quality: sample, level: this.#adapt.level });
          if (this.#adapt.level !== before) this.applySenders();
        },
        this.deps.qualityIntervalMs,
      ),
      monitorSpeaking(pc, (speaking) => this.#state.update({ speaking })),
    );
  }

  #drop(): void {
    const call = this.#call;
    this.#call = null;
    for (const stop of [...this.#stops.splice(0), ...this.#watchStops.splice(0)]) stop();
    call?.close();
  }

  #later(work: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      work();
    }, ms);
    this.#timers.add(timer);
  }
}

/**
 * The stream a call starts with: the camera and microphone themselves (their encodings are made
 * inactive before any packet can leave, by `applySenders` right after the call is placed or
 * answered), in a stream of its own so replacing a track later leaves the local stream alone.
 */
function callStream(stream: MediaStream): MediaStream {
  return new MediaStream(stream.getTracks());
}
