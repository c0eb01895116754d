/**
 * The rules for a patient's details, the same in a form (core's `validateDetails`) and on the
 * server (the contained Patient of a booking): written once, here.
 */

/**
 * Bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069). In a name
 * they make text show other than it is ("\u202Ekcalb\u202C" shows as "black"), and no name needs
 * them: where a name is shown it is isolated (`<bdi>`, `dir="auto"`). Refused in names and e-mail
 * addresses.
 */
export const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/u;

/**
 * Bidirectional marks (U+200E LEFT-TO-RIGHT MARK, U+200F RIGHT-TO-LEFT MARK, U+061C ARABIC LETTER
 * MARK): invisible, and they reorder only the neutral characters beside them, so they cannot make a
 * name read as another word. They do arrive in right-to-left text pasted from elsewhere, and a
 * person cannot see them to take them out, so they are not refused in names: they are removed
 * where names are stored and shown, with the controls. Refused in e-mail addresses.
 */
export const BIDI_MARKS = /[\u200E\u200F\u061C]/u;

const BIDI_ALL = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/gu;

/** `text` without bidirectional controls or marks: for showing text stored before they were refused. */
export function stripBidi(text: string): string {
  return text.replace(BIDI_ALL, '');
}

/**
 * A phone number as people write it, UK or international: `07700 900123`, `020 7946 0000`,
 * `+44 (0)20 7946 0000`, `0044 20 7946 0000`, `+353 1 234 5678`, `+683 4002`. Digits with spaces,
 * brackets, dots or dashes between, and `+` (or `00`) in front; **7 to 15 digits** after an
 * international `00`. Fifteen is the most E.164 allows (a UK number written with its trunk `0`
 * inside "(0)" has 13); seven is the shortest in use (small Pacific states; UK numbers have 10 or
 * 11 with the `0`). Shorter is an extension or a typo, longer is two numbers. At most 32 characters.
 */
export function isPhoneNumber(text: string): boolean {
  const digits = text.replace(/^00/, '').replace(/\D/g, '').length;
  return /^\+?\(?\d[\d\s().-]{5,30}$/.test(text) && digits > 6 && digits < 16;
}

/**
 * An e-mail address the server accepts: one `@`, a dot in the domain, no spaces, controls, or
 * characters that need quoting (`<>()[],;:"`), at most 254 characters.
 */
export function isEmailAddress(text: string): boolean {
  return (
    text.length < 255 &&
    /^[^\s\p{Cc}\p{Cs}@<>()[\],;:"]+@[^\s\p{Cc}\p{Cs}@<>()[\],;:"]+\.[^\s\p{Cc}\p{Cs}@<>()[\],;:".]+$/u.test(text) &&
    !BIDI_CONTROLS.test(text) &&
    !BIDI_MARKS.test(text)
  );
}

/**
 * Why a date of birth (`YYYY-MM-DD`) is not possible: `invalid` (not a real calendar date, or
 * before 1900), `future` (after `today`, a local `YYYY-MM-DD`), or null when it is fine.
 */
export function birthDateProblem(date: string, today: string): 'invalid' | 'future' | null {
  const real = /^\d{4}-\d\d-\d\d$/.test(date) && new Date(Date.parse(date) || 0).toISOString().startsWith(date);
  return !real || date < '1900' ? 'invalid' : date > today ? 'future' : null;
}
