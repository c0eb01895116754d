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
  return tag && (matchLocale(tag) !== sourceLocale || /^en\b/i.test(tag)) ? tag : sourceLocale;
}

/** The language the page chose for `element` (`langOf`), or undefined when nothing set one. */
export function chosenLang(element: Element): string | undefined {
  return (element as Element & { locale?: string }).locale || langAround(element) ? langOf(element) : undefined;
}
