/**
 * The room registry: who is in each consultation, as the server is the one authority on it
 * (docs/decisions/0022-the-room.md, 0023-guests-and-peer-ids.md).
 *
 * Per consultation id it keeps every participant whose page has connected: peer id, role, a
 * guest's kind, name, whether they hold a socket now, whether a clinician let them in, whether
 * they said goodbye, what they send, and their Janus publisher id. After a page's socket opens and
 * after every change, every connected page of that consultation is sent the whole `CK-ROSTER`.
 *
 * Pages send commands on their signalling socket (`CK-ADMIT`, `CK-REMOVE`, `CK-END` from a
 * clinician; `CK-LEAVE`, `CK-MEDIA` from anyone): they are handled here and never relayed. What a
 * command changes outside this process (revoking sessions, the appointment's status, the Janus
 * room) goes through {@link RoomHooks}.
 *
 * The registry lives in this process's memory. With several instances on one PostgreSQL
 * (docs/decisions/0035-instances.md) every instance holds a replica of every room: each change made
 * here is sent as a field-level {@link RoomChange} through {@link RoomSync} (stored in PostgreSQL,
 * then published on the bus), and changes made elsewhere arrive in {@link Rooms.apply}. Each
 * participant records the instance that holds its socket; each instance sends rosters to the
 * sockets it holds. Alone on PGlite there is no sync, and a restart empties the registry.
 */
import {
  ADMIT,
  END,
  GUEST_KINDS,
  LEAVE,
  MEDIA,
  MESH_LIMIT,
  REFUSED,
  REMOVE,
  REMOVE_MESSAGE_MAX,
  REMOVED,
  ROOM_COMMAND_TYPES,
  ROSTER,
  SCREEN,
  SESSION_ENDED,
  SESSION_ENDED_CLOSE_CODE,
  type GuestKind,
  type MediaFlags,
  type RefusedMessage,
  type RemovedMessage,
  type RoomMode,
  type RosterEntry,
  type RosterMessage,
  type SessionEndReason,
  type SessionEndedMessage,
} from '@consultkit/core/contract';
import type { RecordingState } from '@consultkit/core/contract';
import { WebSocket } from 'ws';
import type { Role, SignallingClaims } from '../tokens.js';
import { RecordingConsent, RecordingEvents, type ConsentStore, type RecordingChange } from './recording.js';

/** A participant as other instances see it: everything but the socket. */
export interface ParticipantState {
  peerId: string;
  role: Role;
  kind?: GuestKind;
  name: string;
  sid?: string;
  connected: boolean;
  admitted: boolean;
  left: boolean;
  media: MediaFlags;
  /** Shares their screen now: at most one per room (`CK-SCREEN`). */
  presenting: boolean;
  /** The instance holding its socket, or null when none does. */
  instance: string | null;
}

/** Who a broadcast reaches: those in the call (a clinician, or let in, and not left), or everyone connected. */
export type Audience = 'in-call' | 'everyone';

/** A change to the rooms, made on one instance and applied by the others. */
export type RoomChange =
  | { kind: 'patch'; cid: string; peerId: string; patch: Partial<ParticipantState> }
  | { kind: 'delete'; cid: string; peerId: string; message: string }
  | { kind: 'end'; cid: string }
  | { kind: 'gone'; instance: string }
  | { kind: 'broadcast'; cid: string; message: object; audience?: Audience }
  | RecordingChange;

/** How changes made here reach the other instances (src/room/cluster.ts). */
export interface RoomSync {
  /** This instance's id. */
  readonly instance: string;
  /** Sends a change made here to the other instances (they apply it with {@link Rooms.apply}). */
  publish(change: RoomChange): void;
}

