/**
 * In-call chat on the signalling socket (docs/decisions/0024-chat.md; the wire in
 * `@consultkit/core/contract`'s `chat.ts`).
 *
 * Only a participant in the call (a clinician, or admitted, and not left) may post or read: the
 * room registry says who that is, for the socket the command came on. A post is stored with the
 * consultation under the consultation's next sequence number (one transaction, `storage/numbered.ts`:
 * the counter row's lock orders the posts of a consultation by commit, on one instance or several,
 * and a repeat of an id waits for the first and finds it), then sent to
 * every participant in the call through the registry's broadcast. A post whose id is already
 * stored is not stored again: its author gets the stored message back. Posts and the other chat
 * commands each have a token bucket per socket (a flood is dropped and told once every 10 s).
 */
import {
  CHAT,
  CHAT_COMMAND_TYPES,
  CHAT_HISTORY,
  CHAT_HISTORY_PAGE,
  CHAT_ID,
  CHAT_MARKS,
  CHAT_MESSAGE,
  CHAT_READ,
  CHAT_RECEIVED,
  CHAT_REFUSED,
  CHAT_SYNC,
  chatTextProblem,
  type ChatHistoryMessage,
  type ChatMarks,
  type ChatMarksMessage,
  type ChatMessage,
  type ChatMessageMessage,
  type ChatRefusal,
  type ChatRefusedMessage,
} from '@consultkit/core/contract';
import { WebSocket } from 'ws';
import type { SqlExecutor, Storage } from '../storage/index.js';
import { appendNumbered, isSeq } from '../storage/numbered.js';
import type { SignallingClaims } from '../tokens.js';
import { Bucket, type Rooms } from './registry.js';

export interface ChatOptions {
  storage: Storage;
  rooms: Rooms;
  now: () => number;
  log: { warn(object: object, message: string): void; error(object: object, message: string): void };
  /** Posts a socket may make: a burst, refilled per second. */
  postRate?: { burst: number; perSecond: number };
  /** Other chat commands (sync, received, read) a socket may send. */
  otherRate?: { burst: number; perSecond: number };
}

interface MessageRow {
  seq: number;
  id: string;
  author_peer: string;
  author_role: ChatMessage['role'];
  author_kind: string | null;
  author_name: string;
  body: string;
  sent_at: Date | string;
}

const COLUMNS = 'seq, id, author_peer, author_role, author_kind, author_name, body, sent_at';

function toMessage(row: MessageRow): ChatMessage {
  return {
    id: String(row.id),
    seq: Number(row.seq),
    author: row.author_peer,
    name: row.author_name,
    role: row.author_role,
    ...(row.author_kind ? { kind: row.author_kind } : {}),
    text: row.body,
    sentAt: new Date(row.sent_at).toISOString(),
  };
}

type Parsed =
  | { type: typeof CHAT; id: string; text: string }
  | { type: typeof CHAT_SYNC; after: number }
  | { type: typeof CHAT_RECEIVED | typeof CHAT_READ; upTo: number }
  | { refusal: ChatRefusal; reason: string; id?: string };

/** A chat command's shape, checked strictly. */
function parse(message: Record<string, unknown>): Parsed {
  const keys = Object.keys(message);
  const payload = message['payload'];
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!keys.every((k) => k === 'type' || k === 'payload') || !isObject(payload))
    return { refusal: 'invalid', reason: 'expected { type, payload }' };
  const names = Object.keys(payload).sort().join();
  const seq = isSeq;
  switch (message['type']) {
    case CHAT: {
      const id = typeof payload['id'] === 'string' && CHAT_ID.test(payload['id']) ? payload['id'] : undefined;
      if (names !== 'id,text') return { refusal: 'invalid', reason: 'payload: expected exactly { id, text }' };
      if (!id) return { refusal: 'invalid', reason: 'payload.id: expected a UUID in lower case' };
      const problem = chatTextProblem(payload['text']);
      if (problem) return { refusal: problem.code, reason: `payload.${problem.reason}`, id };
      return { type: CHAT, id, text: payload['text'] as string };
    }
    case CHAT_SYNC:
      if (names !== 'after' || !seq(payload['after']))
        return { refusal: 'invalid', reason: 'payload: expected exactly { after }, a whole number from 0' };
      return { type: CHAT_SYNC, after: payload['after'] };
    case CHAT_RECEIVED:
    case CHAT_READ:
      if (names !== 'upTo' || !seq(payload['upTo']))
        return { refusal: 'invalid', reason: 'payload: expected exactly { upTo }, a whole number from 0' };
      return { type: message['type'], upTo: payload['upTo'] };
    default:
      return { refusal: 'invalid', reason: 'not a chat command' };
  }
}

