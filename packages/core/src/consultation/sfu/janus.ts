/**
 * Janus's JSON protocol over its WebSocket transport (`janus-protocol`), typed and small: one
 * Janus session per connection, plugin handles on it, a transaction per request (an `ack` first
 * for asynchronous requests, then the answer), a keepalive while open, a timeout per request, and
 * a clean close (the session destroyed, the socket closed, every timer cleared). No janus.js.
 *
 * Errors are `SfuError`s (a `ConsultKitError` with Janus's own code beside ours): a token Janus
 * does not hold or a room that refuses it is `sfu-refused`, a room that is gone `sfu-closed`,
 * anything else (no answer, a lost socket) `sfu-unavailable`.
 */
import { ConsultKitError } from '../../contract/errors.js';

/** A ConsultKit error from the SFU, with Janus's code (core `error.code` or VideoRoom `error_code`). */
export class SfuError extends ConsultKitError {
  declare readonly code: 'sfu-unavailable' | 'sfu-refused' | 'sfu-closed';

  constructor(
    code: 'sfu-unavailable' | 'sfu-refused' | 'sfu-closed',
    message: string,
    /** Janus's code when Janus said no (403 unauthorized, 433 VideoRoom unauthorized, 426 no room…). */
    readonly janusCode: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'SfuError';
  }
}

/** Janus core error codes (janus.h) and VideoRoom error codes (janus_videoroom.c) we tell apart. */
const REFUSED_CORE = new Set([403, 405]); // unauthorized, unauthorized plugin
const REFUSED_ROOM = new Set([433]); // unauthorized (pin, token, private id)
/** The publisher id is still in the room: an earlier connection Janus has not noticed is gone. */
const ID_EXISTS = 436;
const CLOSED_ROOM = new Set([426]); // no such room

/** Our code for a Janus refusal. */
export function sfuErrorOf(code: number, reason: string, from: 'janus' | 'videoroom'): SfuError {
  const refused = from === 'janus' ? REFUSED_CORE.has(code) : REFUSED_ROOM.has(code);
  const closed = from === 'videoroom' && CLOSED_ROOM.has(code);
  const kind = refused ? 'sfu-refused' : closed ? 'sfu-closed' : 'sfu-unavailable';
  if (from === 'videoroom' && code === ID_EXISTS) {
    return new SfuError(
      kind,
      'This participant is still in the video room from an earlier connection; try again in a minute.',
      code,
    );
  }
  return new SfuError(kind, `The video room refused the request (${from} ${code}: ${reason}).`, code);
}

/** A message from Janus, as much of it as we read. */
export interface JanusMessage {
  janus: string;
  transaction?: string;
  session_id?: number;
  /** The handle an event is for. */
  sender?: number;
  data?: { id?: number };
  error?: { code: number; reason: string };
  plugindata?: { plugin: string; data: Record<string, unknown> };
  jsep?: RTCSessionDescriptionInit;
  /** A `trickle` from Janus (with `full_trickle`): one candidate, or `{ completed: true }`. */
  candidate?: RTCIceCandidateInit & { completed?: boolean };
  /** `hangup`, `timeout`, `detached`: why. */
  reason?: string;
}

/** A VideoRoom answer: its `data`, and the SDP Janus sent with it, if any. */
export interface PluginAnswer {
  data: Record<string, unknown>;
  jsep?: RTCSessionDescriptionInit;
}

/** The WebSocket constructor to use: the browser's by default, `ws`'s in Node 20. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocket;

export interface JanusConnectionOptions {
  /** Sent as `token` in every request (`token_auth`). */
  token: string;
  /** How long to wait for the socket, and for each answer (10 s). */
  timeoutMs?: number;
  /** Keepalive period (25 s; Janus drops a session silent for `session_timeout`, 60 s by default). */
  keepaliveMs?: number;
  WebSocket?: WebSocketConstructor;
}

type Waiter = { ack: boolean; resolve: (m: JanusMessage) => void; reject: (e: Error) => void; timer: unknown };

/** One Janus session over one WebSocket. */
export class JanusConnection {
  readonly #ws: WebSocket;
  readonly #token: string;
  readonly #timeoutMs: number;
  readonly #waiting = new Map<string, Waiter>();
  readonly #handles = new Map<number, JanusHandle>();
  #session: number | undefined;
  #keepalive: ReturnType<typeof setInterval> | undefined;
  #sequence = 0;
  #closed = false;
  /** Called once when the connection ends without `close()`: the socket dropped, or Janus timed us out. */
  onLost: ((error: SfuError) => void) | null = null;