/** What the registry does outside itself, for consultations of an appointment (`appt-{id}`). */
export interface RoomHooks {
  /** A clinician removed (or declined) the participant of session `sessionId`: revoke it. */
  removed(appointmentId: number, sessionId: string): Promise<void>;
  /** A clinician ended the consultation: revoke every session, mark it fulfilled, end the SFU room. */
  ended(appointmentId: number): Promise<void>;
  /** The patient left after having been admitted: the consultation took place. */
  patientLeft(appointmentId: number): Promise<void>;
  /** Sockets of revoked sessions are to be closed with `reason` (the live-sessions' own bookkeeping). */
  closeSessions(sessionIds: readonly string[], reason: SessionEndReason): void;
  /**
   * A clinician let someone in (`admit`), turned away someone waiting (`decline`), removed someone
   * in the call (`remove`), or ended the consultation (`end`): for the staff audit, with who did it
   * (`by`: their claims, whose `sid` names their join session) and to whom.
   */
  acted?(
    by: SignallingClaims,
    action: RoomAction,
    target: { peerId: string; role: Role; name: string; kind?: GuestKind | undefined } | undefined,
  ): void;
}

/** What a clinician did in a room, as the staff audit names it. */
export type RoomAction = 'admit' | 'decline' | 'remove' | 'end';

export interface RoomOptions {
  hooks: RoomHooks;
  /** The peer ids derived from the consultation and role (the patient's, the default clinician's). */
  derivedPeerId: (cid: string, role: Role) => string;
  /** Janus publisher id of a session (of its shared screen: `'screen'`), when Janus is configured. */
  publisherIdOf?: ((sessionId: string, stream?: 'screen') => number) | undefined;
  /** From this many connected and admitted participants the room moves to the SFU (sticky). */
  sfuFrom?: number;
  /** Warnings and errors. */
  log: { warn(object: object, message: string): void; error(object: object, message: string): void };
  /** Commands a socket may send: a burst of `burst`, refilled at `perSecond`. */
  commandRate?: { burst: number; perSecond: number };
  /** Other instances sharing the rooms (several instances on PostgreSQL); none alone. */
  sync?: RoomSync | undefined;
  /** Where recording consents and recordings are written (src/room/recording.ts); none: kept in memory only. */
  consentStore?: ConsentStore | undefined;
  /** The clock (epoch ms). */
  now?: () => number;
  /** After any change to a room, here or applied from another instance (presence: who is in a call). */
  onChange?: (() => void) | undefined;
}

interface Participant {
  peerId: string;
  role: Role;
  kind?: GuestKind;
  name: string;
  sid?: string;
  connected: boolean;
  admitted: boolean;
  left: boolean;
  media: MediaFlags;
  /** Shares their screen now: at most one per room (`CK-SCREEN`). */
  presenting: boolean;
  /** The instance holding its socket (this one's id alone, or without sync), or null. */
  instance: string | null;
  /** Its socket, when this instance holds it. */
  ws?: WebSocket | undefined;
}

interface Room {
  cid: string;
  participants: Map<string, Participant>;
  mode: RoomMode;
  /** The warning that the room would have moved to the SFU, without one configured, was logged. */
  warned: boolean;
  /** When its last page disconnected (epoch ms), or undefined while one is connected. */
  emptySince: number | undefined;
  /** Recording consent and state, once a clinician has asked (src/room/recording.ts). */
  recording?: RecordingState | undefined;
}

/** A room nobody has been connected to for this long is forgotten (its admissions with it). */
const IDLE_ROOM_MS = 6 * 60 * 60 * 1000;

const NO_MEDIA: MediaFlags = { muted: false, cameraOff: false, audioOnly: false };

/** The appointment of an `appt-{id}` consultation, or undefined (demo consultations). */
export function appointmentOf(cid: string): number | undefined {
  const match = /^appt-(\d+)$/.exec(cid);
  return match ? Number(match[1]) : undefined;
}

function send(ws: WebSocket | undefined, message: object): void {
  if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
}

/** Tells a socket why its session ended, and closes it. */
export function endSocket(ws: WebSocket, reason: SessionEndReason): void {
  if (ws.readyState !== WebSocket.OPEN) return;
  const message: SessionEndedMessage = { type: SESSION_ENDED, payload: { reason } };
  ws.send(JSON.stringify(message));
  ws.close(SESSION_ENDED_CLOSE_CODE, reason);
}

