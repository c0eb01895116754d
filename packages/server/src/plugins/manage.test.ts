/**
 * Patients manage their booking, attacked from outside: a wrong date of birth is refused without
 * saying which part was wrong and is rate-limited; another patient's token, a tampered one and an
 * expired one open nothing; cancel and reschedule work through the booking rules, the desk's event
 * stream sees them, the old join link stops working, reminders follow the new time, the practice is
 * told; the manage link is in the e-mails and never in the log.
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Appointment, Bundle, Slot } from 'fhir/r4.js';
import { DEFAULT_SERVE, type ConsultKitServer } from '../app.js';
import { redactUrl } from '../logging.js';
import type { AppointmentRow } from '../booking/repository.js';
import { ManageTokens } from '../manage/tokens.js';
import { composeReminder } from '../notify/reminders.js';
import {
  type Answer,
  appointmentRequest,
  type BookingFixture,
  caller,
  seedBookingFixture,
  STAFF,
  startTestServer,
  TEST_NOW,
  TEST_SECRET,
} from '../test-helpers.js';

const MINUTE = 60_000;
const BIRTH_DATE = '1980-01-02';
const PRACTICE = 'reception@practice.example';

let server: ConsultKitServer;
let url: string;
let fixture: BookingFixture;
let clock = TEST_NOW;
const log = new PassThrough();
let logged = '';
log.on('data', (chunk: Buffer) => (logged += chunk.toString('utf8')));

const call = caller(() => url);

const diagnostics = (answer: Answer) => (answer.body as { issue?: { diagnostics?: string }[] }).issue?.[0]?.diagnostics;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

interface Managed {
  id: string;
  reference: string;
  status: string;
  start: string;
  timeZoneName: string;
  practitioner: string;
  channel: string;
  canCancel: boolean;
}

let patients = 0;

async function freeSlots(day: string, count = 1): Promise<Slot[]> {
  const bundle = (
    await call<Bundle>(
      'GET',
      `/fhir/Slot?status=free&schedule=Schedule/${fixture.gp.scheduleId}&start=${day}&_count=100`,
    )
  ).body;
  return bundle
    .entry!.filter((e) => e.search?.mode === 'match')
    .map((e) => e.resource as Slot)
    .slice(0, count);
}

async function messagesTo(email: string): Promise<{ subject: string; text: string }[]> {
  const outbox = await call<{ messages: { to: string; subject: string; text: string }[] }>('GET', '/api/outbox', {
    headers: STAFF,
  });
  return outbox.body.messages.filter((m) => m.to === email);
}

/** A confirmed video appointment at the first free GP slot of `day`, with the manage link of its e-mail. */
async function confirmed(day: string): Promise<{ appointment: Appointment; email: string; manage: string }> {
  const [slot] = await freeSlots(day);
  const email = `manage${++patients}@example.org`;
  const booked = await call<Appointment>('POST', '/fhir/Appointment', { body: appointmentRequest(slot!, email) });
  assert.equal(booked.status, 201, JSON.stringify(booked.body));
  const put = await call<Appointment>('PUT', `/fhir/Appointment/${booked.body.id}`, {
    body: { ...booked.body, status: 'booked' },
    headers: { ...STAFF, 'if-match': `W/"${booked.body.meta!.versionId}"` },
  });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  const [mail] = await messagesTo(email);
  const link = /http:\/\/\S+\/manage\/(\S+)/.exec(mail?.text ?? '');
  assert.ok(link, `a manage link in: ${mail?.text}`);
  return { appointment: put.body, email, manage: link[1]! };
}

const referenceOf = (appointment: Appointment) => appointment.identifier![0]!.value!;

