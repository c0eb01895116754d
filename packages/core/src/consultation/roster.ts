/**
 * The roster's rules, as pure functions: where a participant is, who connects to whom, who sends
 * media to whom, and which side of a pair places the call. The mesh, the room and the facade all
 * ask these; the server applies the same relay rule (docs/decisions/0022-the-room.md).
 */
import type { RosterEntry } from '../contract/room.js';
import type { Presence } from './participant.js';

/** Where a roster entry is. */
export function presenceOf(entry: Pick<RosterEntry, 'connected' | 'admitted' | 'left'>): Presence {
  if (entry.left) return 'left';
  if (!entry.connected) return 'absent';
  return entry.admitted ? 'admitted' : 'waiting';
}

/** Let in: a clinician always is. */
export function isIn(entry: Pick<RosterEntry, 'role' | 'admitted'>): boolean {
  return entry.role === 'clinician' || entry.admitted;
}

/**
 * Whether two participants hold a connection: both connected and not gone, and one of them a
 * clinician (a waiting participant is connected to the clinicians, for warm admission) or both let
 * in. The server relays nothing else.
 */
export function connects(a: RosterEntry, b: RosterEntry): boolean {
  if (a.peerId === b.peerId || a.left || b.left || !a.connected || !b.connected) return false;
  return a.role === 'clinician' || b.role === 'clinician' || (isIn(a) && isIn(b));
}

/** Whether media flows between two participants: both let in. Before that the senders are idle. */
export function sends(a: Pick<RosterEntry, 'role' | 'admitted'>, b: Pick<RosterEntry, 'role' | 'admitted'>): boolean {
  return isIn(a) && isIn(b);
}

/**
 * Which side of a pair places the call: the lower peer id (plain string order). Both sides know
 * it from the roster alone, so two pages never call each other at once (no glare).
 */
export function placesCall(self: string, other: string): boolean {
  return self < other;
}

/** The others this page should hold a connection with, given the whole roster. */
export function wantedLinks(you: string, roster: readonly RosterEntry[]): RosterEntry[] {
  const self = roster.find((entry) => entry.peerId === you);
  if (!self) return [];
  return roster.filter((other) => connects(self, other));
}
