/**
 * Every patient in their own language, end to end in Chromium on a phone-sized screen: the practice
 * website's booking picker and the join page in Urdu, Arabic, Bengali, Punjabi (Gurmukhi) and
 * Welsh, with real glyphs (no boxes: each character's rendered width is compared with the width of
 * a character no font has), right to left where the language is, switching language without a
 * reload, axe clean and no Content Security Policy violation. Screenshots go to `CK_SCREENSHOTS`
 * (a folder) when it is set.
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

/**
 * The characters of `text` (letters only) that render no wider or narrower than U+FFFF, which no
 * font has a glyph for: drawn as the same box, they are boxes too. In the font of `selector`'s
 * element (inside a shadow root when `host` is given).
 */
function boxes(page: Page, selector: string, host?: string): Promise<string[]> {
  return page.evaluate(
    ([selector, host]) => {
      const root = host ? document.querySelector(host)!.shadowRoot! : document;
      const element = root.querySelector<HTMLElement>(selector)!;
      const style = getComputedStyle(element);
      const context = document.createElement('canvas').getContext('2d')!;
      context.font = `${style.fontSize} ${style.fontFamily}`;
      const box = context.measureText('\uFFFF').width;
      const letters = [...new Set(element.textContent!.replace(/[\s\p{P}\p{N}\p{S}]/gu, ''))];
      return letters.filter((c) => Math.abs(context.measureText(c).width - box) < 0.01);
    },
    [selector, host ?? ''] as const,
  );
}

describe('every patient in their own language', () => {
  let browser: Browser;
  let server: RunningServer;

  async function phone(locale = 'en-GB'): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    return watchedPage(browser, { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, locale });
  }
  const violations = cspViolations;

  async function shoot(page: Page, name: string): Promise<void> {
    if (!SCREENSHOTS) return;
    await mkdir(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  before(async () => {
    ({ server, browser } = await startServerAndBrowser());
  });
  after(() => stopServerAndBrowser(server, browser));

  const pickerStatus = (page: Page) =>
    page.locator('slot-picker').evaluate((el) => el.shadowRoot!.querySelector('[part~="status"]')!.textContent!.trim());

  for (const [lang, listed, dir] of [
    ['ur', 'خالی اوقات نیچے دیے گئے ہیں۔', 'rtl'],
    ['ar', 'الأوقات المتاحة معروضة أدناه.', 'rtl'],
    ['bn', 'খালি সময়গুলো নিচে দেওয়া আছে।', 'ltr'],
    ['pa', 'ਖਾਲੀ ਸਮੇਂ ਹੇਠਾਂ ਦਿੱਤੇ ਗਏ ਹਨ।', 'ltr'],
    ['cy', 'Mae’r amseroedd rhydd isod.', 'ltr'],
  ] as const) {
    it(`the practice website’s picker in ${lang}: its words, ${dir}, real glyphs, axe clean`, async () => {
      const { context, page, errors } = await phone();
      try {
        await page.goto(`${server.url}/examples/practice-website/?lang=${lang}`);
        await page.waitForFunction(
          (text) =>
            document
              .querySelector('slot-picker')
              ?.shadowRoot?.querySelector('[part~="status"]')
              ?.textContent?.trim() === text,
          listed.replace('’', "'"),
          { timeout: 30_000 },
        );
        assert.equal(
          await page.locator('slot-picker').evaluate((el) => getComputedStyle(el).direction),
          dir,
          'direction',
        );
        assert.deepEqual(await boxes(page, '[part~="status"]', 'slot-picker'), [], 'characters drawn as boxes');
        assert.deepEqual(await boxes(page, '[part~="week-next"]', 'slot-picker'), [], 'characters drawn as boxes');
        await shoot(page, `picker-${lang}`);
        assert.deepEqual(await axe(page), []);
        assert.deepEqual(await violations(page), []);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }

  it('the switcher changes the picker’s language without a reload', async () => {
    const { context, page } = await phone();
    try {
      await page.goto(`${server.url}/examples/practice-website/`);
      await page.waitForFunction(
        () =>
          document.querySelector('slot-picker')?.shadowRoot?.querySelector('[part~="status"]')?.textContent?.trim() ===
          'Free times are listed below.',
        undefined,
        { timeout: 30_000 },
      );
      await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
      await page.selectOption('#lang', 'pl');
      await page.waitForFunction(
        () =>
          document.querySelector('slot-picker')?.shadowRoot?.querySelector('[part~="status"]')?.textContent?.trim() ===
          'Wolne terminy są poniżej.',
        undefined,
        { timeout: 30_000 },
      );
      assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 42, 'no reload');
      assert.match(page.url(), /\?lang=pl$/);
      assert.equal(await pickerStatus(page), 'Wolne terminy są poniżej.');
    } finally {
      await context.close();
    }
  });

  for (const [lang, how, join, invalid, dir] of [
    ['ur', '?lang=ur', 'اپنی ویڈیو اپائنٹمنٹ میں شامل ہوں', 'یہ لنک درست نہیں ہے۔', 'rtl'],
    ['cy', 'Accept-Language', 'Ymuno â’ch apwyntiad fideo', 'Dydy’r ddolen hon ddim yn ddilys.', 'ltr'],
  ] as const) {
    it(`the join page in ${lang} (${how}): its words, a refused link explained in them, ${dir}, axe clean`, async () => {
      const { context, page, errors } = await phone(how === 'Accept-Language' ? `${lang}-GB` : 'en-GB');
      try {
        await page.goto(`${server.url}/join/not.a.real-link${how.startsWith('?') ? how : ''}`);
        const button = page.locator('#begin');
        assert.equal((await button.textContent())?.trim(), join);
        assert.equal(await page.evaluate(() => getComputedStyle(document.body).direction), dir);
        await button.click();
        await page.waitForFunction(
          (text) => document.querySelector('#problem')?.textContent?.startsWith(text),
          invalid,
          { timeout: 30_000 },
        );
        assert.deepEqual(await boxes(page, '#problem'), [], 'characters drawn as boxes');
        assert.deepEqual(await boxes(page, 'h1'), [], 'characters drawn as boxes');
        await shoot(page, `join-${lang}`);
        assert.deepEqual(await axe(page), []);
        assert.deepEqual(await violations(page), []);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }
});
