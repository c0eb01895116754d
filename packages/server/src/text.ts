/**
 * Text that lies: bidirectional controls and marks in what people type. The same rule as
 * `@consultkit/core`'s (packages/core/src/booking/patient.ts: `BIDI_CONTROLS`, `BIDI_MARKS`,
 * `stripBidi`), mirrored because the server does not depend on core yet; names-that-lie.test.ts
 * checks that the two agree on every character.
 *
 * Controls (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates) make text show other
 * than it is and are refused in names and e-mail addresses. Marks (U+200E, U+200F, U+061C) are
 * invisible, cannot turn one word into another, and arrive in pasted right-to-left text: they are
 * removed from names rather than refused. Both are removed wherever stored text is shown.
 */

export const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/u;
export const BIDI_MARKS = /[\u200E\u200F\u061C]/u;

const BIDI_ALL = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/gu;

/** `text` without bidirectional controls or marks. */
export function stripBidi(text: string): string {
  return text.replace(BIDI_ALL, '');
}
