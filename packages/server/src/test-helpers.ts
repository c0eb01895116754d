/** Starting a real server for node tests: in-memory PGlite, an ephemeral port on 127.0.0.1. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as nodeTest from 'node:test';
import pg from 'pg';
import { createServer, type ConsultKitServer, type ServeOptions, type ServerOptions } from './app.js';
import { BookingRepository, type DeliveryChannel, type HumanNameJson, type NewSchedule } from './booking/repository.js';
import type { WeeklyTemplate } from './booking/template.js';
import { loadConfig } from './config.js';
import type { Storage } from './storage/index.js';

/** The test servers' own secret and staff key (outside demo mode the server refuses the defaults). */
export const TEST_SECRET = 'consultkit-test-secret-0123456789abcdef';
export const TEST_STAFF_KEY = 'consultkit-test-staff-key-0123456789abcdef';
export const STAFF = { authorization: `Bearer ${TEST_STAFF_KEY}` };

/**
 * A server on in-memory PGlite and an ephemeral port, with the test secret and staff key (or, with
 * `CONSULTKIT_DEMO: 'on'` in `env`, in demo mode on the development defaults).
 */
export async function startTestServer(
  env: Record<string, string> = {},
  serve: ServeOptions = {},
  options: ServerOptions = {},
): Promise<{ server: ConsultKitServer; url: string }> {
  const demo = /^(on|true|1|yes)$/i.test(env['CONSULTKIT_DEMO'] ?? '');
  const own = demo ? {} : { CONSULTKIT_SECRET: TEST_SECRET, CONSULTKIT_STAFF_KEY: TEST_STAFF_KEY };
  const config = loadConfig({ PORT: '0', CONSULTKIT_DATA_DIR: 'memory://', LOG_LEVEL: 'silent', ...own, ...env });
  const server = await createServer(config, serve, options);
  const url = await server.listen();
  return { server, url };
}

/**
 * A PostgreSQL database of its own for one test run, on the server `DATABASE_URL` points at;
 * `dispose` drops it. Undefined when DATABASE_URL is not set.
 */