/** A command's shape, checked strictly: the parsed command, or why it is refused. */
function parseCommand(
  message: Record<string, unknown>,
):
  | { type: typeof ADMIT; peerId: string }
  | { type: typeof REMOVE; peerId: string; message: string }
  | { type: typeof LEAVE | typeof END }
  | { type: typeof MEDIA; media: MediaFlags }
  | { type: typeof SCREEN; sharing: boolean }
  | string {
  const keys = Object.keys(message);
  const only = (...allowed: string[]) => keys.every((key) => allowed.includes(key));
  const payload = message['payload'];
  const object = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  const peerId = (value: unknown): value is string => typeof value === 'string' && /^ck-[0-9a-f]{32}$/.test(value);
  switch (message['type']) {
    case ADMIT:
      if (!only('type', 'payload') || !object(payload) || Object.keys(payload).join() !== 'peerId')
        return 'expected { type, payload: { peerId } }';
      if (!peerId(payload['peerId'])) return 'payload.peerId: not a peer id';
      return { type: ADMIT, peerId: payload['peerId'] };
    case REMOVE: {
      if (
        !only('type', 'payload') ||
        !object(payload) ||
        !Object.keys(payload).every((k) => k === 'peerId' || k === 'message')
      )
        return 'expected { type, payload: { peerId, message? } }';
      if (!peerId(payload['peerId'])) return 'payload.peerId: not a peer id';
      const text = payload['message'] ?? '';
      if (typeof text !== 'string') return 'payload.message: expected a string';
      if (text.length > REMOVE_MESSAGE_MAX) return `payload.message: longer than ${REMOVE_MESSAGE_MAX} characters`;
      return { type: REMOVE, peerId: payload['peerId'], message: text };
    }
    case LEAVE:
    case END:
      if (!only('type') && !(only('type', 'payload') && payload === undefined)) return 'expected { type } alone';
      return { type: message['type'] };
    case MEDIA: {
      if (!only('type', 'payload') || !object(payload))
        return 'expected { type, payload: { muted, cameraOff, audioOnly } }';
      const names = Object.keys(payload).sort().join();
      if (names !== 'audioOnly,cameraOff,muted' || !Object.values(payload).every((v) => typeof v === 'boolean'))
        return 'payload: expected exactly { muted, cameraOff, audioOnly }, each true or false';
      return {
        type: MEDIA,
        media: {
          muted: payload['muted'] as boolean,
          cameraOff: payload['cameraOff'] as boolean,
          audioOnly: payload['audioOnly'] as boolean,
        },
      };
    }
    case SCREEN:
      if (
        !only('type', 'payload') ||
        !object(payload) ||
        Object.keys(payload).join() !== 'sharing' ||
        typeof payload['sharing'] !== 'boolean'
      )
        return 'expected { type, payload: { sharing } }, sharing true or false';
      return { type: SCREEN, sharing: payload['sharing'] };
    default:
      return 'not a room command';
  }
}

/** A token bucket per socket: commands beyond it are dropped (a refusal says so, at most every 10 s). */
export class Bucket {
  #tokens: number;
  #at = Date.now();
  #toldAt = -Infinity;
  constructor(private readonly rate: { burst: number; perSecond: number }) {
    this.#tokens = rate.burst;
  }
  /** Whether one more command may pass now, and whether to tell the page it did not. */
  take(): { ok: boolean; tell: boolean } {
    const now = Date.now();
    this.#tokens = Math.min(this.rate.burst, this.#tokens + ((now - this.#at) / 1000) * this.rate.perSecond);
    this.#at = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return { ok: true, tell: false };
    }
    const tell = now - this.#toldAt >= 10_000;
    if (tell) this.#toldAt = now;
    return { ok: false, tell };
  }
}

export class Rooms {
  readonly #rooms = new Map<string, Room>();
  readonly #buckets = new WeakMap<WebSocket, Bucket>();
  readonly #sfuFrom: number;
  readonly #rate: { burst: number; perSecond: number };
  readonly #consent: RecordingConsent;
  /**
   * `started`, `recorded-changed`, `stopped` of a consultation's recording, on the instance that
   * made the change (their shapes: src/room/recording.ts).
   */
  readonly recordingEvents = new RecordingEvents();

