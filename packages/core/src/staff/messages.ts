/**
 * `StaffMessages`: messages between staff (docs/staff.md, "Messages"; the wire in
 * `../contract/staff-chat.ts`). A store to read, commands to call and typed events; `<staff-chat>`
 * is a view over it, and a vendor's own console can use it as well.
 *
 * The server's store is the truth; the staff live stream (`StaffStream`, shared with
 * `StaffDirectory`) only tells. On every (re)connection of the stream the conversations are asked
 * for again, and each conversation whose messages are held is asked for the messages after the
 * last sequence number held: nothing posted while the stream was down is lost. A message whose
 * `id` is already held is dropped, so nothing shows twice; messages are kept in sequence order.
 *
 * A post makes its UUID here and, when the server cannot be reached (or answers 502/503/504),
 * is sent again with the same id: the server stores it once and answers the stored message.
 */
import type { BookingClient } from '../booking/booking-client.js';
import { FhirError } from '../booking/fhir-error.js';
import { chatTextProblem } from '../contract/chat.js';
import {
  STAFF_CHAT_EVENT,
  type StaffConversation,
  type StaffConversationList,
  type StaffConversationRequest,
  type StaffMessage,
  type StaffMessagePage,
  type StaffReadMark,
} from '../contract/staff-chat.js';
import type { StaffPerson } from '../contract/staff.js';
import { Emitter } from '../emitter.js';
import { ConsultKitError } from '../errors.js';
import { createStore, type ReadableStore } from '../store.js';
import { whileListed } from './busy.js';
import { StaffStream, type StaffLive } from './stream.js';

export interface StaffMessagesState {
  /** `loading` while the conversations are asked for; `error` when that failed (the list keeps what it had). */
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** The person's conversations, most recent first. */
  conversations: readonly StaffConversation[];
  /** The messages held, by conversation id, in sequence order (only of conversations opened with `load`). */
  messages: Readonly<Record<string, readonly StaffMessage[]>>;
  /** Messages from others not yet read, over every conversation. */
  unread: number;
  /** Ids of the messages on their way (posted, not yet answered). */
  sending: readonly string[];
  /** The staff live stream. */
  live: StaffLive;
  /** Why the last command or refresh failed. */
  error: ConsultKitError | null;
}

/** A conversation's unread count changed. */
export interface StaffUnreadChange {
  conversation: string;
  unread: number;
  /** Over every conversation. */
  total: number;
}

export interface StaffMessagesEvents {
  /** A message not held before: posted here, told live, or caught up after a reconnection. */
  message: StaffMessage;
  /** A conversation the person is in, new to this object (started here or elsewhere). */
  conversation: StaffConversation;
  unread: StaffUnreadChange;
}

export interface StaffMessagesOptions {
  /** A client of the FHIR base (`https://consult.example/fhir`) with the staff credentials. */
  client: BookingClient;
  /** The page's staff live stream, shared with `StaffDirectory` (default: one of its own). */
  stream?: StaffStream | undefined;
  /** How many times a post is sent again after a network failure or a 502/503/504. Default 4. */
  retries?: number | undefined;
  /** Pause before the first retry of a post, doubled for each next one. Default 500 ms. */
  retryDelayMs?: number | undefined;
}

/** What `startConversation` takes: the colleagues (Practitioner ids), and a title or patient. */
export type StaffConversationStart = Omit<StaffConversationRequest, 'id'> & { id?: string | undefined };

const byRecent = (a: StaffConversation, b: StaffConversation) =>
  (b.last?.sentAt ?? b.createdAt).localeCompare(a.last?.sentAt ?? a.createdAt);

