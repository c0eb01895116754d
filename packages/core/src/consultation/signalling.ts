/**
 * Signalling: the PeerJS socket to the ConsultKit server. Opens it (refused told apart from
 * unreachable), keeps it (reconnects with backoff while media carries on), and carries the room:
 * the roster and the server's notices in, room commands out. PeerJS is loaded only here, when a
 * call starts, so `@consultkit/core` imports in Node and in pages that only book.
 */
import type { DataConnection, MediaConnection, Peer, PeerError, PeerOptions } from 'peerjs';
import { SESSION_END_REASONS } from '../contract/join.js';
import {
  REFUSED,
  REMOVED,
  ROSTER,
  type RefusedMessage,
  type RemovedMessage,
  type RoomCommand,
  type RosterMessage,
} from '../contract/room.js';
import { SESSION_ENDED, SIGNALLING_CHECK_PATH } from '../contract/signalling.js';
import type { RecordCommand } from '../contract/recording.js';
import { CHAT_HISTORY, CHAT_MARKS, CHAT_MESSAGE, CHAT_REFUSED, type ChatCommand } from '../contract/chat.js';
import { DOCUMENT } from '../contract/document-notice.js';
import type { DocumentInfo } from '../contract/documents.js';
import { Emitter } from '../emitter.js';
import { ConsultKitError } from '../errors.js';
import { createStore, type ReadableStore, type WritableStore } from '../store.js';
import { endedByServer, type LinkIssue } from './session.js';
import type { EndReason, JoinTicket } from './types.js';

export interface SignallingState {
  /** The socket: media keeps flowing while it reconnects. */
  signalling: 'offline' | 'connected' | 'reconnecting';
}

export interface SignallingEvents {
  /** The socket opened again after a loss. */
  back: undefined;
  call: MediaConnection;
  connection: DataConnection;
  roster: RosterMessage['payload'];
  removed: RemovedMessage['payload'];
  refused: RefusedMessage['payload'];
  /** A chat message from the server (`CK-CHAT-MESSAGE`, `-HISTORY`, `-MARKS`, `-REFUSED`), whole. */
  chat: { type: string; payload: unknown };
  /** The server ended this session (`CK-SESSION-ENDED`, or found ended on reconnecting). */
  ended: EndReason;
  /** Something sent to `peerId` expired unanswered: they are not connected. */
  unavailable: string;
  /** A document of the consultation changed (`CK-DOCUMENT`). */
  document: DocumentInfo;
  error: ConsultKitError;
}

/** The first reconnection delay, and the longest. */
export const BACKOFF_FIRST_MS = 500;
export const BACKOFF_MAX_MS = 8000;

/** The next reconnection delay after `delayMs`: doubling, at most `BACKOFF_MAX_MS`. */
export function nextBackoff(delayMs: number): number {
  return Math.min(delayMs * 2, BACKOFF_MAX_MS);
}

/**
 * PeerJS, loaded when a call starts. Its npm entry is CommonJS for Node, whose named exports Node
 * cannot always see: take `Peer` from either shape.
 */
async function loadPeer(): Promise<new (id: string, options: PeerOptions) => Peer> {
  // Destructured: a bundler then keeps only what these two need of PeerJS's exports.
  const { Peer: named, default: fallback } = (await import('peerjs')) as unknown as {
    Peer?: typeof Peer;
    default?: { Peer?: typeof Peer };
  };
  const PeerClass = named ?? fallback?.Peer;
  if (!PeerClass) throw new ConsultKitError('webrtc-unsupported', 'PeerJS could not be loaded.');
  return PeerClass;
}

