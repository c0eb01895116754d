/**
 * Video on the day (server side): staff start a video consultation now for a patient, without a
 * published slot; the link goes out at once by e-mail (a real SMTP server on 127.0.0.1) and by SMS
 * by the patient's preference; both sides can join; the attendance job is planned.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConsultKitServer } from '../app.js';
import { CONTACT_PREFERENCE_URL } from '../fhir/resources.js';
import { type BookingFixture, seedBookingFixture, STAFF, startTestServer, TEST_NOW } from '../test-helpers.js';
import { Api, SmtpSink, until } from './test-support.js';

const patient = (email: string, preference = 'both') => ({
  resourceType: 'Patient',
  name: [{ given: ['Ada'], family: 'Walk-in' }],
  birthDate: '1970-05-06',
  telecom: [
    { system: 'email', value: email },
    { system: 'sms', value: '07700 900456' },
  ],
  extension: [{ url: CONTACT_PREFERENCE_URL, valueCode: preference }],
});

describe('video on the day', () => {
  const smtp = new SmtpSink();
  let server: ConsultKitServer;
  let api: Api;
  let fixture: BookingFixture;
  const clock = TEST_NOW + 90 * 60_000; // Monday 2 March 2026, 09:30 London: in the GP's session

  before(async () => {
    await smtp.start();
    const started = await startTestServer(
      {
        CONSULTKIT_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        CONSULTKIT_MAIL_FROM: 'Riverside Surgery <appointments@riverside.example>',
        CONSULTKIT_PUBLIC_URL: 'https://riverside.example',
      },
      {},
      { now: () => clock, notify: { pollMs: 10 } },
    );
    server = started.server;
    fixture = await seedBookingFixture(server.storage);
    api = new Api(started.url, fixture.gp.scheduleId);
  });

  after(async () => {
    await server?.close();
    await smtp.stop();
  });

  it('starts now in the clinician’s diary; the link goes out at once; patient and clinician can join', async () => {
    const answer = await api.call<{ id: string; status: string; start: string; end: string; linkSentTo: unknown }>(
      'POST',
      '/api/consultations/ad-hoc',
      {
        headers: STAFF,
        body: { schedule: `Schedule/${fixture.gp.scheduleId}`, minutes: 15, patient: patient('walkin@example.org') },
      },
    );
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.equal(answer.body.status, 'booked');
    assert.equal(answer.body.start, '2026-03-02T09:30:00.000Z');
    assert.equal(answer.body.end, '2026-03-02T09:45:00.000Z');
    assert.deepEqual(answer.body.linkSentTo, { email: 'walkin@example.org', sms: '07700 900456' });

    const [mail] = await until('the e-mail arrives', () => {
      const got = smtp.received.filter((r) => r.to.includes('walkin@example.org'));
      return got.length > 0 && got;
    });
    const link = /Join: +https:\/\/riverside\.example\/join\/(\S+)/.exec(mail!.mail.text ?? '')?.[1];
    assert.ok(link, mail!.mail.text);
    const sms = (await api.messagesTo('07700 900456')).find((m) => m.appointmentId === answer.body.id);
    assert.ok(sms);
    assert.equal(sms.channel, 'sms');
    assert.match(sms.text, /is starting now \(09:30\)\. Join: https:\/\/riverside\.example\/join\//);

    // In the diary: the appointment, with the clinician, at the time.
    const appointment = await api.call<{ status: string; participant: { actor: { reference: string } }[] }>(
      'GET',
      `/fhir/Appointment/${answer.body.id}`,
      { headers: STAFF },
    );
    assert.equal(appointment.body.status, 'booked');
    assert.ok(
      appointment.body.participant.some((p) => p.actor.reference === `Practitioner/${fixture.gp.practitionerId}`),
    );
    // The clinician's published times that overlap the call are no longer offered; later ones are.
    const free = await api.call<{ entry?: { resource: { start: string } }[] }>(
      'GET',
      `/fhir/Slot?status=free&schedule=Schedule/${fixture.gp.scheduleId}&start=ge2026-03-02T09:00:00Z&start=lt2026-03-02T10:00:00Z`,
    );
    const starts = (free.body.entry ?? []).map((e) => Date.parse(e.resource.start)).filter(Boolean);
    assert.ok(starts.includes(Date.parse('2026-03-02T09:50:00Z')), `09:50 is still free: ${starts.join(', ')}`);
    const call = [Date.parse('2026-03-02T09:30:00Z'), Date.parse('2026-03-02T09:45:00Z')] as const;
    assert.deepEqual(
      starts.filter((start) => start >= call[0] && start < call[1]),
      [],
      'nothing overlapping the call',
    );
    // Both sides can join now.
    const redeemed = await api.call<{ role: string }>('POST', '/api/join/redeem', { body: { token: link } });
    assert.equal(redeemed.status, 200, JSON.stringify(redeemed.body));
    assert.equal(redeemed.body.role, 'patient');
    const clinician = await api.call<{ role: string }>('POST', `/api/consultations/${answer.body.id}/clinician-token`, {
      headers: STAFF,
    });
    assert.equal(clinician.status, 200, JSON.stringify(clinician.body));
    // A no-show is planned for 30 minutes after the end.
    const jobs = await server.storage.query<{ kind: string; run_at: Date }>(
      `SELECT kind, run_at FROM job WHERE appointment_id = $1 AND kind <> 'deliver' AND state = 'queued'`,
      [Number(answer.body.id)],
    );
    assert.deepEqual(
      jobs.map((j) => [j.kind, j.run_at.toISOString()]),
      [['attendance', '2026-03-02T10:15:00.000Z']],
    );
  });

  it('is for staff; refuses a diary without video and a bad body with the reason', async () => {
    const body = { schedule: `Schedule/${fixture.gp.scheduleId}`, patient: patient('x@example.org', 'email') };
    assert.equal((await api.call('POST', '/api/consultations/ad-hoc', { body })).status, 401);
    const cases: [unknown, number, RegExp][] = [
      [{ ...body, schedule: `Schedule/${fixture.nurse.scheduleId}` }, 422, /does not offer video/],
      [{ ...body, schedule: 'Practitioner/1' }, 400, /schedule: expected "Schedule\/<id>"/],
      [{ ...body, minutes: 600 }, 400, /minutes: a whole number from 5 to 120/],
      [body, 409, /An appointment in this diary starts now/],
      [{ schedule: body.schedule }, 400, /patient: a FHIR Patient/],
      [{ ...body, patient: { ...body.patient, birthDate: 'yesterday' } }, 400, /Patient.birthDate/],
    ];
    for (const [request, status, message] of cases) {
      const answer = await api.call<{ resourceType: string; issue: { diagnostics: string }[] }>(
        'POST',
        '/api/consultations/ad-hoc',
        { headers: STAFF, body: request },
      );
      assert.equal(answer.status, status, JSON.stringify(answer.body));
      assert.equal(answer.body.resourceType, 'OperationOutcome');
      assert.match(answer.body.issue[0]!.diagnostics, message);
    }
  });
});
