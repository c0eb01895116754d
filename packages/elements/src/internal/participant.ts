import { msg, str } from '@lit/localize';
import type { ConsultationState, Presence, Role } from '@consultkit/core';
import type { GuestKind, MediaFlags } from '@consultkit/core/contract';

/**
 * A participant as the room's views read them: the shape of core's `ParticipantState`
 * (`packages/core/src/consultation/participant.ts`), written here structurally because core does
 * not export it from its index yet. Any `ParticipantState` is one of these.
 */
export interface ParticipantView extends MediaFlags {
  peerId: string;
  name: string;
  role: Role;
  /** For a guest: what they are there as; null otherwise. */
  kind: GuestKind | null;
  isLocal: boolean;
  presence: Presence | 'absent' | 'waiting' | 'admitted' | 'left';
  admitted: boolean;
  stream: MediaStream | null;
  networkQuality: 'good' | 'fair' | 'poor' | 'unknown';
  speaking: boolean;
}

/** A command still at work (core's `PendingCommand`). */
export type PendingView =
  | { command: 'admit' | 'remove'; peerId: string }
  | { command: 'join' | 'leave' | 'end' | 'switch-camera' | 'switch-microphone' | 'audio-only' };

/** `pending` holds `command` for `peerId`. */
export function isPending(
  pending: readonly PendingView[] | undefined,
  command: 'admit' | 'remove',
  peerId: string,
): boolean {
  return !!pending?.some((p) => p.command === command && 'peerId' in p && p.peerId === peerId);
}

/** What a participant is there as: their guest kind, else their role (lower case, for "name, role"). */
export function roleLabel(participant: Pick<ParticipantView, 'role' | 'kind'>): string {
  if (participant.role === 'guest') {
    switch (participant.kind) {
      case 'interpreter':
        return msg('interpreter');
      case 'carer':
        return msg('carer');
      case 'specialist':
        return msg('specialist');
      case 'nurse':
        return msg('nurse');
      case 'social-worker':
        return msg('social worker');
      default:
        return msg('guest');
    }
  }
  return participant.role === 'patient' ? msg('patient') : msg('clinician');
}

/**
 * The tile's name and role as shown and as a screen reader hears it: "Amira Haddad, interpreter",
 * and for this page's own participant "Amira Haddad (you), interpreter".
 */
export function participantLabel(participant: Pick<ParticipantView, 'name' | 'role' | 'kind' | 'isLocal'>): string {
  const role = roleLabel(participant);
  const name = participant.name.trim();
  if (participant.isLocal) return name ? msg(str`${name} (you), ${role}`) : msg(str`You, ${role}`);
  return name ? msg(str`${name}, ${role}`) : role.charAt(0).toLocaleUpperCase() + role.slice(1);
}

/** What the room reads of a consultation of any number of participants (core's room state). */
export interface RoomState {
  self: ParticipantView | null;
  participants: readonly ParticipantView[];
  pending?: readonly PendingView[];
}

/**
 * The room's participants when the consultation's state has them (`self` beside `participants`
 * of `ParticipantState`s), or null for a two-party state (today's core: one remote stream).
 */
export function roomOf(state: ConsultationState | undefined): RoomState | null {
  if (!state || !('self' in state)) return null;
  const room = state as unknown as RoomState;
  return Array.isArray(room.participants) ? room : null;
}

/**
 * This page's participant said goodbye and may come back: they left (`self.presence` is `left`),
 * and the consultation was not ended for everyone nor closed by the server (a status of `ended`
 * with `local-hang-up` is their own leaving).
 */
export function hasLeft(state: ConsultationState): boolean {
  if (roomOf(state)?.self?.presence !== 'left' || state.status === 'failed') return false;
  return state.status !== 'ended' || state.endReason === 'local-hang-up';
}
