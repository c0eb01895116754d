/**
 * Messages between staff (docs/staff.md, "Messages"): one-to-one and small-group conversations,
 * stored on the server, optionally about a patient. The wire types the server and core share.
 *
 * Every route is for named staff only (a staff session, or the staff key with
 * `ConsultKit-Acting-Practitioner`); a person sees only the conversations they are a member of.
 *
 * - `GET  /api/staff-conversations`: the acting person's conversations, most recent first
 *   ({@link StaffConversationList}).
 * - `POST /api/staff-conversations` ({@link StaffConversationRequest}): start one. Asking again
 *   with the same `id` answers the one made (200, not 201); a one-to-one conversation with the
 *   same colleague and no patient that already exists is answered instead of a second.
 * - `GET  /api/staff-conversations/{id}/messages?after={seq}`: the messages after a sequence
 *   number, a page at a time ({@link StaffMessagePage}); `after=0` from the start.
 * - `POST /api/staff-conversations/{id}/messages` ({@link StaffMessageRequest}): post one. The
 *   same `id` posted again is not stored twice: the stored message is answered (200, not 201).
 * - `PUT  /api/staff-conversations/{id}/read` ({@link StaffReadRequest}): the acting person has
 *   read up to `upTo`.
 *
 * Live delivery goes on the staff live stream (`GET /api/presence/events`) as the events in
 * {@link STAFF_CHAT_EVENT}. The stream only tells; the server's store is the truth: a client that
 * reconnects asks each conversation for the messages after the last sequence number it holds, and
 * drops any message whose `id` it already has, so nothing is lost and nothing shows twice.
 *
 * Same rules as in-call chat (`./chat.ts`): ids are UUIDs (`CHAT_ID`), text is checked with
 * `chatTextProblem` (at most {@link STAFF_CHAT_TEXT_MAX} UTF-16 code units) and is shown as text,
 * never as markup, with `CHAT_LINK` links only.
 */
import { CHAT_TEXT_MAX } from './chat.js';
import type { StaffRole } from './staff.js';

/** The longest message, as in-call chat. */
export const STAFF_CHAT_TEXT_MAX = CHAT_TEXT_MAX;

/** The most people in one conversation, the person starting it included ("small group"). */
export const STAFF_CHAT_MEMBERS_MAX = 8;

/** The longest conversation title (UTF-16 code units). */
export const STAFF_CHAT_TITLE_MAX = 80;

/** At most this many messages in one {@link StaffMessagePage}; `more` says whether others follow. */
export const STAFF_CHAT_PAGE = 200;

/** Events on the staff live stream (`text/event-stream`); each `data` is JSON. */
export const STAFF_CHAT_EVENT = {
  /** A {@link StaffMessage}, to every member (its author's other devices too). */
  message: 'staff-message',
  /** A {@link StaffConversation} as the receiving member sees it: one they were just added to. */
  conversation: 'staff-conversation',
  /** A {@link StaffReadMark}, to the reader's own connections (their other devices). */
  read: 'staff-read',
} as const;

/** A member of a conversation. */
export interface StaffChatMember {
  /** Their FHIR `Practitioner` id. */
  practitioner: string;
  name: string;
}

/**
 * The patient a conversation is about. Only staff allowed to see the patient (a clinician or the
 * practice admin, as for recordings and documents) are given it; for others the conversation
 * carries `patientHidden: true` instead, and no name, id or reference.
 */
export interface StaffChatPatient {
  /** `Patient/{id}`. */
  reference: string;
  /** The patient's name, as the practice holds it. */
  name?: string;
}

/** A conversation, as one member sees it. */
export interface StaffConversation {
  /** The id the person who started it made (a UUID). */
  id: string;
  /** Everyone in it, its starter included. */
  members: StaffChatMember[];
  /** A title for a group; absent for one-to-one (show the other person's name). */
  title?: string;
  patient?: StaffChatPatient;
  /** True when it is about a patient this member may not see. */
  patientHidden?: boolean;
  /** When it started (ISO 8601). */
  createdAt: string;
  /** The last message's sequence number; 0 when there is none. */
  lastSeq: number;
  /** The last message, for a list; absent when there is none. */
  last?: StaffMessage;
  /** Messages from others after this member's read mark. */
  unread: number;
  /** This member's read mark (a sequence number). */
  readUpTo: number;
}

/** The answer to `GET /api/staff-conversations`. */
export interface StaffConversationList {
  conversations: StaffConversation[];
}

/** The body of `POST /api/staff-conversations`. */
export interface StaffConversationRequest {
  /** A UUID the client makes: the idempotency key and the conversation's id. */
  id: string;
  /** The colleagues' `Practitioner` ids (the acting person is added; 1 to 7 others). */
  members: string[];
  /** A title (groups only). */
  title?: string;
  /** `Patient/{id}`: what the conversation is about. Only staff who may see the patient may set it. */
  patient?: string;
}

/** One stored message. */
export interface StaffMessage {
  /** The id its author's client made (a UUID). */
  id: string;
  /** The conversation's id. */
  conversation: string;
  /** Its place in the conversation: 1, 2, 3, … with no gaps. */
  seq: number;
  author: StaffChatMember;
  /** Exactly as typed: show as text, never as markup. */
  text: string;
  /** When the server stored it (ISO 8601). */
  sentAt: string;
}

/** The body of `POST /api/staff-conversations/{id}/messages`. */
export interface StaffMessageRequest {
  /** A UUID the client makes: the idempotency key. */
  id: string;
  text: string;
}

/** The answer to `GET /api/staff-conversations/{id}/messages`. */
export interface StaffMessagePage {
  messages: StaffMessage[];
  /** Whether messages after the last one here follow (ask again with its `seq`). */
  more: boolean;
}

/** The body of `PUT /api/staff-conversations/{id}/read`. */
export interface StaffReadRequest {
  /** The highest sequence number read. A mark never moves back. */
  upTo: number;
}

/** A member's read mark moved (sent to the reader's own connections). */
export interface StaffReadMark {
  conversation: string;
  upTo: number;
  /** The conversation's unread count for this member after the move. */
  unread: number;
}

/**
 * `GET /api/staff/people?name={text}&count={n}`: everyone who may be messaged (named staff only,
 * as the routes above): people with a staff account (their roles from sign-in) or an active role
 * in the directory, so reception and the practice manager too, who have no `PractitionerRole`.
 * `name` matches part of the name, any case, as the directory's search; `count` is 1 to
 * {@link STAFF_PEOPLE_MAX} (default {@link STAFF_PEOPLE_DEFAULT}); the acting person is left out.
 */
export interface StaffPeopleList {
  people: StaffPeopleEntry[];
  /** Whether more people match than were given: narrow the name. */
  more: boolean;
}

/** One person who may be messaged. */
export interface StaffPeopleEntry {
  /** Their FHIR `Practitioner` id: what `StaffConversationRequest.members` takes. */
  practitioner: string;
  name: string;
  /** Their ConsultKit roles (`receptionist`, `clinician`, `practice-admin`), from sign-in or the directory. */
  roles: StaffRole[];
  /** Their job as the directory words it ("GP", "Practice nurse"); absent for someone not in it. */
  job?: string;
}

/** The most people one answer of `GET /api/staff/people` gives. */
export const STAFF_PEOPLE_MAX = 50;
/** How many people `GET /api/staff/people` gives when `count` is not set. */
export const STAFF_PEOPLE_DEFAULT = 20;
