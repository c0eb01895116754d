/**
 * SMS and e-mail through GOV.UK Notify. Notify's API is outside our control, so a stand-in HTTP
 * server on 127.0.0.1 plays it: it checks what the real client library (notifications-node-client)
 * sends (the path, the JWT signed with the API key's secret and naming the service, the JSON body)
 * and answers as Notify documents, or with the errors the test asks for.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { jwtVerify } from 'jose';
import type { ConsultKitServer } from '../app.js';
import { seedBookingFixture, startTestServer, TEST_NOW } from '../test-helpers.js';
import { Api, until } from './test-support.js';

const SERVICE_ID = '26785a09-ab16-4eb0-8407-a37497a57506';
const SECRET = '3d844edf-8d35-48ac-975b-e847b4f122b0';
const API_KEY = `consultkit_test-${SERVICE_ID}-${SECRET}`;
const EMAIL_TEMPLATE = 'f33517ff-2a88-4f6e-b855-c550268ce08a';
const SMS_TEMPLATE = 'a8b6a1f2-6c3d-4b59-9e43-0c6f8a6b7d21';

interface NotifyRequest {
  path: string;
  issuer: unknown;
  body: Record<string, unknown>;
}

/** The stand-in: records each request; `answers` (status codes) are used up first, then 201. */
class NotifyStandIn {
  readonly requests: NotifyRequest[] = [];
  readonly answers: number[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      this.handle(request)
        .then(([status, body]) => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(JSON.stringify(body));
        })
        .catch(() => {
          response.writeHead(500).end();
        });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async handle(request: IncomingMessage): Promise<[number, unknown]> {
    let raw = '';
    for await (const chunk of request) raw += String(chunk);
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!token) return [403, { status_code: 403, errors: [{ error: 'AuthError', message: 'no token' }] }];
    let issuer: unknown;
    try {
      issuer = (await jwtVerify(token, new TextEncoder().encode(SECRET), { algorithms: ['HS256'] })).payload.iss;
    } catch {
      return [403, { status_code: 403, errors: [{ error: 'AuthError', message: 'Invalid token: signature' }] }];
    }
    const body = JSON.parse(raw) as Record<string, unknown>;
    this.requests.push({ path: `${request.method} ${request.url}`, issuer, body });
    const status = this.answers.shift() ?? 201;
    if (status === 400) {
      return [
        400,
        { status_code: 400, errors: [{ error: 'ValidationError', message: 'phone_number Not a UK mobile number' }] },
      ];
    }
    if (status !== 201) return [status, { status_code: status, errors: [{ error: 'Exception', message: 'Internal' }] }];
    const id = randomUUID();
    return [
      201,
      request.url === '/v2/notifications/sms'
        ? {
            id,
            reference: body['reference'],
            content: { body: 'x', from_number: 'NHS' },
            uri: `/v2/notifications/${id}`,
          }
        : { id, reference: body['reference'], content: { body: 'x', subject: 'x', from_email: 'x@notify' } },
    ];
  }
}

describe('SMS and e-mail through GOV.UK Notify (a stand-in for its API)', () => {
  const notify = new NotifyStandIn();
  let server: ConsultKitServer;
  let api: Api;
  let clock = TEST_NOW;

  before(async () => {
    await notify.start();
    const started = await startTestServer(
      {
        CONSULTKIT_NOTIFY_API_KEY: API_KEY,
        CONSULTKIT_NOTIFY_BASE_URL: notify.url,
        CONSULTKIT_NOTIFY_EMAIL_TEMPLATE_ID: EMAIL_TEMPLATE,
        CONSULTKIT_NOTIFY_SMS_TEMPLATE_ID: SMS_TEMPLATE,
      },
      {},
      { now: () => clock, notify: { pollMs: 10, retry: { baseMs: 1000, capMs: 1000 } } },
    );
    server = started.server;
    api = new Api(started.url, (await seedBookingFixture(server.storage)).gp.scheduleId);
  });

  after(async () => {
    await server?.close();
    await notify.stop();
  });

  it('sends the e-mail with the e-mail template, the subject and body as personalisation, signed for the service', async () => {
    const { email } = await api.book('2026-03-03');
    const request = await until('Notify is asked to send the e-mail', () =>
      notify.requests.find((r) => r.body['email_address'] === email),
    );
    assert.equal(request.path, 'POST /v2/notifications/email');
    assert.equal(request.issuer, SERVICE_ID);
    assert.equal(request.body['template_id'], EMAIL_TEMPLATE);
    const personalisation = request.body['personalisation'] as Record<string, string>;
    assert.match(personalisation['subject']!, /^Appointment confirmed: Tuesday 3 March 2026 at 09:00$/);
    assert.match(personalisation['body']!, /Your appointment is confirmed\./);
    assert.match(String(request.body['reference']), /^ck-\d+$/);
    const [entry] = await until('the outbox says sent', async () => {
      const rows = (await api.messagesTo(email)).filter((m) => m.status === 'sent');
      return rows.length > 0 && rows;
    });
    assert.equal(entry!.transport, 'notify');
    assert.match(entry!.providerId ?? '', /^[0-9a-f-]{36}$/);
  });

  it('sends an SMS with the SMS template; a server error is retried, a refused number fails with Notify’s reason', async () => {
    const repo = server.booking.repo;
    notify.answers.push(500);
    await repo.queueMail({
      appointmentId: null,
      channel: 'sms',
      to: '07700900123',
      subject: 'Reminder',
      body: 'Your video appointment is tomorrow at 09:00.',
      now: new Date(clock),
    });
    const failedOnce = await until('the first try failed', async () =>
      (await api.messagesTo('07700900123')).find((m) => m.status === 'queued' && m.attempts === 1),
    );
    assert.match(failedOnce.error ?? '', /^GOV\.UK Notify: 500/);
    clock += 1000;
    const sent = await until('sent on the retry', async () =>
      (await api.messagesTo('07700900123')).find((m) => m.status === 'sent'),
    );
    assert.equal(sent.attempts, 2);
    const requests = notify.requests.filter((r) => r.body['phone_number'] === '07700900123');
    assert.equal(requests.length, 2);
    assert.equal(requests[1]!.path, 'POST /v2/notifications/sms');
    assert.equal(requests[1]!.body['template_id'], SMS_TEMPLATE);
    assert.deepEqual(requests[1]!.body['personalisation'], { body: 'Your video appointment is tomorrow at 09:00.' });

    notify.answers.push(400);
    await repo.queueMail({
      appointmentId: null,
      channel: 'sms',
      to: '01234',
      subject: 'Reminder',
      body: 'x',
      now: new Date(clock),
    });
    const failed = await until('refused for good', async () =>
      (await api.messagesTo('01234')).find((m) => m.status === 'failed'),
    );
    assert.equal(failed.attempts, 1);
    assert.equal(failed.error, 'GOV.UK Notify: 400 phone_number Not a UK mobile number');
  });
});
