/**
 * For the Janus end-to-end tests: the participants' page (e2e/janus-page/harness.js, driving
 * core's `SfuSession` from packages/core/dist as `npm run build` leaves it), a consultation with
 * any number of join sessions on the test server, and the Chromium those pages run in.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Appointment, Bundle, Slot } from 'fhir/r4.js';
import { chromium, type Browser, type Page } from 'playwright-core';
import WebSocket from 'ws';
import { DEFAULT_SERVE, type ConsultKitServer } from '../packages/server/src/app.js';
import {
  appointmentRequest,
  seedBookingFixture,
  STAFF,
  startTestServer,
  TEST_NOW,
} from '../packages/server/src/test-helpers.js';
// @ts-expect-error -- plain ESM helper without types
import { CHROME_ARGS } from '../scripts/chrome.mjs';

const HARNESS = new URL('./janus-page/harness.js', import.meta.url);
const CORE_DIST = fileURLToPath(new URL('../packages/core/dist/', import.meta.url));

/**
 * Serves the participants' page on 127.0.0.1 (a secure context for the camera): `/` loads
 * `/harness.js`, which imports core from `/core/…` (files of packages/core/dist, nothing else);
 * `/api/…` goes on to the ConsultKit server at `api`, so the page and its server share an origin
 * as in a deployment (the server allows no cross-origin calls to its consultation routes).
 */
export async function pageServer(api: string): Promise<{ server: Server; url: string }> {
  const harness = await readFile(HARNESS, 'utf8');
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/api/')) {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const headers: Record<string, string> = {};
        for (const name of ['authorization', 'content-type']) {
          const value = request.headers[name];
          if (typeof value === 'string') headers[name] = value;
        }
        fetch(`${api}${request.url}`, {
          method: request.method ?? 'GET',
          headers,
          ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
        }).then(
          async (answer) => {
            response
              .writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' })
              .end(Buffer.from(await answer.arrayBuffer()));
          },
          () => response.writeHead(502).end(),
        );
      });
      return;
    }
    if (path === '/harness.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(harness);
      return;
    }
    if (path.startsWith('/core/')) {
      const file = normalize(CORE_DIST + decodeURIComponent(path.slice('/core/'.length)));
      if (!file.startsWith(CORE_DIST.endsWith(sep) ? CORE_DIST : CORE_DIST + sep) || !file.endsWith('.js')) {
        response.writeHead(404).end();
        return;
      }
      readFile(file).then(
        (body) => response.writeHead(200, { 'content-type': 'text/javascript' }).end(body),
        () => response.writeHead(404).end(),
      );
      return;
    }
    response
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><title>Janus room</title><script type="module" src="/harness.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${address.port}/` };
}

/** Chromium for the pages: three simulcast layers even from the 640×480 fake camera. */
export function launchRoomBrowser(executablePath: string): Promise<Browser> {
  // Chromium sends three simulcast layers only from 960×540 up; the fake camera is 640×480.
  const threeLayers = '--force-fieldtrials=WebRTC-LegacySimulcastLayerLimit/Disabled/';
  return chromium.launch({ executablePath, args: [...CHROME_ARGS, threeLayers], headless: true });
}

