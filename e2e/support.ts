/**
 * The reference server as `npm start` runs it (the built `consultkit-server` command), started for
 * an end-to-end test on a free port with a data folder of its own, and stopped after it.
 */
import assert from 'node:assert/strict';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BookingClient, StaffClient } from '@consultkit/core/booking';
import { openStorage } from '../packages/server/src/storage/index.js';
import { seedAroundTheClockPractice } from '../packages/server/src/test-helpers.js';
// @ts-expect-error -- plain ESM helper without types
import { CHROME_ARGS, findChrome, NO_CHROME_MESSAGE } from '../scripts/chrome.mjs';

const SERVER_BIN = new URL('../packages/server/dist/bin/consultkit-server.js', import.meta.url).pathname;

export interface RunningServer {
  /** Base URL, on 127.0.0.1. */
  url: string;
  child: ChildProcess;
  /** Stops the server (SIGTERM, waiting for it to exit) and removes its data folder. */
  stop(): Promise<void>;
}

/**
 * Starts the server: as `npm start` does (`--demo`), or, when `env` names a staff key of its own,
 * as a practice would (with a secret of its own too, and no demo routes). Its practice is open
 * round the clock (`seedAroundTheClockPractice`) unless `practice: 'demo'` asks for the demo
 * practice, which keeps real hours.
 */
