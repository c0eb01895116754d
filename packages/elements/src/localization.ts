/**
 * The languages of the elements (docs/elements.md, "Languages"; decision 31). `@lit/localize` in
 * runtime mode: messages are British English (the source) until a page asks for another language,
 * then that language's module (`locales/{code}.js`, a file of its own) is loaded once and every
 * element re-renders in it without a reload. A page that stays in English loads none.
 *
 * An element asks for the language of its `locale` property, else of the nearest `lang` attribute
 * around it (its own, an ancestor's, across shadow roots: usually `<html lang>`). Messages have one
 * language per page at a time (`@lit/localize` keeps one active locale): the last element to ask
 * sets it. Dates, times and numbers follow each element's own `lang` through `Intl`.
 */
import { configureLocalization, LOCALE_STATUS_EVENT } from '@lit/localize';
import { sourceLocale, targetLocales } from './locales/locale-codes.js';

export { sourceLocale, targetLocales };

/** Every language the elements speak: the source (`en-GB`) and the nine target locales. */
export const LOCALES: readonly string[] = [sourceLocale, ...targetLocales];

/** Languages written right to left. */
const RTL = new Set(['ar', 'ur']);

const { getLocale, setLocale } = configureLocalization({
  sourceLocale,
  targetLocales,
  // A template, not a table: each locale is a module of its own beside this one (`./locales/` next
  // to the npm build's `localization.js` and next to each CDN bundle), loaded on first use only.
  // `locale` is one of `targetLocales`, never text from outside (see `matchLocale`).
  loadLocale: (locale) => import(`./locales/${locale}.js`),
});

/** The locale whose messages are shown now (`en-GB` until another has loaded). */
export { getLocale };

/**
 * The supported locale for a BCP 47 tag: `cy-GB` → `cy`, `pa-Guru-IN` → `pa`, `en-US` → `en-GB`,
 * anything else (or nothing) → `en-GB`, the source.
 */
export function matchLocale(tag: string | null | undefined): string {
  const language = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0] ?? '';
  if (language === 'en' || !language) return sourceLocale;
  return targetLocales.find((locale) => locale === language) ?? sourceLocale;
}

/** `rtl` for Arabic and Urdu, `ltr` for the others. */
export function directionOf(locale: string): 'rtl' | 'ltr' {
  return RTL.has(matchLocale(locale)) ? 'rtl' : 'ltr';
}

/**
 * Shows the elements' messages in `tag`'s language (matched with `matchLocale`), loading its
 * module first if needed. Resolves once the elements have the new messages; rejects if the module
 * could not be loaded (the messages stay as they were).
 */
export async function useLocale(tag: string): Promise<void> {
  // Asking for the locale that is loading (or shown) again is free: the same promise.
  await setLocale(matchLocale(tag));
}

/** The event `@lit/localize` fires on `window` when a locale starts loading and when it is ready. */
export { LOCALE_STATUS_EVENT };
