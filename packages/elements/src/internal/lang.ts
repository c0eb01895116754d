/**
 * The language to format dates and times in: the nearest `lang` attribute around `element` (the
 * page's `<html lang>` usually), else British English, the language of the messages' source.
 */
export function langOf(element: Element): string {
  return element.closest<HTMLElement>('[lang]')?.lang || 'en-GB';
}
