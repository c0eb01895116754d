/**
 * The languages of the elements (docs/elements.md, "Languages"; decision 31). `@lit/localize` in
 * runtime mode: messages are British English (the source) until a page asks for another language,
 * then that language's module (`locales/{code}.js`, a file of its own) is loaded once and every
 * element re-renders in it without a reload.
 *
 * Elements import this module only when a page first asks for a language other than English (the
 * nearest `lang` around an element, or its `locale`): a page in English loads neither this code
 * nor any translation. Import it yourself to switch from a script (`useLocale('cy')`).
 *
 * Messages have one language per page at a time (`@lit/localize` keeps one active locale): the
 * last element to ask sets it. Dates, times and numbers follow each element's own `lang`.
 */
import { configureLocalization, type LocaleModule } from '@lit/localize';
import { activeLocale, followActiveLocale } from './internal/active-locale.js';
import { matchLocale } from './internal/locale-match.js';
import { sourceLocale, targetLocales } from './locales/locale-codes.js';

export { matchLocale, sourceLocale, targetLocales };

/**
 * `rtl` for Arabic and Urdu, `ltr` for the others. Here, not in `internal/locale-match.ts`: only a
 * page that changes language needs it, and this module comes with the first change (decision 46).
 */
export function directionOf(tag: string): 'rtl' | 'ltr' {
  return /^(ar|ur)$/.test(matchLocale(tag)) ? 'rtl' : 'ltr';
}

/** Every language the elements speak: the source (`en-GB`) and the nine target locales. */
export const LOCALES: readonly string[] = [sourceLocale, ...targetLocales];

// A template, not a table: each locale is a module of its own beside this one (`./locales/` next
// to the npm build's `localization.js` and next to each CDN bundle), loaded on first use only.
// `locale` is one of `targetLocales`, never text from outside (`matchLocale` chose it).
const importLocale = (locale: string): Promise<LocaleModule> =>
  import(`./locales/${locale}.js`) as Promise<LocaleModule>;

/**
 * `@lit/localize` takes one configuration per page. It is ours unless the host configured it
 * first (its own strings with `msg()`; `@lit/localize` is a peer dependency, so there is one copy):
 * then the host's `setLocale` chooses the language, and its `loadLocale` adds the elements'
 * messages with {@link loadElementsLocale}.
 */
let runtime: { getLocale: () => string; setLocale: (locale: string) => Promise<void> } | undefined;
try {
  runtime = configureLocalization({ sourceLocale, targetLocales, loadLocale: importLocale });
} catch {
  // "lit-localize can only be configured once": the host's configuration. Its status events say
  // which language is shown.
  runtime = undefined;
  followActiveLocale();
}

/** The locale whose messages are shown now (`en-GB` until another has loaded). */
export function getLocale(): string {
  return runtime ? runtime.getLocale() : activeLocale();
}

/**
 * For a host that configures `@lit/localize` itself: the elements' messages in `tag`'s language
 * (matched with `matchLocale`; none for British English), to merge into what its `loadLocale`
 * returns: `loadLocale: async (l) => ({ templates: { ...(await mine(l)).templates,
 * ...(await loadElementsLocale(l)).templates } })`.
 */
export async function loadElementsLocale(tag: string): Promise<LocaleModule> {
  const locale = matchLocale(tag);
  return locale === sourceLocale ? { templates: {} } : importLocale(locale);
}

/**
 * Shows the elements' messages in `tag`'s language (matched with `matchLocale`), loading its
 * module first if needed. Resolves once the elements have the new messages; rejects if the module
 * could not be loaded (the messages stay as they were), or if the host configured `@lit/localize`
 * and shows another language (the host's `setLocale` decides).
 */
export async function useLocale(tag: string): Promise<void> {
  const locale = matchLocale(tag);
  if (!runtime) {
    if (matchLocale(getLocale()) === locale) return;
    throw new Error(`The page configured @lit/localize: its setLocale chooses the language (asked for ${locale}).`);
  }
  // Asking for the locale that is loading (or shown) again is free: the same promise.
  await runtime.setLocale(locale);
}

/** Elements whose `dir` was set here (not by the page), so it may be changed here. */
const ownDir = new WeakSet<HTMLElement>();

/**
 * An element's language is `tag`: its `dir` follows the language where it differs from what the
 * element would inherit (unless the page set `dir` on it), and the messages switch to it.
 * @internal
 */
export function follow(element: HTMLElement, tag: string): void {
  if (ownDir.has(element) || !element.hasAttribute('dir')) {
    const dir = directionOf(tag);
    const parent = element.parentElement ?? (element.getRootNode() as ShadowRoot).host ?? document.documentElement;
    if (ownDir.has(element) || dir !== getComputedStyle(parent).direction) {
      element.setAttribute('dir', dir);
      ownDir.add(element);
    }
  }
  useLocale(tag).catch(() => undefined);
}
