/**
 * The words `<slot-picker>` shares with the other elements: plurals, isolation of people's own
 * text, a failure in a patient's words. A module apart from `words.ts` (which re-exports it) so
 * that the CDN's shared chunks give the picker only these sentences (decision 32): code splitting
 * works per module. The day chooser's counts are the picker's alone (`slot-picker/words.ts`), so
 * that other pages do not load them (decision 46).
 */
import { msg } from '@lit/localize';
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

/** Anything thrown or reported that may carry a ConsultKit error `code` and an HTTP `status`. */
export interface Failure {
  code?: string;
  status?: number;
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
