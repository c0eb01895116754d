/**
 * The room as this page knows it: the server's roster (`CK-ROSTER`), with what this page asked and
 * the server has not confirmed yet laid over it, and the commands still at work (`pending`). Room
 * commands go to the server on the signalling socket; the roster that follows is the truth
 * (docs/decisions/0022-the-room.md).
 */
import type { Role } from '../contract/join.js';
import {
  ADMIT,
  END,
  LEAVE,
  MEDIA,
  REMOVE,
  REMOVE_MESSAGE_MAX,
  SCREEN,
  type MediaFlags,
  type RoomCommand,
  type RoomMode,
  type RosterEntry,
  type RosterMessage,
} from '../contract/room.js';
import { createStore, type ReadableStore, type WritableStore } from '../store.js';
import type { PendingCommand } from './participant.js';
import type { JoinTicket } from './types.js';

export interface RoomState {
  /** This page's peer id. */
  you: string;
  mode: RoomMode;
  /** Everyone, this page included, in the server's order; what this page asked is laid over it. */
  roster: readonly RosterEntry[];
  pending: readonly PendingCommand[];
  /** A roster has come from the server. */
  known: boolean;
  /**
   * This page counts itself let in while the server has forgotten it (a restart; decision 51):
   * what needs the server's admission (chat) waits until it is given again.
   */
  forgotten: boolean;
}

const NO_MEDIA: MediaFlags = { muted: false, cameraOff: false, audioOnly: false };

/**
 * How long a page let in still counts itself in after the server forgot it (a restart empties the
 * roster): time for the clinicians' pages to come back and admit it again. Meanwhile it keeps
 * sending and showing the call, instead of a moment in the waiting room.
 */
export const FORGOTTEN_ADMISSION_MS = 30_000;

/** Who a two-party ticket expects on the other side. */
function counterpartRole(role: Role): Role {
  return role === 'clinician' ? 'patient' : 'clinician';
}

/** The roster a page starts from: itself, and the ticket's counterpart, not arrived. */
export function rosterFromTicket(ticket: JoinTicket): RosterEntry[] {
  return [
    {
      peerId: ticket.peerId,
      role: ticket.role,
      ...(ticket.kind ? { kind: ticket.kind } : {}),
      name: ticket.name ?? '',
      connected: false,
      admitted: ticket.role === 'clinician',
      left: false,
      media: { ...NO_MEDIA },
    },
    placeholder(ticket),
  ];
}

function placeholder(ticket: JoinTicket): RosterEntry {
  const role = counterpartRole(ticket.role);
  return {
    peerId: ticket.remotePeerId,
    role,
    name: '',
    connected: false,
    admitted: role === 'clinician',
    left: false,
    media: { ...NO_MEDIA },
  };
}

/**
 * The roster shown: the server's, with admissions not confirmed yet, participants this page
 * removed (kept as `left`: the server forgets them), and the ticket's counterpart until the server
 * knows them (as absent). Pure.
 */
export function overlay(
  server: readonly RosterEntry[],
  ticket: JoinTicket,
  admitting: ReadonlySet<string>,
  removed: ReadonlyMap<string, RosterEntry>,
): RosterEntry[] {
  const roster = server.map((entry) => (admitting.has(entry.peerId) ? { ...entry, admitted: true } : entry));
  for (const [peerId, entry] of removed) {
    if (!roster.some((e) => e.peerId === peerId))
      roster.push({ ...entry, connected: false, admitted: false, left: true });
  }
  if (!roster.some((e) => e.peerId === ticket.peerId)) roster.unshift(rosterFromTicket(ticket)[0]!);
  if (!roster.some((e) => e.peerId === ticket.remotePeerId)) roster.push(placeholder(ticket));
  return roster;
}

export class Room {
  readonly #state: WritableStore<RoomState>;
  #server: readonly RosterEntry[] = [];
  readonly #admitting = new Set<string>();
  readonly #removed = new Map<string, RosterEntry>();
  /** Whom this page admitted: let in again should the server forget (a restart empties its roster). */
  readonly #admitted = new Set<string>();
  /**
   * This page (not a clinician) let in: 0 while the server says so, then since when (ms) its roster
   * has forgotten it; undefined when not let in.
   */
  #in: number | undefined;