  constructor(private readonly options: RoomOptions) {
    this.#sfuFrom = options.sfuFrom ?? MESH_LIMIT + 1;
    this.#rate = options.commandRate ?? { burst: 30, perSecond: 10 };
    this.#consent = new RecordingConsent({
      self: () => this.#self,
      appointmentOf,
      publish: (change) => this.#publish(change),
      store: options.consentStore,
      events: this.recordingEvents,
      now: options.now ?? Date.now,
      log: options.log,
    });
  }

  /** Is this message type one of the room's commands, recording consent's included (handled here, never relayed)? */
  static isCommand(type: unknown): boolean {
    return typeof type === 'string' && (ROOM_COMMAND_TYPES.includes(type) || RecordingConsent.isCommand(type));
  }

  /** Waits for the recording writes made so far (tests). */
  recordingWritten(): Promise<void> {
    return this.#consent.flushed();
  }

  #room(cid: string): Room {
    let room = this.#rooms.get(cid);
    if (!room) {
      room = { cid, participants: new Map(), mode: 'mesh', warned: false, emptySince: undefined };
      this.#rooms.set(cid, room);
    }
    return room;
  }

  /** This instance's id, as participants record it. */
  get #self(): string {
    return this.options.sync?.instance ?? 'local';
  }

  #publish(change: RoomChange): void {
    this.options.sync?.publish(change);
  }

  /** A page's socket opened (after PeerJS's OPEN): it joins the roster, and everyone hears. */
  connect(claims: SignallingClaims, ws: WebSocket): void {
    this.#sweep();
    const room = this.#room(claims.cid);
    const known = room.participants.get(claims.pid);
    const participant: Participant = known ?? {
      peerId: claims.pid,
      role: claims.role,
      name: claims.name ?? claims.role,
      connected: false,
      admitted: false,
      left: false,
      media: { ...NO_MEDIA },
      presenting: false,
      instance: null,
    };
    participant.role = claims.role;
    participant.name = claims.name ?? participant.name;
    if (claims.kind && (GUEST_KINDS as readonly string[]).includes(claims.kind)) participant.kind = claims.kind;
    if (claims.sid) participant.sid = claims.sid;
    participant.connected = true;
    participant.left = false;
    participant.ws = ws;
    participant.instance = this.#self;
    if (participant.role === 'clinician') participant.admitted = true;
    room.participants.set(claims.pid, participant);
    ws.once('close', () => {
      if (participant.ws !== ws) return;
      participant.ws = undefined;
      participant.connected = false;
      participant.instance = null;
      // A page that lost its socket lost its shared screen with it (a reload), or tells again.
      participant.presenting = false;
      if (room.participants.get(participant.peerId) !== participant) return;
      this.#publish({
        kind: 'patch',
        cid: room.cid,
        peerId: participant.peerId,
        patch: { connected: false, instance: null, presenting: false },
      });
      this.#changed(room);
    });
    // Field by field: a concurrent admission on another instance is not undone by this.
    const { ws: _ws, ...state } = participant;
    const patch: Partial<ParticipantState> = state;
    if (known) delete patch.media;
    if (!participant.admitted) delete patch.admitted;
    this.#publish({ kind: 'patch', cid: room.cid, peerId: participant.peerId, patch });
    // In the call while a request to record is at work: asked (a clinician arriving, someone back).
    this.#consent.joined(room, participant);
    this.#changed(room);
  }

  /**
   * A change made on another instance: applied to this replica, and this instance's pages of the
   * consultation are sent the roster. Nothing is published again, and no hook runs (the instance
   * that made the change ran them).
   */
  apply(change: RoomChange): void {
    switch (change.kind) {
      case 'patch': {
        const room = this.#room(change.cid);
        let p = room.participants.get(change.peerId);
        if (!p) {
          const role = change.patch.role;
          if (role !== 'patient' && role !== 'clinician' && role !== 'guest') return;
          p = {
            peerId: change.peerId,
            role,
            name: role,
            connected: false,
            admitted: false,
            left: false,
            media: { ...NO_MEDIA },
            presenting: false,
            instance: null,
          };
          room.participants.set(change.peerId, p);
        }
        const { peerId: _peerId, ...patch } = change.patch;
        Object.assign(p, patch);
        // The page moved to another instance: the socket held here is the old one.
        if (p.ws && p.instance !== this.#self) {
          const ws = p.ws;
          p.ws = undefined;
          endSocket(ws, 'replaced');
        }
        return this.#changed(room);
      }
      case 'delete': {
        const room = this.#rooms.get(change.cid);
        const target = room?.participants.get(change.peerId);
        if (!room || !target) return;
        room.participants.delete(target.peerId);
        const ws = target.ws;
        target.ws = undefined;
        if (ws) {
          const removed: RemovedMessage = { type: REMOVED, payload: { message: change.message } };
          send(ws, removed);
          endSocket(ws, 'removed');
        }
        return this.#changed(room);
      }
      case 'end': {
        const room = this.#rooms.get(change.cid);
        if (!room) return;
        this.#rooms.delete(room.cid);
        for (const p of room.participants.values()) {
          const ws = p.ws;
          p.ws = undefined;
          if (ws) endSocket(ws, 'ended');
        }
        // Who is in a call changed (presence): nobody is, in this room.
        this.options.onChange?.();
        return;
      }
      case 'gone':
        for (const room of this.#rooms.values()) {
          let changed = false;
          for (const p of room.participants.values()) {
            if (p.instance !== change.instance || p.ws) continue;
            p.instance = null;
            p.connected = false;
            changed = true;
          }
          if (changed) this.#changed(room);
        }
        return;
      case 'broadcast':
        return this.#sendLocally(change.cid, change.message, change.audience ?? 'everyone');
      case 'recording': {
        const room = this.#room(change.cid);
        if (this.#consent.apply(room, change)) this.#changed(room);
        return;
      }
    }
  }

  /** The instance holding the socket of `peerId` in `cid`, as far as this replica knows. */
  instanceOf(cid: string, peerId: string): string | null {
    return this.#rooms.get(cid)?.participants.get(peerId)?.instance ?? null;
  }

  /** Every participant of every room, for an instance starting later (loaded with {@link load}). */
  load(rows: readonly { cid: string; state: ParticipantState }[]): void {
    for (const { cid, state } of rows) {
      const room = this.#room(cid);
      if (room.participants.has(state.peerId)) continue;
      room.participants.set(state.peerId, { ...state, media: { ...NO_MEDIA, ...state.media } });
      if (!state.connected) room.emptySince ??= Date.now();
    }
  }

  #entry(p: Participant): RosterEntry {
    const sfuId = p.sid && this.options.publisherIdOf ? this.options.publisherIdOf(p.sid) : undefined;
    const screenSfuId =
      p.presenting && p.sid && this.options.publisherIdOf ? this.options.publisherIdOf(p.sid, 'screen') : undefined;
    return {
      peerId: p.peerId,
      role: p.role,
      ...(p.kind ? { kind: p.kind } : {}),
      name: p.name,
      connected: p.connected,
      admitted: p.admitted,
      left: p.left,
      media: { ...p.media },
      ...(sfuId === undefined ? {} : { sfuId }),
      ...(p.presenting ? { presenting: true } : {}),
      ...(screenSfuId === undefined ? {} : { screenSfuId }),
    };
  }

  /** Forgets the rooms nobody has been connected to for {@link IDLE_ROOM_MS}. */
  #sweep(): void {
    const now = Date.now();
    for (const [cid, room] of this.#rooms) {
      if (room.emptySince !== undefined && now - room.emptySince > IDLE_ROOM_MS) this.#rooms.delete(cid);
    }
  }

  /** After a change: the mode, then the whole roster to every connected page. */
  #changed(room: Room): void {
    this.options.onChange?.();
    const anyone = [...room.participants.values()].some((p) => p.connected);
    room.emptySince = anyone ? undefined : (room.emptySince ?? Date.now());
    const inCall = [...room.participants.values()].filter((p) => p.connected && p.admitted && !p.left).length;
    if (room.mode === 'mesh' && inCall >= this.#sfuFrom) {
      if (this.options.publisherIdOf) room.mode = 'sfu';
      else if (!room.warned) {
        room.warned = true;
        this.options.log.warn(
          { consultation: room.cid, participants: inCall },
          'the consultation would move to the SFU, but no Janus is configured: it stays a mesh',
        );
      }
    }
    const entries = [...room.participants.values()].map((p) => this.#entry(p));
    for (const p of room.participants.values()) {
      if (!p.connected) continue;
      const message: RosterMessage = {
        type: ROSTER,
        payload: {
          you: p.peerId,
          mode: room.mode,
          participants: entries,
          ...(room.recording ? { recording: room.recording } : {}),
        },
      };
      send(p.ws, message);
    }
  }

  /**
   * Whether WebRTC signalling may pass from `from` to `dst` in `cid`: null if so, else why not.
   * Only between peers of the consultation (the registry's, and the derived patient and clinician
   * ids, since PeerJS queues for peers not yet connected), and only when one of them is a
   * clinician or both are admitted.
   */
  relayProblem(cid: string, from: string, dst: string): string | null {
    const participants = this.#rooms.get(cid)?.participants;
    const derived = (pid: string): Role | undefined => {
      if (pid === this.options.derivedPeerId(cid, 'patient')) return 'patient';
      if (pid === this.options.derivedPeerId(cid, 'clinician')) return 'clinician';
      return undefined;
    };
    const who = (pid: string) => {
      const p = participants?.get(pid);
      if (p) return { role: p.role, admitted: p.admitted };
      const role = derived(pid);
      return role ? { role, admitted: role === 'clinician' } : undefined;
    };
    const source = who(from);
    const target = who(dst);
    if (!source || !target) return 'destination outside the consultation';
    if (source.role === 'clinician' || target.role === 'clinician') return null;
    if (source.admitted && target.admitted) return null;
    return 'neither is a clinician and not both are admitted';
  }

  /** A room command from `claims`'s socket `ws`: handled here (never relayed). */
  command(claims: SignallingClaims, ws: WebSocket, message: Record<string, unknown>): void {
    let bucket = this.#buckets.get(ws);
    if (!bucket) this.#buckets.set(ws, (bucket = new Bucket(this.#rate)));
    const type = typeof message['type'] === 'string' ? message['type'] : 'unknown';
    const refuse = (reason: string) => {
      const refused: RefusedMessage = { type: REFUSED, payload: { command: type.slice(0, 40), reason } };
      send(ws, refused);
    };
    const { ok, tell } = bucket.take();
    if (!ok) {
      if (tell) refuse('too many commands: slow down');
      return;
    }
    const room = this.#room(claims.cid);
    const me = room.participants.get(claims.pid);
    if (!me || me.ws !== ws) return refuse('this socket is not in the room');
    // Recording consent: src/room/recording.ts keeps it; the roster carries it.
    if (RecordingConsent.isCommand(type)) {
      if (this.#consent.command(room, me, message, refuse)) this.#changed(room);
      return;
    }
    const command = parseCommand(message);
    if (typeof command === 'string') return refuse(command);
    const clinicianOnly = command.type === ADMIT || command.type === REMOVE || command.type === END;
    if (clinicianOnly && me.role !== 'clinician') return refuse('only a clinician may do this');
    switch (command.type) {
      case ADMIT: {
        const target = room.participants.get(command.peerId);
        if (!target) return refuse('no such participant');
        // Two clinicians letting the same person in, or a page's admit crossing a roster: done already.
        if (target.admitted) return;
        target.admitted = true;
        this.#acted(claims, 'admit', target);
        this.#publish({ kind: 'patch', cid: room.cid, peerId: target.peerId, patch: { admitted: true } });
        // Let in while a request to record is at work: asked, and not recorded until they agree.
        this.#consent.joined(room, target);
        return this.#changed(room);
      }
      case REMOVE: {
        const target = room.participants.get(command.peerId);
        if (!target) return refuse('no such participant');
        if (target.role === 'clinician') return refuse('a clinician cannot be removed');
        this.#acted(claims, target.admitted ? 'remove' : 'decline', target);
        return this.#remove(room, target, command.message);
      }
      case END:
        this.#acted(claims, 'end', undefined);
        return this.#end(room);
      case LEAVE:
        return this.#leave(room, me);
      case MEDIA: {
        const same = (Object.keys(NO_MEDIA) as (keyof MediaFlags)[]).every((k) => me.media[k] === command.media[k]);
        me.media = command.media;
        if (same) return;
        this.#publish({ kind: 'patch', cid: room.cid, peerId: me.peerId, patch: { media: command.media } });
        this.#changed(room);
        return;
      }
      case SCREEN:
        return this.#screen(room, me, command.sharing, refuse);
    }
  }

  /** One presenter at a time: a second takes over (the first sees it in the roster). */
  #screen(room: Room, me: Participant, sharing: boolean, refuse: (reason: string) => void): void {
    if (!sharing) {
      if (!me.presenting) return;
      me.presenting = false;
      this.#publish({ kind: 'patch', cid: room.cid, peerId: me.peerId, patch: { presenting: false } });
      return this.#changed(room);
    }
    if ((me.role !== 'clinician' && !me.admitted) || me.left) return refuse('only a participant let in may share');
    if (me.presenting) return;
    for (const p of room.participants.values()) {
      if (!p.presenting) continue;
      p.presenting = false;
      this.#publish({ kind: 'patch', cid: room.cid, peerId: p.peerId, patch: { presenting: false } });
    }
    me.presenting = true;
    this.#publish({ kind: 'patch', cid: room.cid, peerId: me.peerId, patch: { presenting: true } });
    this.#changed(room);
  }

  #acted(by: SignallingClaims, action: RoomAction, target: Participant | undefined): void {
    try {
      this.options.hooks.acted?.(
        by,
        action,
        target && { peerId: target.peerId, role: target.role, name: target.name, kind: target.kind },
      );
    } catch (error) {
      this.options.log.error({ err: error }, 'auditing a room action failed');
    }
  }

  #remove(room: Room, target: Participant, message: string): void {
    room.participants.delete(target.peerId);
    this.#publish({ kind: 'delete', cid: room.cid, peerId: target.peerId, message });
    const ws = target.ws;
    target.ws = undefined;
    if (ws) {
      const removed: RemovedMessage = { type: REMOVED, payload: { message } };
      send(ws, removed);
      endSocket(ws, 'removed');
    }
    const appointmentId = appointmentOf(room.cid);
    if (target.sid) {
      this.options.hooks.closeSessions([target.sid], 'removed');
      if (appointmentId !== undefined) {
        this.options.hooks
          .removed(appointmentId, target.sid)
          .catch((error: unknown) => this.options.log.error({ err: error }, 'revoking a removed session failed'));
      }
    }
    this.#consent.gone(room, target);
    this.#changed(room);
  }

  #end(room: Room): void {
    this.#consent.ended(room);
    this.#rooms.delete(room.cid);
    // Who is in a call changed (presence): nobody is, in this room.
    this.options.onChange?.();
    this.#publish({ kind: 'end', cid: room.cid });
    const sids = [...room.participants.values()].flatMap((p) => (p.sid ? [p.sid] : []));
    this.options.hooks.closeSessions(sids, 'ended');
    for (const p of room.participants.values()) {
      const ws = p.ws;
      p.ws = undefined;
      if (ws) endSocket(ws, 'ended');
    }
    const appointmentId = appointmentOf(room.cid);
    if (appointmentId !== undefined) {
      this.options.hooks
        .ended(appointmentId)
        .catch((error: unknown) => this.options.log.error({ err: error }, 'ending a consultation failed'));
    }
  }

  #leave(room: Room, me: Participant): void {
    if (me.left) return;
    me.left = true;
    me.presenting = false;
    this.#publish({ kind: 'patch', cid: room.cid, peerId: me.peerId, patch: { left: true, presenting: false } });
    const appointmentId = appointmentOf(room.cid);
    if (me.role === 'patient' && me.admitted && appointmentId !== undefined) {
      this.options.hooks
        .patientLeft(appointmentId)
        .catch((error: unknown) => this.options.log.error({ err: error }, 'marking the appointment fulfilled failed'));
    }
    this.#consent.gone(room, me);
    this.#changed(room);
  }

  /**
   * Sessions were revoked elsewhere (a guest removed by staff, a new link, a cancellation): their
   * participants leave the roster, and the others hear. `origin` `elsewhere`: another instance
   * ended them (and moved any request to record on; its change arrives through {@link apply}).
   */
  forgetSessions(sessionIds: readonly string[], origin: 'here' | 'elsewhere' = 'here'): void {
    const ids = new Set(sessionIds);
    if (ids.size === 0) return;
    for (const room of this.#rooms.values()) {
      let changed = false;
      for (const p of [...room.participants.values()]) {
        if (p.sid && ids.has(p.sid)) {
          room.participants.delete(p.peerId);
          // A request to record they held up, or asked, moves on here only where the sessions were
          // ended (that instance publishes the change): one `stopped` event, not one per instance.
          if (origin === 'here') this.#consent.gone(room, p);
          changed = true;
        }
      }
      if (changed) this.#changed(room);
    }
  }

  /**
   * Whether the participant of session `sessionId` in `cid` is let in (a clinician, or admitted):
   * what should gate their access to the SFU room, as it gates relaying in a mesh.
   */
  admitted(cid: string, sessionId: string): boolean {
    const room = this.#rooms.get(cid);
    if (!room) return false;
    for (const p of room.participants.values()) if (p.sid === sessionId) return p.admitted;
    return false;
  }

  /**
   * The participant whose live socket in `cid` is `ws`, as a command from it needs to know them:
   * undefined when that socket is not (or no longer) theirs. `inCall`: a clinician, or admitted,
   * and not left.
   */
  member(
    cid: string,
    peerId: string,
    ws: WebSocket,
  ): { peerId: string; role: Role; kind?: GuestKind; name: string; sid?: string; inCall: boolean } | undefined {
    const p = this.#rooms.get(cid)?.participants.get(peerId);
    if (!p || p.ws !== ws || !p.connected) return undefined;
    return {
      peerId: p.peerId,
      role: p.role,
      ...(p.kind ? { kind: p.kind } : {}),
      name: p.name,
      ...(p.sid ? { sid: p.sid } : {}),
      inCall: (p.role === 'clinician' || p.admitted) && !p.left,
    };
  }

  /**
   * Sends `message` to every page of `cid` that holds a socket now: `audience` 'in-call' keeps it
   * to those in the call (a clinician, or admitted, and not left), 'everyone' includes those who
   * wait. The one "send to everyone in the consultation" path (chat, notices).
   */
  broadcast(cid: string, message: object, audience: Audience = 'everyone'): void {
    this.#sendLocally(cid, message, audience);
    this.#publish({ kind: 'broadcast', cid, message, audience });
  }

  /** {@link broadcast} to the sockets this instance holds (other instances do the same with theirs). */
  #sendLocally(cid: string, message: object, audience: Audience): void {
    const room = this.#rooms.get(cid);
    if (!room) return;
    const text = JSON.stringify(message);
    for (const p of room.participants.values()) {
      if (!p.connected) continue;
      if (audience === 'in-call' && !((p.role === 'clinician' || p.admitted) && !p.left)) continue;
      if (p.ws?.readyState === WebSocket.OPEN) p.ws.send(text);
    }
  }

  /** The sessions in a call now, in every room (connected, a clinician or admitted, not left). */
  liveSessions(): string[] {
    const sids: string[] = [];
    for (const room of this.#rooms.values()) {
      for (const p of room.participants.values()) {
        if (p.sid && p.connected && (p.role === 'clinician' || p.admitted) && !p.left) sids.push(p.sid);
      }
    }
    return sids;
  }

  /**
   * Whether anyone has been in the call of `cid` (a clinician, or someone let in) while this
   * replica knew the room, even if they have all left since.
   */
  entered(cid: string): boolean {
    const room = this.#rooms.get(cid);
    return !!room && [...room.participants.values()].some((p) => p.admitted);
  }

  /** Whether `cid` has a participant in the call now (connected, admitted, not left). */
  isLive(cid: string): boolean {
    const room = this.#rooms.get(cid);
    return !!room && [...room.participants.values()].some((p) => p.connected && p.admitted && !p.left);
  }
}
