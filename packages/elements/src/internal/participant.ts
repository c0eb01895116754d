import { msg, str } from '@lit/localize';
import type { ConsultationState, ParticipantState, PendingCommand } from '@consultkit/core';
import { isolate } from './words.js';

/** `pending` holds `command` for `peerId`. */
export function isPending(
  pending: readonly PendingCommand[] | undefined,
  command: 'admit' | 'remove',
  peerId: string,
): boolean {
  return !!pending?.some((p) => p.command === command && 'peerId' in p && p.peerId === peerId);
}

/** What a participant is there as: their guest kind, else their role (lower case, for "name, role"). */
export function roleLabel(participant: Pick<ParticipantState, 'role' | 'kind'>): string {
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
export function participantLabel(participant: Pick<ParticipantState, 'name' | 'role' | 'kind' | 'isLocal'>): string {
  const role = roleLabel(participant);
  // A participant without a name of their own is listed by the server under their role's name.
  const given = participant.name.trim();
  const name = [participant.role, participant.kind ?? ''].includes(given.toLowerCase()) ? '' : given;
  if (participant.isLocal) return name ? msg(str`${name} (you), ${role}`) : msg(str`You, ${role}`);
  return name ? msg(str`${name}, ${role}`) : role.charAt(0).toLocaleUpperCase() + role.slice(1);
}

/**
 * This page's participant left and may come back: the consultation is `ended` by its own hang-up
 * (`local-hang-up`) and it is not a clinician's (a clinician's hang-up is `end()`: over for
 * everyone). Core keeps the last `self` of a page that is over, so `self.presence` is not `left`
 * there: the end reason says it.
 */
export function hasLeft(state: ConsultationState): boolean {
  return state.status === 'ended' && state.endReason === 'local-hang-up' && state.role !== 'clinician';
}

/**
 * Who shares, for a sentence: their name alone ("Dr Ada Test is sharing…"), isolated so a name in
 * another direction keeps the sentence in order; without a name of their own (the server lists
 * them under their role's), what they are there as ("Interpreter").
 */
export function presenterName(p: Pick<ParticipantState, 'name' | 'role' | 'kind'>): string {
  const given = p.name.trim();
  if (given && ![p.role, p.kind ?? ''].includes(given.toLowerCase())) return isolate(given);
  const role = roleLabel(p);
  return role.charAt(0).toLocaleUpperCase() + role.slice(1);
}
