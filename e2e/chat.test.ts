/**
 * End to end, the in-call chat (docs/collaboration.md, decision 0024): Chromium pages with
 * `<consult-room>` and its chat panel from the server's own `/cdn/consult-room.js`, a real
 * ConsultKit server on a PGlite data folder (so that a forced restart keeps what was stored), and
 * for three participants a real Janus.
 *
 * - Two in a mesh: messages typed in the panel reach the other page in order; script and HTML
 *   payloads stay inert; the server is restarted (every signalling socket drops) while both write;
 *   the patient's page reloads right after posting: nothing is lost, nothing doubled, every page
 *   and the staff read of the record hold the same messages in the same order. axe and a
 *   screenshot in each state of `<consult-chat>` (empty, messages, unread, error, right to left).
 * - Three through Janus: the same guarantees with media on the SFU.
 *
 * Skipped, saying why, without Chromium (or, for the second, Janus). Screenshots are written to
 * `$CK_SCREENSHOTS` (default: the system's temporary folder).
 */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { STAFF } from '../packages/server/src/test-helpers.js';
import { admitWhenWaiting, api, restartableServer, until } from './janus-support.js';
import { axeViolations } from './support.js';
// @ts-expect-error -- plain ESM helper without types
import { CHROME_ARGS, findChrome, NO_CHROME_MESSAGE } from '../scripts/chrome.mjs';
import { startJanus, type RunningJanus } from '../scripts/janus.mjs';
import { janusSettings } from '../packages/server/src/sfu/test-support.js';

const executablePath = findChrome() as string | null;
const noChrome = executablePath ? undefined : (NO_CHROME_MESSAGE as string);
const SHOTS = process.env['CK_SCREENSHOTS'] ?? tmpdir();

interface Entry {
  id: string;
  seq: number | null;
  text: string;
  delivery: string;
  author: string;
}

/**
 * In the page (plain JavaScript): a `Consultation` from the ticket or the link (redeemed), shown
 * by `<consult-room>`, joined.
 */
const IN_PAGE = `async (args) => {
  const { Consultation } = await import('/cdn/consult-room.js');
  const ticket = args.ticket ?? (await Consultation.redeem(location.origin, args.link));
  const consultation = new Consultation({ server: location.origin, ticket });
  window.consultation = consultation;
  window.errors = [];
  consultation.on('error', (error) => window.errors.push(String(error.message)));
  document.body.replaceChildren();
  const room = document.createElement('consult-room');
  room.consultation = consultation;
  document.body.append(room);
  await consultation.join();
  return { peerId: ticket.peerId, ticket };
}`;

interface Participant {
  page: Page;
  peerId: string;
  label: string;
  /** The ticket the page joined with (a reload is given it again). */
  ticket: object;
}