describe('patients manage their booking', () => {
  before(async () => {
    ({ server, url } = await startTestServer(
      {
        CONSULTKIT_SEED_DEMO: 'false',
        CONSULTKIT_PRACTICE_EMAIL: PRACTICE,
        CONSULTKIT_RATE_LIMITS: 'lookup=3/900',
        // Tests name their client address (X-Forwarded-For), to count per address and per reference apart.
        CONSULTKIT_TRUST_PROXY: '127.0.0.1',
        LOG_LEVEL: 'trace',
      },
      { joinPage: DEFAULT_SERVE.joinPage },
      { now: () => clock, logStream: log },
    ));
    fixture = await seedBookingFixture(server.storage);
  });
  after(() => server.close());
  beforeEach(() => {
    clock = TEST_NOW;
  });

  it('the confirmation carries a manage link that opens this booking in plain terms', async () => {
    const { appointment, manage } = await confirmed('2026-03-03');
    const view = await call<Managed>('GET', '/api/manage/booking', { headers: bearer(manage) });
    assert.equal(view.status, 200, JSON.stringify(view.body));
    assert.equal(view.body.id, appointment.id);
    assert.equal(view.body.status, 'booked');
    assert.equal(view.body.timeZoneName, 'UK time');
    assert.equal(view.body.practitioner, 'Dr Ada Test');
    assert.equal(view.body.channel, 'Video');
    assert.equal(view.body.canCancel, true);
    assert.equal(view.headers.get('cache-control'), 'no-store');
  });

  it('reference + date of birth give the booking and a token; a wrong one is a plain 401, then 429', async () => {
    const { appointment } = await confirmed('2026-03-04');
    const reference = referenceOf(appointment);
    const found = await call<{ booking: Managed; token: string }>('POST', '/api/bookings/lookup', {
      body: { reference: reference.toLowerCase(), birthDate: BIRTH_DATE },
    });
    assert.equal(found.status, 200, JSON.stringify(found.body));
    assert.equal(found.body.booking.id, appointment.id);
    assert.equal((await call('GET', '/api/manage/booking', { headers: bearer(found.body.token) })).status, 200);

    const wrongDate = await call('POST', '/api/bookings/lookup', { body: { reference, birthDate: '1980-01-03' } });
    const unknown = await call('POST', '/api/bookings/lookup', {
      body: { reference: 'CK-2222-2222-2222', birthDate: BIRTH_DATE },
    });
    assert.equal(wrongDate.status, 401);
    assert.equal(unknown.status, 401);
    // Neither answer says which part was wrong: they are the same words.
    assert.equal(diagnostics(wrongDate), diagnostics(unknown));
    assert.equal((wrongDate.body as { resourceType?: string }).resourceType, 'OperationOutcome');
    assert.doesNotMatch(JSON.stringify(wrongDate.body), /date of birth is wrong|reference is wrong/i);

    // The limit is 3 failures (this test's setting): the third failure still answers 401, the fourth 429,
    // and then even the right date of birth is refused until the window ends.
    assert.equal(
      (await call('POST', '/api/bookings/lookup', { body: { reference, birthDate: '1999-09-09' } })).status,
      401,
    );
    const over = await call('POST', '/api/bookings/lookup', { body: { reference, birthDate: '1999-09-10' } });
    assert.equal(over.status, 429);
    assert.match(over.headers.get('retry-after') ?? '', /^\d+$/);
    assert.equal(
      (await call('POST', '/api/bookings/lookup', { body: { reference, birthDate: BIRTH_DATE } })).status,
      429,
    );
    clock += 16 * MINUTE;
    assert.equal(
      (await call('POST', '/api/bookings/lookup', { body: { reference, birthDate: BIRTH_DATE } })).status,
      200,
    );
  });

  it('counts failed look-ups per reference (from many addresses) and per address (of many references)', async () => {
    const { appointment } = await confirmed('2026-03-04');
    const reference = referenceOf(appointment);
    const lookup = (birthDate: string, from: string, ref = reference) =>
      call('POST', '/api/bookings/lookup', { body: { reference: ref, birthDate }, from });
    // A guesser spreading one reference's guesses over addresses: the reference's count stops them.
    for (const n of [1, 2, 3]) assert.equal((await lookup(`1990-01-0${n}`, `198.51.100.${n}`)).status, 401);
    assert.equal((await lookup('1990-01-04', '198.51.100.4')).status, 429);
    assert.equal((await lookup(BIRTH_DATE, '198.51.100.5')).status, 429, 'the reference waits out its window');
    // One address trying many references: the address's count stops it.
    for (const n of [1, 2, 3]) {
      assert.equal((await lookup(BIRTH_DATE, '203.0.113.9', `CK-2222-2222-222${n + 2}`)).status, 401);
    }
    assert.equal((await lookup(BIRTH_DATE, '203.0.113.9', 'CK-2222-2222-2229')).status, 429);
    // A right answer is given back: a practice's own address is not used up by patients who find their booking.
    const other = await confirmed('2026-03-04');
    for (let i = 0; i < 5; i++) {
      assert.equal((await lookup(BIRTH_DATE, '192.0.2.1', referenceOf(other.appointment))).status, 200);
    }
  });

  it('e-mails the manage link in reminders too, and the SMS stays short', () => {
    const row = {
      id: 1,
      channel: 'Video',
      start_at: new Date('2026-03-10T09:00:00Z'),
      end_at: new Date('2026-03-10T09:10:00Z'),
      time_zone: 'Europe/London',
      practitioner_name: { prefix: ['Dr'], given: ['Ada'], family: 'Test' },
      service_display: 'GP appointment',
      booking_reference: 'CK-7K4Q-M9XP-2HDT',
      patient_details: {
        name: [{ given: ['Grace'], family: 'Hopper' }],
        email: 'g@example.org',
        birthDate: BIRTH_DATE,
      },
    } as unknown as AppointmentRow;
    const content = composeReminder(row, { joinLater: true, manageUrl: 'https://practice.example/manage/a.b' });
    assert.match(content.email.text, /cancel or choose another time here:\nhttps:\/\/practice\.example\/manage\/a\.b/);
    assert.doesNotMatch(content.sms, /manage/);
  });

  it('another patient’s token, a tampered token and an expired token open nothing', async () => {
    const mine = await confirmed('2026-03-05');
    const theirs = await confirmed('2026-03-05');
    const tokens = new ManageTokens(TEST_SECRET, () => clock);
    // Their valid token shows their booking only: nothing names mine.
    const view = await call<Managed>('GET', '/api/manage/booking', { headers: bearer(theirs.manage) });
    assert.equal(view.body.id, theirs.appointment.id);
    // A token for my appointment but their patient (as if they had the secret half): refused.
    const theirPatient = (await server.booking.repo.appointment(Number(theirs.appointment.id)))!.patient_id;
    const crossed = tokens.issue(Number(mine.appointment.id), theirPatient, new Date(mine.appointment.end!));
    assert.equal((await call('POST', '/api/manage/cancel', { headers: bearer(crossed) })).status, 401);
    // Changed claims (their token pointed at my appointment): the signature no longer matches.
    const [body, signature] = theirs.manage.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { sub: number };
    claims.sub = Number(mine.appointment.id);
    const tampered = `${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    const refused = await call('POST', '/api/manage/cancel', { headers: bearer(tampered) });
    assert.equal(refused.status, 401);
    assert.match(diagnostics(refused) ?? '', /not valid/);
    // A token signed with another secret, and no token at all.
    const foreign = new ManageTokens('another-secret-0123456789abcdef0123456789', () => clock);
    const forged = foreign.issue(Number(mine.appointment.id), 1, new Date(mine.appointment.end!));
    assert.equal((await call('GET', '/api/manage/booking', { headers: bearer(forged) })).status, 401);
    assert.equal((await call('GET', '/api/manage/booking')).status, 401);
    // A token of a signalling ticket's shape (also an HMAC with the secret) is not a manage token.
    const ticket = server.tokens.issue(`appt-${mine.appointment.id}`, 'patient').token;
    assert.equal((await call('GET', '/api/manage/booking', { headers: bearer(ticket) })).status, 401);
    // My booking is untouched by all of it.
    assert.equal(
      (await call<Managed>('GET', '/api/manage/booking', { headers: bearer(mine.manage) })).body.status,
      'booked',
    );
    // After the appointment's end the link has expired.
    clock = Date.parse(mine.appointment.end!) + MINUTE;
    const expired = await call('GET', '/api/manage/booking', { headers: bearer(mine.manage) });
    assert.equal(expired.status, 401);
    assert.match(diagnostics(expired) ?? '', /expired/);
    assert.equal((expired.body as { issue: { code: string }[] }).issue[0]!.code, 'expired');
  });

  it('cancels: the slot is free again, the desk’s event stream and the practice are told', async () => {
    const { appointment, manage } = await confirmed('2026-03-06');
    const controller = new AbortController();
    const stream = await fetch(`${url}/api/staff/events`, { headers: STAFF, signal: controller.signal });
    const reader = stream.body!.getReader();
    let received = '';
    try {
      await reader.read();
      const cancelled = await call<{ booking: Managed }>('POST', '/api/manage/cancel', { headers: bearer(manage) });
      assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
      assert.equal(cancelled.body.booking.status, 'cancelled');
      assert.equal(cancelled.body.booking.canCancel, false);
      while (!/"cancelled"/.test(received)) {
        const { value, done } = await reader.read();
        if (done) break;
        received += Buffer.from(value).toString('utf8');
      }
      assert.match(received, new RegExp(`"id":"${appointment.id}","status":"cancelled"`));
    } finally {
      controller.abort();
    }
    const slot = await call<Slot>('GET', `/fhir/${appointment.slot![0]!.reference}`);
    assert.equal(slot.body.status, 'free');
    const [notice] = await messagesTo(PRACTICE);
    assert.match(notice!.subject, new RegExp(`^Cancelled online: .*${referenceOf(appointment)}`));
    assert.doesNotMatch(notice!.text, /manage\//);
    // Cancelling twice changes nothing and tells nobody again.
    const again = await call<{ booking: Managed }>('POST', '/api/manage/cancel', { headers: bearer(manage) });
    assert.equal(again.body.booking.status, 'cancelled');
    assert.equal((await messagesTo(PRACTICE)).filter((m) => m.subject.includes(referenceOf(appointment))).length, 1);
  });

  it('reschedules to a free time of the same schedule: old join link dead, reminders re-planned, e-mails', async () => {
    const { appointment, email, manage } = await confirmed('2026-03-09');
    const [oldMail] = await messagesTo(email);
    const oldJoin = /\/join\/(\S+)/.exec(oldMail!.text)![1]!;
    const offered = await call<{ slots: { id: string; start: string }[]; timeZoneName: string }>(
      'GET',
      '/api/manage/slots',
      { headers: bearer(manage) },
    );
    assert.equal(offered.status, 200);
    assert.equal(offered.body.timeZoneName, 'UK time');
    // Two weeks from now (2 March 08:00), free only, after the minimum notice, this schedule only.
    assert.ok(offered.body.slots.length > 0);
    assert.ok(offered.body.slots.every((s) => Date.parse(s.start) >= TEST_NOW + 15 * MINUTE));
    assert.ok(offered.body.slots.every((s) => Date.parse(s.start) < TEST_NOW + 14 * 24 * 60 * MINUTE));
    assert.ok(!offered.body.slots.some((s) => `Slot/${s.id}` === appointment.slot![0]!.reference));
    const target = offered.body.slots.find((s) => s.start.startsWith('2026-03-10'))!;

    const moved = await call<{ booking: Managed; token: string }>('POST', '/api/manage/reschedule', {
      headers: bearer(manage),
      body: { slotId: target.id },
    });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(moved.body.booking.start, target.start);
    assert.equal(moved.body.booking.status, 'booked');

    // The old join link answers "rescheduled", at the old time.
    clock = Date.parse(appointment.start!) - 5 * MINUTE;
    const refused = await call('POST', '/api/join/redeem', { body: { token: oldJoin } });
    assert.equal(refused.status, 410);
    clock = TEST_NOW;
    // The patient is e-mailed the new time, a new join link and a manage link; the practice is told.
    const mails = await messagesTo(email);
    assert.match(mails[0]!.subject, /^Appointment moved: now Tuesday 10 March 2026/);
    assert.match(mails[0]!.text, /the new time you chose/);
    assert.match(mails[0]!.text, /\/manage\/\S+/);
    const notices = await messagesTo(PRACTICE);
    assert.match(notices[0]!.subject, /^Moved online: now Tuesday 10 March 2026/);
    // Reminders: the old time's are cancelled, the new time's planned.
    const jobs = await server.storage.query<{ state: string; payload: { start: string } }>(
      `SELECT state, payload FROM job WHERE appointment_id = $1 AND kind = 'reminder' ORDER BY id`,
      [Number(appointment.id)],
    );
    const live = jobs.filter((j) => j.state !== 'cancelled');
    assert.ok(live.length > 0, JSON.stringify(jobs));
    assert.ok(
      live.every((j) => j.payload.start === target.start || Date.parse(j.payload.start) === Date.parse(target.start)),
    );
    assert.ok(jobs.some((j) => j.state === 'cancelled'));
    // The token handed back works, for the new time.
    assert.equal(
      (await call<Managed>('GET', '/api/manage/booking', { headers: bearer(moved.body.token) })).body.start,
      target.start,
    );
  });

  it('refuses a move to a slot of another schedule, a taken slot, or one sooner than the minimum notice', async () => {
    const { manage } = await confirmed('2026-03-11');
    const nurseSlots = (
      await call<Bundle>('GET', `/fhir/Slot?status=free&schedule=Schedule/${fixture.nurse.scheduleId}&start=2026-03-12`)
    ).body.entry!.map((e) => e.resource as Slot);
    const other = await call('POST', '/api/manage/reschedule', {
      headers: bearer(manage),
      body: { slotId: nurseSlots[0]!.id },
    });
    assert.equal(other.status, 422);
    assert.match(diagnostics(other) ?? '', /same schedule/);

    const taken = await confirmed('2026-03-12');
    const takenSlot = taken.appointment.slot![0]!.reference!.split('/')[1]!;
    assert.equal(
      (await call('POST', '/api/manage/reschedule', { headers: bearer(manage), body: { slotId: takenSlot } })).status,
      409,
    );

    // 2 March 08:55, the 09:00 slot is five minutes away: within the 15 minutes' notice.
    clock = Date.parse('2026-03-02T08:55:00Z');
    const day = await call<Bundle>('GET', `/fhir/Slot?schedule=Schedule/${fixture.gp.scheduleId}&start=2026-03-02`);
    const soon = day.body
      .entry!.map((e) => e.resource as Slot)
      .find((s) => Date.parse(s.start!) === Date.parse('2026-03-02T09:00:00Z'));
    assert.equal(soon?.status, 'free');
    const tooSoon = await call('POST', '/api/manage/reschedule', {
      headers: bearer(manage),
      body: { slotId: soon!.id },
    });
    assert.equal(tooSoon.status, 422);
    assert.match(diagnostics(tooSoon) ?? '', /too soon/);
  });

  it('a booking reference alone still cannot move a booking through FHIR', async () => {
    const { appointment } = await confirmed('2026-03-13');
    const [later] = await freeSlots('2026-03-14');
    const moved = await call('PUT', `/fhir/Appointment/${appointment.id}`, {
      body: { ...appointment, slot: [{ reference: `Slot/${later!.id}` }], start: later!.start, end: later!.end },
      headers: { authorization: `Bearer ${referenceOf(appointment)}` },
    });
    assert.equal(moved.status, 422);
  });

  it('answers a practice website on another origin (CORS, never with cookies)', async () => {
    const preflight = await fetch(`${url}/api/bookings/lookup`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://www.practice.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    assert.equal(preflight.headers.get('access-control-allow-credentials'), null);
    const { manage } = await confirmed('2026-03-17');
    const view = await fetch(`${url}/api/manage/booking`, {
      headers: { ...bearer(manage), origin: 'https://www.practice.example' },
    });
    assert.equal(view.status, 200);
    assert.equal(view.headers.get('access-control-allow-origin'), '*');
  });

  it('serves the page at /manage and /manage/{token}, and never logs the token', async () => {
    const { manage } = await confirmed('2026-03-16');
    for (const path of ['/manage', `/manage/${manage}`]) {
      const page = await fetch(`${url}${path}`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self' 'sha256-/);
      assert.match(await page.text(), /Manage your appointment/);
    }
    await call('GET', '/api/manage/booking', { headers: bearer(manage) });
    assert.equal(redactUrl(`/manage/${manage}`), '/manage/[redacted]');
    assert.match(logged, /\/manage\/\[redacted\]/);
    assert.ok(!logged.includes(manage), 'the manage token is never logged');
    assert.ok(!logged.includes(manage.split('.')[1]!), 'not even its signature');
  });
});
