/**
 * Keyboard only, end to end (issue 11, WCAG 2.1.1, 2.4.7, 2.4.11), on the reference server in
 * Debian's Chromium: the patient books a video appointment on the practice website with
 * `<slot-picker>` using keys alone (Tab, arrows, typing, Space, Enter), opens the join link,
 * checks their devices, waits, is let in by the clinician, uses the call shortcuts (mute, camera)
 * and hangs up with the shortcut and its confirmation. After every key press the focused element
 * is checked: a visible focus indicator (a computed outline or box-shadow) and not hidden behind
 * anything (a point of it hit-tests to it). The receptionist and clinician use the console as in
 * booking-to-consultation.test.ts: the patient's journey is the one under test.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, watchedPage, type RunningServer, signInToConsole } from './support.js';
// @ts-expect-error -- plain ESM helper without types
import { CHROME_ARGS, findChrome, NO_CHROME_MESSAGE } from '../scripts/chrome.mjs';
import { DEV_STAFF_KEY as STAFF_KEY } from '../packages/server/src/config.js';

interface Focused {
  none?: boolean;
  what: string;
  indicator: boolean;
  visible: boolean;
  interactive: boolean;
}

/**
 * What has focus (through shadow roots), whether it shows a focus indicator and can be seen.
 * Plain JavaScript in a string: the test runs through tsx, whose helpers (`__name`) the page lacks.
 */
const FOCUSED = `(() => {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  if (!el || el === document.body) return { none: true, what: 'nothing', indicator: false, visible: false, interactive: false };
  const style = getComputedStyle(el);
  const indicator = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
  function hit(x, y) {
    let h = document.elementFromPoint(x, y);
    while (h && h.shadowRoot) {
      const inner = h.shadowRoot.elementFromPoint(x, y);
      if (!inner || inner === h) break;
      h = inner;
    }
    return h;
  }
  const r = el.getBoundingClientRect();
  const points = [[0.5, 0.5], [0.15, 0.15], [0.85, 0.15], [0.15, 0.85], [0.85, 0.85]]
    .map(([fx, fy]) => [r.left + fx * r.width, r.top + fy * r.height])
    .filter(([x, y]) => x >= 0 && y >= 0 && x < innerWidth && y < innerHeight);
  const label = el.closest('label');
  const visible = points.some(([x, y]) => {
    const h = hit(x, y);
    return !!h && (h === el || el.contains(h) || (!!label && label.contains(h)));
  });
  const interactive = el.matches('button, a[href], input, select, textarea, summary');
  const text = (el.getAttribute('aria-label') || el.getAttribute('name') || el.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 50);
  const part = el.getAttribute('part');
  return {
    what: '<' + el.localName + (part ? ' part="' + part + '"' : '') + (el.type ? ' type="' + el.type + '"' : '') + (el.id ? '#' + el.id : '') + '> "' + text + '"',
    indicator,
    visible,
    interactive,
  };
})()`;

function focused(page: Page): Promise<Focused> {
  return page.evaluate(FOCUSED) as Promise<Focused>;
}

/** Presses `key`, then checks the focused control shows focus and is not obscured. */
async function press(page: Page, key: string, log: string[]): Promise<Focused> {
  await page.keyboard.press(key);
  const now = await focused(page);
  log.push(`${key} → ${now.what}`);
  if (now.interactive) {
    assert.ok(now.indicator, `no visible focus indicator on ${now.what} (after ${key})\n${log.join('\n')}`);
    assert.ok(now.visible, `the focused ${now.what} is hidden behind something (after ${key})`);
  }
  return now;
}

/** Presses Tab until `wanted` matches the focused element's description; at most `max` times. */
async function tabTo(page: Page, wanted: RegExp, log: string[], max = 80): Promise<Focused> {
  for (let i = 0; i < max; i++) {
    const now = await press(page, 'Tab', log);
    if (wanted.test(now.what)) return now;
  }
  throw new Error(`Tab never reached ${wanted}:\n${log.slice(-max).join('\n')}`);
}

