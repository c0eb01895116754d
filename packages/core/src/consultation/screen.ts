/**
 * Screen share: one presenter at a time, the server's roster deciding (`CK-SCREEN`,
 * `RosterEntry.presenting`), the camera staying on (docs/decisions/0020-screen-share.md).
 *
 * The screen travels on a connection of its own, never on the camera's:
 * - mesh: the presenter places a second PeerJS call to each participant in the call, its metadata
 *   `{ screen: true }`, answered with no stream (one way);
 * - SFU: the presenter's session publishes the screen as a second publisher
 *   (`SfuSession.publishScreen`, the roster's `screenSfuId`), which every other session subscribes
 *   to as to any publisher.
 * Ending the share closes that connection (or unpublishes): the others' frames stop with it.
 */
import type { MediaConnection, Peer } from 'peerjs';
import type { RoomMode, RosterEntry } from '../contract/room.js';
import { ConsultKitError } from '../errors.js';
import { createStore, type ReadableStore, type WritableStore } from '../store.js';
import { isIn, sends } from './roster.js';
import type { SfuSession } from './sfu/session.js';
import { idleScreenShare, isScreenCall, screenShareSupported } from './screen-basics.js';

export interface ScreenShareState {
  /**
   * Who presents: the peer id the server's roster says (this page's own while its request is on
   * its way), or null when nobody does.
   */
  presenter: string | null;
  /** This page presents. */
  local: boolean;
  /** The shared screen: this page's own capture when it presents, else the presenter's as received (null until it arrives). */
  stream: MediaStream | null;
  /** `startScreenShare()` is at work (the browser's picker is open). */
  pending: boolean;
  /** This browser can share a screen (`getDisplayMedia`). */
  supported: boolean;
}

/**
 * Why a share stopped:
 * - `stopped`: `stopScreenShare()` on the presenter's page (as the others see it: they stopped,
 *   by either way);
 * - `ended`: the browser's own "Stop sharing" (the captured track ended), on the presenter's page;
 * - `taken-over`: another participant started presenting;
 * - `gone`: the presenter left or lost their connection, or this page left.
 */
export type ScreenShareStopReason = 'stopped' | 'ended' | 'taken-over' | 'gone';

export interface ScreenShareEvents {
  /** Someone (this page: `local`) started presenting. */
  'screen-share-started': { peerId: string; local: boolean };
  /** Their share stopped. */
  'screen-share-stopped': { peerId: string; local: boolean; reason: ScreenShareStopReason };
  /** This page's share was taken over by `by`, who presents now. */
  'screen-share-taken-over': { by: string };
}

export interface ScreenShareDeps {
  you: string;
  /** `CK-SCREEN` to the server. */
  send: (sharing: boolean) => void;
  peer: () => Peer | null;
  /** The SFU session, once the room runs through it and it is open. */
  sfu: () => SfuSession | null;
  emit: <K extends keyof ScreenShareEvents>(type: K, detail: ScreenShareEvents[K]) => void;
  /** A failure to tell (not fatal). */
  error: (error: ConsultKitError) => void;
  /** Opens the capture; `navigator.mediaDevices.getDisplayMedia` by default. */
  getDisplayMedia?: (options: DisplayMediaStreamOptions) => Promise<MediaStream>;
}

/** A screen call that closed while still wanted is placed again after this long, ms. */
const RETRY_MS = 2000;

export { isScreenCall, screenShareSupported };

export class ScreenShare {
  readonly #state: WritableStore<ScreenShareState>;
  #capture: MediaStream | null = null;
  #stopCapture: (() => void) | null = null;
  #roster: readonly RosterEntry[] = [];
  #mode: RoomMode = 'mesh';
  #joined = false;
  /** The server has confirmed this page presents (so a roster without it means taken over or lost). */
  #confirmed = false;
  /** Mesh, presenting: the screen call to each viewer. */
  readonly #outgoing = new Map<string, MediaConnection>();
  readonly #retries = new Map<string, ReturnType<typeof setTimeout>>();
  /** Mesh, viewing: the screen calls received, by caller. */
  readonly #incoming = new Map<string, { call: MediaConnection; stream: MediaStream | null }>();
  /** SFU, presenting: the session the screen is published on (or being published on). */
  #publishedOn: SfuSession | null = null;
  #closed = false;

