/**
 * Reminders with the clock moved (the server's `now`): 24 h before, the device-check link; 1 h
 * before, a fresh join link that revokes nothing; none for a cancelled appointment; re-planned for
 * a moved one; by the patient's contact preference. Delivered to a real SMTP server on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { ConsultKitServer } from '../app.js';
import { CONTACT_PREFERENCE_URL } from '../fhir/resources.js';
import { appointmentRequest, seedBookingFixture, startTestServer, TEST_NOW } from '../test-helpers.js';
import { Api, SmtpSink, until } from './test-support.js';

describe('reminders', () => {
  const smtp = new SmtpSink();
  let server: ConsultKitServer;
  let api: Api;
  let clock = TEST_NOW; // Monday 2 March 2026, 08:00 London

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
    api = new Api(started.url, (await seedBookingFixture(server.storage)).gp.scheduleId);
  });

  after(async () => {
    await server?.close();
    await smtp.stop();
  });

  /** Moves the clock and lets the worker run everything now due (two complete passes). */
  async function moveTo(iso: string): Promise<void> {
    const to = Date.parse(iso);
    assert.ok(to >= clock, 'the clock only moves forward');
    clock = to;
    await server.notifier.worker.nextPass();
    await server.notifier.worker.nextPass();
  }

  const subjectsTo = (email: string) =>
    smtp.received.filter((r) => r.to.includes(email)).map((r) => r.mail.subject ?? '');

  it('24 h before: a link to test the camera and microphone; 1 h before: a fresh join link; the first link still works', async () => {
    const { appointment, email } = await api.book('2026-03-03'); // Tuesday 09:00
    await until('the confirmation arrives', () => subjectsTo(email).length === 1);
    const confirmation = smtp.received.find((r) => r.to.includes(email))!.mail.text ?? '';
    const firstLink = /\/join\/(\S+)/.exec(confirmation)![1]!;

    await moveTo('2026-03-02T08:59:00Z');
    assert.equal(subjectsTo(email).length, 1, 'nothing before its time');
    await moveTo('2026-03-02T09:00:00Z');
    await until('the 24 h reminder arrives', () => subjectsTo(email).length === 2);
    const early = smtp.received.filter((r) => r.to.includes(email))[1]!.mail;
    assert.equal(early.subject, 'Reminder: your video appointment on Tuesday 3 March 2026 at 09:00');
    assert.match(early.text ?? '', /Test your camera and microphone now[^\n]*\nhttps:\/\/riverside\.example\/check\n/);
    assert.match(early.text ?? '', /We will send you the link to join shortly before the appointment/);
    assert.doesNotMatch(early.text ?? '', /\/join\//);
    assert.match(String(early.html), /<a href="https:\/\/riverside\.example\/check">/);

    await moveTo('2026-03-03T07:59:00Z');
    assert.equal(subjectsTo(email).length, 2);
    await moveTo('2026-03-03T08:00:00Z');
    await until('the 1 h reminder arrives', () => subjectsTo(email).length === 3);
    const late = smtp.received.filter((r) => r.to.includes(email))[2]!.mail.text ?? '';
    const freshLink = /Join: +https:\/\/riverside\.example\/join\/(\S+)/.exec(late)?.[1];
    assert.ok(freshLink, late);
    assert.notEqual(freshLink, firstLink);
    assert.doesNotMatch(late, /\/check/);
    const invitations = await server.storage.query<{ revoked_at: Date | null }>(
      `SELECT revoked_at FROM join_invitation WHERE appointment_id = $1 AND role = 'patient'`,
      [Number(appointment.id)],
    );
    assert.equal(invitations.length, 2);
    assert.ok(
      invitations.every((i) => i.revoked_at === null),
      'the reminder revokes nothing the patient holds',
    );
    // Both links open the appointment when its time comes.
    clock = Date.parse('2026-03-03T08:50:00Z');
    for (const token of [firstLink, freshLink]) {
      const redeemed = await api.call('POST', '/api/join/redeem', { body: { token } });
      assert.equal(redeemed.status, 200, JSON.stringify(redeemed.body));
    }
  });

  it('a cancelled appointment’s reminders are never sent', async () => {
    const { appointment, email } = await api.book('2026-03-05'); // Thursday 09:00
    await until('the confirmation arrives', () => subjectsTo(email).length === 1);
    const cancelled = await api.change(appointment, { status: 'cancelled' });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    await until('the cancellation arrives', () => subjectsTo(email).length === 2);
    await moveTo('2026-03-04T09:00:00Z');
    await moveTo('2026-03-05T08:30:00Z');
    assert.deepEqual(subjectsTo(email), [
      'Appointment confirmed: Thursday 5 March 2026 at 09:00',
      'Appointment cancelled: Thursday 5 March 2026 at 09:00',
    ]);
    const jobs = await server.storage.query<{ state: string }>(
      `SELECT state FROM job WHERE appointment_id = $1 AND kind = 'reminder'`,
      [Number(appointment.id)],
    );
    assert.deepEqual(
      jobs.map((j) => j.state),
      ['cancelled', 'cancelled'],
    );
  });

  it('a moved appointment is reminded at its new time, not the old', async () => {
    const { appointment, email } = await api.book('2026-03-06'); // Friday 09:00
    const saturday = (await api.freeSlots('2026-03-07'))[3]!; // Saturday 09:30
    const moved = await api.change(appointment, {
      slot: [{ reference: `Slot/${saturday.id}` }],
      start: saturday.start,
      end: saturday.end,
    });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    await until('confirmation and move arrive', () => subjectsTo(email).length === 2);
    await moveTo('2026-03-06T08:00:00Z'); // the old appointment's 1 h
    assert.equal(subjectsTo(email).length, 2);
    await moveTo('2026-03-06T09:30:00Z'); // 24 h before the new time
    await until('the reminder for the new time', () => subjectsTo(email).length === 3);
    assert.equal(subjectsTo(email)[2], 'Reminder: your video appointment on Saturday 7 March 2026 at 09:30');
  });

  it('reminds by the patient’s contact preference: both is an e-mail and a text message', async () => {
    const withPhone = (preference: string) => (body: Record<string, unknown>) => {
      const patient = (body['contained'] as Record<string, unknown>[])[0]!;
      (patient['telecom'] as unknown[]).push({ system: 'sms', value: '07700 900123' });
      patient['extension'] = [{ url: CONTACT_PREFERENCE_URL, valueCode: preference }];
    };
    const { appointment, email } = await api.book('2026-03-09', { patch: withPhone('both') }); // Monday 09:00
    const patient = await api.call<{ extension?: unknown }>(
      'GET',
      `/fhir/Patient/${appointment.participant![0]!.actor!.reference!.split('/')[1]}`,
      {
        headers: {
          authorization: `Bearer ${appointment.identifier!.find((i) => /booking/.test(i.system ?? ''))!.value}`,
        },
      },
    );
    assert.deepEqual(patient.body.extension, [{ url: CONTACT_PREFERENCE_URL, valueCode: 'both' }]);
    await moveTo('2026-03-08T09:00:00Z');
    await until('the 24 h reminder arrives by e-mail', () => subjectsTo(email).length === 2);
    const texts = (await api.messagesTo('07700 900123')).filter((m) => m.appointmentId === appointment.id);
    assert.equal(texts.length, 1);
    assert.equal(texts[0]!.channel, 'sms');
    assert.equal(
      texts[0]!.text,
      `Reminder: video appointment with Dr Ada Test on Mon 9 Mar at 09:00. Test your camera and microphone now: https://riverside.example/check Ref ${appointment.identifier!.find((i) => /booking/.test(i.system ?? ''))!.value}`,
    );
    // No SMS transport here: the text stays in the outbox, and says why.
    assert.equal(texts[0]!.status, 'held');
    assert.match(texts[0]!.error ?? '', /no SMS transport is configured/);

    const refused = await api.call<{ issue: { diagnostics: string }[] }>('POST', '/fhir/Appointment', {
      body: await bookingBody('2026-03-10'),
    });
    assert.equal(refused.status, 400);
    assert.match(refused.body.issue[0]!.diagnostics, /"sms" needs a mobile number in Patient.telecom/);
  });

  async function bookingBody(day: string) {
    const slot = (await api.freeSlots(day))[0]!;
    const body = appointmentRequest(slot, 'nophone@example.org') as Record<string, unknown>;
    (body['contained'] as Record<string, unknown>[])[0]!['extension'] = [
      { url: CONTACT_PREFERENCE_URL, valueCode: 'sms' },
    ];
    return body;
  }

  it('serves the device-check page without a join link, its inline script allowed by the CSP', async () => {
    const response = await fetch(`${api.url}/check`);
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.match(html, /<device-check auto-start><\/device-check>/);
    assert.match(html, /<script type="module" src="\/cdn\/consultation\.js"><\/script>/);
    const csp = response.headers.get('content-security-policy') ?? '';
    const inline = /<script type="module">([\s\S]*?)<\/script>/.exec(html)![1]!;
    const hash = createHash('sha256').update(inline, 'utf8').digest('base64');
    assert.match(csp, new RegExp(`script-src 'self' [^;]*'sha256-${hash.replace(/[+/]/g, '\\$&')}'`));
    assert.doesNotMatch(csp, /unsafe-inline/);
  });
});