  private constructor(ws: WebSocket, options: JanusConnectionOptions) {
    this.#ws = ws;
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    ws.addEventListener('message', (event: MessageEvent) => this.#receive(String(event.data)));
    ws.addEventListener('close', () => this.#lost('The connection to the video room was lost.'));
  }

  /** Opens the socket and creates a Janus session. */
  static async open(url: string, options: JanusConnectionOptions): Promise<JanusConnection> {
    const Ctor = options.WebSocket ?? (globalThis.WebSocket as WebSocketConstructor | undefined);
    if (!Ctor) throw new SfuError('sfu-unavailable', 'There is no WebSocket here to reach the video room.');
    const timeoutMs = options.timeoutMs ?? 10_000;
    if (!/^wss?:\/\//i.test(url)) {
      throw new SfuError(
        'sfu-unavailable',
        `ConsultKit reaches Janus over WebSocket only: the server must give a ws:// or wss:// address (CONSULTKIT_JANUS_URL), not ${url}.`,
      );
    }
    let ws: WebSocket;
    try {
      ws = new Ctor(url, 'janus-protocol');
    } catch (cause) {
      throw new SfuError('sfu-unavailable', `The video room address is not usable: ${url}`, null, { cause });
    }
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.close();
        reject(new SfuError('sfu-unavailable', 'The video room did not answer in time.'));
      }, timeoutMs);
      ws.addEventListener('open', () => {
        clearTimeout(timer);
        resolve();
      });
      ws.addEventListener('error', () => {
        clearTimeout(timer);
        reject(new SfuError('sfu-unavailable', 'The video room could not be reached.'));
      });
    });
    const connection = new JanusConnection(ws, options);
    try {
      const created = await connection.request({ janus: 'create' });
      connection.#session = created.data?.id;
    } catch (error) {
      connection.close();
      throw error;
    }
    connection.#keepalive = setInterval(() => {
      connection.request({ janus: 'keepalive' }, true).catch(() => undefined);
    }, options.keepaliveMs ?? 25_000);
    return connection;
  }

  get closed(): boolean {
    return this.#closed;
  }

  #receive(raw: string): void {
    let message: JanusMessage;
    try {
      message = JSON.parse(raw) as JanusMessage;
    } catch {
      return;
    }
    const waiter = message.transaction === undefined ? undefined : this.#waiting.get(message.transaction);
    if (waiter && (message.janus !== 'ack' || waiter.ack)) {
      this.#waiting.delete(message.transaction!);
      clearTimeout(waiter.timer as ReturnType<typeof setTimeout>);
      if (message.janus === 'error' && message.error) {
        waiter.reject(sfuErrorOf(message.error.code, message.error.reason, 'janus'));
      } else waiter.resolve(message);
      return;
    }
    if (message.janus === 'ack' || waiter) return;
    if (message.janus === 'timeout') {
      this.#lost('The video room ended this session (no keepalive reached it in time).');
      return;
    }
    if (message.sender !== undefined) this.#handles.get(message.sender)?.deliver(message);
  }

  #lost(why: string): void {
    if (this.#closed) return;
    const error = new SfuError('sfu-unavailable', why);
    this.#end(error);
    this.onLost?.(error);
  }

  #end(error: Error): void {
    this.#closed = true;
    clearInterval(this.#keepalive);
    for (const waiter of this.#waiting.values()) {
      clearTimeout(waiter.timer as ReturnType<typeof setTimeout>);
      waiter.reject(error);
    }
    this.#waiting.clear();
    this.#handles.clear();
  }

  /**
   * Sends a request (session and token added) and resolves to its answer: the first message of its
   * transaction that is not an `ack`, or the `ack` itself when `ackOnly` (trickle, keepalive).
   */
  request(body: Record<string, unknown>, ackOnly = false): Promise<JanusMessage> {
    if (this.#closed) return Promise.reject(new SfuError('sfu-unavailable', 'The video room connection is closed.'));
    const transaction = `ck${++this.#sequence}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(transaction);
        reject(new SfuError('sfu-unavailable', `The video room did not answer "${String(body['janus'])}" in time.`));
      }, this.#timeoutMs);
      this.#waiting.set(transaction, { ack: ackOnly, resolve, reject, timer });
      this.#ws.send(
        JSON.stringify({
          ...body,
          transaction,
          token: this.#token,
          ...(this.#session === undefined ? {} : { session_id: this.#session }),
        }),
      );
    });
  }

  /** Attaches a plugin (the VideoRoom). */
  async attach(plugin: string): Promise<JanusHandle> {
    const answer = await this.request({ janus: 'attach', plugin });
    const handle = new JanusHandle(this, answer.data!.id!);
    this.#handles.set(handle.id, handle);
    return handle;
  }

  /** Destroys the session (best effort) and closes the socket; pending requests reject. */
  close(): void {
    if (this.#closed) return;
    if (this.#ws.readyState === 1) {
      try {
        this.#ws.send(
          JSON.stringify({ janus: 'destroy', transaction: 'bye', token: this.#token, session_id: this.#session }),
        );
      } catch {
        // The socket is going anyway.
      }
    }
    this.#end(new SfuError('sfu-unavailable', 'The video room connection was closed.'));
    this.#ws.close();
  }
}

/** One plugin handle: VideoRoom requests, trickled candidates, and the events Janus sends it. */
export class JanusHandle {
  /** Events for this handle that answer no request of ours (`event`, `webrtcup`, `hangup`, …). */
  onEvent: ((message: JanusMessage) => void) | null = null;

  constructor(
    private readonly connection: JanusConnection,
    readonly id: number,
  ) {}

  /** @internal */
  deliver(message: JanusMessage): void {
    this.onEvent?.(message);
  }

  /** A VideoRoom request; rejects with an `SfuError` when Janus or the VideoRoom says no. */
  async message(body: Record<string, unknown>, jsep?: RTCSessionDescriptionInit): Promise<PluginAnswer> {
    const answer = await this.connection.request({
      janus: 'message',
      handle_id: this.id,
      body,
      ...(jsep ? { jsep: { type: jsep.type, sdp: jsep.sdp } } : {}),
    });
    const data = answer.plugindata?.data ?? {};
    if (typeof data['error_code'] === 'number') {
      throw sfuErrorOf(data['error_code'], String(data['error'] ?? ''), 'videoroom');
    }
    return answer.jsep ? { data, jsep: answer.jsep } : { data };
  }

  /** Detaches the handle (its PeerConnection on Janus's side goes with it). */
  async detach(): Promise<void> {
    await this.connection.request({ janus: 'detach', handle_id: this.id });
  }

  /** Trickles one local candidate, or the end of them (`null`). */
  trickle(candidate: RTCIceCandidate | null): void {
    const body = candidate
      ? { candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex }
      : { completed: true };
    this.connection.request({ janus: 'trickle', handle_id: this.id, candidate: body }, true).catch(() => undefined);
  }
}
