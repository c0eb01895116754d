// A rollup plugin for the CDN build (decision 43): the whitespace of Lit's `html` and `css` tagged
// templates in ConsultKit's own sources, which terser leaves as written (it never changes a
// template literal's text).
// - `css`: comments removed, whitespace runs to one space, and none around `{`, `}`, `;`, `,` nor
//   after `:`; strings (`'…'`, `"…"`) kept as written. Interpolations (`${…}`) are untouched.
// - `html`: a whitespace run that contains a line break becomes one line break. What the browser
//   shows is the same (HTML collapses such runs; a `pre`/`pre-wrap` element's text would differ,
//   but no template has a line break inside one: `minify-templates.test.mjs` checks the parts it
//   changes render alike).
// Only literals tagged exactly `css` or `html` (Lit's names; `svg` is not used), in `.ts` files of
// `packages/*/src`. Source maps are kept (magic-string).
import MagicString from 'magic-string';
import { walk } from 'estree-walker';

const OWN = /\/packages\/[^/]+\/src\/.*\.ts$/;

/** Collapses CSS outside its strings; `text` is one static part of a css`` template. */
export function minifyCss(text) {
  return text
    .split(/('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")/)
    .map((part, i) =>
      i % 2
        ? part
        : part
            .replace(/\/\*[\s\S]*?\*\//g, '')
            .replace(/\s+/g, ' ')
            .replace(/ ?([{};,]) ?/g, '$1')
            .replace(/: /g, ':')
            .replace(/;}/g, '}'),
    )
    .join('');
}

/** One line break for each whitespace run that holds one; `text` is a static part of an html`` template. */
export function minifyHtml(text) {
  return text.replace(/[ \t]*\n\s*/g, '\n');
}

export function minifyTemplates() {
  return {
    name: 'minify-templates',
    transform(code, id) {
      if (!OWN.test(id) || !/\b(css|html)`/.test(code)) return null;
      const ast = this.parse(code);
      const out = new MagicString(code);
      let changed = false;
      walk(ast, {
        enter(node) {
          if (node.type !== 'TaggedTemplateExpression' || node.tag.type !== 'Identifier') return;
          const minify = { css: minifyCss, html: minifyHtml }[node.tag.name];
          if (!minify) return;
          for (const quasi of node.quasi.quasis) {
            const raw = quasi.value.raw;
            const next = minify(raw);
            if (next !== raw && quasi.end > quasi.start) {
              out.overwrite(quasi.start, quasi.end, next);
              changed = true;
            }
          }
        },
      });
      return changed ? { code: out.toString(), map: out.generateMap({ hires: true }) } : null;
    },
  };
}
