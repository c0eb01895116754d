import { Peer, type DataConnection, type MediaConnection, type PeerError } from 'peerjs';
import { Emitter } from '../emitter.js';
import { ConsultKitError } from '../errors.js';
import { createStore, type ReadableStore, type WritableStore } from '../store.js';
import type { ConsultationEvents, ConsultationState, JoinTicket } from './types.js';

export interface ConsultationOptions {
  /** Base URL of the ConsultKit server, e.g. `https://consult.example.nhs.uk`. */
  server: string | URL;
  ticket: JoinTicket;
  /** Camera and microphone constraints; default: both, the browser's default devices. */
  media?: MediaStreamConstraints;
  /** How long to wait for signalling to open before failing, in ms. Default 15 000. */
  signallingTimeoutMs?: number;
}

/** Control messages on the data channel beside the call. */
type ControlMessage = { type: 'bye' };

/**
 * One participant's side of a video consultation: signalling through the ConsultKit server,
 * camera and microphone, the call with the other participant.
 *
 * State lives in `state` (a store); commands are methods. No UI: `<consult-room>` is one view of
 * it, and a host can build its own.
 *
 * ```ts
 * const consultation = new Consultation({ server: location.origin, ticket });
 * consultation.state.subscribe((s) => console.log(s.status));
 * await consultation.join();
 * ```
 *
 * The clinician places the call: at once on joining, and again when the patient arrives later
 * (their control channel opens); the patient answers. See docs/decisions/0003-who-calls.md.
 */
export class Consultation extends Emitter<ConsultationEvents> {
  readonly #state: WritableStore<ConsultationState>;
  readonly #options: ConsultationOptions;
  #peer: Peer | null = null;
  #call: MediaConnection | null = null;
  /** The control channel in use: JSON messages beside the call (today: goodbye). */
  #control: DataConnection | null = null;
  /** Control channels asked for and not yet open. */
  readonly #pendingControls = new Set<DataConnection>();

