/**
 * E-mail by SMTP, end to end: a real SMTP server (`smtp-server`) on 127.0.0.1 receives what the
 * server's worker sends after a booking is confirmed, moved or cancelled. The worker's clock is
 * the server's `now`, moved by the test; nothing waits for time to pass.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConsultKitServer } from '../app.js';
import { seedBookingFixture, startTestServer, TEST_NOW } from '../test-helpers.js';
import { Api, parseIcs, SmtpSink, until } from './test-support.js';

const SECOND = 1000;
const FROM = 'Riverside Surgery <appointments@riverside.example>';

describe('e-mail by SMTP', () => {
  let server: ConsultKitServer;
  let api: Api;
  let clock = TEST_NOW;
  const smtp = new SmtpSink(/^refused@/);

  before(async () => {
    await smtp.start();
    const started = await startTestServer(
      {
        CONSULTKIT_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        CONSULTKIT_MAIL_FROM: FROM,
        CONSULTKIT_PUBLIC_URL: 'https://riverside.example',
      },
      {},
      { now: () => clock, notify: { pollMs: 10, retry: { baseMs: 2 * SECOND, capMs: 4 * SECOND } } },
    );
    server = started.server;
    const fixture = await seedBookingFixture(server.storage);
    api = new Api(started.url, fixture.gp.scheduleId);
  });

  after(async () => {
    await server?.close();
    await smtp.stop();
  });

  const arrivedFor = (to: string) => smtp.received.filter((r) => r.to.includes(to));

  it('sends the confirmation: From, To, Message-ID, a text and an HTML part, and a calendar file', async () => {
    const { appointment, email } = await api.book('2026-03-03');
    const [received] = await until('the confirmation arrives', () => {
      const got = arrivedFor(email);
      return got.length > 0 && got;
    });
    const mail = received!.mail;
    assert.equal(mail.from?.value[0]?.address, 'appointments@riverside.example');
    assert.equal(mail.from?.value[0]?.name, 'Riverside Surgery');
    assert.equal(received!.from, 'appointments@riverside.example');
    assert.match(mail.subject ?? '', /^Appointment confirmed: Tuesday 3 March 2026 at 09:00$/);
    assert.match(mail.messageId ?? '', /^<ck-\d+\.\d+@riverside\.example>$/);
    // The plain text is what the practice says; the HTML lays the same words out, links clickable.
    assert.match(mail.text ?? '', /Your appointment is confirmed\./);
    assert.match(mail.text ?? '', /Join: +https:\/\/riverside\.example\/join\/\S+/);
    const html = String(mail.html);
    assert.match(html, /<p[^>]*>Your appointment is confirmed\.<\/p>/);
    assert.match(html, /<th scope="row"[^>]*>When<\/th><td[^>]*>Tuesday 3 March 2026, 09:00 to 09:10 \(GMT\)<\/td>/);
    assert.match(html, /<a href="https:\/\/riverside\.example\/join\/[^"]+">/);
    assert.doesNotMatch(html, /<script|<img/);
    assert.match(received!.raw, /Content-Type: multipart\/mixed/);
    assert.match(received!.raw, /Content-Type: multipart\/alternative/);

    const ics = mail.attachments.find((a) => a.contentType === 'text/calendar');
    assert.ok(ics, 'a text/calendar attachment');
    assert.equal(ics.filename, 'appointment.ics');
    const props = parseIcs(ics.content.toString('utf8'));
    assert.equal(props.get('METHOD')?.value, 'REQUEST');
    assert.equal(props.get('UID')?.value, `appointment-${appointment.id}@riverside.example`);
    // 09:00 in London in March is 09:00 UTC; the file says so in UTC.
    assert.equal(props.get('DTSTART')?.value, '20260303T090000Z');
    assert.equal(props.get('DTEND')?.value, '20260303T091000Z');
    assert.equal(props.get('ORGANIZER')?.value, 'mailto:appointments@riverside.example');
    assert.equal(props.get('ORGANIZER')?.params['CN'], 'Riverside Surgery');
    assert.equal(props.get('ATTENDEE')?.value, `mailto:${email}`);
    assert.equal(props.get('STATUS')?.value, 'CONFIRMED');
    assert.match(props.get('SUMMARY')?.value ?? '', /^Video consultation with Dr Ada Test$/);
    assert.doesNotMatch(ics.content.toString('utf8'), /\/join\//, 'the calendar file does not carry the join link');

    // Staff see it sent, by which transport, with the SMTP message id.
    const [entry] = await until('the outbox says sent', async () => {
      const rows = (await api.messagesTo(email)).filter((m) => m.status === 'sent');
      return rows.length > 0 && rows;
    });
    assert.equal(entry!.transport, 'smtp');
    assert.equal(entry!.attempts, 1);
    assert.equal(entry!.providerId, mail.messageId);
    const one = await api.call<{ status: string }>('GET', `/api/outbox/${entry!.id}`, {
      headers: { authorization: `Bearer consultkit-test-staff-key-0123456789abcdef` },
    });
    assert.equal(one.body.status, 'sent');
    assert.equal((await api.call('GET', `/api/outbox/${entry!.id}`)).status, 401);
    assert.equal((await api.call('GET', `/api/outbox/99999999`, { headers: STAFF_HEADERS })).status, 404);
  });

  it('a moved appointment updates the same calendar event; a cancelled one removes it', async () => {
    const { appointment, email } = await api.book('2026-03-04');
    await until('the confirmation arrives', () => arrivedFor(email).length === 1);
    const later = (await api.freeSlots('2026-03-05'))[0]!;
    const moved = await api.change(appointment, {
      slot: [{ reference: `Slot/${later.id}` }],
      start: later.start,
      end: later.end,
    });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    await until('the move arrives', () => arrivedFor(email).length === 2);
    const cancelled = await api.change(moved.body, { status: 'cancelled' });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    await until('the cancellation arrives', () => arrivedFor(email).length === 3);
    const files = arrivedFor(email).map((r) =>
      parseIcs(r.mail.attachments.find((a) => a.contentType === 'text/calendar')!.content.toString('utf8')),
    );
    const uid = `appointment-${appointment.id}@riverside.example`;
    assert.deepEqual(
      files.map((f) => [f.get('METHOD')?.value, f.get('UID')?.value, f.get('DTSTART')?.value]),
      [
        ['REQUEST', uid, '20260304T090000Z'],
        ['REQUEST', uid, '20260305T090000Z'],
        ['CANCEL', uid, '20260305T090000Z'],
      ],
    );
    const sequences = files.map((f) => Number(f.get('SEQUENCE')?.value));
    assert.ok(
      sequences[0]! < sequences[1]! && sequences[1]! < sequences[2]!,
      `SEQUENCE grows: ${sequences.join(', ')}`,
    );
    assert.equal(files[2]!.get('STATUS')?.value, 'CANCELLED');
  });

  it('a refused recipient (550) fails at once, and staff see why', async () => {
    const slot = (await api.freeSlots('2026-03-06'))[0]!;
    const { appointment } = await api.book('2026-03-06', {
      slot,
      patch: (body) => {
        ((body['contained'] as Record<string, unknown>[])[0]!['telecom'] as { value: string }[])[0]!.value =
          'refused@example.org';
      },
    });
    const [failed] = await until('the outbox says failed', async () => {
      const rows = (await api.messagesTo('refused@example.org')).filter((m) => m.status === 'failed');
      return rows.length > 0 && rows;
    });
    assert.equal(failed!.appointmentId, appointment.id);
    assert.equal(failed!.attempts, 1);
    assert.match(failed!.error ?? '', /^SMTP: .*550.*mailbox unavailable/);
  });

  it('the SMTP server down for ten seconds: retried with backoff, and the message arrives once', async () => {
    await smtp.stop();
    const { email } = await api.book('2026-03-07');
    // Attempts fail while the server is down: each waits longer (2 s, 4 s, then the 4 s cap).
    let downFor = 0;
    for (let attempt = 1; downFor < 10 * SECOND; attempt++) {
      const [entry] = await until(`attempt ${attempt} has failed`, async () => {
        const rows = (await api.messagesTo(email)).filter((m) => m.status === 'queued' && m.attempts === attempt);
        return rows.length > 0 && rows;
      });
      assert.match(entry!.error ?? '', /^SMTP: .*(ECONNREFUSED|connect)/);
      const step = Math.min(4 * SECOND, 2 * SECOND * 2 ** (attempt - 1));
      clock += step;
      downFor += step;
    }
    assert.equal(arrivedFor(email).length, 0);
    await smtp.start(); // the same port
    clock += 4 * SECOND;
    await until('the message arrives', () => arrivedFor(email).length > 0);
    const [sent] = await until('the outbox says sent', async () => {
      const rows = (await api.messagesTo(email)).filter((m) => m.status === 'sent');
      return rows.length > 0 && rows;
    });
    assert.ok(sent!.attempts >= 4, `attempts: ${sent!.attempts}`);
    // Much later, and after the worker has looked again, still once.
    clock += 3600 * SECOND;
    await server.notifier.worker.nextPass();
    await server.notifier.worker.nextPass();
    assert.equal(arrivedFor(email).length, 1);
  });
});

const STAFF_HEADERS = { authorization: `Bearer consultkit-test-staff-key-0123456789abcdef` };
