/**
 * In-call chat on the signalling socket (docs/decisions/0024-chat.md): the messages a page and the
 * server exchange, and the rules both sides check.
 *
 * A page posts `CK-CHAT` with an id it made (a UUID: the idempotency key). The server checks that
 * the page's participant is in the call (a clinician, or admitted), stores the message with the
 * consultation under the next sequence number of that consultation, and sends it as
 * `CK-CHAT-MESSAGE` to every participant in the call, the author included (that is the author's
 * "sent"). The same id posted again is not stored twice: the stored message is sent back.
 *
 * A page asks for what it missed with `CK-CHAT-SYNC { after }` (on joining, on every reconnection,
 * and when it sees a gap in the sequence), and is answered `CK-CHAT-HISTORY`, a page at a time.
 * It tells what it has received and read with `CK-CHAT-RECEIVED` / `CK-CHAT-READ { upTo }`; the
 * server keeps the highest of each per participant and sends `CK-CHAT-MARKS` to everyone in the
 * call. What the server refuses is answered `CK-CHAT-REFUSED` with the post's id when it had one.
 */

/** The longest message: this many UTF-16 code units (as an HTML `maxlength` counts). */
export const CHAT_TEXT_MAX = 4000;

/** Page → server: post a message. */
export const CHAT = 'CK-CHAT';
/** Page → server: send me the messages after `after` (a sequence number; 0 for all). */
export const CHAT_SYNC = 'CK-CHAT-SYNC';
/** Page → server: I have received every message up to `upTo`. */
export const CHAT_RECEIVED = 'CK-CHAT-RECEIVED';
/** Page → server: I have read every message up to `upTo`. */
export const CHAT_READ = 'CK-CHAT-READ';

/** Server → pages in the call: a stored message (to its author too). */
export const CHAT_MESSAGE = 'CK-CHAT-MESSAGE';
/** Server → page: the answer to `CK-CHAT-SYNC`. */
export const CHAT_HISTORY = 'CK-CHAT-HISTORY';
/** Server → pages in the call: a participant's received and read marks moved. */
export const CHAT_MARKS = 'CK-CHAT-MARKS';
/** Server → page: a chat command was refused. */
export const CHAT_REFUSED = 'CK-CHAT-REFUSED';

/** The chat commands a page sends, handled by the server's chat and never relayed. */
export const CHAT_COMMAND_TYPES: readonly string[] = [CHAT, CHAT_SYNC, CHAT_RECEIVED, CHAT_READ];

/** At most this many messages in one `CK-CHAT-HISTORY`; `more` says whether others follow. */
export const CHAT_HISTORY_PAGE = 200;

/** One stored message, as every participant and the record see it. */
export interface ChatMessage {
  /** The id its author's page made (a UUID). */
  id: string;
  /** Its place in the consultation's chat: 1, 2, 3, … with no gaps. */
  seq: number;
  /** The author's peer id. */
  author: string;
  /** The author's name as the roster showed it. */
  name: string;
  /** The author's role: patient, clinician or guest. */
  role: 'patient' | 'clinician' | 'guest';
  /** For a guest, what they are there as (interpreter, carer, …). */
  kind?: string;
  /** The text, exactly as typed: show it as text, never as markup. */
  text: string;
  /** When the server stored it (ISO 8601, UTC). */
  sentAt: string;
}

/** How far one participant has received and read (sequence numbers; 0: nothing yet). */
export interface ChatMarks {
  peerId: string;
  received: number;
  read: number;
}

export type ChatCommand =
  | { type: typeof CHAT; payload: { id: string; text: string } }
  | { type: typeof CHAT_SYNC; payload: { after: number } }
  | { type: typeof CHAT_RECEIVED | typeof CHAT_READ; payload: { upTo: number } };

export interface ChatMessageMessage {
  type: typeof CHAT_MESSAGE;
  payload: ChatMessage;
}

export interface ChatHistoryMessage {
  type: typeof CHAT_HISTORY;
  payload: {
    /** The `after` asked for. */
    after: number;
    /** In sequence order, at most {@link CHAT_HISTORY_PAGE}. */
    messages: ChatMessage[];
    /** Whether messages after the last of these exist: ask again after it. */
    more: boolean;
    /** Every participant's marks. */
    marks: ChatMarks[];
  };
}

export interface ChatMarksMessage {
  type: typeof CHAT_MARKS;
  payload: ChatMarks;
}

/** Why the server refused a chat command. */
export type ChatRefusal = 'not-in-call' | 'invalid' | 'too-long' | 'too-many' | 'failed';

export interface ChatRefusedMessage {
  type: typeof CHAT_REFUSED;
  payload: {
    /** The post's id, when the command was a `CK-CHAT` with a usable id. */
    id?: string;
    code: ChatRefusal;
    reason: string;
  };
}

/** A message id: a UUID as `crypto.randomUUID()` makes it (lower case). */
export const CHAT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Why `text` cannot be posted, or null when it can: empty or blank, longer than
 * {@link CHAT_TEXT_MAX}, a NUL character, or a lone surrogate (not text).
 */
export function chatTextProblem(text: unknown): { code: 'invalid' | 'too-long'; reason: string } | null {
  if (typeof text !== 'string') return { code: 'invalid', reason: 'text: expected a string' };
  if (text.trim() === '') return { code: 'invalid', reason: 'text: empty' };
  if (text.length > CHAT_TEXT_MAX)
    return { code: 'too-long', reason: `text: longer than ${CHAT_TEXT_MAX} characters (${text.length})` };
  // eslint-disable-next-line no-control-regex
  if (/\u0000/.test(text)) return { code: 'invalid', reason: 'text: contains a NUL character' };
  if (/\p{Cs}/u.test(text)) return { code: 'invalid', reason: 'text: contains a lone surrogate' };
  return null;
}

/** A link in a message's text: only http and https, as a whole word. */
export const CHAT_LINK = /\bhttps?:\/\/[^\s<>"']+/gi;
