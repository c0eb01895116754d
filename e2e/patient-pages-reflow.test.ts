/**
 * The patient-facing pages as whole pages at 320 CSS px (WCAG 1.4.10 reflow, 400 % zoom of a
 * 1280 px window) and in right to left: no horizontal scrolling, and every control (through the
 * elements' shadow roots) at least 24×24 CSS px (2.5.8; a link inside running text is WCAG's
 * inline exception). The practice website with its picker, the join page (before joining, and a
 * refused link explained), the manage-booking page, the guides' index and a guide.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, watchedPage, type RunningServer } from './support.js';
// @ts-expect-error -- plain ESM helper without types
import { CHROME_ARGS, findChrome, NO_CHROME_MESSAGE } from '../scripts/chrome.mjs';

/** What overflows and which controls are too small (plain JavaScript: tsx helpers are not in the page). */
const MEASURE = `(() => {
  const width = document.documentElement.clientWidth;
  const all = [];
  (function walk(root) {
    for (const el of root.querySelectorAll('*')) {
      all.push(el);
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  })(document);
  const shown = (el) => el.checkVisibility({ checkVisibilityCSS: true }) && el.getClientRects().length > 0;
  const name = (el) => '<' + el.localName + (el.getAttribute('part') ? ' part="' + el.getAttribute('part') + '"' : '') + (el.id ? '#' + el.id : '') + '> "' + (el.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 40) + '"';
  // A control clipped to nothing until focused (a skip link) is measured when it shows.
  const clipped = (el) => getComputedStyle(el).clipPath !== 'none';
  const controls = all.filter((el) => el.matches('button, a[href], input:not([type=hidden]), select, textarea, summary') && shown(el) && !clipped(el));
  const small = controls
    .filter((el) => !(el.localName === 'a' && el.closest('p, li, dd, td')))
    .filter((el) => { const r = el.getBoundingClientRect(); return r.width < 24 || r.height < 24; })
    .map((el) => { const r = el.getBoundingClientRect(); return name(el) + ' ' + r.width.toFixed(1) + 'x' + r.height.toFixed(1); });
  const outside = all
    .filter((el) => shown(el) && !clipped(el) && !el.closest('.visually-hidden') && getComputedStyle(el).position !== 'fixed')
    .filter((el) => {
      // The margin box: a margin past the edge scrolls the page as much as the border box does.
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      return r.width > 0 && (r.right + parseFloat(s.marginRight) > width + 0.5 || r.left - parseFloat(s.marginLeft) < -0.5);
    })
    .map(name);
  return { scrollWidth: document.documentElement.scrollWidth, width, controls: controls.length, small, outside: outside.slice(0, 10) };
})()`;

interface Measured {
  scrollWidth: number;
  width: number;
  controls: number;
  small: string[];
  outside: string[];
}

describe('patient-facing pages at 320 CSS px, left to right and right to left', () => {
  const executablePath = findChrome() as string | null;
  let browser: Browser;
  let server: RunningServer;

  before(async () => {
    assert.ok(executablePath, NO_CHROME_MESSAGE);
    server = await startServer();
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROME_ARGS, headless: true });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const pages: [string, string, (page: Page) => Promise<void>][] = [
    [
      'the practice website with its picker',
      '/examples/practice-website/',
      async (page) => {
        await page.locator('slot-picker [part~="time"]').first().waitFor({ timeout: 30_000 });
      },
    ],
    ['the join page before joining', '/join/not.a.real-link', async () => undefined],
    [
      'the join page explaining a refused link',
      '/join/not.a.real-link',
      async (page) => {
        await page.locator('#begin').click();
        await page.waitForFunction(() => !!document.querySelector('#problem')?.textContent?.trim(), undefined, {
          timeout: 30_000,
        });
      },
    ],
    ['the manage-booking page', '/manage', async () => undefined],
    ['the guides', '/guides', async () => undefined],
    ['a guide', '/guides/video-appointment', async () => undefined],
  ];

  for (const [what, path, ready] of pages) {
    for (const lang of ['en-GB', 'ur'] as const) {
      it(`${what} (${lang}): no horizontal scrolling, every control at least 24×24`, { timeout: 120_000 }, async () => {
        const { context, page, errors } = await watchedPage(browser, {
          viewport: { width: 320, height: 640 },
          locale: lang === 'ur' ? 'ur-PK' : 'en-GB',
          extraHTTPHeaders: { 'accept-language': lang === 'ur' ? 'ur' : 'en-GB' },
        });
        try {
          const url = new URL(path, server.url);
          if (lang === 'ur') url.searchParams.set('lang', 'ur');
          await page.goto(url.href);
          await ready(page);
          const m = (await page.evaluate(MEASURE)) as Measured;
          assert.ok(m.controls > 0, `controls found on ${what}`);
          assert.deepEqual(m.outside, [], `nodes outside the 320 px viewport on ${what}`);
          assert.ok(m.scrollWidth <= m.width, `${what} scrolls sideways: ${m.scrollWidth} > ${m.width}`);
          assert.deepEqual(m.small, [], `targets under 24×24 on ${what}`);
          assert.deepEqual(errors, []);
        } finally {
          await context.close();
        }
      });
    }
  }
});