describe('keyboard only: book, join, be let in, use the call shortcuts, hang up', () => {
  const executablePath = findChrome() as string | null;
  let browser: Browser;
  let server: RunningServer;

  before(async () => {
    assert.ok(executablePath, NO_CHROME_MESSAGE);
    server = await startServer({ CONSULTKIT_JOIN_EARLY_MINUTES: '1440' });
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROME_ARGS, headless: true });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('with keys alone, focus always visible and never obscured', { timeout: 240_000 }, async () => {
    const email = `keys-${Date.now()}@example.org`;
    const log: string[] = [];
    const { page: website, errors } = await watchedPage(browser, {
      permissions: ['camera', 'microphone'],
      locale: 'en-GB',
      viewport: { width: 1024, height: 700 },
    });
    await website.goto(`${server.url}/examples/practice-website/`);
    const picker = website.locator('slot-picker');
    await picker.locator('[part~="time"]').first().waitFor({ timeout: 20_000 });

    // 1. Book: Tab to the first time, Enter; if that time offers no video, Back and the next
    //    time with the arrow keys.
    await tabTo(website, /part="time"/, log);
    const video = picker.getByLabel('Video call');
    await press(website, 'Enter', log);
    for (let i = 0; i < 12 && !(await video.count()); i++) {
      await tabTo(website, /"Back"/, log);
      await press(website, 'Enter', log);
      await tabTo(website, /part="time"/, log);
      for (let n = 0; n <= i; n++) await press(website, 'ArrowRight', log);
      await press(website, 'Enter', log);
    }
    assert.ok(await video.count(), 'a time offering video');
    await tabTo(website, /#given/i, log);
    await website.keyboard.type('Ada');
    await tabTo(website, /#family/i, log);
    await website.keyboard.type('Lovelace');
    await tabTo(website, /#birthDate/, log);
    await website.keyboard.type('10121985');
    await tabTo(website, /#email/, log);
    await website.keyboard.type(email);
    await tabTo(website, /#phone/, log);
    await website.keyboard.type('07700 900123');
    await tabTo(website, /type="radio"/, log); // a choice of how to consult
    for (let i = 0; i < 3 && !(await video.isChecked()); i++) await press(website, 'ArrowDown', log);
    if (!(await video.isChecked())) await press(website, 'Space', log);
    assert.ok(await video.isChecked(), 'Video call chosen with the arrow keys');
    await tabTo(website, /Book this time/, log);
    await press(website, 'Enter', log);
    await picker.getByText('Booking requested').waitFor({ timeout: 15_000 });
    const reference = (await picker.locator('[part~="reference"]').textContent())!.trim();

    // 2. The receptionist confirms it (the console, as in booking-to-consultation.test.ts).
    const staffContext = await browser.newContext({ permissions: ['camera', 'microphone'] });
    const consolePage = await staffContext.newPage();
    await consolePage.goto(`${server.url}/examples/vendor-console/`);
    await signInToConsole(consolePage);
    const request = consolePage.locator('booking-desk [part~="pending"] li, booking-desk [part~="pending"] article');
    await request.filter({ hasText: reference }).first().waitFor({ timeout: 20_000 });
    await request.filter({ hasText: reference }).first().getByRole('button', { name: 'Confirm' }).click();
    let link: string | undefined;
    for (let i = 0; i < 100 && !link; i++) {
      const outbox = (await (
        await fetch(`${server.url}/api/outbox`, { headers: { authorization: `Bearer ${STAFF_KEY}` } })
      ).json()) as { messages: { to: string; text: string }[] };
      link = /Join: +(http:\/\/\S+\/join\/\S+)/.exec(outbox.messages.find((m) => m.to === email)?.text ?? '')?.[1];
      if (!link) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.ok(link, 'the confirmation with the join link');

    // 3. The patient opens the link and joins with keys: the device check, then the waiting room.
    const joinPage = await website.context().newPage();
    joinPage.on('pageerror', (error) => errors.push(error.message));
    await joinPage.setViewportSize({ width: 1024, height: 700 });
    await joinPage.goto(link.replace('localhost', '127.0.0.1'));
    await tabTo(joinPage, /Join your video appointment/, log);
    await press(joinPage, 'Enter', log);
    await joinPage.locator('device-check [part~="continue"]').waitFor({ timeout: 20_000 });
    await joinPage.waitForFunction(
      () =>
        !(document.querySelector('device-check')?.shadowRoot?.querySelector('[part~="continue"]') as HTMLButtonElement)
          ?.disabled,
      undefined,
      { timeout: 20_000 },
    );
    await tabTo(joinPage, /part="continue"/, log);
    await press(joinPage, 'Enter', log);
    await joinPage.locator('waiting-room').getByText('You are in the waiting room').waitFor({ timeout: 20_000 });

    // 4. The clinician lets them in.
    await consolePage.waitForFunction(
      () => (document.querySelector('#appointment') as HTMLSelectElement).options[0]?.value !== '',
      undefined,
      { timeout: 15_000 },
    );
    await consolePage.getByRole('button', { name: 'Open the video room' }).click();
    await consolePage.locator('waiting-room').getByRole('button', { name: 'Let in' }).click({ timeout: 20_000 });
    await joinPage
      .locator('consult-room [part~="status"]')
      .filter({ hasText: 'In the call.' })
      .waitFor({ timeout: 20_000 });

    // 5. The call shortcuts: shown in the room, then used.
    const state = () =>
      joinPage.evaluate(() => {
        const s = (
          window as unknown as { consultation: { state: { get(): { muted: boolean; cameraOff: boolean } } } }
        ).consultation.state.get();
        return { muted: s.muted, cameraOff: s.cameraOff };
      });
    await tabTo(joinPage, /Keyboard shortcuts/, log);
    await press(joinPage, 'Enter', log); // opens the list
    await joinPage.locator('consult-room [part~="shortcuts"]').getByText('Alt+Shift+M').waitFor();
    await press(joinPage, 'Alt+Shift+KeyM', log);
    await joinPage.waitForFunction(
      () =>
        (window as unknown as { consultation: { state: { get(): { muted: boolean } } } }).consultation.state.get()
          .muted,
    );
    await press(joinPage, 'Alt+Shift+KeyV', log);
    await joinPage.waitForFunction(
      () =>
        (window as unknown as { consultation: { state: { get(): { cameraOff: boolean } } } }).consultation.state.get()
          .cameraOff,
    );
    assert.deepEqual(await state(), { muted: true, cameraOff: true });

    // 6. Hang up: the shortcut asks first, with "Stay in the call" focused; Tab to Hang up, Enter.
    const asked = await press(joinPage, 'Alt+Shift+KeyH', log);
    assert.match(asked.what, /Stay in the call/);
    const hangUp = await press(joinPage, 'Tab', log);
    assert.match(hangUp.what, /Hang up/);
    await press(joinPage, 'Enter', log);
    await joinPage.locator('waiting-room').getByText('You can close this page').waitFor({ timeout: 15_000 });
    assert.deepEqual(errors, []);
    await staffContext.close();
  });
});
