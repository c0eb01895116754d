/** A link to a guide in a locale, for other pages (the join page) to show. */
import type { ServerLocale } from '../i18n/locales.js';
import { CATALOGUES } from './catalogue.js';
import { GUIDE_SLUGS, type GuideSlug } from './types.js';

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** `<a href="/guides/{slug}?lang=…">` with the guide's title in `locale`; undefined for no such guide. */
export function guideLink(slug: string, locale: ServerLocale): string | undefined {
  if (!(GUIDE_SLUGS as readonly string[]).includes(slug)) return undefined;
  const title = CATALOGUES[locale].guides[slug as GuideSlug].title;
  return `<a data-ck-guide="${slug}" href="/guides/${slug}?lang=${locale}" hreflang="${locale}">${escape(title)}</a>`;
}
