/**
 * Names that lie: "\u202Ekcalb\u202C" shows as "black". Bidirectional controls are refused in the
 * names and e-mail address of a booking (a 400 naming the field), and removed from text already
 * stored when an e-mail is composed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Appointment, Bundle, Slot } from 'fhir/r4.js';
import type { ConsultKitServer } from './app.js';
import { composeCancellation, composeConfirmation } from './plugins/mail.js';
import {
  appointmentRequest,
  type BookingFixture,
  seedBookingFixture,
  STAFF,
  startTestServer,
  TEST_NOW,
} from './test-helpers.js';

const CONTROLS = [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069].map((c) =>
  String.fromCodePoint(c),
);
const ANY_BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/u;

let server: ConsultKitServer;
let url: string;
let fixture: BookingFixture;
let slots: Slot[] = [];
let patients = 0;

interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

async function call<T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer<T>> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/fhir+json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** A booking of the next free slot for a patient with these name and e-mail address. */
function booking(name: Record<string, unknown>, email = `patient${++patients}@example.org`) {
  const slot = slots.shift()!;
  return appointmentRequest(slot, email, { name, channel: 'Telephone' });
}

function assertRefused(answer: Answer, field: string, what: string): void {
  assert.equal(answer.status, 400, `${what}: ${JSON.stringify(answer.body)}`);
  const outcome = answer.body as unknown as { resourceType: string; issue: { code: string; diagnostics: string }[] };
  assert.equal(outcome.resourceType, 'OperationOutcome');
  assert.equal(outcome.issue[0]!.code, 'value');
  assert.ok(outcome.issue[0]!.diagnostics.startsWith(`${field}: `), `${what}: ${outcome.issue[0]!.diagnostics}`);
  assert.match(outcome.issue[0]!.diagnostics, /bidirectional control/);
}

describe('names that lie', () => {
  before(async () => {
    ({ server, url } = await startTestServer(
      { CONSULTKIT_SEED_DEMO: 'false', CONSULTKIT_RATE_LIMITS: 'off' },
      {},
      { now: () => TEST_NOW },
    ));
    fixture = await seedBookingFixture(server.storage);
    const bundle = await call<Bundle>(
      'GET',
      `/fhir/Slot?status=free&schedule=Schedule/${fixture.gp.scheduleId}&start=ge2026-03-03&_count=100`,
    );
    slots = bundle.body.entry!.filter((e) => e.search?.mode === 'match').map((e) => e.resource as Slot);
  });
  after(() => server.close());

  it('a booking with a bidirectional control in the family name, a given name or the e-mail address is a 400 naming it', async () => {
    for (const c of CONTROLS) {
      const code = `U+${c.codePointAt(0)!.toString(16).toUpperCase()}`;
      assertRefused(
        await call('POST', '/fhir/Appointment', booking({ given: ['Grace'], family: `${c}kcalb\u202C` })),
        'Patient.name[0].family',
        `family ${code}`,
      );
      assertRefused(
        await call('POST', '/fhir/Appointment', booking({ given: ['Grace', `Ho${c}pper`], family: 'Hopper' })),
        'Patient.name[0].given[1]',
        `given ${code}`,
      );
      assertRefused(
        await call('POST', '/fhir/Appointment', booking({ prefix: [`D${c}r`], given: ['Grace'], family: 'Hopper' })),
        'Patient.name[0].prefix[0]',
        `prefix ${code}`,
      );
      assertRefused(
        await call(
          'POST',
          '/fhir/Appointment',
          booking({ given: ['Grace'], family: 'Hopper' }, `gr${c}ace@example.org`),
        ),
        'Patient.telecom[0]',
        `email ${code}`,
      );
    }
  });

  it('right-to-left names are welcome; invisible marks in them are dropped, not refused', async () => {
    const answer = await call<Appointment>(
      'POST',
      '/fhir/Appointment',
      booking({ given: ['\u200Fسارا'], family: 'כהן\u200E\u061C' }),
    );
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    const display = answer.body.participant!.find((p) => p.actor?.reference?.startsWith('Patient/'))!.actor!.display;
    assert.equal(display, 'سارا כהן');
  });

  it('a name stored before controls were refused never reaches the e-mail with them', async () => {
    const booked = await call<Appointment>(
      'POST',
      '/fhir/Appointment',
      booking({ given: ['Grace'], family: 'Hopper' }, 'stored@example.org'),
    );
    assert.equal(booked.status, 201, JSON.stringify(booked.body));
    // As if stored by an older version: the override goes straight into the database.
    await server.storage.query(
      `UPDATE appointment SET patient_details = jsonb_set(patient_details, '{name,0,family}', to_jsonb($1::text)) WHERE id = $2`,
      ['\u202Ekcalb\u202C', Number(booked.body.id)],
    );
    const confirmed = await call<Appointment>(
      'PUT',
      `/fhir/Appointment/${booked.body.id}`,
      { ...booked.body, status: 'booked' },
      { ...STAFF, 'if-match': `W/"${booked.body.meta!.versionId}"` },
    );
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
    const outbox = await call<{ messages: { to: string; subject: string; text: string }[] }>(
      'GET',
      '/api/outbox',
      undefined,
      STAFF,
    );
    const message = outbox.body.messages.find((m) => m.to === 'stored@example.org');
    assert.ok(message, 'the confirmation was queued');
    assert.match(message.text, /Dear Grace kcalb,/);
    assert.doesNotMatch(message.text + message.subject, ANY_BIDI);
  });

  it('composing e-mails removes controls and marks from every stored text, the practice’s message too', () => {
    const details = {
      appointmentId: '1',
      patientName: '\u202Ekcalb\u202C \u2067Smith\u2069',
      practitionerName: 'Dr \u202DAda\u202C Test\u200F',
      serviceDisplay: 'GP \u061Cappointment',
      start: new Date('2026-03-03T09:00:00Z'),
      end: new Date('2026-03-03T09:10:00Z'),
      timeZone: 'Europe/London',
      channel: 'Video' as const,
      bookingReference: 'CK-2222-2222-2222',
    };
    const confirmation = composeConfirmation(details);
    const cancellation = composeCancellation(details, { declined: false, message: 'Sorry \u202Eenod\u202C' });
    for (const mail of [confirmation, cancellation]) assert.doesNotMatch(mail.text + mail.subject, ANY_BIDI);
    assert.match(cancellation.text, /Dear kcalb Smith,[\s\S]*Dr Ada Test \(GP appointment\)[\s\S]*Sorry enod/);
  });
});
