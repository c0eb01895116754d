/**
 * The languages the server writes to patients in (e-mails, the join page): the elements' ten
 * (decision 31). A patient's language is a BCP 47 tag stored with their booking
 * (`Patient.communication`); anything else reads as British English.
 */

/** British English, the source, and the nine translations. */
export const SERVER_LOCALES = ['en-GB', 'cy', 'ar', 'bn', 'bg', 'it', 'pl', 'pa', 'ro', 'ur'] as const;
export type ServerLocale = (typeof SERVER_LOCALES)[number];

/** The FHIR `system` of a BCP 47 language code (`Patient.communication.language.coding`). */
export const BCP47 = 'urn:ietf:bcp:47';

/** A BCP 47 tag as people and browsers write them (`pl`, `cy-GB`, `pa-Guru-IN`): at most 35 characters. */
export const LANGUAGE_TAG = /^[a-z]{2,3}(-[a-z0-9]{1,8}){0,4}$/i;

/** The supported locale of a tag: `cy-GB` → `cy`, `en-US` → `en-GB`; unknown or none → `en-GB`. */
export function matchLocale(tag: string | null | undefined): ServerLocale {
  const language = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0];
  return SERVER_LOCALES.find((locale) => locale !== 'en-GB' && locale === language) ?? 'en-GB';
}

/** `rtl` for Arabic and Urdu. */
export function directionOf(locale: ServerLocale): 'rtl' | 'ltr' {
  return locale === 'ar' || locale === 'ur' ? 'rtl' : 'ltr';
}

/**
 * The first supported language of an `Accept-Language` header, by its `q` weights; null when none
 * is (English included: `en-US` counts as English).
 */
export function fromAcceptLanguage(header: string | undefined): ServerLocale | null {
  const ranges = (header ?? '')
    .slice(0, 500)
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      // A weight that is not a number from 0 to 1 (`q=x`, `q=-1`) rules the range out.
      const weight = /^\s*q=(.*)$/i.exec(params.join(';'))?.[1];
      const q = weight === undefined ? 1 : /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(weight.trim()) ? Number(weight) : 0;
      return { tag: tag.trim(), q, i };
    })
    .filter((range) => range.q > 0 && LANGUAGE_TAG.test(range.tag))
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranges) {
    if (/^en\b/i.test(tag)) return 'en-GB';
    const locale = matchLocale(tag);
    if (locale !== 'en-GB') return locale;
  }
  return null;
}

/**
 * `url` with the patient's language as `?lang=` (not for English): the join page a link opens then
 * speaks it. A display preference, not a secret; the page sends no referrer.
 */
export function withLanguage(url: string, language: string | undefined): string {
  const locale = matchLocale(language);
  if (locale === 'en-GB') return url;
  return `${url}${url.includes('?') ? '&' : '?'}lang=${locale}`;
}
