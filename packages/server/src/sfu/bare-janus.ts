/**
 * For tests: a bare Janus API client over its WebSocket transport, as any participant (or an
 * attacker) could write one: create a session, attach the VideoRoom plugin, send requests with a
 * token, and wait for the answer of each transaction (an `ack` first for asynchronous requests,
 * then the plugin's `event`). No media.
 */
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';

export interface JanusMessage {
  janus: string;
  transaction?: string;
  session_id?: number;
  sender?: number;
  data?: { id?: number };
  error?: { code: number; reason: string };
  plugindata?: { plugin: string; data: Record<string, unknown> };
}

/** The VideoRoom's answer to a request: its data, or the error code and text. */
export type RoomAnswer =
  | { ok: true; data: Record<string, unknown> }
  | { ok: false; code: number; reason: string; from: 'janus' | 'videoroom' };

export class BareJanus {
  readonly #ws: WebSocket;
  readonly #waiting = new Map<string, (message: JanusMessage) => void>();
  #session: number | undefined;
  #handle: number | undefined;

  private constructor(
    ws: WebSocket,
    private readonly token: string | undefined,
  ) {
    this.#ws = ws;
    ws.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as JanusMessage;
      if (message.janus === 'ack' || !message.transaction) return;
      const resolve = this.#waiting.get(message.transaction);
      if (resolve) {
        this.#waiting.delete(message.transaction);
        resolve(message);
      }
    });
  }

  /** Opens the WebSocket (`janus-protocol`); `token` goes into every request when given. */
  static async connect(url: string, token: string | undefined): Promise<BareJanus> {
    const ws = new WebSocket(url, 'janus-protocol');
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new BareJanus(ws, token);
  }

  /** Sends one request and resolves to the first answer that is not an `ack`. */
  request(body: Record<string, unknown>): Promise<JanusMessage> {
    const transaction = randomBytes(9).toString('base64url');
    const answer = new Promise<JanusMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(transaction);
        reject(new Error(`Janus did not answer ${JSON.stringify(body)} within 10 s`));
      }, 10_000);
      this.#waiting.set(transaction, (message) => {
        clearTimeout(timer);
        resolve(message);
      });
    });
    this.#ws.send(
      JSON.stringify({
        ...body,
        transaction,
        ...(this.token === undefined ? {} : { token: this.token }),
        ...(this.#session === undefined ? {} : { session_id: this.#session }),
        ...(this.#handle === undefined || body['janus'] !== 'message' ? {} : { handle_id: this.#handle }),
      }),
    );
    return answer;
  }

  /**
   * Creates a session and attaches the VideoRoom plugin; resolves to null when done, or the Janus
   * error (403 for a token Janus does not hold).
   */
  async attach(): Promise<{ code: number; reason: string } | null> {
    const session = await this.request({ janus: 'create' });
    if (session.janus === 'error') return session.error!;
    this.#session = session.data!.id!;
    const handle = await this.request({ janus: 'attach', plugin: 'janus.plugin.videoroom' });
    if (handle.janus === 'error') return handle.error!;
    this.#handle = handle.data!.id!;
    return null;
  }

  /** A VideoRoom request on the attached handle. */
  async videoroom(body: Record<string, unknown>): Promise<RoomAnswer> {
    const answer = await this.request({ janus: 'message', body });
    if (answer.janus === 'error') return { ok: false, from: 'janus', ...answer.error! };
    const data = answer.plugindata?.data ?? {};
    if (typeof data['error_code'] === 'number') {
      return { ok: false, from: 'videoroom', code: data['error_code'], reason: String(data['error']) };
    }
    return { ok: true, data };
  }

  close(): void {
    this.#ws.close();
  }
}