export class Signalling extends Emitter<SignallingEvents> {
  readonly #state: WritableStore<SignallingState> = createStore<SignallingState>({ signalling: 'offline' });
  #peer: Peer | null = null;
  #delayMs = BACKOFF_FIRST_MS;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(
    private readonly server: string | URL,
    private readonly ticket: JoinTicket,
    private readonly timeoutMs = 15_000,
  ) {
    super();
  }

  get state(): ReadableStore<SignallingState> {
    return this.#state;
  }

  /** The PeerJS peer while open (or reconnecting). */
  get peer(): Peer | null {
    return this.#peer;
  }

  /** Opens the socket; rejects with `signalling-refused` or `signalling-unreachable`. */
  async open(): Promise<Peer> {
    const PeerClass = await loadPeer();
    const { ticket } = this;
    const url = new URL(this.server);
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
    peer.on('call', (call) => this.emit('call', call));
    peer.on('connection', (connection) => this.emit('connection', connection));
    peer.socket.on('message', (message: { type?: unknown; payload?: unknown }) => this.#onMessage(message));
    return new Promise<Peer>((resolve, reject) => {
      const timer = setTimeout(() => {
        peer.destroy();
        reject(new ConsultKitError('signalling-unreachable', `Signalling did not open within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      peer.on('open', () => {
        clearTimeout(timer);
        if (this.#peer === peer) {
          this.#delayMs = BACKOFF_FIRST_MS;
          this.#state.update({ signalling: 'connected' });
          this.emit('back', undefined);
        } else if (!this.#closed) {
          this.#peer = peer;
          this.#state.update({ signalling: 'connected' });
        }
        resolve(peer);
      });
      peer.on('disconnected', () => this.#lost(peer));
      peer.on('error', (error: PeerError<string>) => {
        if (error.type === 'peer-unavailable') {
          const peerId = /peer (\S+)$/.exec(error.message)?.[1] ?? '';
          return this.emit('unavailable', peerId);
        }
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

  /** Sends a room or chat command to the server; false when the socket is down. */
  send(command: RoomCommand | ChatCommand | RecordCommand): boolean {
    const peer = this.#peer;
    if (!peer || peer.disconnected || this.#closed) return false;
    peer.socket.send(command);
    return true;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    const peer = this.#peer;
    this.#peer = null;
    this.#state.update({ signalling: 'offline' });
    // Let a goodbye just sent leave before the socket closes.
    if (peer) setTimeout(() => peer.destroy(), 150);
  }

  #onMessage(message: { type?: unknown; payload?: unknown }): void {
    if (this.#closed) return;
    switch (message?.type) {
      case ROSTER:
        return this.emit('roster', message.payload as RosterMessage['payload']);
      case REMOVED:
        return this.emit('removed', message.payload as RemovedMessage['payload']);
      case REFUSED:
        return this.emit('refused', message.payload as RefusedMessage['payload']);
      case CHAT_MESSAGE:
      case CHAT_HISTORY:
      case CHAT_MARKS:
      case CHAT_REFUSED:
        return this.emit('chat', { type: message.type, payload: message.payload });
      case DOCUMENT:
        return this.emit('document', message.payload as DocumentInfo);
      case SESSION_ENDED: {
        // The server ends a session (replaced, revoked, ended, removed…) with this message before
        // closing the socket: end rather than reconnect.
        const reason = (message.payload as { reason?: unknown } | undefined)?.reason;
        return this.emit('ended', SESSION_END_REASONS.includes(reason as never) ? (reason as EndReason) : 'revoked');
      }
    }
  }

  /**
   * The socket dropped: reconnect with backoff. A session that the server ended while we were
   * away (the socket that would have said so was down) ends with that reason instead.
   */
  #lost(peer: Peer): void {
    if (this.#closed || this.#peer !== peer || peer.destroyed) return;
    this.#state.update({ signalling: 'reconnecting' });
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      if (this.#closed || !peer.disconnected || peer.destroyed) return;
      void endedByServer(this.server, this.ticket).then((reason) => {
        if (this.#closed) return;
        if (reason) return this.emit('ended', reason);
        if (!peer.disconnected || peer.destroyed) return;
        peer.reconnect();
      });
    }, this.#delayMs);
    this.#delayMs = nextBackoff(this.#delayMs);
  }

  /**
   * A socket that failed to open looks the same whether the server refused the token or could not
   * be reached: ask the server whether it takes the token (docs/decisions/0015-refused-or-unreachable.md).
   */
  async #refusedOrUnreachable(error: ConsultKitError): Promise<ConsultKitError> {
    if (error.code !== 'signalling-unreachable') return error;
    try {
      const response = await fetch(new URL(SIGNALLING_CHECK_PATH, this.server), {
        // text/plain: a simple request, so a page on another origin needs no preflight.
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ peerId: this.ticket.peerId, token: this.ticket.token }),
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
}

/** Maps a PeerJS error to ours. */
export function mapPeerError(error: PeerError<string>): ConsultKitError {
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
