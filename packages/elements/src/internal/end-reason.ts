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

/**
 * What happens next after a call that ended by hanging up (either side): for the patient, that
 * they can close the page; for the clinician, that they can move on to the next appointment.
 */
export function callEndedNextStep(role: Role): string {
  return role === 'patient'
    ? msg(
        'The consultation has ended. You can close this page. The practice will contact you if anything else is needed.',
      )
    : msg('The consultation has ended. You can close the room or open the next appointment.');
}