/** A participant's page, its harness loaded and its camera open. */
export async function participantPage(browser: Browser, url: string, label: string): Promise<Page> {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[${label}] page error:`, error.message));
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { ckReady?: boolean }).ckReady === true);
  await page.evaluate(() => (window as unknown as { ck: { camera(): Promise<number> } }).ck.camera());
  return page;
}

/** What `window.ck` answers in the page. */
export type Received = { feed: number; frames: number; width: number }[];
export interface Opened {
  openMs: number;
  timings: Record<string, number>;
  publisherId: number;
  simulcast: boolean;
  error?: { name: string; code: string; message: string };
}
export interface LayerView {
  networkLayer: number;
  quality: string | null;
  layers: Record<string, number>;
  status: string;
}

type Ck = {
  open(server: string, id: string, token: string, options?: unknown): Promise<Opened>;
  received(): Promise<Received>;
  sent(): Promise<Record<string, number>>;
  firstFrames(): Record<string, number>;
  layers(): LayerView;
  prefer(layer: number): void;
  flags(flags: Record<string, boolean>): Promise<void>;
  subscriberPort(): Promise<number | null>;
  errors(): unknown[];
  diagnostics(last?: number): Diagnostics;
  close(): void;
};

export interface Diagnostics {
  marks: { opened?: number; subscriberConnected?: number };
  /** When each remote stream appeared, ms after `open()`. */
  added: Record<string, number>;
  samples: { quality: string; rttMs: number; lossPercent: number; jitterMs: number; receiveKbps: number }[];
}

/** The page's `window.ck`, called from the test. */
export const ck = {
  open: (page: Page, server: string, id: string, token: string, options: Record<string, unknown> = {}) =>
    page.evaluate(([s, i, t, o]) => (window as unknown as { ck: Ck }).ck.open(s, i, t, o), [
      server,
      id,
      token,
      options,
    ] as const),
  received: (page: Page) => page.evaluate(() => (window as unknown as { ck: Ck }).ck.received()),
  sent: (page: Page) => page.evaluate(() => (window as unknown as { ck: Ck }).ck.sent()),
  firstFrames: (page: Page) => page.evaluate(() => (window as unknown as { ck: Ck }).ck.firstFrames()),
  layers: (page: Page) => page.evaluate(() => (window as unknown as { ck: Ck }).ck.layers()),
  prefer: (page: Page, layer: number) => page.evaluate((l) => (window as unknown as { ck: Ck }).ck.prefer(l), layer),
  flags: (page: Page, flags: Record<string, boolean>) =>
    page.evaluate((f) => (window as unknown as { ck: Ck }).ck.flags(f), flags),
  subscriberPort: (page: Page) => page.evaluate(() => (window as unknown as { ck: Ck }).ck.subscriberPort()),
  errors: (page: Page) => page.evaluate(() => (window as unknown as { ck: Ck }).ck.errors()),
  diagnostics: (page: Page, last = 8) =>
    page.evaluate((n) => (window as unknown as { ck: Ck }).ck.diagnostics(n), last),
  close: (page: Page) => page.evaluate(() => (window as unknown as { ck: Ck }).ck.close()),
};

/**
 * Polls `read` until `check` holds (30 s by default), failing with the last value read and, when
 * given, what `explain` says (a page's session state).
 */
export async function until<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  what: string,
  timeoutMs = 30_000,
  explain?: () => Promise<unknown>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!check(last)) {
    if (Date.now() > deadline) {
      const more = explain ? `\n${JSON.stringify(await explain().catch((e: Error) => e.message))}` : '';
      assert.fail(`timed out waiting for ${what}: ${JSON.stringify(last)}${more}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
    last = await read();
  }
  return last;
}

/** What a page's session says about itself, for a failing test's message. */
export async function sessionOf(page: Page): Promise<unknown> {
  return {
    errors: await ck.errors(page),
    layers: await ck.layers(page).catch((e: Error) => e.message),
    diagnostics: await ck.diagnostics(page, 4),
    connections: await page.evaluate(() => {
      const sfu = (
        window as unknown as {
          sfu?: { publisherConnection: RTCPeerConnection | null; subscriberConnection: RTCPeerConnection | null };
        }
      ).sfu;
      return {
        publisher: sfu?.publisherConnection?.connectionState,
        subscriber: sfu?.subscriberConnection?.connectionState,
        ice: sfu?.subscriberConnection?.iceConnectionState,
        signaling: sfu?.subscriberConnection?.signalingState,
      };
    }),
  };
}

/** Requests to the test server, failing the test on an error answer. */
export function api(ck: { url: string }) {
  return async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const response = await fetch(`${ck.url}${path}`, init);
    const body = (await response.json()) as T;
    assert.ok(response.ok, `${path}: ${response.status} ${JSON.stringify(body)}`);
    return body;
  };
}

/** Seeds the practice (once per server); resolves to the GP's schedule id. */
export async function seedPractice(ck: { server: ConsultKitServer }): Promise<string> {
  const fixture = await seedBookingFixture(ck.server.storage);
  return String(fixture.gp.scheduleId);
}

/**
 * A confirmed video appointment for `email` on the GP's next free slot, with join sessions: the
 * patient's (through the e-mailed join link) and `clinicians` clinician sessions (staff route).
 * Returns the appointment id and the sessions' signalling tokens, clinicians first.
 */
