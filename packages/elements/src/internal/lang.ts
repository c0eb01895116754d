import { sourceLocale } from '../locales/locale-codes.js';
import { matchLocale } from './locale-match.js';

/**
 * The nearest `lang` attribute around `element`: its own, an ancestor's, or its shadow host's
 * (and so on up), usually the page's `<html lang>`; '' when there is none.
 */
export function langAround(element: Element): string {
  for (let node: Element | null = element; node;) {
    const found = node.closest<HTMLElement>('[lang]');
    if (found) return found.lang;
    const root = node.getRootNode();
    node = root instanceof ShadowRoot ? root.host : null;
  }
  return '';
}

/**
 * The language to format dates, times and numbers in (`Intl`): the element's `locale` property,
 * else the nearest `lang` around it, when the elements speak that language (`cy-GB` stays
 * `cy-GB`); else British English, the language of the messages' source, so that words and dates
 * never mix two languages.
 */
export function langOf(element: Element): string {
  const tag = (element as Element & { locale?: string }).locale || langAround(element);
  return tag && (matchLocale(tag) !== sourceLocale || /^en\b/i.test(tag)) && datesIn(tag) ? tag : sourceLocale;
}

const known = new Map<string, boolean>();

/**
 * Whether this browser's `Intl` can write dates in `tag`'s language. Browsers ship a subset of
 * the locale data: Chromium has no Welsh (it answers in US English) and no Punjabi dates (it
 * answers "2026 M11 30"); British English reads better than either until they do.
 */
function datesIn(tag: string): boolean {
  let ok = known.get(tag);
  if (ok === undefined) {
    try {
      const format = new Intl.DateTimeFormat(tag, { month: 'long', timeZone: 'UTC' });
      ok =
        format.resolvedOptions().locale.split('-')[0] === tag.split('-')[0]!.toLowerCase() &&
        !/^M\d/.test(format.format(Date.UTC(2026, 10, 15)));
    } catch {
      ok = false;
    }
    known.set(tag, ok);
  }
  return ok;
}

/** The language the page chose for `element` (`langOf`), or undefined when nothing set one. */
export function chosenLang(element: Element): string | undefined {
  return (element as Element & { locale?: string }).locale || langAround(element) ? langOf(element) : undefined;
}
