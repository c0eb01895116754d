/**
 * End to end, messages between staff in the vendor console (docs/staff.md, "Messages"): Chromium
 * browsers signed in through the development identity provider as Dr Amina Khan, Dr Tom Evans,
 * Nurse Priya Shah and Jo Bennett (receptionist), against the server as `npm start` runs it.
 *
 * - Amina presses "Message" beside Tom in the directory and writes; Tom's heading counts it unread;
 *   he opens it and answers; Amina sees the answer live.
 * - Tom's browser goes offline (its staff stream breaks: "Reconnecting…") while Amina sends three
 *   messages; back online, each shows once, in order.
 * - A small group with Priya, with a title; Priya reads it live.
 * - Amina finds Jo (a receptionist, not in the clinicians' directory) in "New conversation" and
 *   starts a conversation about a patient: Jo sees it live, without the patient's name.
 * - Reloading keeps everything (the server's store is the truth).
 * - axe on `<staff-chat>` in each state; screenshots in `$CK_SCREENSHOTS` (default: the system's
 *   temporary folder).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Appointment, Bundle, Slot } from 'fhir/r4.js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { appointmentRequest } from '../packages/server/src/test-helpers.js';
import { signInToConsole, startServerAndBrowser, stopServerAndBrowser, type RunningServer } from './support.js';

const AXE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SHOTS = process.env['CK_SCREENSHOTS'] ?? tmpdir();
/** The machine is shared and loaded: conditions get long to come true, never a fixed wait. */
const LONG = 120_000;

interface Console {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

/** The vendor console, signed in as `name`, its Colleagues section shown. */
async function openConsole(browser: Browser, url: string, name: string): Promise<Console> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  context.setDefaultTimeout(LONG);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => {
    errors.push(error.message);
    console.error(`[${name}] page error:`, error.message);
  });
  await page.goto(`${url}/examples/vendor-console/`);
  await signInToConsole(page, name);
  await page.locator('#colleagues').waitFor({ state: 'visible' });
  await page.locator('staff-chat').waitFor();
  await waitListed(page);
  return { context, page, errors };
}

/** Waits until `<staff-chat>` has listed the conversations (no longer "Loading…"). */
const waitListed = (page: Page) =>
  page.waitForFunction(() => {
    const root = document.querySelector('staff-chat')?.shadowRoot;
    return !!root && !!root.querySelector('section') && !root.querySelector('.list-pane [aria-busy="true"]');
  });

/** Text without the isolation marks round people's names, spaces folded. */
const plain = (text: string | null) =>
  (text ?? '')
    .replace(/[\u2066-\u2069]/g, '')
    .replace(/\s+/g, ' ')
    .trim();

/** The open conversation's messages (author: text), in the order shown. */
const shownMessages = (page: Page) =>
  page.evaluate(() =>
    [...(document.querySelector('staff-chat')?.shadowRoot?.querySelectorAll('[part~="log"] li') ?? [])].map(
      (li) =>
        `${li.querySelector('[part~="author"]')!.textContent!.trim()}: ${li.querySelector('[part~="text"]')!.textContent}`,
    ),
  );

/** The conversations listed, as read. */
const listed = async (page: Page) =>
  (await page.locator('staff-chat [part~="conversation"]').allTextContents()).map(plain);

/** The Colleagues heading (with its unread count). */
const heading = async (page: Page) => plain(await page.locator('#colleagues-heading').textContent());

/** Waits for `check` on the page's state, polling (a condition, never a fixed sleep). */
async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + LONG;
  let value = await read();
  while (!ok(value)) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

/** axe on `<staff-chat>` in the page: the violations. */
async function axe(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const run = (
      window as unknown as {
        axe: { run(context: unknown): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> };
      }
    ).axe.run;
    const result = await run({ include: [{ fromShadowDom: ['staff-chat'] }] });
    return result.violations.map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  });
}