export async function freshPostgresDatabase(): Promise<{ url: string; dispose(): Promise<void> } | undefined> {
  const base = process.env['DATABASE_URL'];
  if (!base) return undefined;
  const name = `consultkit_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async dispose() {
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.end();
    },
  };
}

/**
 * Instances `one` and `two` of the server on a fresh PostgreSQL database (DATABASE_URL must be
 * set), on the clock `now`, with `env` (the demo practice is not seeded); `close` stops them and
 * drops the database.
 */
export async function twoInstances(
  env: Record<string, string> = {},
  now: () => number = () => TEST_NOW,
): Promise<{ servers: ConsultKitServer[]; urls: string[]; close(): Promise<void> }> {
  const database = await freshPostgresDatabase();
  if (!database) throw new Error('DATABASE_URL is not set: several instances need PostgreSQL');
  const servers: ConsultKitServer[] = [];
  const urls: string[] = [];
  const close = async () => {
    for (const server of servers) await server.close().catch(() => undefined);
    await database.dispose();
  };
  try {
    for (const instance of ['one', 'two']) {
      const { server, url } = await startTestServer(
        { DATABASE_URL: database.url, CONSULTKIT_SEED_DEMO: 'false', ...env },
        {},
        { instance, now },
      );
      servers.push(server);
      urls.push(url);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { servers, urls, close };
}

/**
 * The `ck_session=…` cookie of a patient's join session for `appointmentId`: staff make a join
 * link, which is redeemed as the patient's browser would.
 */
export async function patientSessionCookie(url: string, appointmentId: string | number): Promise<string> {
  const link = await fetch(`${url}/api/consultations/${appointmentId}/invitations`, { method: 'POST', headers: STAFF });
  if (link.status !== 201) throw new Error(`making a join link: ${link.status} ${await link.text()}`);
  const { url: joinUrl } = (await link.json()) as { url: string };
  const redeemed = await fetch(`${url}/api/join/redeem`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: joinUrl.split('/join/')[1] }),
  });
  if (redeemed.status !== 200) throw new Error(`redeeming the join link: ${redeemed.status}`);
  return redeemed.headers
    .getSetCookie()
    .find((c) => c.startsWith('ck_session='))!
    .split(';')[0]!;
}

/** The booking tests' fixed "now": Monday 2 March 2026, 08:00 UTC (08:00 GMT in London). */
export const TEST_NOW = Date.parse('2026-03-02T08:00:00Z');

export interface BookingFixture {
  gp: { practitionerId: number; scheduleId: number };
  nurse: { practitionerId: number; scheduleId: number };
}

/**
 * A small practice for deterministic tests: Dr Ada Test (GP: Video, Telephone, In-person; every day
 * 09:00–12:00, 10-minute slots) and Nurse Bea Test (nurse: In-person, Telephone; weekdays
 * 09:00–10:00, 15-minute slots), with slots from 1 March to 5 April 2026 (London).
 */
export async function seedBookingFixture(storage: Storage): Promise<BookingFixture> {
  const repo = new BookingRepository(storage);
  const every = (sessions: string[]) => ({
    mon: sessions,
    tue: sessions,
    wed: sessions,
    thu: sessions,
    fri: sessions,
    sat: sessions,
    sun: sessions,
  });
  const gpTemplate: WeeklyTemplate = { slotMinutes: 10, sessions: every(['09:00-12:00']) };
  const nurseTemplate: WeeklyTemplate = {
    slotMinutes: 15,
    sessions: {
      mon: ['09:00-10:00'],
      tue: ['09:00-10:00'],
      wed: ['09:00-10:00'],
      thu: ['09:00-10:00'],
      fri: ['09:00-10:00'],
    },
  };
  const gpId = await repo.createPractitioner({
    name: { prefix: ['Dr'], given: ['Ada'], family: 'Test' },
    qualification: 'GP',
  });
  const gpSchedule = await repo.createSchedule({
    practitionerId: gpId,
    serviceType: 'gp',
    serviceDisplay: 'GP appointment',
    channels: ['Video', 'Telephone', 'In-person'],
    template: gpTemplate,
    timeZone: 'Europe/London',
  });
  const nurseId = await repo.createPractitioner({ name: { prefix: ['Nurse'], given: ['Bea'], family: 'Test' } });
  const nurseSchedule = await repo.createSchedule({
    practitionerId: nurseId,
    serviceType: 'nurse',
    serviceDisplay: 'Nurse appointment',
    channels: ['In-person', 'Telephone'],
    template: nurseTemplate,
    timeZone: 'Europe/London',
  });
  for (const id of [gpSchedule, nurseSchedule]) {
    await repo.generateSlots((await repo.schedule(id))!, '2026-03-01', '2026-04-06');
  }
  return {
    gp: { practitionerId: gpId, scheduleId: gpSchedule },
    nurse: { practitionerId: nurseId, scheduleId: nurseSchedule },
  };
}

/**
 * A practice open round the clock, for tests that book "now" whatever the hour they run (the demo
 * practice keeps real hours): Dr Amina Khan (Practitioner/1 in an empty database; GP: Video,
 * Telephone, In-person; 10 minutes), Dr Tom Evans (Practitioner/2; the same), Nurse Priya Shah
 * (Practitioner/3; nurse: In-person, Telephone; 15 minutes) and Dr Leo Novak (Practitioner/4; GP:
 * Video only), every day 00:00–24:00, with slots for today and the next eight weeks. Seeded through
 * the repository into an empty database, before or after the server starts (then call
 * `booking.generateHorizon()`, or let the server's start make the slots).
 */
export async function seedAroundTheClockPractice(storage: Storage, timeZone = 'Europe/London'): Promise<void> {
  const allDay = ['00:00-24:00'];
  const everyDay = { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay };
  const gp = (slotMinutes: number, channels: DeliveryChannel[]) => ({
    serviceType: 'gp',
    serviceDisplay: 'GP appointment',
    channels,
    template: { slotMinutes, sessions: everyDay },
  });
  const clinicians: {
    name: HumanNameJson;
    qualification: string;
    schedule: Omit<NewSchedule, 'practitionerId' | 'timeZone'>;
  }[] = [
    {
      name: { prefix: ['Dr'], given: ['Amina'], family: 'Khan' },
      qualification: 'General practitioner',
      schedule: gp(10, ['Video', 'Telephone', 'In-person']),
    },
    {
      name: { prefix: ['Dr'], given: ['Tom'], family: 'Evans' },
      qualification: 'General practitioner',
      schedule: gp(10, ['Video', 'Telephone', 'In-person']),
    },
    {
      name: { prefix: ['Nurse'], given: ['Priya'], family: 'Shah' },
      qualification: 'Practice nurse',
      schedule: {
        serviceType: 'nurse',
        serviceDisplay: 'Nurse appointment',
        channels: ['In-person', 'Telephone'],
        template: { slotMinutes: 15, sessions: everyDay },
      },
    },
    {
      name: { prefix: ['Dr'], given: ['Leo'], family: 'Novak' },
      qualification: 'General practitioner (video clinic)',
      schedule: gp(10, ['Video']),
    },
  ];
  await storage.transaction(async (tx) => {
    const repo = new BookingRepository(tx);
    for (const clinician of clinicians) {
      const practitionerId = await repo.createPractitioner({
        name: clinician.name,
        qualification: clinician.qualification,
      });
      await repo.createSchedule({ practitionerId, ...clinician.schedule, timeZone });
    }
  });
}

const DELIVERY_CHANNEL = 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-DeliveryChannel';

/**
 * The FHIR body that books `slot` for a patient (Grace Hopper by default) with `email`, by
 * `channel` (Video by default): what a practice website POSTs to `/fhir/Appointment`.
 */
export function appointmentRequest(
  slot: { id?: string | undefined; start?: string | undefined; end?: string | undefined },
  email: string,
  options: { name?: Record<string, unknown>; channel?: string } = {},
) {
  return {
    resourceType: 'Appointment',
    status: 'proposed',
    contained: [
      {
        resourceType: 'Patient',
        id: 'patient',
        name: [options.name ?? { given: ['Grace'], family: 'Hopper' }],
        birthDate: '1980-01-02',
        telecom: [{ system: 'email', value: email }],
      },
    ],
    participant: [{ actor: { reference: '#patient' }, status: 'accepted' }],
    slot: [{ reference: `Slot/${slot.id}` }],
    start: slot.start,
    end: slot.end,
    extension: [{ url: DELIVERY_CHANNEL, valueCode: options.channel ?? 'Video' }],
  };
}

/**
 * node:test's `it`, `before` and `after` for a suite that may be skipped whole (PostgreSQL without
 * DATABASE_URL): skipped test by test, with hooks that do not run, so the summary counts each
 * skipped test (a skipped `describe` counts as one, and hides how many tests it holds).
 */
export function skippable(skip: string | false): Pick<typeof nodeTest, 'it' | 'before' | 'after'> {
  if (!skip) return { it: nodeTest.it, before: nodeTest.before, after: nodeTest.after };
  const it = ((name?: string) => nodeTest.it(name, { skip })) as typeof nodeTest.it;
  const hook = (() => undefined) as typeof nodeTest.before;
  return { it, before: hook, after: hook };
}

/** A server's answer as the HTTP tests read it: JSON parsed when it is JSON, text otherwise. */
export interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  /** A string is sent as is; anything else as JSON. */
  body?: string | object;
  headers?: Record<string, string>;
  /** Sent as `X-Forwarded-For`: the address a request comes from, behind a trusted proxy. */
  from?: string;
}

/**
 * An ad-hoc video consultation starting now in `practitionerId`'s first video diary, for Ada
 * Lovelace, made through the staff route as a desk would: its appointment id.
 */
export async function adHocVideoConsultation(
  storage: Storage,
  call: ReturnType<typeof caller>,
  practitionerId: number,
): Promise<string> {
  const [schedule] = await storage.query<{ id: number }>(
    `SELECT s.id FROM schedule s WHERE s.practitioner_id = $1 AND s.channels::text LIKE '%Video%' ORDER BY s.id LIMIT 1`,
    [practitionerId],
  );
  const booked = await call<{ id: string }>('POST', '/api/consultations/ad-hoc', {
    headers: STAFF,
    body: {
      schedule: `Schedule/${schedule!.id}`,
      minutes: 15,
      patient: {
        resourceType: 'Patient',
        name: [{ given: ['Ada'], family: 'Lovelace' }],
        birthDate: '1970-05-06',
        telecom: [{ system: 'email', value: 'ada@example.org' }],
      },
    },
  });
  assert.equal(booked.status, 201, JSON.stringify(booked.body));
  return booked.body.id;
}

/** `call(method, path, options)` against the server at `base()` (read at each call: set in `before`). */
export function caller(base: () => string) {
  return async function call<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: CallOptions = {},
  ): Promise<Answer<T>> {
    const raw = typeof options.body === 'string';
    const response = await fetch(`${base()}${path}`, {
      method,
      headers: {
        ...(options.body === undefined || raw ? {} : { 'content-type': 'application/json' }),
        ...(options.from ? { 'x-forwarded-for': options.from } : {}),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : raw ? (options.body as string) : JSON.stringify(options.body),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: pages stay text
    }
    return { status: response.status, headers: response.headers, body: body as T };
  };
}

/** The join problem code (`urn:consultkit:join-problem`) of a refused join request. */
export const joinProblem = (answer: Answer): string | undefined =>
  (answer.body as { issue?: { details?: { coding?: { code?: string }[] } }[] }).issue?.[0]?.details?.coding?.[0]?.code;