  constructor(private readonly deps: ScreenShareDeps) {
    this.#state = createStore<ScreenShareState>(idleScreenShare(deps.getDisplayMedia));
  }

  get state(): ReadableStore<ScreenShareState> {
    return this.#state;
  }

  /**
   * Asks the browser for a screen (its picker) and presents it to everyone in the call, taking
   * over from anyone presenting. Rejects with a `ConsultKitError`: `webrtc-unsupported` (no
   * `getDisplayMedia`), `media-permission-denied` (the person cancelled the picker or the browser
   * refused), `invalid-state` (not in the call, or already asking).
   */
  async start(): Promise<void> {
    if (!this.#state.get().supported)
      throw new ConsultKitError('webrtc-unsupported', 'This browser cannot share a screen.');
    if (!this.#canPresent()) throw new ConsultKitError('invalid-state', 'Only someone let into the call can share.');
    if (this.#state.get().pending) throw new ConsultKitError('invalid-state', 'Already asking for a screen.');
    this.#state.update({ pending: true });
    let capture: MediaStream;
    try {
      const open = this.deps.getDisplayMedia ?? ((options) => navigator.mediaDevices.getDisplayMedia(options));
      capture = await open({ video: true, audio: false });
    } catch (cause) {
      this.#state.update({ pending: false });
      const name = (cause as { name?: string })?.name;
      if (name === 'NotAllowedError' || name === 'AbortError')
        throw new ConsultKitError('media-permission-denied', 'Screen sharing was cancelled or refused.', { cause });
      throw new ConsultKitError('media-unavailable', `No screen could be shared: ${String(cause)}`, { cause });
    }
    this.#state.update({ pending: false });
    const track = capture.getVideoTracks()[0];
    if (this.#closed || !track || !this.#canPresent()) {
      for (const t of capture.getTracks()) t.stop();
      if (!track) throw new ConsultKitError('media-unavailable', 'The browser gave no screen to share.');
      throw new ConsultKitError('invalid-state', 'The call ended while the screen was being chosen.');
    }
    // Already presenting (a second `start`): the new screen replaces the old one.
    const again = !!this.#capture;
    const confirmed = this.#confirmed;
    if (again) this.#endLocal(null);
    if ('contentHint' in track) track.contentHint = 'detail';
    const onEnded = () => this.#endLocal('ended');
    track.addEventListener('ended', onEnded);
    this.#stopCapture = () => track.removeEventListener('ended', onEnded);
    this.#capture = capture;
    this.#confirmed = again && confirmed;
    const before = this.#state.get();
    if (before.presenter && before.presenter !== this.deps.you) {
      // Taken over from them: their screen's call goes (its frames with it).
      this.#incoming.get(before.presenter)?.call.close();
      this.#incoming.delete(before.presenter);
      this.deps.emit('screen-share-stopped', { peerId: before.presenter, local: false, reason: 'taken-over' });
    }
    this.#state.update({ presenter: this.deps.you, local: true, stream: capture });
    this.deps.send(true);
    this.deps.emit('screen-share-started', { peerId: this.deps.you, local: true });
    this.#carry();
  }

  /** The connection that brings the presenter's screen to this page (for statistics), or null. */
  get connection(): RTCPeerConnection | null {
    const { presenter, local } = this.#state.get();
    if (!presenter || local) return null;
    if (this.#mode === 'sfu' && this.#state.get().stream) {
      const id = this.#roster.find((e) => e.peerId === presenter)?.screenSfuId;
      const session = this.deps.sfu();
      if (id !== undefined && session?.state.get().streams.get(id)) return session.subscriberConnection;
    }
    return this.#incoming.get(presenter)?.call.peerConnection ?? null;
  }

  /** Stops presenting (nothing when this page does not present). */
  stop(): void {
    this.#endLocal('stopped');
  }

  /** The roster changed. */
  sync(you: string, roster: readonly RosterEntry[], mode: RoomMode, joined: boolean): void {
    if (this.#closed) return;
    this.#roster = roster;
    this.#mode = mode;
    this.#joined = joined;
    const presenter = roster.find((e) => e.presenting && !e.left) ?? null;
    if (this.#capture) {
      if (presenter?.peerId === you) this.#confirmed = true;
      else if (presenter) {
        // Someone else presents now: this page was taken over.
        this.#endLocal('taken-over', presenter.peerId);
      } else if (this.#confirmed && !this.#canPresent()) this.#endLocal('gone');
      else if (this.#confirmed) {
        // The server forgot (a lost socket, a restart): tell it again.
        this.#confirmed = false;
        this.deps.send(true);
      }
    }
    if (!this.#capture) {
      const before = this.#state.get().presenter;
      const now = presenter && presenter.peerId !== you ? presenter.peerId : null;
      if (before !== now) {
        // Their share ended (or was taken over): its call goes, and its frames with it.
        const held = before ? this.#incoming.get(before) : undefined;
        if (held && before) {
          this.#incoming.delete(before);
          held.call.close();
        }
        if (before) {
          const entry = roster.find((e) => e.peerId === before);
          const there = !!entry && entry.connected && !entry.left;
          const reason: ScreenShareStopReason = now ? 'taken-over' : there ? 'stopped' : 'gone';
          this.deps.emit('screen-share-stopped', { peerId: before, local: false, reason });
        }
        this.#state.update({ presenter: now, local: false, stream: null });
        if (now) this.deps.emit('screen-share-started', { peerId: now, local: false });
      }
    }
    this.#carry();
    this.refresh();
  }

  /** Something the screen rides on changed (an SFU session opened, a feed came or went). */
  refresh(): void {
    if (this.#closed) return;
    if (this.#capture) {
      if (this.#mode === 'sfu') this.#publishSfu();
      return;
    }
    const { presenter } = this.#state.get();
    let stream: MediaStream | null = null;
    if (presenter) {
      if (this.#mode === 'sfu') {
        const id = this.#roster.find((e) => e.peerId === presenter)?.screenSfuId;
        stream = (id !== undefined ? this.deps.sfu()?.state.get().streams.get(id) : undefined) ?? null;
      }
      stream ??= this.#incoming.get(presenter)?.stream ?? null;
    }
    this.#state.update({ stream });
  }

  /** A screen call from another participant (mesh): taken, with nothing sent back. */
  incoming(call: MediaConnection): void {
    if (this.#closed) return call.close();
    const entry = this.#roster.find((e) => e.peerId === call.peer);
    const self = this.#roster.find((e) => e.peerId === this.deps.you);
    // Only from someone in the call with this page (the server relays nothing else either).
    if (entry && self && !sends(self, entry)) return call.close();
    this.#incoming.get(call.peer)?.call.close();
    const held = { call, stream: null as MediaStream | null };
    this.#incoming.set(call.peer, held);
    call.on('stream', (stream) => {
      if (this.#incoming.get(call.peer) !== held) return;
      held.stream = stream;
      this.refresh();
    });
    call.on('close', () => {
      if (this.#incoming.get(call.peer) !== held) return;
      this.#incoming.delete(call.peer);
      this.refresh();
    });
    call.on('error', () => undefined);
    call.answer();
  }

  close(): void {
    if (this.#closed) return;
    if (this.#capture) this.#endLocal('gone');
    this.#closed = true;
    this.#closeIncoming();
    const { presenter } = this.#state.get();
    if (presenter) this.deps.emit('screen-share-stopped', { peerId: presenter, local: false, reason: 'gone' });
    this.#state.update({ presenter: null, local: false, stream: null, pending: false });
  }

  #canPresent(): boolean {
    const self = this.#roster.find((e) => e.peerId === this.deps.you);
    return this.#joined && !!self && isIn(self) && !self.left;
  }

  /** This page's share ends: the capture stops, its connections close, the server hears. */
  #endLocal(reason: ScreenShareStopReason | null, by?: string): void {
    const capture = this.#capture;
    if (!capture) return;
    this.#capture = null;
    this.#stopCapture?.();
    this.#stopCapture = null;
    for (const track of capture.getTracks()) track.stop();
    this.#closeOutgoing();
    const session = this.#publishedOn;
    this.#publishedOn = null;
    void session?.unpublishScreen().catch(() => undefined);
    if (reason === null) return;
    if (reason !== 'taken-over') this.deps.send(false);
    this.#state.update({ presenter: by ?? null, local: false, stream: null });
    this.deps.emit('screen-share-stopped', { peerId: this.deps.you, local: true, reason });
    if (reason === 'taken-over' && by) {
      this.deps.emit('screen-share-taken-over', { by });
      this.deps.emit('screen-share-started', { peerId: by, local: false });
      this.refresh();
    }
  }

  /** Presenting: the screen goes where the room's mode says, to whom the roster says. */
  #carry(): void {
    const capture = this.#capture;
    if (!capture) return this.#closeOutgoing();
    if (this.#mode === 'sfu') {
      this.#closeOutgoing();
      return this.#publishSfu();
    }
    const self = this.#roster.find((e) => e.peerId === this.deps.you);
    const viewers = new Set(
      this.#roster
        .filter((e) => e.peerId !== this.deps.you && e.connected && !e.left && !!self && sends(self, e))
        .map((e) => e.peerId),
    );
    for (const [peerId, call] of this.#outgoing) {
      if (viewers.has(peerId)) continue;
      this.#outgoing.delete(peerId);
      call.close();
    }
    for (const peerId of viewers) if (!this.#outgoing.has(peerId) && !this.#retries.has(peerId)) this.#call(peerId);
  }

  #call(peerId: string): void {
    const peer = this.deps.peer();
    const capture = this.#capture;
    if (!peer || peer.disconnected || !capture) return;
    const call = peer.call(peerId, capture, { metadata: { screen: true } });
    if (!call) return;
    this.#outgoing.set(peerId, call);
    call.on('error', () => undefined);
    call.on('close', () => {
      if (this.#outgoing.get(peerId) !== call) return;
      this.#outgoing.delete(peerId);
      // Still presenting and they are still there: again, after a pause.
      const timer = setTimeout(() => {
        this.#retries.delete(peerId);
        this.#carry();
      }, RETRY_MS);
      this.#retries.set(peerId, timer);
    });
  }

  #publishSfu(): void {
    const session = this.deps.sfu();
    const track = this.#capture?.getVideoTracks()[0];
    if (!session || !track || this.#publishedOn === session) return;
    this.#publishedOn = session;
    session.publishScreen(track).catch((cause: unknown) => {
      if (this.#publishedOn !== session) return;
      this.#publishedOn = null;
      this.deps.error(
        cause instanceof ConsultKitError
          ? cause
          : new ConsultKitError('sfu-unavailable', `The shared screen could not be published: ${String(cause)}`),
      );
    });
  }

  #closeOutgoing(): void {
    for (const timer of this.#retries.values()) clearTimeout(timer);
    this.#retries.clear();
    const calls = [...this.#outgoing.values()];
    this.#outgoing.clear();
    for (const call of calls) call.close();
  }

  #closeIncoming(): void {
    const held = [...this.#incoming.values()];
    this.#incoming.clear();
    for (const { call } of held) call.close();
  }
}