async function shot(page: Page, name: string): Promise<void> {
  await page.locator('#colleagues').screenshot({ path: join(SHOTS, `staff-chat-${name}.png`) });
}

/** Opens the conversation listed with `text` in it. */
async function openListed(page: Page, text: string): Promise<void> {
  await page.locator('staff-chat [part~="conversation"]', { hasText: text }).first().click();
  await page.locator('staff-chat [part~="field"]').waitFor();
}

/** Writes `text` in the open conversation's composer and presses Enter; waits until the server has it. */
async function write(page: Page, text: string): Promise<void> {
  const field = page.locator('staff-chat [part~="field"]');
  await field.fill(text);
  await field.press('Enter');
  await until(
    'the composer cleared (the server has it)',
    () => field.inputValue(),
    (v) => v === '',
  );
}

describe('messages between staff in the vendor console, end to end', () => {
  let browser: Browser;
  let server: RunningServer;
  let amina: Console;
  let tom: Console;

  before(async () => {
    ({ server, browser } = await startServerAndBrowser());
    amina = await openConsole(browser, server.url, 'Dr Amina Khan');
    tom = await openConsole(browser, server.url, 'Dr Tom Evans');
  });

  after(() => stopServerAndBrowser(server, browser));

  it('Amina messages Tom from the directory; Tom sees it unread, opens it, answers; both live; accessible', async () => {
    assert.equal(plain(await amina.page.locator('staff-chat .empty').first().textContent()), 'No conversations yet.');
    assert.deepEqual(await axe(amina.page), []);
    await shot(amina.page, 'empty');

    const row = amina.page.locator('clinician-directory li', { hasText: 'Dr Tom Evans' }).first();
    await row.getByRole('button', { name: 'Message' }).click();
    await amina.page.locator('staff-chat [part~="conversation"][aria-current="true"]').waitFor();
    await until(
      'focus in the composer',
      () =>
        amina.page.evaluate(
          () => document.querySelector('staff-chat')?.shadowRoot?.activeElement?.getAttribute('part') ?? '',
        ),
      (p) => p === 'field',
    );
    await write(amina.page, 'Hello Tom, could you look at a rash photo?');

    await until(
      'the unread count in Tom’s heading',
      () => heading(tom.page),
      (h) => h.includes('(1 unread message)'),
    );
    const [row0] = await until(
      'the conversation in Tom’s list',
      () => listed(tom.page),
      (l) => l.length === 1,
    );
    assert.match(row0!, /Dr Amina Khan/);
    assert.match(row0!, /1 unread message/);
    assert.deepEqual(await axe(tom.page), []);
    await shot(tom.page, 'unread');

    await openListed(tom.page, 'Dr Amina Khan');
    await until(
      'the message in Tom’s log',
      () => shownMessages(tom.page),
      (m) => m.length === 1,
    );
    assert.deepEqual(await shownMessages(tom.page), ['Dr Amina Khan: Hello Tom, could you look at a rash photo?']);
    await until(
      'read: no unread count',
      () => heading(tom.page),
      (h) => h === 'Colleagues',
    );
    await write(tom.page, 'Yes, send it over.');
    await until(
      'the answer live in Amina’s log',
      () => shownMessages(amina.page),
      (m) => m.length === 2,
    );
    assert.deepEqual(await shownMessages(amina.page), [
      'You: Hello Tom, could you look at a rash photo?',
      'Dr Tom Evans: Yes, send it over.',
    ]);
    assert.deepEqual(await axe(amina.page), []);
    await shot(amina.page, 'conversation');
  });

  it('Tom offline while Amina sends three: back online, each shows once, in order', async () => {
    await tom.context.setOffline(true);
    // Offline emulation fails new requests only: the open staff stream is cut as a dropped network
    // would cut it (window.stop() aborts the page's fetches), and reopening it fails while offline.
    await tom.page.evaluate(() => window.stop());
    // The stream broke: Tom's chat says so (announced in its status).
    await tom.page.locator('staff-chat [part~="notice"]').waitFor();
    assert.match(plain(await tom.page.locator('staff-chat [part~="status"]').textContent()), /Reconnecting…/);
    assert.deepEqual(await axe(tom.page), []);
    await shot(tom.page, 'reconnecting');
    for (const text of ['One', 'Two', 'Three']) await write(amina.page, text);
    await tom.context.setOffline(false);
    await until(
      'the three in Tom’s log',
      () => shownMessages(tom.page),
      (m) => m.length >= 5,
    );
    // Nothing more arrives twice: a sentinel sent after proves the stream is live again.
    await write(amina.page, 'Sentinel');
    const all = await until(
      'the sentinel',
      () => shownMessages(tom.page),
      (m) => m.at(-1) === 'Dr Amina Khan: Sentinel',
    );
    assert.deepEqual(all, [
      'Dr Amina Khan: Hello Tom, could you look at a rash photo?',
      'You: Yes, send it over.',
      'Dr Amina Khan: One',
      'Dr Amina Khan: Two',
      'Dr Amina Khan: Three',
      'Dr Amina Khan: Sentinel',
    ]);
    await until(
      'the notice gone',
      () => tom.page.locator('staff-chat [part~="notice"]').count(),
      (n) => n === 0,
    );
  });

  it('a small group with Priya, with a title: she reads it live', async () => {
    const priya = await openConsole(browser, server.url, 'Nurse Priya Shah');
    const chat = amina.page.locator('staff-chat');
    await chat.getByRole('button', { name: 'New conversation' }).click();
    await chat.getByLabel('Find a colleague by name').waitFor();
    await chat.getByRole('checkbox', { name: /Dr Tom Evans/ }).check();
    await chat.getByRole('checkbox', { name: /Nurse Priya Shah|Priya Shah/ }).check();
    await chat.getByLabel('Title (optional)').fill('Tuesday clinic');
    assert.deepEqual(await axe(amina.page), []);
    await shot(amina.page, 'new-group');
    await chat.getByRole('button', { name: 'Start the conversation' }).click();
    await amina.page.locator('staff-chat h3', { hasText: 'Tuesday clinic' }).waitFor();
    await write(amina.page, 'Who can cover Tuesday afternoon?');
    await until(
      'the group in Priya’s list',
      () => listed(priya.page),
      (l) => l.some((r) => r.includes('Tuesday clinic')),
    );
    await openListed(priya.page, 'Tuesday clinic');
    await until(
      'the message in Priya’s log',
      () => shownMessages(priya.page),
      (m) => m.length === 1,
    );
    assert.deepEqual(await shownMessages(priya.page), ['Dr Amina Khan: Who can cover Tuesday afternoon?']);
    assert.match(plain(await priya.page.locator('staff-chat .members').textContent()), /Dr Amina Khan/);
    assert.deepEqual(await axe(priya.page), []);
    await priya.context.close();
  });

  it('Amina finds Jo (receptionist) in New conversation and starts one about a patient: Jo sees it live, without the patient; Amina sees the name', async () => {
    // A patient of the practice: booked as a patient would, with Dr Amina Khan (Practitioner/1), whose
    // sessions offer video (the nurse's do not).
    const from = new Date(Date.now() + 60_000).toISOString();
    const slots = (await (
      await fetch(`${server.url}/fhir/Slot?status=free&schedule.actor=Practitioner/1&start=ge${from}&_count=5`, {
        headers: { accept: 'application/fhir+json' },
      })
    ).json()) as Bundle;
    const slot = slots.entry!.map((e) => e.resource as Slot).find((s) => s.resourceType === 'Slot')!;
    const booked = (await (
      await fetch(`${server.url}/fhir/Appointment`, {
        method: 'POST',
        headers: { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' },
        body: JSON.stringify(appointmentRequest(slot, `staff-chat-${Date.now()}@example.org`)),
      })
    ).json()) as Appointment;
    assert.equal(booked.resourceType, 'Appointment', JSON.stringify(booked));
    const patient = booked.participant
      .find((p) => p.actor?.reference?.startsWith('Patient/'))!
      .actor!.reference!.slice('Patient/'.length);

    const jo = await openConsole(browser, server.url, 'Jo Bennett');
    const me = (page: Page) =>
      page.evaluate(
        async () => ((await (await fetch('/api/staff/me')).json()) as { person: { id: string } }).person.id,
      );
    // Jo (a receptionist) has no role in the clinicians' directory: "New conversation" finds her
    // all the same (`GET /api/staff/people`), with her role in words.
    const chat = amina.page.locator('staff-chat');
    await chat.getByRole('button', { name: 'New conversation' }).click();
    await chat.getByLabel('Find a colleague by name').fill('benn');
    await chat.getByLabel('Find a colleague by name').press('Enter');
    const joBox = chat.getByRole('checkbox', { name: /Jo Bennett\W*, Receptionist$/ });
    await joBox.waitFor();
    assert.deepEqual((await chat.locator('.colleagues label').allTextContents()).map(plain), [
      'Jo Bennett, Receptionist',
    ]);
    assert.equal(await joBox.getAttribute('value'), await me(jo.page));
    await joBox.check();
    await chat.getByLabel('About a patient (optional): their record number').fill(patient);
    assert.deepEqual(await axe(amina.page), []);
    await shot(amina.page, 'new-with-receptionist');
    await chat.getByRole('button', { name: 'Start the conversation' }).click();
    await until(
      'the conversation live in Jo’s list (before any message)',
      () => listed(jo.page),
      (l) => l.some((r) => r.includes('Dr Amina Khan') && r.includes('About a patient you cannot see')),
    );
    await until(
      'the conversation live in Amina’s list',
      () => listed(amina.page),
      (l) => l.some((r) => r.includes('About Grace Hopper')),
    );
    await openListed(amina.page, 'Grace Hopper');
    assert.equal(
      plain(await amina.page.locator('staff-chat .conversation [part~="about"]').textContent()),
      'About Grace Hopper',
    );
    await write(amina.page, 'Please book a follow-up in two weeks.');

    const rows = await until(
      'the conversation in Jo’s list',
      () => listed(jo.page),
      (l) => l.some((r) => r.includes('Please book a follow-up')),
    );
    const row = rows.find((r) => r.includes('Please book a follow-up'))!;
    assert.match(row, /About a patient you cannot see/);
    assert.doesNotMatch(row, /Hopper/);
    await openListed(jo.page, 'Please book a follow-up');
    const open = plain(await jo.page.locator('staff-chat .conversation').textContent());
    assert.match(open, /About a patient you cannot see/);
    assert.doesNotMatch(open, /Hopper/);
    assert.deepEqual(await axe(jo.page), []);
    await shot(jo.page, 'patient-hidden');
    await jo.context.close();
  });

  it('a reload keeps everything: conversations, messages, read marks', async () => {
    const before = await listed(tom.page);
    await tom.page.reload();
    await tom.page.locator('staff-chat').waitFor();
    await waitListed(tom.page);
    const again = await until(
      'the list back',
      () => listed(tom.page),
      (l) => l.length === before.length,
    );
    assert.deepEqual(
      again.map((r) => r.replace(/\d+ unread messages?/, '').trim()),
      before.map((r) => r.replace(/\d+ unread messages?/, '').trim()),
    );
    // The one-to-one (its last message is the sentinel; the group's is Amina's question).
    await openListed(tom.page, 'Sentinel');
    const all = await until(
      'the messages',
      () => shownMessages(tom.page),
      (m) => m.length === 6,
    );
    assert.equal(all.at(-1), 'Dr Amina Khan: Sentinel');
    assert.deepEqual(amina.errors, []);
    assert.deepEqual(tom.errors, []);
  });
});