export async function consultation(
  ck: { server: ConsultKitServer; url: string },
  scheduleId: string,
  email: string,
  clinicians: number,
): Promise<{ id: string; clinicians: string[]; patient: string }> {
  const fetchJson = api(ck);
  const json = { 'content-type': 'application/json' };
  const booked = await bookVideo(ck, scheduleId, email);
  const tokens: string[] = [];
  let first: { token: string; peerId: string } | undefined;
  for (let i = 0; i < clinicians; i++) {
    const session = await fetchJson<{ token: string; peerId: string }>(
      `/api/consultations/${booked.id}/clinician-token`,
      { method: 'POST', headers: STAFF },
    );
    first ??= session;
    tokens.push(session.token);
  }
  const outbox = await fetchJson<{ messages: { to: string; text: string }[] }>('/api/outbox', { headers: STAFF });
  const link = /\/join\/(\S+)/.exec(outbox.messages.find((m) => m.to === email)!.text)![1];
  const patient = await fetchJson<{ token: string; peerId: string }>('/api/join/redeem', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ token: link }),
  });
  // A patient reaches the video room only once let in (decision 0027): a clinician admits them.
  const gp =
    first ??
    (await fetchJson<{ token: string; peerId: string }>(`/api/consultations/${booked.id}/clinician-token`, {
      method: 'POST',
      headers: STAFF,
    }));
  await admitOverSignalling(ck.url, gp, patient);
  return { id: booked.id!, clinicians: tokens, patient: patient.token };
}

/**
 * A booked video appointment on the GP's first free slot of 2 March 2026, as a room test needs it:
 * the clinician's ticket (staff route), the patient's join link and a way to invite guests.
 */
export async function roomAppointment(ck: { server: ConsultKitServer; url: string }, email: string) {
  return videoAppointment(ck, await seedPractice(ck), email);
}

/**
 * A booked video appointment for `email` on the first free slot of `scheduleId` on 2 March 2026
 * (on a server already seeded): the clinician's ticket (staff route), the patient's join link and
 * a way to invite guests. `patient` may name the patient (`appointmentRequest`'s options).
 */
export async function videoAppointment(
  ck: { url: string },
  scheduleId: string | number,
  email: string,
  patient: Parameters<typeof appointmentRequest>[2] = {},
) {
  const fetchJson = api(ck);
  const json = { 'content-type': 'application/json' };
  const booked = await bookVideo(ck, String(scheduleId), email, patient);
  const clinician = await fetchJson<{ peerId: string }>(`/api/consultations/${booked.id}/clinician-token`, {
    method: 'POST',
    headers: STAFF,
  });
  const invitation = await fetchJson<{ url: string }>(`/api/consultations/${booked.id}/invitations`, {
    method: 'POST',
    headers: STAFF,
  });
  const guest = async (name: string, kind: string) =>
    (
      await fetchJson<{ url: string }>(`/api/consultations/${booked.id}/guests`, {
        method: 'POST',
        headers: { ...STAFF, ...json },
        body: JSON.stringify({ name, kind }),
      })
    ).url;
  return { id: booked.id!, clinician, patientLink: invitation.url, guest };
}

/** Books `email` on the first free slot of `scheduleId` on 2 March 2026 and confirms it (staff). */
async function bookVideo(
  ck: { url: string },
  scheduleId: string,
  email: string,
  patient: Parameters<typeof appointmentRequest>[2] = {},
): Promise<Appointment> {
  const fetchJson = api(ck);
  const json = { 'content-type': 'application/json' };
  const slots = await fetchJson<Bundle>(`/fhir/Slot?status=free&schedule=Schedule/${scheduleId}&start=2026-03-02`);
  const slot = slots.entry!.map((e) => e.resource as Slot).find((r) => r.resourceType === 'Slot')!;
  const booked = await fetchJson<Appointment>('/fhir/Appointment', {
    method: 'POST',
    headers: json,
    body: JSON.stringify(appointmentRequest(slot, email, patient)),
  });
  await fetchJson(`/fhir/Appointment/${booked.id}`, {
    method: 'PUT',
    headers: { ...STAFF, ...json, 'if-match': `W/"${booked.meta!.versionId}"` },
    body: JSON.stringify({ ...booked, status: 'booked' }),
  });
  return booked;
}

