/**
 * Recording consent on the signalling socket (docs/recording.md, "Consent";
 * docs/decisions/0036-recording-consent.md; the wire in `@consultkit/core/contract`'s
 * `recording.ts`). The room registry (`registry.ts`) dispatches the consent commands and the room's
 * changes here, and carries the state this keeps in every `CK-ROSTER` as `recording`.
 *
 * - `CK-RECORD-ASK` (a clinician): a new request. Everyone in the call (a clinician, or let in, and
 *   not left) is asked; the asking clinician counts as agreed. Refused while a request is at work
 *   and for a consultation without an appointment (a recording belongs to an appointment).
 * - `CK-RECORD-ANSWER` (anyone asked): names the request; a stale `requestId` is refused. When
 *   every participant asked and still in the consultation has agreed, it runs: a `recording` row is
 *   inserted (`capture` `janus` when the room runs through the SFU, else `composite`), and
 *   `recordingId`, `capture`, `startedAt` are set. A decline ends it: before it ran `declined`, after
 *   `stopped`.
 * - `CK-RECORD-WITHDRAW` (anyone asked): stops it at once (`stopped`, or `declined` before it ran).
 * - `CK-RECORD-STOP` (a clinician): stops it (reason `stopped`).
 * - Someone let in while it asks or runs is asked; they are not recorded until they agree
 *   (`isRecorded()`). A participant who leaves or is removed no longer holds a request up.
 * - `CK-END`, or the asking clinician leaving: stopped, reason `ended`.
 *
 * Every ask and answer is stored in `recording_consent` (who, role, name, when); a recording that
 * ran is a `recording` row, its `ended_at` and `end_reason` set when it stops. Writes run in order,
 * after the state has changed in memory (the registry's memory is the live authority, as for the
 * roster); a failed write is logged.
 *
 * Several instances: each change is published as a {@link RecordingChange} (field by field, the
 * consents answer by answer, so two answers given on two instances at once both count) and
 * applied by the others. Only the instance holding the asking clinician's socket starts a
 * recording, so one row is inserted however the answers arrive.
 *
 * Server-side events ({@link RecordingEvents}, `rooms.recordingEvents`), for the capture (Janus's
 * `record` starts and stops on them): `started` on the asker's instance (where the capture runs);
 * `recorded-changed` and `stopped` on the instance that made the change and on every other one
 * that hears of it (a withdrawal on another instance stops the capture at once):
 * - `started` `{ cid, appointmentId, recordingId, capture, recorded }`: it runs; `recorded` the
 *   peer ids whose picture and voice are in it (everyone who agreed);
 * - `recorded-changed` `{ cid, appointmentId, recordingId, recorded }`: who is recorded changed
 *   while it runs (a late joiner agreed);
 * - `stopped` `{ cid, appointmentId, recordingId, reason, endedBy? }`: it stopped.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  RECORD_ANSWER,
  RECORD_ASK,
  RECORD_COMMAND_TYPES,
  RECORD_STOP,
  RECORD_WITHDRAW,
  type ConsentAnswer,
  type RecordingCapture,
  type RecordingEndReason,
  type RecordingState,
  type RoomMode,
} from '@consultkit/core/contract';
import type { Role } from '../tokens.js';
import type { Storage } from '../storage/index.js';

/** The events a recording's capture hooks on (see the file's JSDoc). */
export interface RecordingEventMap {
  started: [{ cid: string; appointmentId: number; recordingId: string; capture: RecordingCapture; recorded: string[] }];
  'recorded-changed': [{ cid: string; appointmentId: number; recordingId: string; recorded: string[] }];
  stopped: [{ cid: string; appointmentId: number; recordingId: string; reason: RecordingEndReason; endedBy?: string }];
}

export class RecordingEvents extends EventEmitter<RecordingEventMap> {}