  constructor(options: ConsultationOptions) {
    super();
    validateTicket(options.ticket);
    this.#options = options;
    this.#state = createStore<ConsultationState>({
      status: 'idle',
      role: options.ticket.role,
      localStream: null,
      remoteStream: null,
      muted: false,
      cameraOff: false,
      error: null,
    });
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
   * Opens camera and microphone, connects to signalling, and calls or waits for the other
   * participant. Resolves once connected to signalling (status `waiting` or `in-call`); rejects
   * with a `ConsultKitError` (and status `failed`) when it cannot.
   */
  async join(): Promise<void> {
    if (this.#state.get().status !== 'idle') {
      throw new ConsultKitError('invalid-state', `join() needs status "idle", not "${this.#state.get().status}"`);
    }
    this.#state.update({ status: 'connecting' });
    try {
      const localStream = await openMedia(this.#options.media ?? { audio: true, video: true });
      if (this.#isOver()) {
        stopStream(localStream);
        return;
      }
      this.#state.update({ localStream });
      this.#applyTrackState();
      this.#peer = await this.#openSignalling();
      if (this.#isOver()) return;
      this.#state.update({ status: 'waiting' });
      this.#openControl();
      if (this.#options.ticket.role === 'clinician') this.#placeCall();
    } catch (error) {
      const failure =
        error instanceof ConsultKitError
          ? error
          : new ConsultKitError('signalling-unreachable', String(error), { cause: error });
      this.#fail(failure);
      throw failure;
    }
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

  /** Ends the consultation for both sides, and releases camera, microphone and signalling. */
  hangUp(): void {
    if (this.#isOver()) return;
    this.#sendControl({ type: 'bye' });
    this.#end('local-hang-up');
  }

  #isOver(): boolean {
    const { status } = this.#state.get();
    return status === 'ended' || status === 'failed';
  }

  #applyTrackState(): void {
    const { localStream, muted, cameraOff } = this.#state.get();
    for (const track of localStream?.getAudioTracks() ?? []) track.enabled = !muted;
    for (const track of localStream?.getVideoTracks() ?? []) track.enabled = !cameraOff;
  }

  #openSignalling(): Promise<Peer> {
    const { ticket, server, signallingTimeoutMs = 15_000 } = this.#options;
    const url = new URL(server);
    const secure = url.protocol === 'https:';
    const peer = new Peer(ticket.peerId, {
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
    peer.on('connection', (connection) => this.#adoptControl(connection));
    return new Promise<Peer>((resolve, reject) => {
      const timer = setTimeout(() => {
        peer.destroy();
        reject(
          new ConsultKitError('signalling-unreachable', `Signalling did not open within ${signallingTimeoutMs} ms`),
        );
      }, signallingTimeoutMs);
      peer.once('open', () => {
        clearTimeout(timer);
        resolve(peer);
      });
      peer.on('error', (error: PeerError<string>) => {
        clearTimeout(timer);
        if (error.type === 'peer-unavailable') {
          this.#remoteUnavailable();
          return;
        }
        const mapped = mapPeerError(error);
        if (!peer.open) {
          peer.destroy();
          reject(mapped);
        } else if (mapped) {
          this.emit('error', mapped);
        }
      });
    });
  }

  /** Opens the control channel to the other side; if they are not there yet, they will open it. */
  #openControl(): void {
    if (!this.#peer) return;
    const connection = this.#peer.connect(this.#options.ticket.remotePeerId, { serialization: 'json', reliable: true });
    this.#adoptControl(connection, true);
  }

  /**
   * Takes a control channel, ours (`outgoing`) or theirs. When both sides opened one, both keep
   * the clinician's and close the patient's, so they agree on one.
   */
  #adoptControl(connection: DataConnection, outgoing = false): void {
    if (connection.peer !== this.#options.ticket.remotePeerId) {
      connection.close();
      return;
    }
    const clinicianOpened = outgoing === (this.#options.ticket.role === 'clinician');
    this.#pendingControls.add(connection);
    connection.on('open', () => {
      this.#pendingControls.delete(connection);
      if (this.#isOver()) return;
      const current = this.#control;
      if (current?.open && current !== connection) {
        if (!clinicianOpened) {
          connection.close();
          return;
        }
        current.close();
      }
      this.#control = connection;
      if (this.#options.ticket.role === 'clinician') this.#placeCall();
    });
    connection.on('data', (data) => {
      if ((data as ControlMessage | null)?.type === 'bye') this.#end('remote-hang-up');
    });
    connection.on('close', () => {
      this.#pendingControls.delete(connection);
      if (this.#control === connection) this.#control = null;
    });
  }

  #sendControl(message: ControlMessage): void {
    if (this.#control?.open) void this.#control.send(message);
  }

  /**
   * The other participant is not connected: the server expired what we sent them. Drop the call
   * and channels still waiting for an answer; they open the channel when they arrive.
   */
  #remoteUnavailable(): void {
    if (this.#call && !this.#state.get().remoteStream) this.#dropCall();
    for (const connection of this.#pendingControls) connection.close();
    this.#pendingControls.clear();
  }

  /** The clinician calls: at once on joining, and again whenever a channel opens with no call. */
  #placeCall(): void {
    const { localStream } = this.#state.get();
    if (!this.#peer || !localStream || this.#call) return;
    this.#track(this.#peer.call(this.#options.ticket.remotePeerId, localStream));
  }

  #answer(call: MediaConnection): void {
    const { localStream } = this.#state.get();
    if (call.peer !== this.#options.ticket.remotePeerId || !localStream || this.#isOver()) {
      call.close();
      return;
    }
    // The other side called again (they rejoined): the new call replaces the old one.
    this.#dropCall();
    call.answer(localStream);
    this.#track(call);
  }

  /** Forgets the current call, then closes it (so its close is not taken for the remote leaving). */
  #dropCall(): void {
    const call = this.#call;
    this.#call = null;
    call?.close();
  }

  #track(call: MediaConnection): void {
    this.#call = call;
    const connected = () => {
      if (this.#call !== call || this.#isOver() || this.#state.get().status === 'in-call') return;
      if (call.peerConnection?.connectionState !== 'connected' || !this.#state.get().remoteStream) return;
      this.#state.update({ status: 'in-call' });
      this.emit('call-started', { remotePeerId: call.peer });
    };
    call.on('stream', (remoteStream) => {
      if (this.#call !== call || this.#isOver()) return;
      this.#state.update({ remoteStream });
      // PeerJS announces the stream before ICE connects: in-call waits for the connection too.
      call.peerConnection?.addEventListener('connectionstatechange', connected);
      connected();
    });
    call.on('close', () => {
      if (this.#call !== call) return;
      this.#call = null;
      if (this.#isOver()) return;
      this.#state.update({ remoteStream: null, status: 'waiting' });
      this.emit('remote-left', { remotePeerId: call.peer });
    });
    call.on('error', (error) => this.emit('error', new ConsultKitError('signalling-unreachable', error.message)));
  }

  #end(reason: 'local-hang-up' | 'remote-hang-up'): void {
    if (this.#isOver()) return;
    this.#teardown();
    this.#state.update({ status: 'ended', remoteStream: null, localStream: null });
    this.emit('ended', { reason });
  }

  #fail(error: ConsultKitError): void {
    if (this.#isOver()) return;
    this.#teardown();
    this.#state.update({ status: 'failed', error, remoteStream: null, localStream: null });
    this.emit('error', error);
  }

  #teardown(): void {
    const call = this.#call;
    const peer = this.#peer;
    this.#call = null;
    this.#control = null;
    this.#pendingControls.clear();
    this.#peer = null;
    call?.close();
    stopStream(this.#state.get().localStream);
    // Let the goodbye leave before the data channel closes with the peer.
    if (peer) setTimeout(() => peer.destroy(), 100);
  }
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

async function openMedia(constraints: MediaStreamConstraints): Promise<MediaStream> {
  if (!globalThis.navigator?.mediaDevices?.getUserMedia) {
    throw new ConsultKitError('webrtc-unsupported', 'This browser cannot open a camera or microphone (getUserMedia).');
  }
  try {
    return await navigator.mediaDevices.getUserMedia(constraints);
  } catch (error) {
    const name = (error as DOMException | undefined)?.name;
    if (name === 'NotAllowedError' || name === 'SecurityError') {
      throw new ConsultKitError('media-permission-denied', 'Permission to use the camera or microphone was refused.', {
        cause: error,
      });
    }
    throw new ConsultKitError('media-unavailable', 'No camera or microphone could be opened.', { cause: error });
  }
}

function stopStream(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

/** Maps a PeerJS error to ours; `null` for those that are part of normal operation. */
function mapPeerError(error: PeerError<string>): ConsultKitError | null {
  switch (error.type) {
    // The other participant is not connected yet: they will reach us when they arrive.
    case 'peer-unavailable':
      return null;
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
