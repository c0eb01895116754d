/** Checking what a patient entered before it is sent: pure, so a form and a script agree. */
import { BIDI_CONTROLS, birthDateProblem, isEmailAddress, isPhoneNumber } from '../contract/patient.js';
import { CONTACT_PREFERENCES } from '../contract/fhir.js';
import type { DeliveryChannel, PatientDetails } from './types.js';

export { BIDI_CONTROLS, BIDI_MARKS, stripBidi } from '../contract/patient.js';

/** A field of the booking form. */
export type DetailsField = keyof PatientDetails | 'deliveryChannel';

/**
 * What is wrong with a field: `required` (empty), `invalid` (not an email, a phone number, or a
 * real date from 1900 on; a name or e-mail with a bidirectional control), `future` (a birth date after today), `unavailable` (a delivery channel
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
  const birthProblem = birth && birthDateProblem(birth, today);
  if (birthProblem) problems.birthDate = birthProblem;
  for (const field of ['given', 'family', 'email'] as const) {
    if (BIDI_CONTROLS.test(value(field))) problems[field] = 'invalid';
  }
  // The server's rules (packages/core/src/contract/patient.ts), so a form never sends what it refuses.
  const email = value('email');
  if (email && !isEmailAddress(email)) problems.email = 'invalid';
  const phone = value('phone');
  if (phone && !isPhoneNumber(phone)) problems.phone = 'invalid';
  const channel = value('deliveryChannel');
  if (channel && offered && !offered.includes(channel as DeliveryChannel)) problems.deliveryChannel = 'unavailable';
  return problems;
}

/** A field of the "video now" form, in form order. */
export type VideoNowField =
  'schedule' | 'minutes' | 'given' | 'family' | 'birthDate' | 'email' | 'phone' | 'contactPreference';

/** The fields of a video consultation started now, in form order: the order of an error summary. */
export const VIDEO_NOW_FIELDS: readonly VideoNowField[] = [
  'schedule',
  'minutes',
  'given',
  'family',
  'birthDate',
  'email',
  'phone',
  'contactPreference',
];

/**
 * The problems with a video consultation to start now, by field (`validateDetails`' rules for the
 * patient; the mobile optional unless the link goes by text message; `minutes` a whole number from
 * 5 to 120, as the server checks); an empty object when all is well.
 */
export function validateVideoNow(
  request: Partial<Record<VideoNowField, string | number | undefined>>,
  today = new Date().toISOString().slice(0, 10),
): Partial<Record<VideoNowField, DetailsProblem>> {
  const text = (field: VideoNowField) => String(request[field] ?? '').trim();
  const phone = text('phone');
  const {
    deliveryChannel: _channel,
    phone: phoneProblem,
    ...patient
  } = validateDetails(
    { given: text('given'), family: text('family'), birthDate: text('birthDate'), email: text('email'), phone },
    undefined,
    today,
  );
  const problems: Partial<Record<VideoNowField, DetailsProblem>> = {};
  if (!text('schedule')) problems.schedule = 'required';
  const minutes = Number(text('minutes'));
  if (!text('minutes')) problems.minutes = 'required';
  else if (!Number.isInteger(minutes) || minutes < 5 || minutes > 120) problems.minutes = 'invalid';
  Object.assign(problems, patient);
  const preference = text('contactPreference');
  if (phoneProblem === 'invalid') problems.phone = 'invalid';
  else if (!phone && (preference === 'sms' || preference === 'both')) problems.phone = 'required';
  if (!preference) problems.contactPreference = 'required';
  else if (!(CONTACT_PREFERENCES as readonly string[]).includes(preference)) problems.contactPreference = 'invalid';
  // Form order, so the first problem is the first field to fix.
  return Object.fromEntries(VIDEO_NOW_FIELDS.filter((f) => problems[f]).map((f) => [f, problems[f]]));
}