async function open(browser: Browser, origin: string, label: string, args: object): Promise<Participant> {
  // Without the page's CSP: were any payload to become markup, its script would run and be seen.
  const context = await browser.newContext({ permissions: ['camera', 'microphone'], bypassCSP: true });
  // Three pages sending video on a shared, loaded machine answer slowly: generous timeouts.
  context.setDefaultTimeout(120_000);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[${label}] page error:`, error.message));
  await page.goto(`${origin}/`);
  const { peerId, ticket } = (await page.evaluate(`(${IN_PAGE})(${JSON.stringify(args)})`)) as {
    peerId: string;
    ticket: object;
  };
  return { page, peerId, label, ticket };
}

/**
 * Reloads `p`'s page and opens its consultation again, as the same participant, given its ticket
 * again (as a vendor's page holding the ticket does; the join page's own reload path, `resume`, is
 * tested in e2e/reload.test.ts).
 */
async function reload(p: Participant): Promise<Participant> {
  await p.page.reload();
  const { peerId } = (await p.page.evaluate(`(${IN_PAGE})(${JSON.stringify({ ticket: p.ticket })})`)) as {
    peerId: string;
  };
  assert.equal(peerId, p.peerId, `${p.label}: the same participant after the reload`);
  return { ...p, peerId };
}

/** The page's chat, as core holds it. */
const entries = (page: Page) =>
  page.evaluate(() =>
    // Null until core makes it (decision 47: a message arriving, the chat opened).
    (
      (window as unknown as { consultation: { chat: { messages: Entry[] } | null } }).consultation.chat?.messages ?? []
    ).map(({ id, seq, text, delivery, author }) => ({ id, seq, text, delivery, author })),
  );

/** Stored messages only, as `seq:text`. */
const stored = async (page: Page) =>
  (await entries(page)).filter((e) => e.delivery === 'sent').map((e) => `${e.seq}:${e.text}`);

const status = (page: Page) =>
  page.evaluate(
    () =>
      (window as unknown as { consultation: { state: { get(): { status: string } } } }).consultation.state.get().status,
  );

/** Types `text` in the page's chat panel and presses Enter. */
async function type(page: Page, text: string): Promise<void> {
  const field = page.locator('textarea#ck-chat-field');
  await field.fill(text);
  await field.press('Enter');
}

/** axe on `<consult-chat>` inside the room (or on `selector` in the room): the violations. */
const axe = (page: Page, inRoom = 'consult-chat') => axeViolations(page, ['consult-room', inRoom]);

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `consult-chat-${name}.png`), fullPage: true });
}

/** Whether `window.__chatXss` was set by anything (a payload that ran). */
const xss = (page: Page) => page.evaluate(() => (window as unknown as { __chatXss?: number }).__chatXss ?? null);

async function admit(gp: Participant, peerId: string): Promise<void> {
  await admitWhenWaiting(gp.page, peerId);
}

/** A consultation server on a data folder of its own, which `restart()` brings back on the same port. */
const consultKit = (env: Record<string, string>) => restartableServer('ck-chat-e2e-', env);

/** The chat of consultation `id` as staff read it for the record. */
async function record(ck: { json: ReturnType<typeof api> }, id: string) {
  const body = await ck.json<{ messages: { seq: number; text: string }[] }>(
    `/api/consultations/${id}/messages?count=1000`,
    { headers: STAFF },
  );
  return body.messages.map((m) => `${m.seq}:${m.text}`);
}

/** Every page holds `expected` (in that order, all stored) and nothing else; the record too. */
async function sameEverywhere(pages: Participant[], expected: string[], record: () => Promise<string[]>) {
  for (const p of pages) {
    const got = await until(
      async () => ({ all: await entries(p.page), stored: await stored(p.page) }),
      (v) => v.stored.length >= expected.length && v.all.every((e) => e.delivery === 'sent'),
      `${p.label} holds all ${expected.length} messages, stored`,
      120_000,
    );
    assert.deepEqual(
      got.stored,
      expected.map((text, i) => `${i + 1}:${text}`),
      p.label,
    );
    assert.equal(new Set(got.all.map((e) => e.id)).size, got.all.length, `${p.label}: an id twice`);
  }
  assert.deepEqual(
    await record(),
    expected.map((text, i) => `${i + 1}:${text}`),
    'the record',
  );
}

/**
 * Messages written on several pages while their sockets were down leave when each page is back:
 * in an order the server decides. Once `page` holds `before` and `written` (in any order), the
 * order it holds, for every page to agree on.
 */
async function serverOrder(page: Participant, before: string[], written: string[]): Promise<string[]> {
  const got = await until(
    () => stored(page.page),
    (s) => s.length >= before.length + written.length,
    `${page.label} holds the messages written while away`,
    120_000,
  );
  const texts = got.map((s) => s.replace(/^\d+:/, ''));
  assert.deepEqual(texts.slice(0, before.length), before);
  assert.deepEqual([...texts.slice(before.length)].sort(), [...written].sort());
  return texts;
}

const HOSTILE = '<img src=x onerror="window.__chatXss=1"><script>window.__chatXss=2</script><b>not bold</b>';

describe('in-call chat, end to end', () => {
  let browser: Browser;
  const contexts: Page[] = [];

  before(async () => {
    if (noChrome) return;
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROME_ARGS, headless: true });
  });
  after(async () => {
    for (const page of contexts)
      await page
        .context()
        .close()
        .catch(() => undefined);
    await browser?.close();
  });

  it(
    'two in a mesh: order kept, payloads inert, nothing lost or doubled across a forced restart and a reload; axe in each state',
    { skip: noChrome, timeout: 600_000 },
    async () => {
      const ck = await consultKit({});
      try {
        const appt = await ck.appointment(`chat-${Date.now()}@example.org`);
        const gp = await open(browser, ck.url, 'clinician', { ticket: appt.clinician });
        const pt = await open(browser, ck.url, 'patient', { link: appt.patientLink });
        contexts.push(gp.page, pt.page);
        await admit(gp, pt.peerId);
        for (const p of [gp, pt])
          await until(
            () => status(p.page),
            (s) => s === 'in-call',
            `${p.label} in call`,
            60_000,
          );

        // Empty: the panel opened from the room's controls.
        for (const p of [gp, pt]) await p.page.locator('[part~="chat-toggle"]').click();
        await gp.page.locator('[part~="empty"]').waitFor();
        assert.deepEqual(await axe(gp.page), [], 'axe: empty');
        await shot(gp.page, 'empty');

        // Messages, typed in the panel: order kept; a hostile payload shown as text.
        await type(gp.page, 'Hello, can you see and hear me?');
        await until(
          () => stored(pt.page),
          (s) => s.length === 1,
          'the first message at the patient',
        );
        await type(pt.page, HOSTILE);
        await type(pt.page, 'Yes. See https://example.org/results');
        const expected = ['Hello, can you see and hear me?', HOSTILE, 'Yes. See https://example.org/results'];
        await sameEverywhere([gp, pt], expected, () => record(ck, appt.id));
        for (const p of [gp, pt]) {
          const texts = await p.page.locator('[part~="text"]').allTextContents();
          assert.equal(texts[1], HOSTILE, `${p.label}: the payload as text`);
          assert.equal(await p.page.locator('consult-chat img, consult-chat script, consult-chat b').count(), 0);
          assert.equal(await xss(p.page), null, `${p.label}: no payload ran`);
          const link = p.page.locator('[part~="link"]');
          assert.equal(await link.getAttribute('href'), 'https://example.org/results');
          assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
        }
        assert.deepEqual(await axe(gp.page), [], 'axe: messages');
        await shot(gp.page, 'messages');

        // Unread: the patient closes the panel; the room's toggle counts what arrives.
        await pt.page.locator('[part~="chat-toggle"]').click();
        await type(gp.page, 'Are you still there?');
        expected.push('Are you still there?');
        const toggle = pt.page.locator('[part~="chat-toggle"]');
        await until(
          () => toggle.textContent(),
          (t) => /1 unread message\b/.test(t ?? ''),
          'the unread count',
        );
        assert.deepEqual(await axe(pt.page, '[part~="chat-toggle"]'), [], 'axe: unread');
        await shot(pt.page, 'unread');
        await toggle.click();
        await until(
          () => toggle.textContent(),
          (t) => !/unread/.test(t ?? ''),
          'read once the panel is open',
        );

        // Error: a paste past 4,000 characters stays, with a visible alert, and is not sent.
        await pt.page.locator('textarea#ck-chat-field').fill('x'.repeat(4001));
        const error = pt.page.locator('[part~="error"]');
        await until(
          () => error.textContent(),
          (t) => /too long to send: 4,001 of at most 4,000/.test(t ?? ''),
          'the error',
        );
        assert.ok(await error.isVisible());
        await pt.page.locator('textarea#ck-chat-field').press('Enter');
        assert.deepEqual(await axe(pt.page), [], 'axe: error');
        await shot(pt.page, 'error');
        await pt.page.locator('textarea#ck-chat-field').fill('');

        // Right to left: the page in Arabic.
        await pt.page.evaluate(() => {
          document.documentElement.lang = 'ar';
          document.documentElement.dir = 'rtl';
        });
        await until(
          () => pt.page.locator('[part~="heading"]').first().textContent(),
          (t) => /المحادثة/.test(t ?? ''),
          'Arabic',
        );
        assert.deepEqual(await axe(pt.page), [], 'axe: right to left');
        await shot(pt.page, 'rtl');

        // A forced signalling restart: both write while the server is down.
        const restarting = ck.restart();
        await pt.page.waitForFunction(
          () =>
            (
              window as unknown as { consultation: { state: { get(): { signalling: string } } } }
            ).consultation.state.get().signalling !== 'connected',
          undefined,
          { timeout: 60_000 },
        );
        await type(pt.page, 'typed while the server restarts');
        await type(gp.page, 'the clinician too');
        await restarting;
        const order = await serverOrder(gp, expected, ['typed while the server restarts', 'the clinician too']);
        expected.splice(0, expected.length, ...order);
        await sameEverywhere([gp, pt], expected, () => record(ck, appt.id));

        // A reload of the patient's page right after posting: the post is stored once.
        await type(pt.page, 'sent just before the reload');
        expected.push('sent just before the reload');
        const again = await reload(pt);
        await sameEverywhere([gp, again], expected, () => record(ck, appt.id));
        for (const p of [gp, again]) assert.equal(await xss(p.page), null);
      } finally {
        await ck.stop();
      }
    },
  );

  it(
    'three through Janus: one order on every page, nothing lost or doubled across a forced restart and a reload',
    { timeout: 900_000 },
    async (t) => {
      if (noChrome) return t.skip(noChrome);
      const janus = (await startJanus()) as RunningJanus & { skip?: string };
      if (janus.skip) return t.skip(janus.skip);
      const ck = await consultKit({
        ...janusSettings(janus),
        // Three in the call run through Janus.
        CONSULTKIT_SFU_FROM: '3',
      });
      try {
        const appt = await ck.appointment(`chat-${Date.now()}@example.org`);
        const gp = await open(browser, ck.url, 'clinician', { ticket: appt.clinician });
        const pt = await open(browser, ck.url, 'patient', { link: appt.patientLink });
        const gs = await open(browser, ck.url, 'interpreter', {
          link: await appt.guest('Amina Interpreter', 'interpreter'),
        });
        contexts.push(gp.page, pt.page, gs.page);
        await admit(gp, pt.peerId);
        await admit(gp, gs.peerId);
        const all = [gp, pt, gs];
        for (const p of all)
          await until(
            () =>
              p.page.evaluate(
                () =>
                  (
                    window as unknown as { consultation: { state: { get(): { mode: string } } } }
                  ).consultation.state.get().mode,
              ),
            (m) => m === 'sfu',
            `${p.label} through Janus`,
            120_000,
          );
        for (const p of all) await p.page.locator('[part~="chat-toggle"]').click();
        // All three write at once, twice: whatever the server's order, every page holds the same.
        await Promise.all(all.map((p) => type(p.page, `${p.label} 1`)));
        await Promise.all(all.map((p) => type(p.page, `${p.label} 2`)));
        const first = await until(
          () => stored(gp.page),
          (s) => s.length === 6,
          'six at the clinician',
          60_000,
        );
        const order = first.map((s) => s.replace(/^\d+:/, ''));
        for (const p of all) {
          const mine = order.filter((text) => text.startsWith(p.label));
          assert.deepEqual(mine, [`${p.label} 1`, `${p.label} 2`], `${p.label}'s own order`);
        }
        await sameEverywhere(all, order, () => record(ck, appt.id));

        const restarting = ck.restart();
        await gs.page.waitForFunction(
          () =>
            (
              window as unknown as { consultation: { state: { get(): { signalling: string } } } }
            ).consultation.state.get().signalling !== 'connected',
          undefined,
          { timeout: 60_000 },
        );
        await type(gs.page, 'the interpreter, while the server restarts');
        order.push('the interpreter, while the server restarts');
        await restarting;
        await sameEverywhere(all, order, () => record(ck, appt.id));

        await type(gs.page, 'the interpreter, just before a reload');
        order.push('the interpreter, just before a reload');
        const again = await reload(gs);
        await sameEverywhere([gp, pt, again], order, () => record(ck, appt.id));
      } finally {
        await ck.stop();
        await janus.stop?.();
      }
    },
  );
});
