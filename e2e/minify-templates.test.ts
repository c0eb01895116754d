/**
 * The CDN build's template minifier (`scripts/minify-templates.mjs`, decision 43) changes nothing a
 * browser sees: for every `css` and `html` template in the elements' sources, Chromium parses the
 * original and the minified text alike. CSS: the same rules (`CSSStyleSheet.cssRules`, serialized
 * by the browser). HTML: the same tree of elements, attributes and text, where text differs only by
 * whitespace that collapses (never inside `pre`, `textarea` or a `pre-wrap` element: checked
 * exactly). Interpolations (`${…}`) are replaced by one marker in both, as Lit's own parse does.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { transformSync } from 'esbuild';
import { parse } from 'acorn';
import { walk } from 'estree-walker';
// @ts-expect-error -- plain ESM helper without types
import { minifyCss, minifyHtml } from '../scripts/minify-templates.mjs';
// @ts-expect-error -- plain ESM helper without types
import { CHROME_ARGS, findChrome, NO_CHROME_MESSAGE } from '../scripts/chrome.mjs';

const SRC = fileURLToPath(new URL('../packages/elements/src/', import.meta.url));

interface Template {
  file: string;
  tag: 'css' | 'html';
  quasis: string[];
}

/** Every `css` and `html` template of the elements' sources (tests aside), as its static parts. */
function templates(): Template[] {
  const out: Template[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (/(?<!\.test)\.ts$/.test(entry.name) && !entry.name.startsWith('fake-')) {
        const { code } = transformSync(readFileSync(path, 'utf8'), { loader: 'ts', target: 'es2022' });
        walk(parse(code, { ecmaVersion: 'latest', sourceType: 'module' }) as never, {
          enter(node: { type: string; tag?: { name?: string }; quasi?: { quasis: { value: { raw: string } }[] } }) {
            const tag = node.tag?.name;
            if (node.type === 'TaggedTemplateExpression' && (tag === 'css' || tag === 'html')) {
              out.push({
                file: path.slice(SRC.length),
                tag,
                quasis: node.quasi!.quasis.map((q) => q.value.raw),
              });
            }
          },
        });
      }
    }
  };
  visit(SRC);
  return out;
}

const executablePath = findChrome();

describe('CDN build: minified templates parse as written', { skip: executablePath ? false : NO_CHROME_MESSAGE }, () => {
  let browser: Browser;
  let page: Page;
  const all = templates();

  before(async () => {
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROME_ARGS, headless: true });
    page = await browser.newPage();
    // tsx names the functions it compiles (`__name(fn, 'describe')`); the page needs the helper too.
    await page.evaluate('globalThis.__name = (fn) => fn');
  });
  after(async () => browser?.close());

  it('finds the templates it checks (and some it shrinks)', () => {
    assert.ok(all.filter((t) => t.tag === 'css').length >= 10, 'css templates found');
    assert.ok(all.filter((t) => t.tag === 'html').length >= 100, 'html templates found');
    const shrunk = all.filter((t) => t.quasis.some((q) => (t.tag === 'css' ? minifyCss(q) : minifyHtml(q)) !== q));
    assert.ok(shrunk.length >= 50, `templates shrunk: ${shrunk.length}`);
  });

  it('css: the same rules', async () => {
    const pairs = all
      .filter((t) => t.tag === 'css')
      .map((t) => ({
        file: t.file,
        original: t.quasis.join('--ck-marker:0;'),
        minified: t.quasis.map(minifyCss).join('--ck-marker:0;'),
      }));
    const results: { file: string; original: string; minified: string; rules: number }[] = await page.evaluate(
      (pairs) =>
        pairs.map(({ file, original, minified }) => {
          const rules = (text: string) => {
            const sheet = new CSSStyleSheet();
            sheet.replaceSync(text);
            return [...sheet.cssRules].map((rule) => rule.cssText);
          };
          const a = rules(original);
          return { file, original: a.join('\n'), minified: rules(minified).join('\n'), rules: a.length };
        }),
      pairs,
    );
    // The browser keeps a `var()` fallback's tokens as written: `var(--a, 1rem)` and `var(--a,1rem)`
    // serialize apart though they compute alike, so the space after a comma is not compared.
    const tokens = (text: string) => text.replace(/,\s+/g, ',');
    for (const { file, original, minified, rules } of results) {
      assert.ok(rules > 0, `${file}: rules parsed`);
      assert.equal(tokens(minified), tokens(original), file);
    }
  });

  it('html: the same elements, attributes and text', async () => {
    const pairs = all
      .filter((t) => t.tag === 'html')
      .map((t) => ({
        file: t.file,
        original: t.quasis.join('ckmarker'),
        minified: t.quasis.map(minifyHtml).join('ckmarker'),
      }));
    const results: { file: string; original: string; minified: string; exact: string[][] }[] = await page.evaluate(
      (pairs) =>
        pairs.map(({ file, original, minified }) => {
          /** The tree as text: tags, attributes, text with whitespace collapsed; and whitespace-exact parts. */
          const describe = (markup: string) => {
            const template = document.createElement('template');
            template.innerHTML = markup;
            const exact: string[] = [];
            const walk = (node: Node): string => {
              if (node.nodeType === Node.TEXT_NODE) return (node.textContent ?? '').replace(/\s+/g, ' ');
              if (node.nodeType === Node.COMMENT_NODE) return `<!--${(node as Comment).data}-->`;
              const element = node as Element;
              const children = [
                ...(element.localName === 'template'
                  ? (element as HTMLTemplateElement).content.childNodes
                  : node.childNodes),
              ];
              if (['pre', 'textarea'].includes(element.localName)) exact.push(element.textContent ?? '');
              const attrs = element.attributes
                ? [...element.attributes].map((a) => ` ${a.name}="${a.value}"`).join('')
                : '';
              return `<${element.localName ?? '#'}${attrs}>${children.map(walk).join('')}</>`;
            };
            const tree = [...template.content.childNodes].map(walk).join('');
            return { tree, exact };
          };
          const a = describe(original);
          const b = describe(minified);
          return { file, original: a.tree, minified: b.tree, exact: [a.exact, b.exact] };
        }),
      pairs,
    );
    for (const { file, original, minified, exact } of results) {
      assert.equal(minified.replace(/ +/g, ' '), original.replace(/ +/g, ' '), file);
      assert.deepEqual(exact[1], exact[0], `${file}: pre and textarea text`);
    }
  });
});