export async function startServer(
  env: Record<string, string> = {},
  options: { practice?: 'around-the-clock' | 'demo' } = {},
): Promise<RunningServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ck-e2e-'));
  if ((options.practice ?? 'around-the-clock') === 'around-the-clock') {
    // A practice open round the clock in the server's database before it starts (the demo
    // practice keeps real hours and is seeded only into a database without practitioners), so
    // that tests booking "now" find free times whatever the hour; the server makes its slots.
    const storage = await openStorage({ dataDir });
    try {
      await seedAroundTheClockPractice(storage, 'Europe/London');
    } finally {
      await storage.close();
    }
  }
  const demo = env['CONSULTKIT_STAFF_KEY'] === undefined;
  const own = demo ? {} : { CONSULTKIT_SECRET: 'e2e-secret-e2e-secret-e2e-secret-e2e-secret' };
  const child = spawn(process.execPath, [SERVER_BIN, ...(demo ? ['--demo'] : [])], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      CONSULTKIT_DATA_DIR: dataDir,
      DATABASE_URL: '',
      LOG_LEVEL: 'warn',
      ...own,
      // End-to-end runs book and join from 127.0.0.1 again and again: no rate limits unless a test sets them.
      CONSULTKIT_RATE_LIMITS: 'off',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /ConsultKit server (http:\/\/\S+)/.exec(out);
      if (match?.[1]) resolve(match[1].replace('localhost', '127.0.0.1'));
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
  return {
    url,
    child,
    async stop() {
      // A child killed by a signal keeps exitCode null: it has exited all the same.
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A server ({@link startServer}) and Debian's Chromium, headless with the fake camera and
 * microphone, for one `describe` block: `before(async () => ({ server, browser } = await startServerAndBrowser()))`.
 * `chromeArgs` may change the flags (the vendor console's test drops the autoplay override).
 */
export async function startServerAndBrowser(
  env: Record<string, string> = {},
  options: { practice?: 'around-the-clock' | 'demo'; chromeArgs?: (args: string[]) => string[] } = {},
): Promise<{ server: RunningServer; browser: Browser }> {
  const executablePath = findChrome() as string | null;
  assert.ok(executablePath, NO_CHROME_MESSAGE);
  const server = await startServer(env, options);
  const args = options.chromeArgs ? options.chromeArgs([...(CHROME_ARGS as string[])]) : (CHROME_ARGS as string[]);
  const browser = await chromium.launch({ executablePath, args, headless: true }).catch(async (error: unknown) => {
    await server.stop();
    throw error;
  });
  return { server, browser };
}

/**
 * Signs the vendor console (open on `page`) in through the development identity provider, as the
 * demo user called `name` (a GP by default: they see both the desk and the video room).
 */
export async function signInToConsole(page: Page, name = 'Dr Amina Khan'): Promise<void> {
  await page.getByRole('link', { name: 'Sign in', exact: true }).click();
  await page.getByRole('button', { name: new RegExp(`^Sign in as ${name}`) }).click();
  await page.locator('#who').filter({ hasText: name }).waitFor({ timeout: 30_000 });
}

/** Closes what {@link startServerAndBrowser} opened (either may be missing when it failed). */
export async function stopServerAndBrowser(server?: RunningServer, browser?: Browser): Promise<void> {
  await browser?.close();
  await server?.stop();
}

/** In the page: video frames decoded so far on its `window.consultation` (0 before it has a call). */
const framesDecodedInPage = async () => {
  const pc = (window as unknown as { consultation?: { peerConnection: RTCPeerConnection | null } }).consultation
    ?.peerConnection;
  let frames = 0;
  (await pc?.getStats())?.forEach((r: { type: string; kind?: string; framesDecoded?: number }) => {
    if (r.type === 'inbound-rtp' && r.kind === 'video') frames += r.framesDecoded ?? 0;
  });
  return frames;
};

/** Video frames decoded so far on the page's `window.consultation` (0 before it has a call). */
export function framesDecoded(page: Page): Promise<number> {
  return page.evaluate(framesDecodedInPage);
}

/** Waits until the page's `window.consultation` has decoded remote video frames. */
export async function decodesFrames(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForFunction(framesDecodedInPage, undefined, { timeout });
}

/**
 * A confirmed video appointment within the next 20 hours on the server at `server` (whose staff
 * key is `staffKey`), booked for Ada Lovelace at an address of its own (`label-…@example.org`),
 * and its patient's join link from the outbox: `url` (on 127.0.0.1) and the link's `token`.
 */
export async function videoAppointment(server: string, staffKey: string, label: string) {
  const patientSide = new BookingClient({ baseUrl: `${server}/fhir` });
  const practice = new StaffClient({
    baseUrl: `${server}/fhir`,
    headers: () => ({ authorization: `Bearer ${staffKey}` }),
  });
  const now = new Date();
  const slots = await patientSide.searchSlots({
    start: now,
    end: new Date(now.getTime() + 20 * 3_600_000),
    count: 50,
  });
  const slot = slots.find((s) => s.deliveryChannels.includes('Video'));
  assert.ok(slot, 'a free video slot in the next 20 hours');
  const email = `${label}-${Date.now()}-${Math.random().toString(36).slice(2)}@example.org`;
  const booking = await patientSide.book({
    slot,
    patient: { given: 'Ada', family: 'Lovelace', birthDate: '1985-12-10', email, phone: '07700 900123' },
    deliveryChannel: 'Video',
  });
  await practice.confirm(booking.id);
  const outbox = (await (
    await fetch(`${server}/api/outbox`, { headers: { authorization: `Bearer ${staffKey}` } })
  ).json()) as { messages: { to: string; text: string }[] };
  const link = /Join: +(http:\/\/\S+\/join\/(\S+))/.exec(outbox.messages.find((m) => m.to === email)!.text);
  assert.ok(link, 'the confirmation carries the join link');
  const [, url, token] = link as unknown as [string, string, string];
  return { booking, practice, url: url.replace('localhost', '127.0.0.1'), token };
}

/**
 * A patient's page opens a join link `url` and goes through "Join your video appointment" and the
 * device check into the waiting room.
 */
export async function joinToWaitingRoom(page: Page, url: string, timeout = 30_000): Promise<void> {
  await page.goto(url);
  await page.getByRole('button', { name: 'Join your video appointment' }).click();
  await page.locator('device-check [part~="continue"]').click({ timeout });
  await page.locator('waiting-room').getByText('You are in the waiting room').waitFor({ timeout });
}

/** A clinician's ticket for appointment `id` from the staff API of the server at `server`. */
export async function clinicianTicket(server: string, staffKey: string, id: string): Promise<{ token: string }> {
  const answer = await fetch(`${server}/api/consultations/${id}/clinician-token`, {
    method: 'POST',
    headers: { authorization: `Bearer ${staffKey}` },
  });
  assert.equal(answer.status, 200);
  return (await answer.json()) as { token: string };
}

/**
 * A clinician's page for appointment `id`, in a browser context of its own: a page of ours (the
 * index: its CSP lets our own modules load) whose `window.consultation` is core's `Consultation`
 * from the CDN, joined with a clinician's ticket; with `room`, shown in a real `<consult-room>`
 * (from `consult-room.js`), else core alone (`consultation.js`).
 */
export async function clinicianPage(
  browser: Browser,
  server: string,
  staffKey: string,
  id: string,
  options: { room?: boolean } = {},
): Promise<Page> {
  const ticket = await clinicianTicket(server, staffKey, id);
  const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('[clinician]', error.message));
  await page.goto(`${server}/`);
  await page.evaluate(
    async ({ t, room }) => {
      const { Consultation } = await import(`${location.origin}/cdn/${room ? 'consult-room' : 'consultation'}.js`);
      const consultation = new Consultation({ server: location.origin, ticket: t });
      (window as unknown as { consultation: unknown }).consultation = consultation;
      if (room) {
        const element = document.createElement('consult-room') as HTMLElement & { consultation: unknown };
        element.consultation = consultation;
        document.body.append(element);
      }
      await consultation.join();
    },
    { t: ticket, room: options.room ?? false },
  );
  return page;
}

/** On a clinician's page ({@link clinicianPage}): waits for someone in the waiting room, and lets them in. */
export async function admitWhenWaiting(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    () =>
      (
        window as unknown as { consultation: { state: { get(): { participants: { presence: string }[] } } } }
      ).consultation.state
        .get()
        .participants.some((p) => p.presence === 'waiting'),
    undefined,
    { timeout },
  );
  await page.evaluate(() => (window as unknown as { consultation: { admit(): void } }).consultation.admit());
}

/**
 * A new browser context and page that record what went wrong on it: uncaught page errors in
 * `errors`, and Content-Security-Policy violations, read with {@link cspViolations}.
 */
export async function watchedPage(
  browser: Browser,
  options: BrowserContextOptions,
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await page.addInitScript(() => {
    const list: string[] = [];
    (window as unknown as { __violations: string[] }).__violations = list;
    document.addEventListener('securitypolicyviolation', (event) =>
      list.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
  });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return { context, page, errors };
}

/** The CSP violations a {@link watchedPage} has seen so far. */
export function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
}

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe's violations on the page (injected through the debugger, which the page's CSP does not
 * govern), as `rule: targets`; with `within`, only inside that element, given as its path through
 * shadow roots (`['consult-room', 'consult-chat']`).
 */
export async function axeViolations(page: Page, within?: string[]): Promise<string[]> {
  await page.evaluate(await axeSource);
  return page.evaluate(async (path) => {
    const { axe } = window as unknown as {
      axe: {
        run(context?: unknown): Promise<{ violations: { id: string; nodes: { target: (string | string[])[] }[] }[] }>;
      };
    };
    const result = await (path ? axe.run({ include: [{ fromShadowDom: path }] }) : axe.run());
    // No named function in here: tsx would wrap it in a helper the page does not have.
    return result.violations.map(
      (v) =>
        `${v.id}: ${v.nodes.map((n) => n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' ')).join(', ')}`,
    );
  }, within);
}