/** A change to a room's recording, made on one instance and applied by the others. */
export interface RecordingChange {
  kind: 'recording';
  cid: string;
  requestId: string;
  /** The fields that changed (all of them for a new request). */
  fields: Partial<Omit<RecordingState, 'consents' | 'requestId'>>;
  /** The answers that changed. */
  consents: Record<string, ConsentAnswer>;
}

/** What the consent logic needs of a participant (the registry's participant fits). */
export interface ConsentMember {
  peerId: string;
  role: Role;
  name: string;
  admitted: boolean;
  left: boolean;
  connected: boolean;
  /** The instance holding its socket. */
  instance: string | null;
}

/** What the consent logic needs of a room (the registry's room fits). */
export interface ConsentRoom {
  cid: string;
  mode: RoomMode;
  participants: Map<string, ConsentMember>;
  recording?: RecordingState | undefined;
}

/** Where consents and recordings are written (the database; none in unit-like uses). */
export interface ConsentStore {
  answer(row: {
    appointmentId: number;
    requestId: string;
    peerId: string;
    role: Role;
    name: string;
    answer: ConsentAnswer;
    at: string;
  }): Promise<void>;
  started(row: {
    id: string;
    appointmentId: number;
    requestId: string;
    capture: RecordingCapture;
    askedBy: string;
    startedAt: string;
  }): Promise<void>;
  stopped(row: { id: string; endedAt: string; reason: RecordingEndReason }): Promise<void>;
}

