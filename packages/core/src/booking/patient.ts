/** Checking what a patient entered before it is sent: pure, so a form and a script agree. */
import type { DeliveryChannel, PatientDetails } from './types.js';

/**
 * Bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069). In a name
 * they make text show other than it is ("\u202Ekcalb\u202C" shows as "black"), and no name needs
 * them: where a name is shown it is isolated (`<bdi>`, `dir="auto"`). Refused in names and e-mail
 * addresses. The server mirrors this rule (packages/server/src/text.ts; it does not depend on core).
 */
export const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/u;

/**
 * Bidirectional marks (U+200E LEFT-TO-RIGHT MARK, U+200F RIGHT-TO-LEFT MARK, U+061C ARABIC LETTER
 * MARK): invisible, and they reorder only the neutral characters beside them, so they cannot make a
 * name read as another word. They do arrive in right-to-left text pasted from elsewhere, and a
 * person cannot see them to take them out, so they are not refused: they are removed where names
 * are stored and shown, with the controls.
 */
export const BIDI_MARKS = /[\u200E\u200F\u061C]/u;

const BIDI_ALL = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/gu;

/** `text` without bidirectional controls or marks: for showing text stored before they were refused. */
export function stripBidi(text: string): string {
  return text.replace(BIDI_ALL, '');
}

/** A field of the booking form. */
export type DetailsField = keyof PatientDetails | 'deliveryChannel';

/**
 * What is wrong with a field: `required` (empty), `invalid` (not an email, a phone number, or a
 * real date from 1900 on; a name or e-mail with a bidirectional control, see {@link BIDI_CONTROLS}), `future` (a birth date after today), `unavailable` (a delivery channel
 * the slot does not offer).
 */
export type DetailsProblem = 'required' | 'invalid' | 'future' | 'unavailable';

/** The fields in form order: the order of an error summary. */
export const DETAILS_FIELDS: readonly DetailsField[] = [
  'given',
  'family',
  'birthDate',
  'email',
  'phone',
  'deliveryChannel',
];

/**
 * The problems with `details`, by field; an empty object when all is well. `offered` are the
 * channels the slot's schedule offers (any channel passes without it); `today` is a local
 * `YYYY-MM-DD` date (default: today in UTC).
 */
export function validateDetails(
  details: Partial<Record<DetailsField, string>>,
  offered?: readonly DeliveryChannel[],
  today = new Date().toISOString().slice(0, 10),
): Partial<Record<DetailsField, DetailsProblem>> {
  const problems: Partial<Record<DetailsField, DetailsProblem>> = {};
  const value = (field: DetailsField) => (details[field] ?? '').trim();
  for (const field of DETAILS_FIELDS) if (!value(field)) problems[field] = 'required';

  const birth = value('birthDate');
  if (birth) {
    // A date input gives `YYYY-MM-DD` or nothing; typed text must be a real date as well.
    const real = /^\d{4}-\d\d-\d\d$/.test(birth) && new Date(Date.parse(birth) || 0).toISOString().startsWith(birth);
    if (!real || birth < '1900') problems.birthDate = 'invalid';
    else if (birth > today) problems.birthDate = 'future';
  }
  for (const field of ['given', 'family', 'email'] as const) {
    if (BIDI_CONTROLS.test(value(field))) problems[field] = 'invalid';
  }
  const email = value('email');
  if (email && (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || BIDI_MARKS.test(email))) problems.email = 'invalid';
  const phone = value('phone');
  // 10 to 15 digits, with spaces, brackets, dots or dashes between, and + in front.
  if (phone && !/^\+?\(?(\d[\s().-]*){10,15}$/.test(phone)) problems.phone = 'invalid';
  const channel = value('deliveryChannel');
  if (channel && offered && !offered.includes(channel as DeliveryChannel)) problems.deliveryChannel = 'unavailable';
  return problems;
}
