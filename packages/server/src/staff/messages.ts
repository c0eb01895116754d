/**
 * Messages between staff (docs/staff.md, "Messages"; docs/decisions/0044-staff-messages.md; the
 * wire in `@consultkit/core/contract`'s `staff-chat.ts`): conversations of two to eight members of
 * staff, optionally about a patient, stored here; the staff live stream only tells.
 *
 * A person sees only the conversations they are a member of: any other id is "not found", whether
 * it exists or not. A message is stored under its conversation's next sequence number (the
 * conversation row's lock orders them, `storage/numbered.ts`, as in-call chat), once per id its
 * author's client made; then every member's connections are told, on every instance (presence's
 * `notify` rides the bus). The patient a conversation is about is shown only to members who may see
 * a patient's clinical content (`PATIENT_CONTENT_ROLES`); others are told `patientHidden`.
 */
import {
  CHAT_ID,
  chatTextProblem,
  STAFF_CHAT_EVENT,
  STAFF_CHAT_MEMBERS_MAX,
  STAFF_CHAT_PAGE,
  STAFF_CHAT_TITLE_MAX,
  type StaffChatMember,
  type StaffConversation,
  type StaffConversationList,
  type StaffMessage,
  type StaffMessagePage,
  type StaffPeopleList,
  type StaffPerson,
  type StaffReadMark,
  type StaffRole,
} from '@consultkit/core/contract';
import type { HumanNameJson } from '../booking/repository.js';
import { PATIENT_CONTENT_ROLES } from '../consultation-access.js';
import { HttpError } from '../errors.js';
import { patientName } from '../plugins/directory.js';
import { appendNumbered, isSeq } from '../storage/numbered.js';
import type { SqlExecutor, Storage } from '../storage/index.js';
import type { StaffAccounts } from './accounts.js';
import { searchPeople } from './people.js';
import { displayName, type Directory } from './directory.js';
import type { PresenceService } from './presence.js';

/** The most conversations the list answers (most recent first). */
export const STAFF_CONVERSATION_LIST_MAX = 200;

export interface StaffMessagesOptions {
  storage: Storage;
  directory: Pick<Directory, 'person'>;
  accounts: Pick<StaffAccounts, 'person'>;
  presence: Pick<PresenceService, 'notify'>;
  now: () => number;
  log: { error(object: object, message: string): void };
}

/** Who is looking: their practitioner id and roles (which decide whether they see the patient). */
interface Viewer {
  id: number;
  roles: readonly StaffRole[];
}

interface ConversationRow {
  id: string;
  created_by: number;
  title: string | null;
  patient_id: number | null;
  created_at: Date | string;
  last_seq: number;
  read_up_to: number;
  unread: number;
}

interface MessageRow {
  conversation: string;
  seq: number;
  id: string;
  author: number;
  author_name: HumanNameJson;
  body: string;
  sent_at: Date | string;
}

const MESSAGE_SELECT = `SELECT x.conversation, x.seq, x.id, x.author, p.name AS author_name, x.body, x.sent_at
  FROM staff_message x JOIN practitioner p ON p.id = x.author`;

function toMessage(row: MessageRow): StaffMessage {
  return {
    id: String(row.id),
    conversation: String(row.conversation),
    seq: Number(row.seq),
    author: { practitioner: String(row.author), name: displayName(row.author_name) },
    text: row.body,
    sentAt: new Date(row.sent_at).toISOString(),
  };
}

/** Whether staff with these roles may see the patient a conversation is about. */
const maySeePatient = (roles: readonly StaffRole[]) => roles.some((role) => PATIENT_CONTENT_ROLES.includes(role));

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A JSON body with exactly the keys allowed (and those required). */
function body(value: unknown, shape: string, allowed: string[], required: string[]): Record<string, unknown> {
  if (!isObject(value) || Object.keys(value).some((k) => !allowed.includes(k))) {
    throw new HttpError(400, 'structure', `Expected a JSON body ${shape}`);
  }
  for (const key of required) {
    if (!(key in value)) throw new HttpError(400, 'required', `${key}: required (${shape})`);
  }
  return value;
}

/** A conversation or message id: a UUID in lower case, as `CHAT_ID`. */
export function conversationId(raw: string): string {
  if (!CHAT_ID.test(raw)) {
    throw new HttpError(400, 'value', `Not a conversation id: "${raw.slice(0, 40)}" (expected a UUID in lower case)`);
  }
  return raw;
}

