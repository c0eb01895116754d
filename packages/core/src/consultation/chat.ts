/**
 * The chat of a consultation, as this page knows it (docs/decisions/0024-chat.md; the wire in
 * `contract/chat.ts`). The server is the truth: it stores every message with the consultation and
 * numbers it (`seq`), and sends it to everyone in the call. This page keeps:
 *
 * - the stored messages, in sequence order, with no gaps: a gap or a (re)connection asks the
 *   server for what came after the last one held (`CK-CHAT-SYNC`), so nothing is lost;
 * - its own posts not yet stored (the outbox), shown after them as `sending`: each has the id it
 *   was made with, sent again with the same id after a reconnection, so the server stores it once.
 *   The outbox is kept in `sessionStorage` where there is one, so a reload loses nothing either;
 * - everyone's received and read marks, and its own unread count.
 *
 * It can post and read only while it is in the call (a clinician, or admitted) and its signalling
 * socket is up (`available`): posts made before wait in the outbox.
 */
import {
  CHAT,
  CHAT_HISTORY,
  CHAT_MARKS,
  CHAT_MESSAGE,
  CHAT_READ,
  CHAT_RECEIVED,
  CHAT_REFUSED,
  CHAT_SYNC,
  CHAT_TEXT_MAX,
  chatTextProblem,
  type ChatCommand,
  type ChatHistoryMessage,
  type ChatMarks,
  type ChatMessage,
  type ChatRefusedMessage,
} from '../contract/chat.js';
import type { Role } from '../contract/join.js';
import { Emitter } from '../emitter.js';
import { ConsultKitError } from '../errors.js';
import { createStore, type ReadableStore, type WritableStore } from '../store.js';
import { chatOutboxKey, sessionStore } from './chat-outbox.js';

export type { ChatMarks, ChatMessage } from '../contract/chat.js';
export { CHAT_TEXT_MAX } from '../contract/chat.js';

/**
 * Where one of this page's own messages is: `sending` (not stored yet: waiting for the socket, or
 * on its way), `sent` (stored by the server), `failed` (refused: `error` says why; `retry(id)`).
 * Messages of others are `sent`.
 */
export type ChatDelivery = 'sending' | 'sent' | 'failed';

/** A message as the chat lists it. */
export interface ChatEntry {
  id: string;
  /** Its number in the consultation's chat; null while it is not stored. */
  seq: number | null;
  author: string;
  name: string;
  role: ChatMessage['role'];
  kind?: string;
  text: string;
  /** When the server stored it (ISO 8601); null while it is not stored. */
  sentAt: string | null;
  /** Written on this page's participant (this page or an earlier one of the same session). */
  mine: boolean;
  delivery: ChatDelivery;
  /** The others whose page has received it / who have read it (peer ids; for every message). */
  receivedBy: readonly string[];
  readBy: readonly string[];
  /** Why it was refused (`delivery` `failed`). */
  error?: ConsultKitError;
}

export interface ChatState {
  /** The stored messages in order, then this page's own not stored yet, in the order written. */
  messages: readonly ChatEntry[];
  /** Messages of others after what this participant has read. */
  unread: number;
  /** Whether posts leave now (in the call, socket up); otherwise they wait as `sending`. */
  available: boolean;
  /** The history has been fetched from the server at least once. */
  synced: boolean;
  /** Every participant's received and read marks. */
  marks: readonly ChatMarks[];
}

export interface ChatEvents {
  /** A message newly stored (anyone's, this page's own included), as it arrives live or in a sync. */
  message: ChatEntry;
  /** A post of this page's was refused (too long, too many, …), or a chat command failed. */
  error: ConsultKitError;
}

/** Who this page is, as its messages show it. */
export interface ChatSelf {
  peerId: string;
  name: string;
  role: Role;
  kind?: string;
}

interface Outgoing {
  id: string;
  text: string;
  failed?: ConsultKitError;
}

/** How long received marks gather before one `CK-CHAT-RECEIVED` leaves. */
const RECEIVED_DELAY_MS = 150;

function newId(): string {
  return crypto.randomUUID();
}

export class Chat extends Emitter<ChatEvents> {
  readonly #state: WritableStore<ChatState>;
  readonly #stored = new Map<number, ChatMessage>();
  /** Every sequence number up to this one is held. */
  #contiguous = 0;
  #outbox: Outgoing[] = [];
  readonly #marks = new Map<string, ChatMarks>();
  #read = 0;
  #readSent = 0;
  #receivedSent = 0;
  #online = false;
  #syncing = false;
  #synced = false;
  #closed = false;
  #receivedTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #key: string;

  readonly #transmit: (command: ChatCommand) => boolean;

