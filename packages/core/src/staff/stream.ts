/**
 * `StaffStream`: the staff live stream (`GET /api/presence/events`, docs/staff.md), opened once and
 * shared by whatever listens on it (`StaffDirectory` for presence and call-ins, `StaffMessages` for
 * messages between staff): one connection per page, reopened after a break with a growing wait.
 *
 * It only tells; what it tells is also in the server's store. A listener that must not miss
 * anything asks the server again on every `open` (the first and each reconnection).
 */
import type { BookingClient } from '../booking/booking-client.js';
import { readEventStream, type ServerEvent } from '../booking/events.js';
import { Emitter } from '../emitter.js';
import { createStore, type ReadableStore } from '../store.js';

/** The stream: not held, opening, on it, or waiting to reopen. */
export type StaffLive = 'off' | 'connecting' | 'streaming' | 'retrying';

export interface StaffStreamState {
  live: StaffLive;
}

export interface StaffStreamEvents {
  /** The stream opened (the first time, or again after a break). */
  open: void;
  /** One event from the server (`type` is its `event:` name, `data` its JSON text). */
  event: ServerEvent;
}

export interface StaffStreamOptions {
  /** A client of the FHIR base (`https://consult.example/fhir`) with the staff credentials. */
  client: BookingClient;
  /** Wait before reopening a broken stream, doubled each time up to 30 s (default 1 s). */
  retryMs?: number | undefined;
}

export class StaffStream extends Emitter<StaffStreamEvents> {
  readonly #client: BookingClient;
  readonly #retryMs: number;
  readonly #state = createStore<StaffStreamState>({ live: 'off' });
  #holders = 0;
  #stream: AbortController | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #failures = 0;

  constructor(options: StaffStreamOptions) {
    super();
    this.#client = options.client;
    this.#retryMs = options.retryMs ?? 1000;
  }

  /** The client the stream is read with (and its users ask the server through). */
  get client(): BookingClient {
    return this.#client;
  }

  get state(): ReadableStore<StaffStreamState> {
    return this.#state;
  }

  /**
   * Holds the stream open (opening it for the first holder); the function returned lets go, and
   * the stream closes once nobody holds it.
   */
  hold(): () => void {
    this.#holders++;
    if (this.#holders === 1) this.#connect();
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.#holders--;
      if (this.#holders === 0) this.#close();
    };
  }

  #close(): void {
    clearTimeout(this.#retry);
    this.#retry = undefined;
    this.#stream?.abort();
    this.#stream = undefined;
    this.#failures = 0;
    this.#state.update({ live: 'off' });
  }

  #connect(): void {
    const stream = (this.#stream = new AbortController());
    this.#state.update({ live: 'connecting' });
    const ended = () => {
      if (this.#stream !== stream || stream.signal.aborted) return;
      this.#failures++;
      this.#state.update({ live: 'retrying' });
      const wait = Math.min(30_000, this.#retryMs * 2 ** Math.min(this.#failures - 1, 5));
      this.#retry = setTimeout(() => {
        if (this.#stream === stream) this.#connect();
      }, wait);
    };
    readEventStream(
      this.#client,
      new URL('../api/presence/events', `${this.#client.baseUrl}/`).href,
      (event) => {
        if (this.#stream === stream) this.emit('event', event);
      },
      {
        signal: stream.signal,
        onOpen: () => {
          if (this.#stream !== stream) return;
          this.#failures = 0;
          this.#state.update({ live: 'streaming' });
          this.emit('open', undefined);
        },
      },
    ).then(ended, ended);
  }
}