const notYours = (id: string) => new HttpError(404, 'not-found', `No conversation ${id} of yours`);

export class StaffMessages {
  constructor(private readonly options: StaffMessagesOptions) {}

  /** Everyone the person may message whose name contains `query.name` (`./people.ts`). */
  async people(me: StaffPerson, query: { name?: string; count: number }): Promise<StaffPeopleList> {
    return searchPeople(this.options.storage, me, query);
  }

  /** The person's conversations, most recent first. */
  async list(me: StaffPerson): Promise<StaffConversationList> {
    return { conversations: await this.#views(viewerOf(me)) };
  }

  /** Starts a conversation (or answers the one this id, or this one-to-one, already is). */
  async start(me: StaffPerson, raw: unknown): Promise<{ created: boolean; conversation: StaffConversation }> {
    const shape = '{ "id": "<uuid>", "members": ["<Practitioner id>", …], "title"?: "…", "patient"?: "Patient/<id>" }';
    const request = body(raw, shape, ['id', 'members', 'title', 'patient'], ['id', 'members']);
    if (typeof request['id'] !== 'string' || !CHAT_ID.test(request['id'])) {
      throw new HttpError(400, 'value', 'id: expected a UUID in lower case (the client makes it)');
    }
    const id = request['id'];
    const viewer = viewerOf(me);
    const members = this.#parseMembers(request['members'], viewer.id);
    const title = this.#parseTitle(request['title'], members.length);
    const patient = await this.#parsePatient(request['patient'], viewer);
    const pair =
      members.length === 1 && patient === undefined ? [viewer.id, members[0]!].sort((a, b) => a - b).join(':') : null;
    const everyone = [viewer.id, ...members];
    const known = await this.options.storage.query<{ id: number }>(
      `SELECT p.id FROM practitioner p WHERE p.id = ANY($1::int[]) AND p.active
          AND (EXISTS (SELECT 1 FROM staff_member m WHERE m.practitioner_id = p.id)
            OR EXISTS (SELECT 1 FROM practitioner_role r WHERE r.practitioner_id = p.id AND r.active))`,
      [members],
    );
    const missing = members.filter((m) => !known.some((row) => row.id === m));
    if (missing.length > 0) {
      throw new HttpError(
        400,
        'value',
        `members: Practitioner/${missing[0]} is not a member of staff in the directory`,
      );
    }
    const now = new Date(this.options.now());
    const outcome = await this.options.storage.transaction(async (tx) => {
      const existing = async (): Promise<{ id: string; created: false } | undefined> => {
        const [byId] = await tx.query<{ id: string; title: string | null; patient_id: number | null; ids: number[] }>(
          `SELECT c.id, c.title, c.patient_id,
                  ARRAY(SELECT practitioner_id FROM staff_conversation_member WHERE conversation = c.id ORDER BY 1) AS ids
             FROM staff_conversation c WHERE c.id = $1`,
          [id],
        );
        if (byId) {
          const same =
            byId.title === (title ?? null) &&
            byId.patient_id === (patient ?? null) &&
            byId.ids.map(Number).join() === [...everyone].sort((a, b) => a - b).join();
          if (!same) throw new HttpError(409, 'conflict', `id: ${id} is already the id of another conversation`);
          return { id, created: false };
        }
        if (pair === null) return undefined;
        const [byPair] = await tx.query<{ id: string }>('SELECT id FROM staff_conversation WHERE pair = $1', [pair]);
        return byPair ? { id: String(byPair.id), created: false } : undefined;
      };
      const found = await existing();
      if (found) return found;
      const made = await tx.query<{ id: string }>(
        `INSERT INTO staff_conversation (id, created_by, title, patient_id, created_at, last_seq, last_at, pair)
         VALUES ($1, $2, $3, $4, $5, 0, $5, $6) ON CONFLICT DO NOTHING RETURNING id`,
        [id, viewer.id, title ?? null, patient ?? null, now, pair],
      );
      if (made.length === 0) {
        // Another start of the same id or pair committed first: answer that one.
        const raced = await existing();
        if (raced) return raced;
        throw new HttpError(409, 'conflict', `id: ${id} is already the id of another conversation`);
      }
      for (const member of everyone) {
        await tx.query(
          'INSERT INTO staff_conversation_member (conversation, practitioner_id, read_up_to, joined_at) VALUES ($1, $2, 0, $3)',
          [id, member, now],
        );
      }
      return { id, created: true };
    });
    const [conversation] = await this.#views(viewer, [outcome.id]);
    if (!conversation) throw notYours(outcome.id);
    if (outcome.created) {
      for (const member of everyone) {
        const as = member === viewer.id ? conversation : (await this.#views(await this.#viewer(member), [id]))[0];
        if (as) await this.#notify(member, STAFF_CHAT_EVENT.conversation, as);
      }
    }
    return { created: outcome.created, conversation };
  }

  /** The messages of a conversation of the person's after `after`, a page at a time. */
  async messages(me: StaffPerson, conversation: string, after: number): Promise<StaffMessagePage> {
    await this.#member(this.options.storage, conversation, Number(me.id));
    const rows = await this.options.storage.query<MessageRow>(
      `${MESSAGE_SELECT} WHERE x.conversation = $1 AND x.seq > $2 ORDER BY x.seq LIMIT $3`,
      [conversation, after, STAFF_CHAT_PAGE + 1],
    );
    return { messages: rows.slice(0, STAFF_CHAT_PAGE).map(toMessage), more: rows.length > STAFF_CHAT_PAGE };
  }

  /** Posts a message (or answers the one this id already is). */
  async post(
    me: StaffPerson,
    conversation: string,
    raw: unknown,
  ): Promise<{ created: boolean; message: StaffMessage }> {
    const request = body(raw, '{ "id": "<uuid>", "text": "…" }', ['id', 'text'], ['id', 'text']);
    if (typeof request['id'] !== 'string' || !CHAT_ID.test(request['id'])) {
      throw new HttpError(400, 'value', 'id: expected a UUID in lower case (the client makes it)');
    }
    const id = request['id'];
    const problem = chatTextProblem(request['text']);
    if (problem) throw new HttpError(400, problem.code === 'too-long' ? 'too-long' : 'value', problem.reason);
    const text = request['text'] as string;
    const author = Number(me.id);
    const { item, created } = await appendNumbered<StaffMessage>(this.options.storage, {
      lock: async (tx) => {
        await this.#member(tx, conversation, author);
        await tx.query('SELECT last_seq FROM staff_conversation WHERE id = $1 FOR UPDATE', [conversation]);
      },
      find: async (tx) => {
        const [row] = await tx.query<MessageRow>(`${MESSAGE_SELECT} WHERE x.conversation = $1 AND x.id = $2`, [
          conversation,
          id,
        ]);
        return row ? toMessage(row) : undefined;
      },
      next: async (tx) => {
        const [row] = await tx.query<{ last_seq: number }>(
          'UPDATE staff_conversation SET last_seq = last_seq + 1, last_at = $2 WHERE id = $1 RETURNING last_seq',
          [conversation, new Date(this.options.now())],
        );
        return Number(row!.last_seq);
      },
      insert: async (tx, seq) => {
        await tx.query(
          'INSERT INTO staff_message (conversation, seq, id, author, body, sent_at) VALUES ($1, $2, $3, $4, $5, $6)',
          [conversation, seq, id, author, text, new Date(this.options.now())],
        );
        const [row] = await tx.query<MessageRow>(`${MESSAGE_SELECT} WHERE x.conversation = $1 AND x.seq = $2`, [
          conversation,
          seq,
        ]);
        return toMessage(row!);
      },
    });
    if (!created) {
      if (item.author.practitioner !== me.id || item.text !== text) {
        throw new HttpError(409, 'conflict', `id: ${id} is already the id of another message`);
      }
      return { created, message: item };
    }
    for (const member of await this.#members(conversation)) {
      await this.#notify(member, STAFF_CHAT_EVENT.message, item);
    }
    return { created, message: item };
  }

  /** Moves the person's read mark forward (never back, never past the last message). */
  async read(me: StaffPerson, conversation: string, raw: unknown): Promise<StaffReadMark> {
    const request = body(raw, '{ "upTo": <sequence number> }', ['upTo'], ['upTo']);
    if (!isSeq(request['upTo'])) throw new HttpError(400, 'value', 'upTo: expected a whole number from 0');
    const reader = Number(me.id);
    await this.#member(this.options.storage, conversation, reader);
    const [row] = await this.options.storage.query<{ read_up_to: number; moved: boolean }>(
      `WITH before AS (
         SELECT read_up_to FROM staff_conversation_member WHERE conversation = $1 AND practitioner_id = $2
       )
       UPDATE staff_conversation_member m
          SET read_up_to = GREATEST(m.read_up_to, LEAST($3::int, c.last_seq))
         FROM staff_conversation c, before
        WHERE c.id = m.conversation AND m.conversation = $1 AND m.practitioner_id = $2
        RETURNING m.read_up_to, m.read_up_to <> before.read_up_to AS moved`,
      [conversation, reader, request['upTo']],
    );
    const mark: StaffReadMark = {
      conversation,
      upTo: Number(row!.read_up_to),
      unread: await this.#unread(conversation, reader, Number(row!.read_up_to)),
    };
    if (row!.moved) await this.#notify(reader, STAFF_CHAT_EVENT.read, mark);
    return mark;
  }

  async #unread(conversation: string, member: number, upTo: number): Promise<number> {
    const [row] = await this.options.storage.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM staff_message WHERE conversation = $1 AND seq > $2 AND author <> $3',
      [conversation, upTo, member],
    );
    return Number(row?.n ?? 0);
  }