  constructor(
    private readonly self: ChatSelf,
    transmit: (command: ChatCommand) => boolean,
  ) {
    super();
    this.#transmit = transmit;
    this.#key = chatOutboxKey(self.peerId);
    this.#outbox = this.#loadOutbox();
    this.#state = createStore<ChatState>({
      messages: [],
      unread: 0,
      available: false,
      synced: false,
      marks: [],
    });
    this.#publish();
  }

  get state(): ReadableStore<ChatState> {
    return this.#state;
  }

  /** The messages (stored, then this page's own not stored yet). */
  get messages(): readonly ChatEntry[] {
    return this.#state.get().messages;
  }

  /** Messages of others not read yet. */
  get unread(): number {
    return this.#state.get().unread;
  }

  /**
   * Posts `text`; returns the message's id. It shows at once as `sending`, and as `sent` once the
   * server has stored it. Throws a `ConsultKitError`: `chat-too-long` past {@link CHAT_TEXT_MAX}
   * characters, `invalid-argument` for blank text (or text that is not text), `invalid-state` once
   * the consultation is over.
   */
  send(text: string): string {
    if (this.#closed) throw new ConsultKitError('invalid-state', 'The consultation is over: the chat is closed.');
    const problem = chatTextProblem(text);
    if (problem?.code === 'too-long')
      throw new ConsultKitError(
        'chat-too-long',
        `A message can be at most ${CHAT_TEXT_MAX} characters; this one has ${String(text).length}.`,
      );
    if (problem) throw new ConsultKitError('invalid-argument', `Not a message: ${problem.reason}`);
    const outgoing: Outgoing = { id: newId(), text };
    this.#outbox.push(outgoing);
    this.#saveOutbox();
    if (this.#online) this.#transmit({ type: CHAT, payload: { id: outgoing.id, text } });
    this.#publish();
    return outgoing.id;
  }

  /** Sends again a message of this page's that was refused (`failed`). */
  retry(id: string): void {
    const outgoing = this.#outbox.find((o) => o.id === id);
    if (!outgoing || this.#closed) return;
    delete outgoing.failed;
    if (this.#online) this.#transmit({ type: CHAT, payload: { id, text: outgoing.text } });
    this.#publish();
  }

  /** Drops a message of this page's that was not stored (a `failed` one the user gives up on). */
  discard(id: string): void {
    this.#outbox = this.#outbox.filter((o) => o.id !== id);
    this.#saveOutbox();
    this.#publish();
  }

  /** Everything held is read now (the server keeps it, for this participant's other pages too). */
  markRead(): void {
    const last = this.#contiguous;
    if (last <= this.#read) return;
    this.#read = last;
    this.#sendRead();
    this.#publish();
  }

  /**
   * The facade says whether this page is in the call with its socket up. On becoming so: ask for
   * what was missed, send the outbox again (same ids) and the read mark.
   */
  setOnline(online: boolean): void {
    if (this.#closed || online === this.#online) return;
    this.#online = online;
    if (online) {
      this.#syncing = false;
      this.#sync();
      for (const o of this.#outbox) if (!o.failed) this.#transmit({ type: CHAT, payload: { id: o.id, text: o.text } });
      this.#readSent = 0;
      this.#receivedSent = 0;
    }
    this.#publish();
  }

  /** A chat message from the server (`CK-CHAT-MESSAGE`, `-HISTORY`, `-MARKS`, `-REFUSED`). */
  receive(message: { type?: unknown; payload?: unknown }): void {
    if (this.#closed || !message || typeof message.payload !== 'object' || message.payload === null) return;
    switch (message.type) {
      case CHAT_MESSAGE:
        this.#store([message.payload as ChatMessage]);
        if (this.#contiguous < this.#highest()) this.#sync();
        break;
      case CHAT_HISTORY: {
        const { messages, more, marks } = message.payload as ChatHistoryMessage['payload'];
        if (Array.isArray(marks)) for (const m of marks) this.#mark(m);
        this.#store(Array.isArray(messages) ? messages : []);
        this.#syncing = false;
        this.#synced = true;
        if (more || this.#contiguous < this.#highest()) this.#sync();
        break;
      }
      case CHAT_MARKS:
        this.#mark(message.payload as ChatMarks);
        break;
      case CHAT_REFUSED:
        this.#refused(message.payload as ChatRefusedMessage['payload']);
        break;
      default:
        return;
    }
    this.#publish();
  }

  /** The consultation is over: nothing more is sent; what is held stays readable. */
  close(): void {
    this.#online = false;
    this.#closed = true;
    clearTimeout(this.#receivedTimer);
    this.#state.update({ available: false });
  }

  #highest(): number {
    let highest = 0;
    for (const seq of this.#stored.keys()) highest = Math.max(highest, seq);
    return highest;
  }

  #sync(): void {
    if (!this.#online || this.#syncing) return;
    this.#syncing = this.#transmit({ type: CHAT_SYNC, payload: { after: this.#contiguous } });
  }

  #store(messages: readonly ChatMessage[]): void {
    const fresh: ChatMessage[] = [];
    for (const m of messages) {
      if (!m || typeof m.seq !== 'number' || typeof m.id !== 'string' || this.#stored.has(m.seq)) continue;
      this.#stored.set(m.seq, m);
      fresh.push(m);
    }
    if (fresh.length === 0) return;
    while (this.#stored.has(this.#contiguous + 1)) this.#contiguous++;
    const ids = new Set(fresh.map((m) => m.id));
    const before = this.#outbox.length;
    this.#outbox = this.#outbox.filter((o) => !ids.has(o.id));
    if (this.#outbox.length !== before) this.#saveOutbox();
    fresh.sort((a, b) => a.seq - b.seq);
    this.#scheduleReceived();
    this.#publish();
    for (const m of fresh) this.emit('message', this.#entry(m));
  }

  #mark(marks: ChatMarks): void {
    if (!marks || typeof marks.peerId !== 'string') return;
    const known = this.#marks.get(marks.peerId);
    this.#marks.set(marks.peerId, {
      peerId: marks.peerId,
      received: Math.max(known?.received ?? 0, Number(marks.received) || 0),
      read: Math.max(known?.read ?? 0, Number(marks.read) || 0),
    });
    if (marks.peerId === this.self.peerId) this.#read = Math.max(this.#read, Number(marks.read) || 0);
  }

  #refused(refusal: ChatRefusedMessage['payload']): void {
    const outgoing = refusal.id ? this.#outbox.find((o) => o.id === refusal.id) : undefined;
    if (refusal.code === 'not-in-call') {
      // Not in the call (yet, or again, after a server restart): the outbox waits for it.
      if (!outgoing) this.#syncing = false;
      return;
    }
    const error = new ConsultKitError(
      refusal.code === 'too-long' ? 'chat-too-long' : refusal.code === 'invalid' ? 'invalid-argument' : 'server-error',
      `The server refused a chat message: ${String(refusal.reason)}`,
    );
    if (outgoing) outgoing.failed = error;
    else if (!refusal.id) this.#syncing = false;
    this.emit('error', error);
  }

  #scheduleReceived(): void {
    if (this.#receivedTimer !== undefined) return;
    this.#receivedTimer = setTimeout(() => {
      this.#receivedTimer = undefined;
      if (!this.#online || this.#contiguous <= this.#receivedSent) return;
      if (this.#transmit({ type: CHAT_RECEIVED, payload: { upTo: this.#contiguous } }))
        this.#receivedSent = this.#contiguous;
    }, RECEIVED_DELAY_MS);
  }

  #sendRead(): void {
    if (!this.#online || this.#read <= this.#readSent) return;
    if (this.#transmit({ type: CHAT_READ, payload: { upTo: this.#read } })) this.#readSent = this.#read;
  }

  #entry(m: ChatMessage): ChatEntry {
    const others = [...this.#marks.values()].filter((k) => k.peerId !== m.author);
    return {
      id: m.id,
      seq: m.seq,
      author: m.author,
      name: m.name,
      role: m.role,
      ...(m.kind ? { kind: m.kind } : {}),
      text: m.text,
      sentAt: m.sentAt,
      mine: m.author === this.self.peerId,
      delivery: 'sent',
      receivedBy: others.filter((k) => k.received >= m.seq).map((k) => k.peerId),
      readBy: others.filter((k) => k.read >= m.seq).map((k) => k.peerId),
    };
  }

  #publish(): void {
    const stored = [...this.#stored.values()].sort((a, b) => a.seq - b.seq);
    const messages: ChatEntry[] = stored.map((m) => this.#entry(m));
    for (const o of this.#outbox) {
      messages.push({
        id: o.id,
        seq: null,
        author: this.self.peerId,
        name: this.self.name,
        role: this.self.role,
        ...(this.self.kind ? { kind: this.self.kind } : {}),
        text: o.text,
        sentAt: null,
        mine: true,
        delivery: o.failed ? 'failed' : 'sending',
        receivedBy: [],
        readBy: [],
        ...(o.failed ? { error: o.failed } : {}),
      });
    }
    const unread = stored.filter((m) => m.seq > this.#read && m.author !== this.self.peerId).length;
    this.#state.update({
      messages,
      unread,
      available: this.#online && !this.#closed,
      synced: this.#synced,
      marks: [...this.#marks.values()],
    });
  }

  #loadOutbox(): Outgoing[] {
    try {
      const raw = sessionStore()?.getItem(this.#key);
      const list = raw ? (JSON.parse(raw) as unknown) : [];
      if (!Array.isArray(list)) return [];
      return list.filter(
        (o): o is Outgoing =>
          typeof o === 'object' && o !== null && typeof o.id === 'string' && typeof o.text === 'string',
      );
    } catch {
      return [];
    }
  }

  #saveOutbox(): void {
    try {
      const store = sessionStore();
      if (!store) return;
      if (this.#outbox.length === 0) store.removeItem(this.#key);
      else store.setItem(this.#key, JSON.stringify(this.#outbox.map(({ id, text }) => ({ id, text }))));
    } catch {
      // A full or blocked storage: the outbox lives on this page only.
    }
  }
}
