import { sourceLocale, targetLocales } from '../locales/locale-codes.js';

/**
 * The supported locale for a BCP 47 tag: `cy-GB` → `cy`, `pa-Guru-IN` → `pa`, `en-US` → `en-GB`,
 * anything else (or nothing) → `en-GB`, the source.
 */
export function matchLocale(tag: string | null | undefined): string {
  const language = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0];
  return targetLocales.find((locale) => locale === language) ?? sourceLocale;
}
