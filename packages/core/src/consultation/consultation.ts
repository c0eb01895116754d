import type { MediaConnection, Peer, PeerError, PeerOptions } from 'peerjs';
import { JOIN_PROBLEM_SYSTEM, OPENS_AT_URL, SESSION_END_REASONS, type JoinProblem } from '../contract/join.js';
import { SESSION_ENDED, SIGNALLING_CHECK_PATH } from '../contract/signalling.js';
import { Emitter } from '../emitter.js';
import { ConsultKitError, LinkError, type LinkErrorCode } from '../errors.js';
import { openMedia, stopStream } from '../media/devices.js';
import { adapt, DEGRADE_STEPS, type AdaptState } from '../media/adapt.js';
import { monitorQuality } from '../media/quality.js';
import { createStore, type ReadableStore, type WritableStore } from '../store.js';
import { ControlChannel, type ControlMessage } from './control.js';
import { handleIceRestarts, offerIceRestart } from './ice-restart.js';
import type { ConsultationEvents, ConsultationState, EndReason, JoinTicket, Participant } from './types.js';

export interface ConsultationOptions {
  /** Base URL of the ConsultKit server, e.g. `https://consult.example.nhs.uk`. */
  server: string | URL;
  ticket: JoinTicket;
  /** Camera and microphone constraints; default: both, the browser's default devices. */
  media?: MediaStreamConstraints;
  /** A stream already open (from a `DeviceCheck`), used instead of opening camera and microphone. */
  localStream?: MediaStream;
  /** How long to wait for signalling to open before failing, in ms. Default 15 000. */
  signallingTimeoutMs?: number;
  /** Lower the video, then fall back to audio only, under a poor network, and restore it. Default true. */
  adaptToNetwork?: boolean;
  /** How often to sample network quality, in ms. Default 2 000. */
  qualityIntervalMs?: number;
}

/**
 * PeerJS, loaded when a call starts (not when core is imported): so `@consultkit/core` imports in
 * Node and in server-side rendering, and pages that only book never fetch it. Its npm entry is
 * CommonJS for Node, whose named exports Node cannot always see: take `Peer` from either shape.
 */
async function loadPeer(): Promise<new (id: string, options: PeerOptions) => Peer> {
  const peerjs = (await import('peerjs')) as unknown as { Peer?: typeof Peer; default?: { Peer?: typeof Peer } };
  const PeerClass = peerjs.Peer ?? peerjs.default?.Peer;
  if (!PeerClass) throw new ConsultKitError('webrtc-unsupported', 'PeerJS could not be loaded.');
  return PeerClass;
}

/** While reconnecting, how long before the other side counts as gone. */
const GIVE_UP_RECONNECTING_MS = 60_000;

/**
 * One participant's side of a video consultation: devices, signalling through the ConsultKit
 * server, the waiting room, admission, and the call with the other participant, kept alive
 * through network trouble.
 *
 * State lives in `state` (a store); commands are methods. No UI: `<consult-room>` is one view of
 * it, and a host can build its own.
 *
 * ```ts
 * const consultation = new Consultation({ server: location.origin, ticket });
 * consultation.state.subscribe((s) => console.log(s.status));
 * await consultation.join(); // patient: into the waiting room; clinician: into the room
 * // clinician, when the patient waits: consultation.admit();
 * ```
 *
 * **Warm admission.** While the patient waits, the two sides already hold a connected call with
 * nothing on it (the senders carry no track), so nobody is seen or heard before admission; admitting
 * puts the real tracks on, and the first frame follows at once. The clinician places the call, as
 * soon as both are there (docs/decisions/0003-who-calls.md).
 */
export class Consultation extends Emitter<ConsultationEvents> {
  readonly #state: WritableStore<ConsultationState>;
  readonly #options: ConsultationOptions;
  readonly #control: ControlChannel;
  #peer: Peer | null = null;
  #call: MediaConnection | null = null;
  #iceState: RTCIceConnectionState = 'new';
  #adapt: AdaptState = { level: 0, poor: 0, good: 0 };
  readonly #stops: (() => void)[] = [];
  #callStops: (() => void)[] = [];
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #signallingDelayMs = 500;
  #reconnectingSince = 0;
  /** This page's own id in `hello`: a declined page's late hellos are told from a rejoining one's. */
  readonly #instance = Math.random().toString(36).slice(2);
  /** The remote page's instance, from its last hello; and the instances the clinician declined. */
  #remoteInstance: string | undefined;
  readonly #declinedInstances = new Set<string>();