/** The store on the server's database (migration 0013's tables). */
export function storageConsentStore(storage: Storage): ConsentStore {
  return {
    async answer(row) {
      await storage.query(
        `INSERT INTO recording_consent (appointment_id, request_id, peer_id, role, name, answer, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [row.appointmentId, row.requestId, row.peerId, row.role, row.name, row.answer, row.at],
      );
    },
    async started(row) {
      await storage.query(
        `INSERT INTO recording (id, appointment_id, request_id, capture, status, asked_by, started_at)
         VALUES ($1, $2, $3, $4, 'capturing', $5, $6)`,
        [row.id, row.appointmentId, row.requestId, row.capture, row.askedBy, row.startedAt],
      );
    },
    async stopped(row) {
      await storage.query(`UPDATE recording SET ended_at = $2, end_reason = $3 WHERE id = $1 AND ended_at IS NULL`, [
        row.id,
        row.endedAt,
        row.reason,
      ]);
    },
  };
}

type Parsed =
  | { type: typeof RECORD_ASK | typeof RECORD_WITHDRAW | typeof RECORD_STOP }
  | { type: typeof RECORD_ANSWER; requestId: string; agree: boolean };

/** A consent command's shape, checked strictly: the parsed command, or why it is refused. */
function parse(message: Record<string, unknown>): Parsed | string {
  const keys = Object.keys(message);
  const only = (...allowed: string[]) => keys.every((key) => allowed.includes(key));
  const payload = message['payload'];
  switch (message['type']) {
    case RECORD_ASK:
    case RECORD_WITHDRAW:
    case RECORD_STOP:
      if (!only('type') && !(only('type', 'payload') && payload === undefined)) return 'expected { type } alone';
      return { type: message['type'] };
    case RECORD_ANSWER: {
      if (!only('type', 'payload') || typeof payload !== 'object' || payload === null || Array.isArray(payload))
        return 'expected { type, payload: { requestId, agree } }';
      const p = payload as Record<string, unknown>;
      if (Object.keys(p).sort().join() !== 'agree,requestId') return 'payload: expected exactly { requestId, agree }';
      if (typeof p['requestId'] !== 'string' || !/^[0-9a-f]{32}$/.test(p['requestId']))
        return 'payload.requestId: not a request id';
      if (typeof p['agree'] !== 'boolean') return 'payload.agree: expected true or false';
      return { type: RECORD_ANSWER, requestId: p['requestId'], agree: p['agree'] };
    }
    default:
      return 'not a recording command';
  }
}

const LIVE = new Set(['asking', 'recording']);
/** Statuses only move forward: a late patch from another instance never undoes a stop. */
const RANK: Record<RecordingState['status'], number> = { asking: 0, recording: 1, declined: 2, stopped: 2 };

export interface ConsentOptions {
  /** This instance's id (as participants record it). */
  self: () => string;
  /** The appointment of a consultation id, or undefined (demo consultations). */
  appointmentOf: (cid: string) => number | undefined;
  /** Other instances, when there are. */
  publish: (change: RecordingChange) => void;
  store?: ConsentStore | undefined;
  events: RecordingEvents;
  now: () => number;
  log: { error(object: object, message: string): void };
}

export class RecordingConsent {
  #writes: Promise<void> = Promise.resolve();

  constructor(private readonly options: ConsentOptions) {}

  /** Is this message type a consent command (handled here, never relayed)? */
  static isCommand(type: unknown): boolean {
    return typeof type === 'string' && RECORD_COMMAND_TYPES.includes(type);
  }

  /** Waits for the writes made so far (tests). */
  async flushed(): Promise<void> {
    await this.#writes;
  }

  /**
   * A consent command from `me` (whose socket it came on). Returns whether the room's state
   * changed (the registry then sends the roster); refusals go through `refuse`.
   */
  command(room: ConsentRoom, me: ConsentMember, message: Record<string, unknown>, refuse: (reason: string) => void) {
    const command = parse(message);
    if (typeof command === 'string') return (refuse(command), false);
    const state = room.recording;
    const live = !!state && LIVE.has(state.status);
    const inCall = (me.role === 'clinician' || me.admitted) && !me.left;
    switch (command.type) {
      case RECORD_ASK: {
        if (me.role !== 'clinician') return (refuse('only a clinician may ask to record'), false);
        if (!inCall) return (refuse('only a clinician in the call may ask to record'), false);
        if (live) return (refuse(`a request to record is already ${state.status}`), false);
        if (this.options.appointmentOf(room.cid) === undefined)
          return (refuse('only a consultation of an appointment may be recorded'), false);
        this.#ask(room, me);
        return true;
      }
      case RECORD_ANSWER: {
        if (!state || state.requestId !== command.requestId)
          return (refuse('not the current request to record'), false);
        if (!live) return (refuse(`the request to record is ${state.status}`), false);
        if (state.consents[me.peerId] !== 'asked') return (refuse('you have already answered this request'), false);
        if (!command.agree) {
          this.#answer(room, me, 'declined');
          this.#end(room, 'declined', me.peerId);
          return true;
        }
        this.#answer(room, me, 'agreed');
        if (state.status === 'recording') this.#recordedChanged(room);
        this.#evaluate(room);
        return true;
      }
      case RECORD_WITHDRAW: {
        if (!live || !(me.peerId in state.consents)) return (refuse('nothing to withdraw from'), false);
        this.#answer(room, me, 'withdrawn');
        this.#end(room, 'withdrawn', me.peerId);
        return true;
      }
      case RECORD_STOP:
        if (me.role !== 'clinician') return (refuse('only a clinician may stop recording'), false);
        if (!live) return (refuse('nothing is recorded or asked'), false);
        this.#end(room, 'stopped');
        return true;
    }
  }

  /**
   * `p` is now in the call (let in, a clinician arrived, or back after leaving): while a request is
   * at work, someone never asked is asked. Returns whether the state changed.
   */
  joined(room: ConsentRoom, p: ConsentMember): boolean {
    const state = room.recording;
    if (!state || !LIVE.has(state.status) || p.left) return false;
    // The asker's page came back (a reload): answers given meanwhile may be all it waited for.
    if (p.peerId in state.consents) return this.#evaluate(room);
    if (p.role !== 'clinician' && !p.admitted) return false;
    this.#answer(room, p, 'asked');
    return true;
  }

  /** `p` left or was removed: the asker's leaving ends it; anyone else no longer holds it up. */
  gone(room: ConsentRoom, p: ConsentMember): boolean {
    const state = room.recording;
    if (!state || !LIVE.has(state.status)) return false;
    if (p.peerId === state.askedBy) {
      this.#end(room, 'ended');
      return true;
    }
    if (state.status === 'recording' && state.consents[p.peerId] === 'agreed') this.#recordedChanged(room);
    return this.#evaluate(room);
  }

  /** The consultation ended. */
  ended(room: ConsentRoom): void {
    if (room.recording && LIVE.has(room.recording.status)) this.#end(room, 'ended');
  }

  /** A change made on another instance. Returns whether this replica changed. */
  apply(room: ConsentRoom, change: RecordingChange): boolean {
    const state = room.recording;
    if (!state || state.requestId !== change.requestId) {
      // A new request replaces the old one (it carries every field); a late patch of an old one is dropped.
      if (change.fields.status !== 'asking' || change.fields.askedBy === undefined) return false;
      room.recording = {
        requestId: change.requestId,
        ...(change.fields as Omit<RecordingState, 'requestId' | 'consents'>),
        consents: { ...change.consents },
      };
      this.#evaluate(room);
      return true;
    }
    const fields = { ...change.fields };
    if (fields.status && RANK[fields.status] < RANK[state.status]) {
      delete fields.status;
      delete fields.startedAt;
      delete fields.recordingId;
      delete fields.capture;
    }
    room.recording = { ...state, ...fields, consents: { ...state.consents, ...change.consents } };
    // The capture may run here (Janus's, on the asker's instance) while the change was made
    // elsewhere: tell it. The instance that made the change stored it.
    if (state.status === 'recording' && room.recording.status === 'stopped') this.#emitStopped(room);
    else if (room.recording.status === 'recording' && Object.keys(change.consents).length > 0)
      this.#recordedChanged(room);
    this.#evaluate(room);
    return true;
  }

  #ask(room: ConsentRoom, asker: ConsentMember): void {
    const requestId = randomBytes(16).toString('hex');
    const consents: Record<string, ConsentAnswer> = { [asker.peerId]: 'agreed' };
    const fields = { status: 'asking' as const, askedBy: asker.peerId };
    room.recording = { requestId, ...fields, consents };
    this.options.publish({ kind: 'recording', cid: room.cid, requestId, fields, consents: { ...consents } });
    this.#store(room, asker, 'asked');
    this.#store(room, asker, 'agreed');
    for (const p of room.participants.values()) {
      if (p.peerId === asker.peerId || p.left || (p.role !== 'clinician' && !p.admitted)) continue;
      this.#answer(room, p, 'asked');
    }
    this.#evaluate(room);
  }

  /** Records `p`'s answer (or that they were asked): state, other instances, the database. */
  #answer(room: ConsentRoom, p: ConsentMember, answer: ConsentAnswer): void {
    const state = room.recording!;
    room.recording = { ...state, consents: { ...state.consents, [p.peerId]: answer } };
    this.options.publish({
      kind: 'recording',
      cid: room.cid,
      requestId: state.requestId,
      fields: {},
      consents: { [p.peerId]: answer },
    });
    this.#store(room, p, answer);
  }

  /**
   * Starts the recording when every participant asked and still there has agreed: on the instance
   * holding the asker's socket only (one row however the answers arrive). Returns whether it started.
   */
  #evaluate(room: ConsentRoom): boolean {
    const state = room.recording;
    if (!state || state.status !== 'asking') return false;
    const asker = room.participants.get(state.askedBy);
    if (!asker || asker.instance !== this.options.self()) return false;
    const holding = Object.entries(state.consents).some(([peerId, answer]) => {
      const p = room.participants.get(peerId);
      return answer !== 'agreed' && !!p && !p.left;
    });
    if (holding) return false;
    const appointmentId = this.options.appointmentOf(room.cid)!;
    const fields = {
      status: 'recording' as const,
      recordingId: randomBytes(16).toString('hex'),
      capture: (room.mode === 'sfu' ? 'janus' : 'composite') as RecordingCapture,
      startedAt: new Date(this.options.now()).toISOString(),
    };
    room.recording = { ...state, ...fields };
    this.options.publish({ kind: 'recording', cid: room.cid, requestId: state.requestId, fields, consents: {} });
    this.#write('storing a recording failed', (store) =>
      store.started({
        id: fields.recordingId,
        appointmentId,
        requestId: state.requestId,
        capture: fields.capture,
        askedBy: state.askedBy,
        startedAt: fields.startedAt,
      }),
    );
    this.options.events.emit('started', {
      cid: room.cid,
      appointmentId,
      recordingId: fields.recordingId,
      capture: fields.capture,
      recorded: this.#recorded(room),
    });
    return true;
  }

  /** Ends the request: `declined` before it ran, `stopped` after. */
  #end(room: ConsentRoom, reason: RecordingEndReason, endedBy?: string): void {
    const state = room.recording!;
    const ran = state.status === 'recording';
    const fields: RecordingChange['fields'] = {
      status: ran ? 'stopped' : 'declined',
      endedAt: new Date(this.options.now()).toISOString(),
      reason,
      ...(endedBy ? { endedBy } : {}),
    };
    room.recording = { ...state, ...fields };
    this.options.publish({ kind: 'recording', cid: room.cid, requestId: state.requestId, fields, consents: {} });
    const appointmentId = this.options.appointmentOf(room.cid);
    if (!ran || !state.recordingId || appointmentId === undefined) return;
    const recordingId = state.recordingId;
    this.#write('storing the end of a recording failed', (store) =>
      store.stopped({ id: recordingId, endedAt: fields.endedAt!, reason }),
    );
    this.#emitStopped(room);
  }

  /** The `stopped` event of a recording that ran (the room's state already says stopped). */
  #emitStopped(room: ConsentRoom): void {
    const state = room.recording!;
    const appointmentId = this.options.appointmentOf(room.cid);
    if (!state.recordingId || appointmentId === undefined) return;
    this.options.events.emit('stopped', {
      cid: room.cid,
      appointmentId,
      recordingId: state.recordingId,
      reason: state.reason ?? 'stopped',
      ...(state.endedBy ? { endedBy: state.endedBy } : {}),
    });
  }

  #recordedChanged(room: ConsentRoom): void {
    const state = room.recording!;
    const appointmentId = this.options.appointmentOf(room.cid);
    if (!state.recordingId || appointmentId === undefined) return;
    this.options.events.emit('recorded-changed', {
      cid: room.cid,
      appointmentId,
      recordingId: state.recordingId,
      recorded: this.#recorded(room),
    });
  }

  /** Peer ids in the recording: agreed, and still in the consultation. */
  #recorded(room: ConsentRoom): string[] {
    const consents = room.recording?.consents ?? {};
    return Object.keys(consents).filter((peerId) => {
      const p = room.participants.get(peerId);
      return consents[peerId] === 'agreed' && !!p && !p.left;
    });
  }

  #store(room: ConsentRoom, p: ConsentMember, answer: ConsentAnswer): void {
    const appointmentId = this.options.appointmentOf(room.cid);
    const requestId = room.recording!.requestId;
    if (appointmentId === undefined) return;
    const at = new Date(this.options.now()).toISOString();
    this.#write('storing a recording consent failed', (store) =>
      store.answer({ appointmentId, requestId, peerId: p.peerId, role: p.role, name: p.name, answer, at }),
    );
  }

  #write(what: string, work: (store: ConsentStore) => Promise<void>): void {
    const store = this.options.store;
    if (!store) return;
    this.#writes = this.#writes
      .then(() => work(store))
      .catch((error: unknown) => this.options.log.error({ err: error }, what));
  }
}
