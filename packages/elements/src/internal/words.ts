/**
 * Words the elements show that do not come from one element: what went wrong (from an error's
 * code, never its English `message`), counts (plural rules of the shown language), the practice's
 * time zone by name, and people's own text isolated from the sentence around it.
 */
import { msg, str } from '@lit/localize';
import { formatTimeZone } from '@consultkit/core/booking';
import { activeLocale } from './active-locale.js';

/** A sentence for each plural category the shown language has; `other` for the rest. */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, () => string>> & { other: () => string };

/**
 * The sentence for `count` in the shown language's plural rules (`Intl.PluralRules`): Welsh and
 * Arabic have six categories, Polish four, English two. Each form is a whole sentence with its own
 * message id, so a translator writes every form their language needs.
 */
export function plural(count: number, forms: PluralForms): string {
  return (forms[new Intl.PluralRules(activeLocale()).select(count)] ?? forms.other)();
}

/**
 * People's own text (a name, a message) inside a sentence, isolated as `<bdi>` would: a right to
 * left name keeps its direction without turning the sentence around (U+2068 … U+2069).
 */
export function isolate(text: string): string {
  return `\u2068${text}\u2069`;
}

/** The practice's time zone by name, never its IANA id: "UK time" for `Europe/London`. */
export function zoneName(timeZone: string, lang: string): string {
  return timeZone === 'Europe/London' ? msg('UK time') : formatTimeZone(timeZone, lang);
}

/** Anything thrown or reported that may carry a ConsultKit error `code` and an HTTP `status`. */
export interface Failure {
  code?: string;
  status?: number;
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

/**
 * What a patient is told when a request failed: only what they can act on (their connection, their
 * details, waiting), else that the practice's system had a problem. Apart from `failureText` so
 * that `<slot-picker>` carries only these sentences.
 */
export function patientFailureText({ status = 500 }: Failure): string {
  if (!status) return msg("We could not reach the practice's service. Check your internet connection and try again.");
  if (status === 400 || status === 422) return msg('Some details were not accepted. Please check them and try again.');
  if (status === 429) return msg('Too many attempts. Please wait a minute and try again.');
  return msg("The practice's system had a problem. Please try again in a few minutes.");
}

/** Numbered devices without a name of their own: "Camera 2". */
export function unnamedDevice(kind: 'camera' | 'microphone' | 'speaker', n: number): string {
  return kind === 'camera'
    ? msg(str`Camera ${n}`)
    : kind === 'microphone'
      ? msg(str`Microphone ${n}`)
      : msg(str`Speaker ${n}`);
}

/** The day button's words for screen readers: "Tuesday 24 November 2026, 3 times". */
export function dayTimes(day: string, n: number): string {
  if (!n) return msg(str`${day}, no times`);
  return plural(n, {
    zero: () => msg(str`${day}, ${n} times`, { id: 'day-times-zero' }),
    one: () => msg(str`${day}, ${n} time`, { id: 'day-times-one' }),
    two: () => msg(str`${day}, ${n} times`, { id: 'day-times-two' }),
    few: () => msg(str`${day}, ${n} times`, { id: 'day-times-few' }),
    many: () => msg(str`${day}, ${n} times`, { id: 'day-times-many' }),
    other: () => msg(str`${day}, ${n} times`, { id: 'day-times-other' }),
  });
}

/** The button that shows a part of the day's other times: "Show 12 more times". */
export function showMoreTimes(n: number): string {
  return plural(n, {
    zero: () => msg(str`Show ${n} more times`, { id: 'show-more-times-zero' }),
    one: () => msg(str`Show ${n} more time`, { id: 'show-more-times-one' }),
    two: () => msg(str`Show ${n} more times`, { id: 'show-more-times-two' }),
    few: () => msg(str`Show ${n} more times`, { id: 'show-more-times-few' }),
    many: () => msg(str`Show ${n} more times`, { id: 'show-more-times-many' }),
    other: () => msg(str`Show ${n} more times`, { id: 'show-more-times-other' }),
  });
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
