/**
 * Words the elements show that do not come from one element: what went wrong (from an error's
 * code, never its English `message`), counts (plural rules of the shown language), the practice's
 * time zone by name, and people's own text isolated from the sentence around it.
 */
import { msg, str } from '@lit/localize';
import { formatTimeZone } from '@consultkit/core/booking';
import { plural, patientFailureText, type Failure } from './patient-words.js';

export * from './patient-words.js';

/** The practice's time zone by name, never its IANA id: "UK time" for `Europe/London`. */
export function zoneName(timeZone: string, lang: string): string {
  return timeZone === 'Europe/London' ? msg('UK time') : formatTimeZone(timeZone, lang);
}

/**
 * What went wrong, in the shown language, from a `ConsultKitError`'s `code` (and a `FhirError`'s
 * HTTP `status`). Core's and the server's `message` is English for developers and logs: it is never
 * shown. Codes added later read as the general sentence until they get one of their own.
 */
export function failureText(error: Failure | null | undefined): string {
  switch (error?.code) {
    case 'media-permission-denied':
      return msg(
        "Your browser was not allowed to use your camera and microphone. Allow them in your browser's settings, then try again.",
      );
    case 'media-unavailable':
      return msg('Your camera or microphone could not be found, or another app is using it.');
    case 'signalling-refused':
      return msg('This video link no longer works here. Please open the link in your most recent e-mail.');
    case 'signalling-unreachable':
    case 'network':
      return patientFailureText({ status: 0 });
    case 'webrtc-unsupported':
      return msg('This browser cannot make video calls. Please use an up-to-date Chrome, Edge, Firefox or Safari.');
    case 'server-error':
      return msg("The practice's video service had a problem. Please try again in a few minutes.");
    case 'link-invalid':
      return msg(
        'This link is not valid. It may have been copied incompletely: please open it from your e-mail again, or contact the practice.',
      );
    case 'link-early':
      return msg('This link is not open yet. Please come back shortly before your appointment.');
    case 'link-expired':
      return msg(
        'This link has expired: the appointment time has passed. Please contact the practice if you still need to be seen.',
      );
    case 'link-used':
      return msg(
        'This link has already been used. If you joined on another device, carry on there. Otherwise, ask the practice to send you a new link.',
      );
    case 'link-revoked':
      return msg('The practice has sent you a newer link. Please use the link in their most recent e-mail.');
    case 'link-wrong-role':
      return msg('This link is not for patients. Please use the link from your appointment e-mail.');
    case 'link-cancelled':
      return msg('This appointment has been cancelled or has already taken place. Please contact the practice.');
    case 'link-rescheduled':
      return msg(
        'Your appointment has moved to a new time, so this link no longer works. We have e-mailed you a new link: please use that one.',
      );
    case 'session-missing':
      return msg('To join, open the link in your appointment e-mail.');
    case 'fhir-error':
      return fhirFailureText(error);
    default:
      return msg('Something went wrong. Please try again. If it keeps happening, contact the practice.');
  }
}

/**
 * A FHIR request's failure (`FhirError`), by HTTP status; 0 (no answer) is the network. For staff:
 * every status in words.
 */
export function fhirFailureText(error: Failure): string {
  const status = error.status ?? 500;
  if (status === 401 || status === 403)
    return msg('You are not signed in, or not allowed to do this. Please sign in again.');
  if (status === 404 || status === 410) return msg('This appointment could not be found. It may have been cancelled.');
  if (status === 409) return msg('Someone else changed this just now. Please look again and try again.');
  return patientFailureText(error);
}

/** Numbered devices without a name of their own: "Camera 2". */
export function unnamedDevice(kind: 'camera' | 'microphone' | 'speaker', n: number): string {
  return kind === 'camera'
    ? msg(str`Camera ${n}`)
    : kind === 'microphone'
      ? msg(str`Microphone ${n}`)
      : msg(str`Speaker ${n}`);
}

/** A length of time: "15 minutes". */
export function minutes(n: number): string {
  return plural(n, {
    zero: () => msg(str`${n} minutes`, { id: 'minutes-zero' }),
    one: () => msg(str`${n} minute`, { id: 'minutes-one' }),
    two: () => msg(str`${n} minutes`, { id: 'minutes-two' }),
    few: () => msg(str`${n} minutes`, { id: 'minutes-few' }),
    many: () => msg(str`${n} minutes`, { id: 'minutes-many' }),
    other: () => msg(str`${n} minutes`, { id: 'minutes-other' }),
  });
}