  constructor(options: ConsultationOptions) {
    super();
    validateTicket(options.ticket);
    this.#options = options;
    const { ticket } = options;
    this.#state = createStore<ConsultationState>({
      status: 'idle',
      role: ticket.role,
      participants: [
        { peerId: ticket.remotePeerId, role: ticket.role === 'patient' ? 'clinician' : 'patient', presence: 'absent' },
      ],
      admitted: false,
      signalling: 'offline',
      localStream: null,
      remoteStream: null,
      muted: false,
      cameraOff: false,
      audioOnly: false,
      audioOnlyReason: null,
      remoteAudioOnly: false,
      quality: null,
      speakerId: null,
      endReason: null,
      declineMessage: null,
      error: null,
    });
    this.#control = new ControlChannel(() => this.#peer, ticket.remotePeerId, ticket.role, {
      open: () => this.#controlOpened(),
      message: (message) => this.#onControl(message),
      lost: () => undefined,
    });
  }

  /**
   * Redeems a join link (`{server}/join/{token}`, or the token alone) into a ticket: a deliberate
   * POST that uses the link up. Rejects with a `LinkError` whose code says why not
   * (`link-invalid`, `link-early`, `link-expired`, `link-used`, `link-revoked`, `link-wrong-role`,
   * `link-cancelled`, `link-rescheduled`), its message in plain words, and for `link-early` when the
   * link opens (`opensAt`); with a `ConsultKitError` `network` when the server cannot be reached.
   */
  static async redeem(server: string | URL, link: string, role?: JoinTicket['role']): Promise<JoinTicket> {
    const token = linkToken(link);
    return ticketFrom(new URL('/api/join/redeem', server), role ? { token, role } : { token });
  }

  /**
   * Finds again the session this browser started (its HttpOnly cookie), after a reload or a browser
   * restart, without using the link up: resolves to the same ticket `redeem` gave. With `link`, only
   * a session started from that link. Rejects with a `LinkError`: `session-missing` when there
   * is none (offer "Join" and `redeem`), or why the session ended (`link-revoked`,
   * `link-cancelled`, `link-rescheduled`, `link-expired`, `link-invalid`).
   */
  static async resume(server: string | URL, link?: string): Promise<JoinTicket> {
    const token = link === undefined ? undefined : linkToken(link);
    return ticketFrom(new URL('/api/join/resume', server), token ? { token } : {});
  }

  /** The consultation's state; subscribe to follow it. */
  get state(): ReadableStore<ConsultationState> {
    return this.#state;
  }

  /** The call's RTCPeerConnection while there is one: for statistics and diagnostics. */
  get peerConnection(): RTCPeerConnection | null {
    return this.#call?.peerConnection ?? null;
  }

  /**
   * Opens camera and microphone (or takes `options.localStream`). Status `checking` until `join()`.
   * Rejects with a `ConsultKitError` (status `failed`) when they cannot be opened.
   */
  async checkDevices(): Promise<void> {
    this.#expect('idle', 'checkDevices()');
    this.#state.update({ status: 'checking' });
    try {
      const stream =
        this.#options.localStream ?? (await openMedia(this.#options.media ?? { audio: true, video: true }));
      if (this.#isOver()) return stopStream(stream);
      this.#state.update({ localStream: stream });
      this.#applyTrackState();
    } catch (error) {
      throw this.#fail(error);
    }
  }

  /**
   * Enters the consultation: opens devices if `checkDevices()` was not called, connects to
   * signalling and reaches the other side. The patient waits to be admitted; the clinician waits
   * for the patient. Resolves once in the room (`waiting`); rejects with a `ConsultKitError`
   * (status `failed`) when it cannot.
   */
  async join(): Promise<void> {
    if (this.#state.get().status === 'idle') await this.checkDevices();
    this.#expect('checking', 'join()');
    this.#state.update({ status: 'connecting' });
    try {
      this.#peer = await this.#openSignalling(await loadPeer());
    } catch (error) {
      throw this.#fail(error);
    }
    if (this.#isOver()) return;
    this.#state.update({ status: 'waiting', signalling: 'connected' });
    this.#control.connect();
    if (this.#options.ticket.role === 'clinician') this.#placeCall();
    else void this.#report('arrived');
  }

  /** The patient's name for `join()`: into the waiting room. */
  enterWaitingRoom(): Promise<void> {
    return this.join();
  }

  /** Clinician: lets the waiting patient in. Media starts at once on the warm connection. */
  admit(peerId: string = this.#options.ticket.remotePeerId): void {
    this.#clinicianOnly('admit()');
    const participant = this.#participant(peerId);
    if (participant?.presence !== 'waiting') {
      throw new ConsultKitError('invalid-state', `Nobody with peer id ${peerId} is waiting to be admitted`);
    }
    this.#setPresence(peerId, 'admitted');
    this.#state.update({ admitted: true, status: 'admitted' });
    this.#control.send({ type: 'admit' });
    this.#applySenders();
    if (!this.#call) this.#placeCall();
    this.emit('admitted', { peerId });
    this.#checkInCall();
  }

  /** Clinician: turns the waiting patient away, with a message they will see. */
  decline(peerId: string = this.#options.ticket.remotePeerId, message = ''): void {
    this.#clinicianOnly('decline()');
    if (this.#participant(peerId)?.presence !== 'waiting') {
      throw new ConsultKitError('invalid-state', `Nobody with peer id ${peerId} is waiting`);
    }
    this.#control.send({ type: 'decline', message: String(message).slice(0, 500) });
    if (this.#remoteInstance !== undefined) this.#declinedInstances.add(this.#remoteInstance);
    this.#setPresence(peerId, 'left');
    this.#dropCall();
  }

  /** Mutes or unmutes the microphone: the sent audio track is disabled, so the other side hears silence. */
  setMuted(muted: boolean): void {
    this.#state.update({ muted });
    this.#applyTrackState();
  }

  /** Turns the camera off or on: the sent video track is disabled, so the other side sees black. */
  setCameraOff(cameraOff: boolean): void {
    this.#state.update({ cameraOff });
    this.#applyTrackState();
  }

  /** Sends audio only (or video again). A poor network may also switch to audio only, and back. */
  setAudioOnly(audioOnly: boolean): void {
    this.#state.update({ audioOnly, audioOnlyReason: audioOnly ? 'chosen' : null });
    if (!audioOnly) this.#adapt = { level: 0, poor: 0, good: 0 };
    this.#control.send({ type: 'media', video: !audioOnly });
    this.#applySenders();
  }

  /** Uses another camera, mid-call included (the sent track is replaced, no renegotiation). */
  switchCamera(deviceId: string): Promise<void> {
    return this.#switchTrack('video', deviceId);
  }

  /** Uses another microphone, mid-call included. */
  switchMicrophone(deviceId: string): Promise<void> {
    return this.#switchTrack('audio', deviceId);
  }

  /** Chooses the audio output; views apply it to their media elements with `setSinkId`. */
  setSpeaker(deviceId: string | null): void {
    this.#state.update({ speakerId: deviceId });
  }

  /** Ends the consultation for both sides, and releases camera, microphone and signalling. */
  hangUp(): void {
    if (this.#isOver()) return;
    this.#control.send({ type: 'bye' });
    if (this.#options.ticket.role === 'clinician') void this.#report('fulfilled');
    this.#end('local-hang-up');
  }

  /**
   * Tells the server the appointment moved on (`arrived`, `fulfilled`), for tickets of an
   * appointment. A failure does not stop the consultation: it is reported as an `error` event.
   */
  async #report(step: 'arrived' | 'fulfilled'): Promise<void> {
    const { appointmentId, token } = this.#options.ticket;
    if (!appointmentId) return;
    try {
      const response = await fetch(
        new URL(`/api/consultations/${encodeURIComponent(appointmentId)}/${step}`, this.#options.server),
        {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        },
      );
      if (!response.ok) {
        const message = `Could not mark the appointment ${step}: the server answered ${response.status}`;
        this.emit('error', new ConsultKitError('server-error', message));
      }
    } catch (error) {
      const message = `Could not mark the appointment ${step}: the server could not be reached`;
      this.emit('error', new ConsultKitError('network', message, { cause: error }));
    }
  }

  // ---- signalling ----

  #openSignalling(PeerClass: new (id: string, options: PeerOptions) => Peer): Promise<Peer> {
    const { ticket, server, signallingTimeoutMs = 15_000 } = this.#options;
    const url = new URL(server);
    const secure = url.protocol === 'https:';
    const peer = new PeerClass(ticket.peerId, {
      host: url.hostname,
      port: Number(url.port) || (secure ? 443 : 80),
      path: ticket.signalling.path,
      key: ticket.signalling.key,
      secure,
      token: ticket.token,
      config: { iceServers: ticket.iceServers, iceTransportPolicy: ticket.iceTransportPolicy ?? 'all' },
      debug: 0,
    });
    peer.on('call', (call) => this.#answer(call));
    peer.on('connection', (connection) => this.#control.adopt(connection));
    // The server ends a session (replaced by another socket, revoked, cancelled, rescheduled) with
    // this message before closing the socket: end rather than reconnect.
    const onSessionEnded = (message: { type?: unknown; payload?: { reason?: unknown } }) => {
      if (message?.type !== SESSION_ENDED) return;
      const reason = message.payload?.reason;
      this.#end(SESSION_END_REASONS.includes(reason as never) ? (reason as EndReason) : 'revoked');
    };
    peer.socket.on('message', onSessionEnded);
    this.#stops.push(() => peer.socket.off('message', onSessionEnded));
    this.#stops.push(
      handleIceRestarts(peer, (peerId, callId) =>
        this.#call?.connectionId === callId && this.#call.peer === peerId ? this.#call : null,
      ),
    );
    return new Promise<Peer>((resolve, reject) => {
      const timer = setTimeout(() => {
        peer.destroy();
        reject(
          new ConsultKitError('signalling-unreachable', `Signalling did not open within ${signallingTimeoutMs} ms`),
        );
      }, signallingTimeoutMs);
      peer.on('open', () => {
        clearTimeout(timer);
        if (this.#peer === peer) this.#signallingBack();
        resolve(peer);
      });
      peer.on('disconnected', () => this.#signallingLost(peer));
      peer.on('error', (error: PeerError<string>) => {
        if (error.type === 'peer-unavailable') return this.#remoteUnavailable();
        if (!peer.open && this.#peer !== peer) {
          clearTimeout(timer);
          peer.destroy();
          return void this.#refusedOrUnreachable(mapPeerError(error)).then(reject);
        }
        // While reconnecting, socket errors are expected: the retry handles them.
        if (this.#state.get().signalling === 'connected') this.emit('error', mapPeerError(error));
      });
    });
  }

  /**
   * The signalling socket dropped: media carries on; reconnect with backoff (0.5 s doubling to 8 s).
   * A session that the server ended while we were away (revoked, cancelled, moved: the socket that
   * would have said so was down) ends with that reason instead of retrying for ever.
   */
  #signallingLost(peer: Peer): void {
    if (this.#isOver() || this.#peer !== peer || peer.destroyed) return;
    this.#state.update({ signalling: 'reconnecting' });
    this.#later(() => {
      if (this.#isOver() || !peer.disconnected || peer.destroyed) return;
      void this.#endedByServer().then((reason) => {
        if (reason) return this.#end(reason);
        if (this.#isOver() || !peer.disconnected || peer.destroyed) return;
        peer.reconnect();
      });
    }, this.#signallingDelayMs);
    this.#signallingDelayMs = Math.min(this.#signallingDelayMs * 2, 8000);
  }

  /**
   * For a ticket of a join session: why the server ended the session (it answers `410` with the
   * reason's code), or null when it did not, or cannot be asked (the network is down).
   */
  async #endedByServer(): Promise<EndReason | null> {
    const { appointmentId, token } = this.#options.ticket;
    if (!appointmentId) return null;
    try {
      const response = await fetch(new URL('/api/ice-servers', this.#options.server), {
        headers: { authorization: `Bearer ${token}` },
      });
      if (response.status !== 410) return null;
      const outcome = (await response.json().catch(() => undefined)) as { issue?: LinkIssue[] } | undefined;
      const code = outcome?.issue?.[0]?.details?.coding?.[0]?.code;
      return SESSION_END_REASONS.includes(code as never) ? (code as EndReason) : 'revoked';
    } catch {
      return null;
    }
  }

  /**
   * A socket that failed to open looks the same to a browser whether the server refused the token
   * (it answers the upgrade `401`, which a page cannot read) or could not be reached. For a socket
   * error, ask the server whether it takes the token: a `401` makes it `signalling-refused`;
   * anything else, or no answer within 5 s, leaves it `signalling-unreachable`
   * (docs/decisions/0015-refused-or-unreachable.md).
   */
  async #refusedOrUnreachable(error: ConsultKitError): Promise<ConsultKitError> {
    if (error.code !== 'signalling-unreachable') return error;
    const { ticket, server } = this.#options;
    try {
      const response = await fetch(new URL(SIGNALLING_CHECK_PATH, server), {
        // text/plain: a simple request, so a page on another origin (a vendor's console) needs no
        // preflight.
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ peerId: ticket.peerId, token: ticket.token }),
        signal: AbortSignal.timeout(5000),
      });
      if (response.status !== 401) return error;
      const outcome = (await response.json().catch(() => undefined)) as { issue?: LinkIssue[] } | undefined;
      return new ConsultKitError(
        'signalling-refused',
        outcome?.issue?.[0]?.diagnostics ?? 'The signalling server refused this participant’s token.',
        { cause: error },
      );
    } catch {
      return error;
    }
  }

  #signallingBack(): void {
    this.#signallingDelayMs = 500;
    this.#state.update({ signalling: 'connected' });
    this.#control.connect();
  }

  // ---- control channel ----

  #controlOpened(): void {
    const { role } = this.#options.ticket;
    this.#control.send({ type: 'hello', role, admitted: this.#state.get().admitted, instance: this.#instance });
    if (role === 'clinician') {
      if (this.#state.get().admitted) this.#control.send({ type: 'admit' });
      this.#placeCall();
    }
    if (this.#state.get().audioOnly) this.#control.send({ type: 'media', video: false });
  }

  #onControl(message: ControlMessage): void {
    if (this.#isOver()) return;
    const remote = this.#options.ticket.remotePeerId;
    switch (message.type) {
      case 'hello': {
        // A hello still in flight from the page just declined (it said hello on two channels at
        // once) must not bring it back as waiting; the same patient rejoining is another page.
        if (message.instance !== undefined && this.#declinedInstances.has(message.instance)) break;
        this.#remoteInstance = message.instance;
        if (this.#options.ticket.role === 'clinician') {
          const presence = this.#state.get().admitted ? 'admitted' : 'waiting';
          const was = this.#participant(remote)?.presence;
          this.#setPresence(remote, presence);
          if (presence === 'waiting' && was !== 'waiting')
            this.emit('participant-waiting', { peerId: remote, role: 'patient' });
        } else {
          this.#setPresence(remote, 'admitted');
        }
        break;
      }
      case 'admit':
        if (this.#options.ticket.role !== 'patient' || this.#state.get().admitted) break;
        this.#state.update({ admitted: true, status: 'admitted' });
        this.#applySenders();
        this.emit('admitted', { peerId: this.#options.ticket.peerId });
        this.#checkInCall();
        break;
      case 'decline':
        if (this.#options.ticket.role === 'patient') this.#end('declined', message.message);
        break;
      case 'media':
        this.#state.update({ remoteAudioOnly: !message.video });
        break;
      case 'bye':
        // The patient hung up after being let in: the consultation took place, so the clinician's
        // side marks it fulfilled (only the clinician may; the patient's page cannot).
        if (this.#options.ticket.role === 'clinician' && this.#state.get().admitted) void this.#report('fulfilled');
        this.#end('remote-hang-up');
        break;
    }
  }

  #remoteUnavailable(): void {
    // What we sent the other side expired unanswered: they are not connected. Drop the attempts;
    // they reach us when they arrive.
    this.#control.remoteUnavailable();
    if (this.#call && !this.#state.get().remoteStream) this.#dropCall();
  }

  // ---- the call ----

  /** The clinician calls: on joining, whenever a channel opens with no call, and after an outage. */
  #placeCall(): void {
    const { localStream } = this.#state.get();
    if (!this.#peer || this.#peer.disconnected || !localStream || this.#call || this.#isOver()) return;
    this.#track(this.#peer.call(this.#options.ticket.remotePeerId, warmStream(localStream)));
  }

  #answer(call: MediaConnection): void {
    const { localStream } = this.#state.get();
    if (call.peer !== this.#options.ticket.remotePeerId || !localStream || this.#isOver()) {
      call.close();
      return;
    }
    // The other side called again (they rejoined, or recovered from an outage): the new call wins.
    this.#dropCall();
    call.answer(warmStream(localStream));
    this.#track(call);
  }

  #track(call: MediaConnection): void {
    this.#call = call;
    this.#iceState = 'new';
    this.#applySenders();
    const pc = call.peerConnection;
    const onIce = () => this.#iceChanged(call);
    pc?.addEventListener('iceconnectionstatechange', onIce);
    this.#callStops.push(() => pc?.removeEventListener('iceconnectionstatechange', onIce));
    call.on('stream', (remoteStream) => {
      if (this.#call !== call || this.#isOver()) return;
      this.#state.update({ remoteStream });
      this.#checkInCall();
    });
    call.on('close', () => this.#callClosed(call));
    call.on('error', () => undefined); // reported through close and the ICE state
  }

  #iceChanged(call: MediaConnection): void {
    if (this.#call !== call || this.#isOver()) return;
    const state = call.peerConnection?.iceConnectionState ?? 'closed';
    this.#iceState = state;
    if (state === 'connected' || state === 'completed') {
      this.#checkInCall();
    } else if (state === 'disconnected' || state === 'failed') {
      this.#startReconnecting();
      if (this.#options.ticket.role === 'clinician') this.#restartIce(call, 0);
    }
  }

  /** ICE restarts every 2 s while the path is down (the side that placed the call offers them). */
  #restartIce(call: MediaConnection, attempt: number): void {
    if (this.#call !== call || this.#isOver()) return;
    const state = call.peerConnection?.iceConnectionState;
    if (state !== 'disconnected' && state !== 'failed') return;
    if (this.#peer) void offerIceRestart(this.#peer, call).catch(() => undefined);
    this.#later(() => this.#restartIce(call, attempt + 1), 2000);
  }

  #callClosed(call: MediaConnection): void {
    if (this.#call !== call) return;
    this.#call = null;
    this.#stopCallWatchers();
    if (this.#isOver()) return;
    const outage = this.#iceState === 'disconnected' || this.#iceState === 'failed';
    this.#state.update({ remoteStream: null });
    if (outage && this.#state.get().admitted) {
      // The path died: a fresh call (the clinician places it) takes over.
      this.#startReconnecting();
      if (this.#options.ticket.role === 'clinician') this.#recall();
      return;
    }
    this.#remoteLeft();
  }

  /** Clinician: places a new call every 2 s until one is up, the consultation ends, or we give up. */
  #recall(): void {
    if (this.#isOver() || this.#call || this.#state.get().status !== 'reconnecting') return;
    this.#placeCall();
    this.#later(() => this.#recall(), 2000);
  }

  #startReconnecting(): void {
    const { status } = this.#state.get();
    if (status !== 'in-call' && status !== 'admitted') return;
    this.#reconnectingSince = Date.now();
    this.#state.update({ status: 'reconnecting' });
    this.emit('reconnecting', { remotePeerId: this.#options.ticket.remotePeerId });
    this.#later(() => {
      const stillDown = this.#state.get().status === 'reconnecting';
      if (stillDown && Date.now() - this.#reconnectingSince >= GIVE_UP_RECONNECTING_MS) this.#remoteLeft();
    }, GIVE_UP_RECONNECTING_MS);
  }

  #remoteLeft(): void {
    const remote = this.#options.ticket.remotePeerId;
    this.#dropCall();
    this.#setPresence(remote, 'left');
    this.#state.update({ status: 'waiting', admitted: false, remoteStream: null, quality: null });
    this.emit('remote-left', { remotePeerId: remote });
  }

  /** In the call once admitted, connected, and with the other side's stream. */
  #checkInCall(): void {
    const call = this.#call;
    const state = this.#state.get();
    if (!call || !state.admitted || !state.remoteStream || this.#isOver()) return;
    const ice = call.peerConnection?.iceConnectionState;
    if (ice !== 'connected' && ice !== 'completed') return;
    if (state.status === 'in-call') return;
    const wasReconnecting = state.status === 'reconnecting';
    this.#state.update({ status: 'in-call' });
    this.#startQuality(call);
    this.emit(wasReconnecting ? 'reconnected' : 'call-started', { remotePeerId: call.peer });
  }

  #dropCall(): void {
    const call = this.#call;
    this.#call = null;
    this.#stopCallWatchers();
    call?.close();
  }

  #stopCallWatchers(): void {
    for (const stop of this.#callStops.splice(0)) stop();
  }

  // ---- media on the wire ----

  /**
   * Puts on each sender the track it should carry: nothing before admission (nobody is seen or
   * heard in the waiting room), the microphone after it, and the camera unless audio only.
   */
  #applySenders(): void {
    const pc = this.#call?.peerConnection;
    const { localStream, admitted, audioOnly } = this.#state.get();
    if (!pc || pc.signalingState === 'closed') return;
    for (const transceiver of pc.getTransceivers()) {
      const kind = transceiver.receiver.track.kind;
      const wanted =
        admitted && localStream && !(kind === 'video' && audioOnly)
          ? ((kind === 'audio' ? localStream.getAudioTracks() : localStream.getVideoTracks())[0] ?? null)
          : null;
      const sender = transceiver.sender;
      const previous = sender.track;
      if (previous === wanted) continue;
      void sender.replaceTrack(wanted).then(
        () => {
          // The disabled clones a call starts with are ours to stop once replaced.
          if (previous && !localStream?.getTracks().includes(previous)) previous.stop();
        },
        () => undefined,
      );
    }
    this.#applyVideoLevel();
  }

  #applyTrackState(): void {
    const { localStream, muted, cameraOff } = this.#state.get();
    for (const track of localStream?.getAudioTracks() ?? []) track.enabled = !muted;
    for (const track of localStream?.getVideoTracks() ?? []) track.enabled = !cameraOff;
  }

  async #switchTrack(kind: 'audio' | 'video', deviceId: string): Promise<void> {
    const { localStream } = this.#state.get();
    if (!localStream) throw new ConsultKitError('invalid-state', 'No camera or microphone is open yet');
    const base = kind === 'video' ? this.#options.media?.video : this.#options.media?.audio;
    const extra = typeof base === 'object' ? base : {};
    const fresh = await openMedia({ [kind]: { ...extra, deviceId: { exact: deviceId } } });
    const track = (kind === 'audio' ? fresh.getAudioTracks() : fresh.getVideoTracks())[0];
    if (!track)
      throw new ConsultKitError(
        'media-unavailable',
        `That ${kind === 'audio' ? 'microphone' : 'camera'} gave no track`,
      );
    const old = (kind === 'audio' ? localStream.getAudioTracks() : localStream.getVideoTracks())[0];
    const next = new MediaStream([...localStream.getTracks().filter((t) => t !== old), track]);
    this.#state.update({ localStream: next });
    this.#applyTrackState();
    this.#applySenders();
    old?.stop();
  }

  // ---- network quality ----

  #startQuality(call: MediaConnection): void {
    const pc = call.peerConnection;
    if (!pc) return;
    const stop = monitorQuality(
      pc,
      (sample) => {
        if (this.#call !== call || this.#isOver()) return;
        this.#state.update({ quality: sample });
        if (this.#options.adaptToNetwork !== false) this.#adaptTo(sample.quality);
      },
      this.#options.qualityIntervalMs ?? 2000,
    );
    this.#callStops.push(stop);
  }

  #adaptTo(quality: 'good' | 'fair' | 'poor'): void {
    const before = this.#adapt.level;
    const chosen = this.#state.get().audioOnlyReason === 'chosen';
    this.#adapt = adapt(this.#adapt, quality);
    if (this.#adapt.level === before || chosen) return;
    const audioOnly = DEGRADE_STEPS[this.#adapt.level]!.audioOnly;
    if (audioOnly !== this.#state.get().audioOnly) {
      this.#state.update({ audioOnly, audioOnlyReason: audioOnly ? 'network' : null });
      this.#control.send({ type: 'media', video: !audioOnly });
    }
    this.#applySenders();
  }

  /** Sets the video sender's resolution and bitrate for the current degrade step. */
  #applyVideoLevel(): void {
    const pc = this.#call?.peerConnection;
    const step = DEGRADE_STEPS[this.#adapt.level]!;
    const sender = pc?.getTransceivers().find((t) => t.receiver.track.kind === 'video')?.sender;
    if (!sender) return;
    const parameters = sender.getParameters();
    const encoding = parameters.encodings?.[0];
    if (!encoding) return;
    encoding.scaleResolutionDownBy = step.scaleResolutionDownBy;
    if (step.maxBitrate) encoding.maxBitrate = step.maxBitrate;
    else delete encoding.maxBitrate;
    void sender.setParameters(parameters).catch(() => undefined);
  }

  // ---- lifecycle ----

  #participant(peerId: string): Participant | undefined {
    return this.#state.get().participants.find((p) => p.peerId === peerId);
  }

  #setPresence(peerId: string, presence: Participant['presence']): void {
    this.#state.update({
      participants: this.#state.get().participants.map((p) => (p.peerId === peerId ? { ...p, presence } : p)),
    });
  }

  #expect(status: ConsultationState['status'], what: string): void {
    const current = this.#state.get().status;
    if (current !== status)
      throw new ConsultKitError('invalid-state', `${what} needs status "${status}", not "${current}"`);
  }

  #clinicianOnly(what: string): void {
    if (this.#options.ticket.role !== 'clinician')
      throw new ConsultKitError('invalid-state', `${what} is for the clinician`);
    if (this.#isOver()) throw new ConsultKitError('invalid-state', `${what}: the consultation is over`);
  }

  #isOver(): boolean {
    const { status } = this.#state.get();
    return status === 'ended' || status === 'failed';
  }

  #later(work: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      work();
    }, ms);
    this.#timers.add(timer);
  }

  #end(reason: EndReason, message?: string): void {
    if (this.#isOver()) return;
    this.#teardown();
    this.#state.update({
      status: 'ended',
      endReason: reason,
      declineMessage: reason === 'declined' ? (message ?? '') : null,
      remoteStream: null,
      localStream: null,
      signalling: 'offline',
      quality: null,
    });
    this.emit('ended', message === undefined ? { reason } : { reason, message });
  }

  #fail(cause: unknown): ConsultKitError {
    const error =
      cause instanceof ConsultKitError
        ? cause
        : new ConsultKitError('signalling-unreachable', String(cause), { cause });
    if (this.#isOver()) return error;
    this.#teardown();
    this.#state.update({ status: 'failed', error, remoteStream: null, localStream: null, signalling: 'offline' });
    this.emit('error', error);
    return error;
  }

  #teardown(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const stop of this.#stops.splice(0)) stop();
    this.#control.close();
    this.#dropCall();
    const peer = this.#peer;
    this.#peer = null;
    stopStream(this.#state.get().localStream);
    // Let the goodbye leave before the data channel closes with the peer.
    if (peer) setTimeout(() => peer.destroy(), 150);
  }
}

/**
 * What a call starts with: disabled copies of our tracks (black and silence, should anything be
 * sent before the senders are emptied a moment later), so the call can connect while nobody is
 * shown. `#applySenders` swaps in the real tracks on admission.
 */
function warmStream(stream: MediaStream): MediaStream {
  return new MediaStream(
    stream.getTracks().map((track) => {
      const copy = track.clone();
      copy.enabled = false;
      return copy;
    }),
  );
}

/** The token of a join link (`{server}/join/{token}`), or the token itself. */
function linkToken(link: string): string {
  return link.includes('/join/') ? decodeURIComponent(link.split('/join/')[1]!.split(/[?#]/)[0]!) : link;
}

/** POSTs `body` to a join endpoint; the ticket it answers, or the typed error of its refusal. */
async function ticketFrom(url: URL, body: object): Promise<JoinTicket> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch (cause) {
    throw new ConsultKitError('network', 'The consultation server could not be reached.', { cause });
  }
  const answer = (await response.json().catch(() => undefined)) as
    (JoinTicket & { resourceType?: undefined }) | { resourceType: 'OperationOutcome'; issue?: LinkIssue[] } | undefined;
  if (response.ok && answer && answer.resourceType === undefined) return answer;
  throw linkError(response.status, (answer as { issue?: LinkIssue[] } | undefined)?.issue?.[0]);
}

interface LinkIssue {
  diagnostics?: string;
  details?: { coding?: { system?: string; code?: string }[] };
  extension?: { url: string; valueInstant?: string }[];
}

/** The join problems a page is told apart; any other refusal is `link-invalid`. */
const LINK_PROBLEMS: readonly JoinProblem[] = [
  'invalid',
  'early',
  'expired',
  'used',
  'revoked',
  'wrong-role',
  'cancelled',
  'rescheduled',
];

/** The typed error for a refused join link or session. */
function linkError(status: number, issue: LinkIssue | undefined): LinkError {
  const coding = issue?.details?.coding?.find((c) => c.system === JOIN_PROBLEM_SYSTEM) ?? issue?.details?.coding?.[0];
  const problem = coding?.code as JoinProblem | undefined;
  const code: LinkErrorCode =
    problem === 'no-session'
      ? 'session-missing'
      : problem && LINK_PROBLEMS.includes(problem)
        ? (`link-${problem}` as LinkErrorCode)
        : 'link-invalid';
  const opensAt = issue?.extension?.find((e) => e.url === OPENS_AT_URL)?.valueInstant;
  return new LinkError(
    code,
    issue?.diagnostics ?? `The server refused the link (${status}).`,
    opensAt ? new Date(opensAt) : null,
    status,
  );
}

function validateTicket(ticket: JoinTicket): void {
  const strings = ['consultationId', 'peerId', 'remotePeerId', 'token'] as const;
  for (const key of strings) {
    if (typeof ticket?.[key] !== 'string' || ticket[key].length === 0) {
      throw new ConsultKitError('invalid-argument', `ticket.${key} must be a non-empty string`);
    }
  }
  if (ticket.role !== 'patient' && ticket.role !== 'clinician') {
    throw new ConsultKitError('invalid-argument', 'ticket.role must be "patient" or "clinician"');
  }
  if (!Array.isArray(ticket.iceServers))
    throw new ConsultKitError('invalid-argument', 'ticket.iceServers must be an array');
}

/** Maps a PeerJS error to ours. */
function mapPeerError(error: PeerError<string>): ConsultKitError {
  switch (error.type) {
    case 'browser-incompatible':
      return new ConsultKitError('webrtc-unsupported', 'This browser cannot make WebRTC calls.', { cause: error });
    case 'invalid-id':
    case 'invalid-key':
    case 'unavailable-id':
      return new ConsultKitError('signalling-refused', `Signalling refused this participant (${error.type}).`, {
        cause: error,
      });
    case 'network':
    case 'socket-error':
    case 'socket-closed':
    case 'server-error':
      return new ConsultKitError(
        'signalling-unreachable',
        'The signalling server could not be reached or refused the connection.',
        { cause: error },
      );
    default:
      return new ConsultKitError('signalling-unreachable', error.message, { cause: error });
  }
}
