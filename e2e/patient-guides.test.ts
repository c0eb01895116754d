/**
 * The patient guides in Chromium, in Urdu and Welsh, on the narrowest phone (320 CSS px) and at
 * 200 % text size: `dir` computed, the layout mirrored for Urdu (the urgent notice's bar on the
 * right), real glyphs (no character drawn as the box of a character no font has), no sideways
 * scrolling, axe clean, no Content Security Policy violation; and from the practice website's link
 * in the language chosen there. Screenshots go to `CK_SCREENSHOTS` (a folder) when it is set.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  axeViolations as axe,
  cspViolations,
  type RunningServer,
  startServerAndBrowser,
  stopServerAndBrowser,
  watchedPage,
} from './support.js';

const SCREENSHOTS = process.env['CK_SCREENSHOTS'];

/** The letters of the elements matching `selector` that render as wide as U+FFFF (a box), in their font. */
function boxes(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((selector) => {
    const context = document.createElement('canvas').getContext('2d')!;
    const found: string[] = [];
    for (const element of document.querySelectorAll<HTMLElement>(selector)) {
      const style = getComputedStyle(element);
      context.font = `${style.fontSize} ${style.fontFamily}`;
      const box = context.measureText('\uFFFF').width;
      const letters = [...new Set(element.textContent!.replace(/[\s\p{P}\p{N}\p{S}]/gu, ''))];
      found.push(...letters.filter((c) => Math.abs(context.measureText(c).width - box) < 0.01));
    }
    return [...new Set(found)];
  }, selector);
}

describe('the patient guides in a browser', () => {
  let browser: Browser;
  let server: RunningServer;

  async function phone(width = 320): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    return watchedPage(browser, { viewport: { width, height: 700 }, deviceScaleFactor: 2 });
  }
  const violations = cspViolations;
  /** How far the page scrolls sideways (0 when it reflows). */
  const overflow = (page: Page) =>
    page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

  async function shoot(page: Page, name: string): Promise<void> {
    if (!SCREENSHOTS) return;
    await mkdir(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  before(async () => {
    ({ server, browser } = await startServerAndBrowser());
  });
  after(() => stopServerAndBrowser(server, browser));

  for (const [lang, dir, heading] of [
    ['ur', 'rtl', 'آپ کی ویڈیو اپائنٹمنٹ: آپ کو کیا چاہیے اور تیاری کیسے کریں'],
    ['cy', 'ltr', 'Eich apwyntiad fideo: beth sydd ei angen arnoch a sut i baratoi'],
  ] as const) {
    it(`the video appointment guide in ${lang}: ${dir}, real glyphs, reflows at 320 px and 200 % text, axe clean`, async () => {
      const { context, page, errors } = await phone();
      try {
        await page.goto(`${server.url}/guides/video-appointment?lang=${lang}`);
        assert.equal((await page.locator('h1').textContent())?.trim(), heading);
        assert.equal(await page.evaluate(() => getComputedStyle(document.body).direction), dir);
        // Mirrored: the urgent notice's bar is at the start of the line, the right in Urdu.
        const bar = await page
          .locator('.urgent')
          .evaluate((el) => [getComputedStyle(el).borderLeftWidth, getComputedStyle(el).borderRightWidth]);
        assert.deepEqual(bar, dir === 'rtl' ? ['0px', '8px'] : ['8px', '0px']);
        assert.deepEqual(await boxes(page, 'h1, h2, p, li'), [], 'characters drawn as boxes');
        assert.equal(await overflow(page), 0, 'sideways scrolling at 320 px');
        await shoot(page, `guide-${lang}-320`);
        assert.deepEqual(await axe(page), []);
        // 200 % text: still no sideways scrolling.
        await page.evaluate(() => (document.documentElement.style.fontSize = '200%'));
        assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize), '32px');
        assert.equal(await overflow(page), 0, 'sideways scrolling at 200 % text');
        await shoot(page, `guide-${lang}-200pc`);
        // The table of contents moves to its section.
        await page.locator('.toc a[href="#if-it-fails"]').click();
        await page.waitForFunction(() => location.hash === '#if-it-fails');
        assert.deepEqual(await violations(page), [], 'Content Security Policy violations');
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }

  it('the practice website links to the guides in the language chosen there', async () => {
    const { context, page } = await phone(390);
    try {
      await page.goto(`${server.url}/examples/practice-website/?lang=ur`);
      const link = page.locator('a[data-guide="questions"]');
      await page.waitForFunction(() =>
        document.querySelector('a[data-guide="questions"]')?.getAttribute('href')?.endsWith('?lang=ur'),
      );
      await link.click();
      await page.waitForURL(/\/guides\/questions\?lang=ur$/);
      assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
      assert.equal((await page.locator('h1').textContent())?.trim(), 'ویڈیو اپائنٹمنٹ: سوال اور جواب');
      await shoot(page, 'guide-questions-ur');
    } finally {
      await context.close();
    }
  });
});
