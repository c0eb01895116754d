/** Checking what a patient entered before it is sent: pure, so a form and a script agree. */
import type { DeliveryChannel, PatientDetails } from './types.js';

/** A field of the booking form. */
export type DetailsField = keyof PatientDetails | 'deliveryChannel';

/**
 * What is wrong with a field: `required` (empty), `invalid` (not an email, a phone number, or a
 * real date from 1900 on), `future` (a birth date after today), `unavailable` (a delivery channel
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
  const email = value('email');
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) problems.email = 'invalid';
  const phone = value('phone');
  // 10 to 15 digits, with spaces, brackets, dots or dashes between, and + in front.
  if (phone && !/^\+?\(?(\d[\s().-]*){10,15}$/.test(phone)) problems.phone = 'invalid';
  const channel = value('deliveryChannel');
  if (channel && offered && !offered.includes(channel as DeliveryChannel)) problems.deliveryChannel = 'unavailable';
  return problems;
}
