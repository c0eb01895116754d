/** The words of `<staff-chat>` that are more than one sentence's choice: counts and what a conversation is about. */
import { msg, str } from '@lit/localize';
import type { StaffConversation, StaffRole } from '@consultkit/core/contract';
import { activeLocale } from '../internal/active-locale.js';
import { isolate, plural } from '../internal/words.js';

/** "3 unread messages" for the conversation badge, in the shown language's plural forms. */
export function staffUnreadText(n: number): string {
  return plural(n, {
    zero: () => msg(str`${n} unread messages`, { id: 'staff-unread-zero' }),
    one: () => msg(str`${n} unread message`, { id: 'staff-unread-one' }),
    two: () => msg(str`${n} unread messages`, { id: 'staff-unread-two' }),
    few: () => msg(str`${n} unread messages`, { id: 'staff-unread-few' }),
    many: () => msg(str`${n} unread messages`, { id: 'staff-unread-many' }),
    other: () => msg(str`${n} unread messages`, { id: 'staff-unread-other' }),
  });
}

/** What the conversation is about: the patient's name only when the server gave it. '' when about no patient. */
export function aboutText(conversation: StaffConversation): string {
  if (conversation.patientHidden) return msg('About a patient you cannot see');
  if (!conversation.patient) return '';
  return conversation.patient.name ? msg(str`About ${isolate(conversation.patient.name)}`) : msg('About a patient');
}

/** A conversation's name: its title, else the others in it ("Dr Tom Evans", "Dr Tom Evans and Priya Shah"). */
export function conversationName(conversation: StaffConversation, me: string): string {
  if (conversation.title) return conversation.title;
  const others = conversation.members.filter((m) => m.practitioner !== me).map((m) => m.name);
  if (others.length === 0) return msg('Only you');
  if (others.length === 1) return others[0]!;
  const list = new Intl.ListFormat(activeLocale(), { type: 'conjunction' });
  return list.format(others);
}

/**
 * A colleague's role in words when the directory does not word it (reception, the practice
 * manager): the practice administrator's role first, then a clinician's, then reception's.
 */
export function colleagueRoleText(roles: readonly StaffRole[]): string {
  if (roles.includes('practice-admin')) return msg('Practice administrator');
  if (roles.includes('clinician')) return msg('Clinician');
  if (roles.includes('receptionist')) return msg('Receptionist');
  return msg('Member of staff');
}

/** A colleague as "New conversation" lists them: "Jo Bennett, Receptionist" (the name isolated). */
export function colleagueText(name: string, role: string): string {
  return role ? msg(str`${isolate(name)}, ${role}`) : isolate(name);
}