/**
 * A ConsultKit server (in this process, at `TEST_NOW`, booking fixture seeded) on a data folder of
 * its own (`prefix` names it), with `env` (or what it makes of the folder) on top of the settings a
 * call test needs. `down()` stops
 * it (every socket drops, every request is refused), `up()` starts it again on the same port and
 * data, `restart()` does both; `stop()` stops it for good and removes the folder.
 */
export async function restartableServer(
  prefix: string,
  env: Record<string, string> | ((dataDir: string) => Record<string, string>) = {},
) {
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  const settings = {
    CONSULTKIT_SEED_DEMO: 'false',
    CONSULTKIT_JOIN_EARLY_MINUTES: '1440',
    CONSULTKIT_DATA_DIR: dataDir,
    ...(typeof env === 'function' ? env(dataDir) : env),
  };
  let ck = await startTestServer(settings, DEFAULT_SERVE, { now: () => TEST_NOW });
  const port = new URL(ck.url).port;
  const fixture = await seedBookingFixture(ck.server.storage);
  const self = {
    dataDir,
    fixture,
    get url() {
      return ck.url;
    },
    get server(): ConsultKitServer {
      return ck.server;
    },
    async down() {
      await ck.server.close();
    },
    async up() {
      ck = await startTestServer({ ...settings, PORT: port }, DEFAULT_SERVE, { now: () => TEST_NOW });
    },
    async restart() {
      await self.down();
      await self.up();
    },
    async stop() {
      await ck.server.close().catch(() => undefined);
      await rm(dataDir, { recursive: true, force: true });
    },
    /** Requests to the server as it now runs, failing the test on an error answer. */
    json: api({
      get url() {
        return ck.url;
      },
    }),
    /** A confirmed video appointment for `email` with the GP ({@link videoAppointment}). */
    appointment: (email: string) => videoAppointment(self, fixture.gp.scheduleId, email),
  };
  return self;
}

/** On the clinician's page (`window.consultation`): waits until `peerId` is waiting, then lets them in. */
export async function admitWhenWaiting(page: Page, peerId: string): Promise<void> {
  await page.waitForFunction(
    (id) =>
      (
        window as unknown as {
          consultation: { state: { get(): { participants: { peerId: string; presence: string }[] } } };
        }
      ).consultation.state
        .get()
        .participants.some((p) => p.peerId === id && p.presence === 'waiting'),
    peerId,
    { timeout: 120_000 },
  );
  await page.evaluate(
    (id) => (window as unknown as { consultation: { admit(id: string): void } }).consultation.admit(id),
    peerId,
  );
}

/** Opens a bare signalling socket (as a page's PeerJS does); resolves once open, with what it hears. */
async function signalSocket(url: string, ticket: { token: string; peerId: string }) {
  const ws = new WebSocket(
    `${url.replace('http', 'ws')}/signal/peerjs?key=consultkit&id=${ticket.peerId}&token=${ticket.token}`,
  );
  const received: { type: string; payload?: { participants?: { peerId: string; admitted: boolean }[] } }[] = [];
  await new Promise<void>((resolve, reject) => {
    ws.on('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.on('error', reject);
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as (typeof received)[number];
      received.push(message);
      if (message.type === 'OPEN') resolve();
    });
  });
  return { ws, received };
}

/**
 * The clinician of `gp` lets `patient` in, over bare signalling sockets (closed after: being let in
 * is kept across a reload); resolves once the patient's roster says admitted.
 */
export async function admitOverSignalling(
  url: string,
  gp: { token: string; peerId: string },
  patient: { token: string; peerId: string },
): Promise<void> {
  const clinician = await signalSocket(url, gp);
  const waiting = await signalSocket(url, patient);
  try {
    clinician.ws.send(JSON.stringify({ type: 'CK-ADMIT', payload: { peerId: patient.peerId } }));
    await until(
      async () =>
        waiting.received.some(
          (m) =>
            m.type === 'CK-ROSTER' && m.payload?.participants?.some((p) => p.peerId === patient.peerId && p.admitted),
        ),
      (admitted) => admitted,
      'the patient admitted',
      60_000,
    );
  } finally {
    clinician.ws.close();
    waiting.ws.close();
  }
}