export class ChatService {
  readonly #posts = new WeakMap<WebSocket, Bucket>();
  readonly #others = new WeakMap<WebSocket, Bucket>();
  /** Per consultation, the work in order: broadcasts leave in sequence order. */
  readonly #queues = new Map<string, Promise<void>>();

  constructor(private readonly options: ChatOptions) {}

  /** Is this message type a chat command (handled here, never relayed)? */
  static isCommand(type: unknown): boolean {
    return typeof type === 'string' && CHAT_COMMAND_TYPES.includes(type);
  }

  /** A chat command from `claims`'s socket `ws`. */
  command(claims: SignallingClaims, ws: WebSocket, message: Record<string, unknown>): void {
    const parsed = parse(message);
    const postId = 'id' in parsed ? parsed.id : undefined;
    const refuse = (code: ChatRefusal, reason: string) => {
      const refused: ChatRefusedMessage = {
        type: CHAT_REFUSED,
        payload: { ...(postId ? { id: postId } : {}), code, reason },
      };
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(refused));
    };
    const buckets = message['type'] === CHAT ? this.#posts : this.#others;
    let bucket = buckets.get(ws);
    if (!bucket) {
      const rate =
        message['type'] === CHAT
          ? (this.options.postRate ?? { burst: 10, perSecond: 3 })
          : (this.options.otherRate ?? { burst: 40, perSecond: 10 });
      buckets.set(ws, (bucket = new Bucket(rate)));
    }
    const { ok, tell } = bucket.take();
    if (!ok) {
      if (tell || message['type'] === CHAT) refuse('too-many', 'too many chat messages: slow down');
      return;
    }
    const me = this.options.rooms.member(claims.cid, claims.pid, ws);
    if (!me?.inCall) return refuse('not-in-call', 'only a participant in the call may chat');
    if ('refusal' in parsed) return refuse(parsed.refusal, parsed.reason);
    this.#enqueue(claims.cid, async () => {
      // Admission may have changed while earlier work of the consultation ran.
      if (!this.options.rooms.member(claims.cid, claims.pid, ws)?.inCall)
        return refuse('not-in-call', 'only a participant in the call may chat');
      switch (parsed.type) {
        case CHAT:
          return this.#post(claims.cid, me, ws, parsed.id, parsed.text, refuse);
        case CHAT_SYNC:
          return this.#sync(claims.cid, ws, parsed.after);
        case CHAT_RECEIVED:
        case CHAT_READ:
          return this.#mark(claims.cid, me.peerId, parsed.type === CHAT_READ ? 'read' : 'received', parsed.upTo);
      }
    }).catch((error: unknown) => {
      this.options.log.error({ err: error, consultation: claims.cid, from: claims.pid }, 'a chat command failed');
      refuse('failed', 'the server could not do this: try again');
    });
  }

  #enqueue(cid: string, work: () => Promise<void>): Promise<void> {
    const previous = this.#queues.get(cid) ?? Promise.resolve();
    const next = previous.then(work);
    const settled = next.catch(() => undefined);
    this.#queues.set(cid, settled);
    void settled.then(() => {
      if (this.#queues.get(cid) === settled) this.#queues.delete(cid);
    });
    return next;
  }

  async #post(
    cid: string,
    me: NonNullable<ReturnType<Rooms['member']>>,
    ws: WebSocket,
    id: string,
    text: string,
    refuse: (code: ChatRefusal, reason: string) => void,
  ): Promise<void> {
    const { item, created } = await appendNumbered<ChatMessage>(this.options.storage, {
      // The counter row of the consultation, made at 0 the first time, locked.
      lock: async (tx) => {
        await tx.query(
          `INSERT INTO chat_counter (consultation, last_seq) VALUES ($1, 0)
           ON CONFLICT (consultation) DO UPDATE SET last_seq = chat_counter.last_seq`,
          [cid],
        );
      },
      find: async (tx) => {
        const [known] = await tx.query<MessageRow>(
          `SELECT ${COLUMNS} FROM chat_message WHERE consultation = $1 AND id = $2`,
          [cid, id],
        );
        return known ? toMessage(known) : undefined;
      },
      next: async (tx) => {
        const [counter] = await tx.query<{ last_seq: number }>(
          'UPDATE chat_counter SET last_seq = last_seq + 1 WHERE consultation = $1 RETURNING last_seq',
          [cid],
        );
        return Number(counter!.last_seq);
      },
      insert: async (tx, seq) => {
        const [row] = await tx.query<MessageRow>(
          `INSERT INTO chat_message (consultation, seq, id, author_peer, author_role, author_kind, author_name,
             author_session, body, sent_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
          [
            cid,
            seq,
            id,
            me.peerId,
            me.role,
            me.kind ?? null,
            me.name,
            me.sid ?? null,
            text,
            new Date(this.options.now()).toISOString(),
          ],
        );
        return toMessage(row!);
      },
    });
    if (!created) {
      if (item.author !== me.peerId) return refuse('invalid', 'payload.id: already used by another message');
      const again: ChatMessageMessage = { type: CHAT_MESSAGE, payload: item };
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(again));
      return;
    }
    const message: ChatMessageMessage = { type: CHAT_MESSAGE, payload: item };
    this.options.rooms.broadcast(cid, message, 'in-call');
  }

  async #sync(cid: string, ws: WebSocket, after: number): Promise<void> {
    const { messages, more } = await this.messages(this.options.storage, cid, after, CHAT_HISTORY_PAGE);
    const history: ChatHistoryMessage = {
      type: CHAT_HISTORY,
      payload: { after, messages, more, marks: await this.marks(this.options.storage, cid) },
    };
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(history));
  }

  async #mark(cid: string, peerId: string, which: 'received' | 'read', upTo: number): Promise<void> {
    const marks = await this.options.storage.transaction(async (tx) => {
      const [counter] = await tx.query<{ last_seq: number }>(
        'SELECT last_seq FROM chat_counter WHERE consultation = $1',
        [cid],
      );
      const at = Math.min(upTo, counter?.last_seq ?? 0);
      const [before] = await tx.query<{ received_seq: number; read_seq: number }>(
        'SELECT received_seq, read_seq FROM chat_mark WHERE consultation = $1 AND peer_id = $2 FOR UPDATE',
        [cid, peerId],
      );
      const received = Math.max(before?.received_seq ?? 0, at);
      const read = Math.max(before?.read_seq ?? 0, which === 'read' ? at : 0);
      if (before && before.received_seq === received && before.read_seq === read) return undefined;
      if (!before && received === 0 && read === 0) return undefined;
      await tx.query(
        `INSERT INTO chat_mark (consultation, peer_id, received_seq, read_seq) VALUES ($1, $2, $3, $4)
         ON CONFLICT (consultation, peer_id) DO UPDATE SET received_seq = $3, read_seq = $4`,
        [cid, peerId, received, read],
      );
      return { peerId, received, read };
    });
    if (!marks) return;
    const message: ChatMarksMessage = { type: CHAT_MARKS, payload: marks };
    this.options.rooms.broadcast(cid, message, 'in-call');
  }

  /** The messages of `cid` after sequence number `after`, at most `limit`, and whether more follow. */
  async messages(
    db: SqlExecutor,
    cid: string,
    after: number,
    limit: number,
  ): Promise<{ messages: ChatMessage[]; more: boolean }> {
    const rows = await db.query<MessageRow>(
      `SELECT ${COLUMNS} FROM chat_message WHERE consultation = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [cid, after, limit + 1],
    );
    return { messages: rows.slice(0, limit).map(toMessage), more: rows.length > limit };
  }

  /** Every participant's received and read marks in `cid`. */
  async marks(db: SqlExecutor, cid: string): Promise<ChatMarks[]> {
    const rows = await db.query<{ peer_id: string; received_seq: number; read_seq: number }>(
      'SELECT peer_id, received_seq, read_seq FROM chat_mark WHERE consultation = $1 ORDER BY peer_id',
      [cid],
    );
    return rows.map((r) => ({ peerId: r.peer_id, received: Number(r.received_seq), read: Number(r.read_seq) }));
  }
}
