import { msg } from '@lit/localize';
import type { EndReason, Role } from '@consultkit/core';

/**
 * What to tell someone whose session the server ended (`replaced`, `cancelled`, `rescheduled`,
 * `revoked`), in plain words; null for the other end reasons.
 */
export function sessionEndedMessage(reason: EndReason | null, role: Role): string | null {
  const patient = role === 'patient';
  switch (reason) {
    case 'replaced':
      return msg('This consultation was opened in another window or on another device, so it has closed here.');
    case 'cancelled':
      return patient
        ? msg('The practice has cancelled this appointment. Please contact the practice if you still need to be seen.')
        : msg('This appointment has been cancelled.');
    case 'rescheduled':
      return patient
        ? msg(
            'The practice has moved this appointment to a new time. We have e-mailed you a new link: please use that one.',
          )
        : msg('This appointment has been moved to a new time.');
    case 'revoked':
      return patient
        ? msg('The practice has sent you a new link. Please use the link in their most recent e-mail.')
        : msg('A new link has been issued for you, so this one has closed.');
    default:
      return null;
  }
}
