import type { DataConnection, Peer } from 'peerjs';
import type { Role } from '../contract/join.js';
import { isControlMessage, type ControlMessage } from '../contract/signalling.js';

export type { ControlMessage };

/**
 * The control channel with the other participant: a reliable JSON PeerJS data connection. Both
 * sides try to open one on arrival (the first to arrive fails quietly: nobody is there); if both
 * succeed, both keep the clinician's, so they agree on one. Lost channels are reopened with backoff.
 */
export class ControlChannel {
  #current: DataConnection | null = null;
  readonly #pending = new Set<DataConnection>();
  #retry: ReturnType<typeof setTimeout> | undefined;
  #retryDelayMs = 1000;
  #closed = false;

  constructor(
    private readonly peer: () => Peer | null,
    private readonly remotePeerId: string,
    private readonly role: Role,
    private readonly handlers: {
      open: () => void;
      message: (message: ControlMessage) => void;
      lost: () => void;
    },
  ) {}

  get open(): boolean {
    return this.#current?.open ?? false;
  }

  /** Tries to open a channel to the other side, unless one is open or being opened. */
  connect(): void {
    const peer = this.peer();
    if (this.#closed || !peer || peer.disconnected || this.open || this.#pending.size > 0) return;
    this.adopt(peer.connect(this.remotePeerId, { serialization: 'json', reliable: true }), true);
  }

  /** Takes a channel: ours (`outgoing`) or the other side's. */
  adopt(connection: DataConnection, outgoing = false): void {
    if (this.#closed || connection.peer !== this.remotePeerId) {
      connection.close();
      return;
    }
    const clinicianOpened = outgoing === (this.role === 'clinician');
    this.#pending.add(connection);
    connection.on('open', () => {
      this.#pending.delete(connection);
      if (this.#closed) return connection.close();
      const current = this.#current;
      if (current?.open && current !== connection) {
        if (!clinicianOpened) return connection.close();
        this.#current = connection;
        current.close();
      }
      this.#current = connection;
      this.#retryDelayMs = 1000;
      clearTimeout(this.#retry);
      this.handlers.open();
    });
    connection.on('data', (data) => {
      if (connection === this.#current && isControlMessage(data)) this.handlers.message(data);
    });
    connection.on('close', () => {
      this.#pending.delete(connection);
      if (this.#current !== connection) return;
      this.#current = null;
      if (this.#closed) return;
      this.handlers.lost();
      this.#scheduleReconnect();
    });
  }

  send(message: ControlMessage): boolean {
    if (!this.#current?.open) return false;
    void this.#current.send(message);
    return true;
  }

  /** The other side is not connected: forget the attempts waiting for them; they will reach us. */
  remoteUnavailable(): void {
    for (const connection of this.#pending) connection.close();
    this.#pending.clear();
  }

  /** Reopens after a loss, with backoff (1 s, doubling, at most 8 s), until a channel opens. */
  #scheduleReconnect(): void {
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => {
      this.connect();
      this.#retryDelayMs = Math.min(this.#retryDelayMs * 2, 8000);
      if (!this.open && !this.#closed) this.#scheduleReconnect();
    }, this.#retryDelayMs);
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#retry);
    for (const connection of this.#pending) connection.close();
    this.#pending.clear();
    // Let a goodbye just sent leave before the channel goes.
    const current = this.#current;
    this.#current = null;
    if (current) setTimeout(() => current.close(), 100);
  }
}