  constructor(
    private readonly ticket: JoinTicket,
    private readonly send: (command: RoomCommand) => boolean,
    private readonly now: () => number = Date.now,
  ) {
    this.#state = createStore<RoomState>({
      you: ticket.peerId,
      mode: 'mesh',
      roster: rosterFromTicket(ticket),
      pending: [],
      known: false,
      forgotten: false,
    });
  }

  get state(): ReadableStore<RoomState> {
    return this.#state;
  }

  /** A roster from the server. */
  fromServer(payload: RosterMessage['payload']): void {
    if (!payload || !Array.isArray(payload.participants)) return;
    this.#server = payload.participants;
    for (const entry of this.#server) {
      this.#removed.delete(entry.peerId);
      if (entry.admitted || entry.left || !entry.connected) this.#admitting.delete(entry.peerId);
    }
    for (const peerId of this.#admitting)
      if (!this.#server.some((e) => e.peerId === peerId)) this.#admitting.delete(peerId);
    // The server forgot an admission (it restarted): give it again, shown as let in meanwhile.
    if (this.ticket.role === 'clinician') {
      for (const entry of this.#server) {
        // (Not while this page's own admission is on its way: the roster may predate it.)
        const forgotten = this.#admitted.has(entry.peerId) && !this.#admitting.has(entry.peerId);
        if (forgotten && entry.connected && !entry.admitted && !entry.left) {
          this.#admitting.add(entry.peerId);
          this.send({ type: ADMIT, payload: { peerId: entry.peerId } });
        }
      }
    } else {
      const self = this.#server.find((e) => e.peerId === this.ticket.peerId);
      if (self?.admitted) this.#in = 0;
      else if (self?.left) this.#in = undefined;
      else if (self && this.#in === 0) this.#in = this.now();
    }
    this.#publish({ mode: payload.mode === 'sfu' ? 'sfu' : 'mesh', known: true });
  }

  /** The server refused a command: what this page laid over the roster for it goes. */
  refused(command: string): void {
    if (command === ADMIT) this.#admitting.clear();
    this.#publish();
  }

  /** Clinician: let `peerId` in. Shown admitted at once; pending until the server's roster says so. */
  admit(peerId: string): void {
    this.#admitting.add(peerId);
    this.#admitted.add(peerId);
    this.send({ type: ADMIT, payload: { peerId } });
    this.#publish();
  }

  /** Clinician: decline (waiting) or remove (admitted) `peerId`, with a message for them. */
  remove(peerId: string, message: string): void {
    const entry = this.#state.get().roster.find((e) => e.peerId === peerId);
    this.#admitting.delete(peerId);
    this.#admitted.delete(peerId);
    if (entry) this.#removed.set(peerId, entry);
    this.send({ type: REMOVE, payload: { peerId, message: message.slice(0, REMOVE_MESSAGE_MAX) } });
    this.#publish();
  }

  leave(): boolean {
    return this.send({ type: LEAVE });
  }

  end(): boolean {
    return this.send({ type: END });
  }

  media(flags: MediaFlags): void {
    this.send({ type: MEDIA, payload: { ...flags } });
  }

  /** I share my screen now, or no longer (the roster that follows says who presents). */
  screen(sharing: boolean): void {
    this.send({ type: SCREEN, payload: { sharing } });
  }

  /** A command of this page's own at work (join, switching a device…): `done` ends it. */
  begin(command: PendingCommand): () => void {
    this.#state.update({ pending: [...this.#state.get().pending, command] });
    return () => this.#state.update({ pending: this.#state.get().pending.filter((c) => c !== command) });
  }

  #publish(patch: Partial<RoomState> = {}): void {
    // Let in, though the server forgot (see `FORGOTTEN_ADMISSION_MS`).
    const forgotten = !!this.#in && this.now() - this.#in < FORGOTTEN_ADMISSION_MS;
    const admitted = forgotten ? new Set([...this.#admitting, this.ticket.peerId]) : this.#admitting;
    const roster = overlay(this.#server, this.ticket, admitted, this.#removed);
    const own = this.#state.get().pending.filter((c) => c.command !== 'admit' && c.command !== 'remove');
    const pending: PendingCommand[] = [
      ...own,
      ...[...this.#admitting].map((peerId) => ({ command: 'admit' as const, peerId })),
      // A removal is at work until the server's roster has let them go.
      ...[...this.#removed.keys()]
        .filter((peerId) => this.#server.some((e) => e.peerId === peerId))
        .map((peerId) => ({ command: 'remove' as const, peerId })),
    ];
    this.#state.update({ ...patch, roster, pending, forgotten });
  }
}