export class StaffMessages extends Emitter<StaffMessagesEvents> {
  readonly #client: BookingClient;
  readonly #stream: StaffStream;
  readonly #retries: number;
  readonly #retryDelayMs: number;
  readonly #state = createStore<StaffMessagesState>({
    status: 'idle',
    conversations: [],
    messages: {},
    unread: 0,
    sending: [],
    live: 'off',
    error: null,
  });
  /** The acting person (asked of the server on start): their own messages are never unread. */
  #me: string | undefined;
  #release: (() => void) | undefined;
  /** Catch-ups in flight, per conversation: one at a time, the next after it. */
  readonly #catchingUp = new Map<string, Promise<void>>();
  /** Counts what was told live or done here to the list; `refresh` keeps what came after it asked. */
  #changes = 0;
  /** When (in `#changes`) each conversation last changed by what was told live or done here. */
  readonly #changedAt = new Map<string, number>();

  constructor(options: StaffMessagesOptions) {
    super();
    this.#client = options.client;
    this.#stream = options.stream ?? new StaffStream({ client: options.client });
    this.#retries = options.retries ?? 4;
    this.#retryDelayMs = options.retryDelayMs ?? 500;
  }

  get state(): ReadableStore<StaffMessagesState> {
    return this.#state;
  }

  /** The acting person's Practitioner id, once `start` or `refresh` asked the server (their own messages). */
  get me(): string | undefined {
    return this.#me;
  }

  /**
   * Starts: holds the live stream open, and on each (re)connection asks for the conversations
   * and the messages after those held. Resolves once the first list is in (or failed).
   */
  async start(): Promise<void> {
    if (this.#release) return;
    const offEvent = this.#stream.on('event', (event) => this.#event(event.type, event.data));
    const offOpen = this.#stream.on('open', () => void this.#caughtUp());
    const offLive = this.#stream.state.subscribe(({ live }) => this.#state.update({ live }));
    const letGo = this.#stream.hold();
    this.#state.update({ live: this.#stream.state.get().live });
    this.#release = () => {
      offEvent();
      offOpen();
      offLive();
      letGo();
    };
    await this.refresh();
  }

  /** Lets go of the live stream (what is held stays). */
  stop(): void {
    this.#release?.();
    this.#release = undefined;
    this.#state.update({ live: 'off' });
  }

  /** Asks for the person's conversations again (the store's list, unread counts and read marks). */
  async refresh(): Promise<readonly StaffConversation[]> {
    this.#state.update({ status: 'loading' });
    try {
      await this.#whoAmI();
      const asked = this.#changes;
      const answer = await this.#request<StaffConversationList>('GET', 'staff-conversations');
      const known = new Set(this.#state.get().conversations.map((c) => c.id));
      const conversations = this.#since(asked, answer.conversations);
      this.#setConversations(conversations);
      this.#state.update({ status: 'ready', error: null });
      for (const conversation of conversations) {
        if (!known.has(conversation.id)) this.emit('conversation', conversation);
      }
      return conversations;
    } catch (error) {
      const failure = asError(error);
      this.#state.update({ status: 'error', error: failure });
      throw failure;
    }
  }

  /**
   * Starts a conversation with colleagues (their Practitioner ids; 1 to 7), with a title (a group)
   * or about a patient (`Patient/{id}`, for a clinician or the practice admin). A one-to-one with
   * the same colleague and no patient answers the one there is. Rejects with a `FhirError`.
   */
  async startConversation(request: StaffConversationStart): Promise<StaffConversation> {
    const body: StaffConversationRequest = { ...request, id: request.id ?? newId() };
    const conversation = await this.#withRetries(() =>
      this.#request<StaffConversation>('POST', 'staff-conversations', body),
    );
    this.#upsert(conversation);
    return conversation;
  }

  /**
   * Loads a conversation's messages after the last one held (all of them the first time, page by
   * page), into `messages[conversation]`; resolves with what is held.
   */
  async load(conversation: string): Promise<readonly StaffMessage[]> {
    if (!this.#state.get().messages[conversation]) {
      this.#state.update({ messages: { ...this.#state.get().messages, [conversation]: [] } });
    }
    await this.#catchUp(conversation);
    return this.#state.get().messages[conversation] ?? [];
  }

  /** One page of a conversation's messages after `after`, as the server answers it (nothing is held). */
  async page(conversation: string, after = 0): Promise<StaffMessagePage> {
    return this.#request<StaffMessagePage>(
      'GET',
      `staff-conversations/${encodeURIComponent(conversation)}/messages?after=${after}`,
    );
  }

  /**
   * Posts `text` to `conversation`. The id is made here (or given) and kept across retries, so a
   * post the network lost is neither lost nor stored twice. Rejects with a `ConsultKitError`
   * (`chat-too-long`, `invalid-argument`) before sending anything when the text cannot be
   * posted, or the server's refusal as a `FhirError`.
   */
  async post(conversation: string, text: string, options: { id?: string } = {}): Promise<StaffMessage> {
    const problem = chatTextProblem(text);
    if (problem) {
      const failure = new ConsultKitError(
        problem.code === 'too-long' ? 'chat-too-long' : 'invalid-argument',
        problem.reason,
      );
      this.#state.update({ error: failure });
      throw failure;
    }
    const id = options.id ?? newId();
    return whileListed(this.#state, 'sending', id, asError, async () => {
      const message = await this.#withRetries(() =>
        this.#request<StaffMessage>('POST', `staff-conversations/${encodeURIComponent(conversation)}/messages`, {
          id,
          text,
        }),
      );
      this.#received(message);
      return message;
    });
  }

  /** Marks `conversation` read up to `upTo` (default: its last message). A mark never moves back. */
  async markRead(conversation: string, upTo?: number): Promise<StaffReadMark> {
    const held = this.#state.get().conversations.find((c) => c.id === conversation);
    const mark = await this.#request<StaffReadMark>(
      'PUT',
      `staff-conversations/${encodeURIComponent(conversation)}/read`,
      {
        upTo: upTo ?? held?.lastSeq ?? 0,
      },
    );
    this.#marked(mark);
    return mark;
  }

  async #whoAmI(): Promise<void> {
    if (this.#me !== undefined) return;
    const { person } = await this.#request<{ person: StaffPerson | null }>('GET', 'staff/me');
    if (!person) {
      throw new ConsultKitError(
        'invalid-argument',
        'Messages between staff need a named member of staff: sign in, or name the acting practitioner',
      );
    }
    this.#me = person.id;
  }

  /** After each (re)connection: the list again, then every held conversation after its last message. */
  async #caughtUp(): Promise<void> {
    try {
      await this.refresh();
      await Promise.all(Object.keys(this.#state.get().messages).map((id) => this.#catchUp(id)));
    } catch (error) {
      this.#state.update({ error: asError(error) });
    }
  }

  /** Fetches the messages of `conversation` after the last held, one catch-up at a time. */
  #catchUp(conversation: string): Promise<void> {
    const previous = this.#catchingUp.get(conversation) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        for (let pages = 0; pages < 1000; pages++) {
          const held = this.#state.get().messages[conversation] ?? [];
          const page = await this.page(conversation, held.at(-1)?.seq ?? 0);
          for (const message of page.messages) this.#received(message);
          if (!page.more || page.messages.length === 0) return;
        }
      });
    this.#catchingUp.set(conversation, next);
    void next
      .catch(() => undefined)
      .then(() => {
        if (this.#catchingUp.get(conversation) === next) this.#catchingUp.delete(conversation);
      });
    return next;
  }

  #event(type: string, data: string): void {
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      return;
    }
    if (type === STAFF_CHAT_EVENT.message) {
      const message = value as StaffMessage;
      const held = this.#state.get().messages[message.conversation];
      // A gap (a message told before one it follows, or lost while away): ask the store.
      if (held && message.seq > (held.at(-1)?.seq ?? 0) + 1) {
        void this.#catchUp(message.conversation).catch((error: unknown) =>
          this.#state.update({ error: asError(error) }),
        );
      }
      this.#received(message);
    } else if (type === STAFF_CHAT_EVENT.conversation) {
      const conversation = value as StaffConversation;
      const known = this.#state.get().conversations.some((c) => c.id === conversation.id);
      this.#upsert(conversation);
      if (!known) this.emit('conversation', conversation);
    } else if (type === STAFF_CHAT_EVENT.read) {
      this.#marked(value as StaffReadMark);
    }
  }

  /**
   * The server's list, asked for when `#changes` was `asked`, with what was told live or done here
   * since kept: the answer may have been made before a conversation was started, a message posted
   * or read, and arrive after the stream told it.
   */
  #since(asked: number, list: readonly StaffConversation[]): StaffConversation[] {
    const later = (id: string) => (this.#changedAt.get(id) ?? 0) > asked;
    const held = new Map(
      this.#state
        .get()
        .conversations.filter((c) => later(c.id))
        .map((c) => [c.id, c]),
    );
    const merged = list.map((c) => {
      const mine = held.get(c.id);
      held.delete(c.id);
      const newer = mine && (mine.lastSeq > c.lastSeq || (mine.lastSeq === c.lastSeq && mine.readUpTo >= c.readUpTo));
      return newer ? mine : c;
    });
    return [...merged, ...held.values()];
  }

  /** `conversation` changed by what was told live or done here (see `#since`). */
  #changed(conversation: string): void {
    this.#changedAt.set(conversation, ++this.#changes);
  }

  /** A conversation started here or told live: into the list (unread as the server said). */
  #upsert(conversation: StaffConversation): void {
    this.#changed(conversation.id);
    const others = this.#state.get().conversations.filter((c) => c.id !== conversation.id);
    const known = this.#state.get().conversations.find((c) => c.id === conversation.id);
    // What the list already knows of later messages is kept.
    const merged = known && known.lastSeq > conversation.lastSeq ? known : conversation;
    this.#setConversations([merged, ...others]);
  }

  /** A message from the server (an answer, the stream or a page): held once, in order. */
  #received(message: StaffMessage): void {
    const state = this.#state.get();
    let fresh = false;
    const held = state.messages[message.conversation];
    let messages = state.messages;
    if (held) {
      if (!held.some((m) => m.id === message.id)) {
        fresh = true;
        messages = {
          ...messages,
          [message.conversation]: [...held, message].sort((a, b) => a.seq - b.seq),
        };
      }
    }
    const conversation = state.conversations.find((c) => c.id === message.conversation);
    let conversations = state.conversations;
    if (conversation && message.seq > conversation.lastSeq) {
      fresh = true;
      this.#changed(conversation.id);
      const mine = message.author.practitioner === this.#me;
      const unread = mine || message.seq <= conversation.readUpTo ? conversation.unread : conversation.unread + 1;
      conversations = [
        { ...conversation, lastSeq: message.seq, last: message, unread },
        ...conversations.filter((c) => c !== conversation),
      ].sort(byRecent);
    }
    if (!conversation && !held && state.status !== 'loading') {
      // A message of a conversation this list has not heard of (its start was missed): ask again.
      void this.refresh().catch(() => undefined);
    }
    if (!fresh) return;
    this.#state.update({ messages, conversations, unread: total(conversations) });
    this.emit('message', message);
    if (conversation) this.#unreadChanged(conversation.id, conversation.unread);
  }

  #marked(mark: StaffReadMark): void {
    const state = this.#state.get();
    const conversation = state.conversations.find((c) => c.id === mark.conversation);
    if (!conversation || mark.upTo < conversation.readUpTo) return;
    const before = conversation.unread;
    this.#changed(conversation.id);
    const conversations = state.conversations.map((c) =>
      c.id === mark.conversation ? { ...c, readUpTo: mark.upTo, unread: mark.unread } : c,
    );
    this.#state.update({ conversations, unread: total(conversations) });
    this.#unreadChanged(mark.conversation, before);
  }

  #setConversations(conversations: readonly StaffConversation[]): void {
    const before = new Map(this.#state.get().conversations.map((c) => [c.id, c.unread]));
    const sorted = [...conversations].sort(byRecent);
    this.#state.update({ conversations: sorted, unread: total(sorted) });
    for (const c of sorted) if ((before.get(c.id) ?? 0) !== c.unread) this.#unreadChanged(c.id, before.get(c.id) ?? 0);
  }

  /** Emits `unread` when the count of `conversation` is no longer `before`. */
  #unreadChanged(conversation: string, before: number): void {
    const state = this.#state.get();
    const unread = state.conversations.find((c) => c.id === conversation)?.unread ?? 0;
    if (unread !== before) this.emit('unread', { conversation, unread, total: state.unread });
  }

  async #withRetries<T>(attempt: () => Promise<T>): Promise<T> {
    for (let tries = 0; ; tries++) {
      try {
        return await attempt();
      } catch (error) {
        const retryable = error instanceof FhirError && [0, 502, 503, 504].includes(error.status);
        if (!retryable || tries >= this.#retries) throw error;
        await new Promise((resolve) => setTimeout(resolve, this.#retryDelayMs * 2 ** tries));
      }
    }
  }

  async #request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const { resource } = await this.#client.request<T>(
      method,
      new URL(`../api/${path}`, `${this.#client.baseUrl}/`).href,
      body === undefined
        ? { headers: { accept: 'application/json' } }
        : { body, headers: { accept: 'application/json', 'content-type': 'application/json' } },
    );
    return resource;
  }
}

function total(conversations: readonly StaffConversation[]): number {
  return conversations.reduce((sum, c) => sum + c.unread, 0);
}

function newId(): string {
  return crypto.randomUUID();
}

function asError(error: unknown): ConsultKitError {
  if (error instanceof ConsultKitError) return error;
  return new FhirError(0, undefined, String(error), { cause: error });
}
