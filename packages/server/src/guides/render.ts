/**
 * One renderer for every guide in every locale: a plain page with `lang` and `dir`, the urgent
 * notice, a table of contents, headings in order (h1, then h2 per section), the other guides and a
 * language switcher. No script; one inline style (hashed by the CSP like the other pages), written
 * with logical properties so it mirrors for Arabic and Urdu, reflows at 320 px and 200 % zoom, and
 * prints without the navigation.
 *
 * `embed` is the variant for an iframe on a practice's site: the same page, whose links (other
 * guides, other languages) keep `embed=1`, so a reader stays inside the frame and the server can
 * tell the two apart (an embedded page is not for search engines).
 */
import { LANGUAGE_NAMES } from '../i18n/join-page.js';
import { directionOf, SERVER_LOCALES, type ServerLocale } from '../i18n/locales.js';
import { CATALOGUES } from './catalogue.js';
import { helpBlock } from '../i18n/help.js';
import { GUIDE_SLUGS, type Block, type GuideSlug } from './types.js';

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `
  :root { color-scheme: light; --ck-guide-ink: #212b32; --ck-guide-link: #005eb8; --ck-guide-focus: #ffeb3b; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 1.125rem/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans Arabic", "Noto Nastaliq Urdu", "Noto Sans Bengali", "Noto Sans Gurmukhi", sans-serif; color: var(--ck-guide-ink); background: #fff; overflow-wrap: anywhere; }
  header, main, footer { max-inline-size: 40rem; margin-inline: auto; padding-inline: 1rem; }
  header { padding-block: 0.5rem; border-block-end: 1px solid #d8dde0; }
  main { padding-block: 1rem 2rem; }
  h1 { font-size: 1.75rem; line-height: 1.25; margin-block: 0.5rem 1rem; }
  h2 { font-size: 1.375rem; line-height: 1.3; margin-block: 2rem 0.5rem; }
  p, li { max-inline-size: 36em; }
  li + li { margin-block-start: 0.5rem; }
  a { color: var(--ck-guide-link); text-underline-offset: 0.15em; }
  a:focus-visible { outline: 3px solid var(--ck-guide-ink); outline-offset: 2px; background: var(--ck-guide-focus); color: var(--ck-guide-ink); }
  .summary { font-size: 1.25rem; }
  .urgent { border-inline-start: 0.5rem solid #d5281b; background: #fff4f2; padding: 0.75rem 1rem; margin-block: 1rem; }
  .toc, .more { border-inline-start: 0.25rem solid #005eb8; padding-inline-start: 1rem; margin-block: 1.5rem; }
  .toc h2, .more h2 { margin-block-start: 0; font-size: 1.125rem; }
  .languages ul { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; list-style: none; margin: 0; padding: 0; }
  .languages li + li { margin-block-start: 0; }
  .languages a { display: inline-block; min-block-size: 44px; min-inline-size: 44px; padding-block: 0.5rem; }
  .languages a[aria-current] { font-weight: 700; color: var(--ck-guide-ink); }
  .toc a, .more a, .ck-help a { display: inline-block; min-block-size: 24px; }
  .ck-help { border-block-start: 1px solid #d8dde0; padding-block: 1rem 2rem; }
  .ck-help h2 { margin-block-start: 0; font-size: 1.125rem; }
  @media print {
    header, .toc, .more, footer { display: none; }
    body { font-size: 12pt; }
    a { color: inherit; text-decoration: none; }
    h2 { break-after: avoid; }
  }
`;

function block(b: Block): string {
  if ('p' in b) return `<p>${escape(b.p)}</p>`;
  const [tag, items] = 'ul' in b ? ['ul', b.ul] : ['ol', b.ol];
  return `<${tag}>${items.map((item) => `<li>${escape(item)}</li>`).join('')}</${tag}>`;
}

/** `?lang=` (and `embed=1` when embedded) for a link inside the guides. */
function query(locale: ServerLocale, embed: boolean): string {
  return `?lang=${locale}${embed ? '&amp;embed=1' : ''}`;
}

function switcher(locale: ServerLocale, label: string, path: string, embed: boolean): string {
  const links = SERVER_LOCALES.map(
    (code) =>
      `<li><a href="${path}${query(code, embed)}" lang="${code}" hreflang="${code}" dir="${directionOf(code)}"${
        code === locale ? ' aria-current="true"' : ''
      }>${escape(LANGUAGE_NAMES[code])}</a></li>`,
  ).join('');
  return `<nav class="languages" aria-labelledby="ck-languages"><p id="ck-languages">${escape(label)}</p><ul>${links}</ul></nav>`;
}

function page(locale: ServerLocale, title: string, body: string, languages: string, embed: boolean): string {
  return `<!doctype html>
<html lang="${locale}" dir="${directionOf(locale)}">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escape(title)}</title>
    <style>${STYLE}</style>
  </head>
  <body>
    ${languages}
    <main>
${body}
    </main>
    ${helpBlock(locale, embed)}
  </body>
</html>
`;
}

/** A guide in `locale`. */
export function renderGuide(slug: GuideSlug, locale: ServerLocale, embed = false): string {
  const { words, guides } = CATALOGUES[locale];
  const guide = guides[slug];
  const toc = guide.sections
    .map((section) => `<li><a href="#${section.id}">${escape(section.heading)}</a></li>`)
    .join('');
  const sections = guide.sections
    .map(
      (section) =>
        `<section aria-labelledby="${section.id}"><h2 id="${section.id}">${escape(section.heading)}</h2>${section.blocks
          .map(block)
          .join('')}</section>`,
    )
    .join('\n');
  const others = GUIDE_SLUGS.filter((other) => other !== slug)
    .map((other) => `<li><a href="/guides/${other}${query(locale, embed)}">${escape(guides[other].title)}</a></li>`)
    .join('');
  const body = `<h1>${escape(guide.title)}</h1>
<p class="summary">${escape(guide.summary)}</p>
<p class="urgent">${escape(words.urgent)}</p>
<nav class="toc" aria-labelledby="ck-contents"><h2 id="ck-contents">${escape(words.contents)}</h2><ol>${toc}</ol></nav>
${sections}
<nav class="more" aria-labelledby="ck-more"><h2 id="ck-more">${escape(words.moreGuides)}</h2><ul>${others}</ul></nav>`;
  const languages = `<header>${switcher(locale, words.language, `/guides/${slug}`, embed)}</header>`;
  return page(locale, guide.title, body, languages, embed);
}

/** The list of guides in `locale` (`/guides`). */
export function renderGuideIndex(locale: ServerLocale, embed = false): string {
  const { words, guides } = CATALOGUES[locale];
  const items = GUIDE_SLUGS.map(
    (slug) =>
      `<li><a href="/guides/${slug}${query(locale, embed)}">${escape(guides[slug].title)}</a><br />${escape(guides[slug].summary)}</li>`,
  ).join('');
  const body = `<h1>${escape(words.guides)}</h1>
<p class="summary">${escape(words.guidesIntro)}</p>
<p class="urgent">${escape(words.urgent)}</p>
<ul>${items}</ul>`;
  const languages = `<header>${switcher(locale, words.language, '/guides', embed)}</header>`;
  return page(locale, words.guides, body, languages, embed);
}