  /** Refuses (404) a person who is not a member, as if the conversation did not exist. */
  async #member(db: SqlExecutor, conversation: string, person: number): Promise<void> {
    const rows = await db.query(
      'SELECT 1 FROM staff_conversation_member WHERE conversation = $1 AND practitioner_id = $2',
      [conversation, person],
    );
    if (rows.length === 0) throw notYours(conversation);
  }

  async #members(conversation: string): Promise<number[]> {
    const rows = await this.options.storage.query<{ id: number }>(
      'SELECT practitioner_id AS id FROM staff_conversation_member WHERE conversation = $1 ORDER BY joined_at, 1',
      [conversation],
    );
    return rows.map((row) => Number(row.id));
  }

  /** A member as a viewer: their stored staff roles, else their roles in the directory. */
  async #viewer(id: number): Promise<Viewer> {
    const person = (await this.options.accounts.person(id)) ?? (await this.options.directory.person(id));
    return { id, roles: person?.roles ?? [] };
  }

  async #notify(person: number, event: string, data: unknown): Promise<void> {
    // The store is the truth: a tell that fails is caught up by the client's next fetch.
    await this.options.presence
      .notify(person, event, data)
      .catch((error: unknown) => this.options.log.error({ err: error, person, event }, 'telling a member failed'));
  }

  /** The viewer's conversations (all, most recent first, or those of `ids`), as they see them. */
  async #views(viewer: Viewer, ids?: string[]): Promise<StaffConversation[]> {
    const db = this.options.storage;
    const rows = await db.query<ConversationRow>(
      `SELECT c.id, c.created_by, c.title, c.patient_id, c.created_at, c.last_seq, m.read_up_to,
              (SELECT count(*)::int FROM staff_message x
                WHERE x.conversation = c.id AND x.seq > m.read_up_to AND x.author <> $1) AS unread
         FROM staff_conversation c
         JOIN staff_conversation_member m ON m.conversation = c.id AND m.practitioner_id = $1
        WHERE ($2::uuid[] IS NULL OR c.id = ANY($2::uuid[]))
        ORDER BY c.last_at DESC, c.id
        LIMIT $3`,
      [viewer.id, ids ?? null, STAFF_CONVERSATION_LIST_MAX],
    );
    if (rows.length === 0) return [];
    const conversationIds = rows.map((row) => String(row.id));
    const memberRows = await db.query<{ conversation: string; id: number; name: HumanNameJson }>(
      `SELECT m.conversation, m.practitioner_id AS id, p.name FROM staff_conversation_member m
         JOIN practitioner p ON p.id = m.practitioner_id
        WHERE m.conversation = ANY($1::uuid[]) ORDER BY m.joined_at, m.practitioner_id`,
      [conversationIds],
    );
    const lastRows = await db.query<MessageRow>(
      `${MESSAGE_SELECT} JOIN staff_conversation c ON c.id = x.conversation AND x.seq = c.last_seq
        WHERE x.conversation = ANY($1::uuid[])`,
      [conversationIds],
    );
    const seesPatient = maySeePatient(viewer.roles);
    const patientIds = seesPatient ? [...new Set(rows.flatMap((row) => (row.patient_id ? [row.patient_id] : [])))] : [];
    const patientRows =
      patientIds.length === 0
        ? []
        : await db.query<{ id: number; name: unknown }>('SELECT id, name FROM patient WHERE id = ANY($1::int[])', [
            patientIds,
          ]);
    return rows.map((row): StaffConversation => {
      const id = String(row.id);
      const members: StaffChatMember[] = memberRows
        .filter((m) => String(m.conversation) === id)
        .map((m) => ({ practitioner: String(m.id), name: displayName(m.name) }));
      const last = lastRows.find((m) => String(m.conversation) === id);
      let about: Pick<StaffConversation, 'patient' | 'patientHidden'> = {};
      if (row.patient_id !== null) {
        if (seesPatient) {
          const name = patientName(patientRows.find((p) => p.id === row.patient_id)?.name);
          about = { patient: { reference: `Patient/${row.patient_id}`, ...(name ? { name } : {}) } };
        } else {
          about = { patientHidden: true };
        }
      }
      return {
        id,
        members,
        ...(row.title !== null ? { title: row.title } : {}),
        ...about,
        createdAt: new Date(row.created_at).toISOString(),
        lastSeq: Number(row.last_seq),
        ...(last ? { last: toMessage(last) } : {}),
        unread: Number(row.unread),
        readUpTo: Number(row.read_up_to),
      };
    });
  }

  #parseMembers(raw: unknown, me: number): number[] {
    if (!Array.isArray(raw) || raw.length > STAFF_CHAT_MEMBERS_MAX) {
      throw new HttpError(
        400,
        'value',
        `members: expected a list of 1 to ${STAFF_CHAT_MEMBERS_MAX - 1} colleagues' Practitioner ids ("12")`,
      );
    }
    const ids: number[] = [];
    for (const value of raw) {
      const id = typeof value === 'string' ? /^(?:Practitioner\/)?(\d{1,9})$/.exec(value)?.[1] : undefined;
      if (!id) throw new HttpError(400, 'value', 'members: each is a Practitioner id ("12" or "Practitioner/12")');
      if (ids.includes(Number(id))) throw new HttpError(400, 'value', `members: Practitioner/${id} is named twice`);
      ids.push(Number(id));
    }
    const others = ids.filter((id) => id !== me);
    if (others.length === 0)
      throw new HttpError(400, 'value', 'members: name at least one colleague (you are added yourself)');
    if (others.length > STAFF_CHAT_MEMBERS_MAX - 1) {
      throw new HttpError(
        400,
        'value',
        `members: at most ${STAFF_CHAT_MEMBERS_MAX - 1} colleagues in one conversation`,
      );
    }
    return others;
  }

  #parseTitle(raw: unknown, others: number): string | undefined {
    if (raw === undefined) return undefined;
    if (others < 2) throw new HttpError(400, 'value', 'title: only a group (two colleagues or more) has a title');
    if (
      typeof raw !== 'string' ||
      raw.trim() === '' ||
      raw.length > STAFF_CHAT_TITLE_MAX ||
      /[\p{Cc}\p{Cs}]/u.test(raw)
    ) {
      throw new HttpError(400, 'value', `title: up to ${STAFF_CHAT_TITLE_MAX} characters of text on one line`);
    }
    return raw.trim();
  }

  async #parsePatient(raw: unknown, viewer: Viewer): Promise<number | undefined> {
    if (raw === undefined) return undefined;
    const id = typeof raw === 'string' ? /^Patient\/(\d{1,9})$/.exec(raw)?.[1] : undefined;
    if (!id) throw new HttpError(400, 'value', 'patient: expected a reference "Patient/<id>"');
    if (!maySeePatient(viewer.roles)) {
      throw new HttpError(
        403,
        'forbidden',
        `patient: only a ${PATIENT_CONTENT_ROLES.join(' or ')} may start a conversation about a patient`,
      );
    }
    const rows = await this.options.storage.query('SELECT 1 FROM patient WHERE id = $1', [Number(id)]);
    if (rows.length === 0) throw new HttpError(400, 'value', `patient: Patient/${id} does not exist`);
    return Number(id);
  }
}

function viewerOf(me: StaffPerson): Viewer {
  return { id: Number(me.id), roles: me.roles };
}
