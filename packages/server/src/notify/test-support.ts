/**
 * What the notification tests share: a real SMTP server on 127.0.0.1 (`smtp-server`, from the
 * nodemailer project) that can be stopped and started again on the same port, a parser for the
 * calendar files, waiting for conditions, and booking through the FHIR API.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Appointment, Bundle, Slot } from 'fhir/r4.js';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { appointmentRequest, STAFF } from '../test-helpers.js';

export interface Received {
  from: string;
  to: string[];
  raw: string;
  mail: ParsedMail;
}

/** A real SMTP server on 127.0.0.1. `reject` answers 550 to recipients it matches. */
export class SmtpSink {
  readonly received: Received[] = [];
  port = 0;
  private server: SMTPServer | undefined;

  constructor(private readonly reject: RegExp | undefined = undefined) {}

  async start(): Promise<number> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      closeTimeout: 50,
      size: 10 * 1024 * 1024,
      onRcptTo: (address, _session, callback) => {
        if (this.reject?.test(address.address)) {
          const error = new Error('mailbox unavailable') as Error & { responseCode: number };
          error.responseCode = 550;
          callback(error);
          return;
        }
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw)
            .then((mail) => {
              this.received.push({
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
                raw,
                mail,
              });
              callback();
            })
            .catch(callback);
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
    return this.port;
  }

  /** Stops listening and drops open connections (the port is kept for `start`). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Waits until `condition` holds (checked again and again, with a 10 ms pause), or fails with `what`. */
export async function until<T>(
  what: string,
  condition: () => Promise<T | undefined | false> | T | undefined | false,
  attempts = 3000,
): Promise<T> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      const value = await condition();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting: ${what}${last ? ` (${String(last)})` : ''}`);
}

/** Unfolds an .ics file and reads its properties: name → { params, value } (the last one wins). */
export function parseIcs(ics: string): Map<string, { params: Record<string, string>; value: string }> {
  assert.ok(ics.includes('\r\n'), 'lines end with CRLF');
  const lines = ics
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .filter(Boolean);
  const props = new Map<string, { params: Record<string, string>; value: string }>();
  for (const line of lines) {
    const match = /^([A-Z-]+)((?:;[A-Z-]+=(?:"[^"]*"|[^;:]*))*):(.*)$/.exec(line);
    assert.ok(match, `a content line: ${line}`);
    const params: Record<string, string> = {};
    for (const p of match[2]!.matchAll(/;([A-Z-]+)=("[^"]*"|[^;:]*)/g)) params[p[1]!] = p[2]!.replace(/^"|"$/g, '');
    props.set(match[1]!, { params, value: match[3]! });
  }
  return props;
}

export interface OutboxEntry {
  id: string;
  channel: 'email' | 'sms';
  to: string;
  subject: string;
  text: string;
  status: string;
  attempts: number;
  error: string | null;
  transport: string | null;
  providerId: string | null;
  sentAt: string | null;
  appointmentId: string | null;
}

/** A small FHIR client for one server. */
/** A consultation session as the join endpoints answer it. */
export interface Ticket {
  token: string;
  peerId: string;
  appointmentId: string;
  role: string;
}

export class Api {
  private patients = 0;

  constructor(
    readonly url: string,
    private readonly scheduleId: number,
  ) {}

  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: response.status, body: body as T };
  }

  async freeSlots(day: string): Promise<Slot[]> {
    const bundle = (
      await this.call<Bundle>(
        'GET',
        `/fhir/Slot?status=free&schedule=Schedule/${this.scheduleId}&start=${day}&_count=100`,
      )
    ).body;
    return bundle.entry!.filter((e) => e.search?.mode === 'match').map((e) => e.resource as Slot);
  }

  /** Books the first free GP slot of `day` (video unless said) and confirms it. */
  async book(
    day: string,
    options: { channel?: string; confirm?: boolean; patch?: (body: Record<string, unknown>) => void; slot?: Slot } = {},
  ): Promise<{ appointment: Appointment; email: string }> {
    const slot = options.slot ?? (await this.freeSlots(day))[0]!;
    const email = `patient${++this.patients}.${Date.now()}@example.org`;
    const body = appointmentRequest(slot, email, { channel: options.channel ?? 'Video' }) as Record<string, unknown>;
    options.patch?.(body);
    const booked = await this.call<Appointment>('POST', '/fhir/Appointment', { body });
    assert.equal(booked.status, 201, JSON.stringify(booked.body));
    if (options.confirm === false) return { appointment: booked.body, email };
    const confirmed = await this.change(booked.body, { status: 'booked' });
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
    return { appointment: confirmed.body, email };
  }

  /** A clinician's session for the consultation, as a vendor backend asks for one (staff key). */
  async clinicianTicket(appointmentId: string): Promise<Ticket> {
    const answer = await this.call<Ticket>('POST', `/api/consultations/${appointmentId}/clinician-token`, {
      headers: STAFF,
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body;
  }

  /** The patient's session: a fresh join link (staff), redeemed as the join page does. */
  async patientTicket(appointmentId: string): Promise<Ticket> {
    const link = await this.call<{ url: string }>('POST', `/api/consultations/${appointmentId}/invitations`, {
      headers: STAFF,
    });
    assert.equal(link.status, 201, JSON.stringify(link.body));
    const token = /\/join\/(\S+)$/.exec(link.body.url)![1];
    const answer = await this.call<Ticket>('POST', '/api/join/redeem', { body: { token } });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body;
  }

  /** Staff change an appointment (the current version read first). */
  async change(appointment: Appointment, changes: Partial<Appointment>) {
    const current = (await this.call<Appointment>('GET', `/fhir/Appointment/${appointment.id}`, { headers: STAFF }))
      .body;
    return this.call<Appointment>('PUT', `/fhir/Appointment/${appointment.id}`, {
      body: { ...current, ...changes },
      headers: { ...STAFF, 'if-match': `W/"${current.meta!.versionId}"` },
    });
  }

  async outbox(): Promise<OutboxEntry[]> {
    const answer = await this.call<{ messages: OutboxEntry[] }>('GET', '/api/outbox?limit=1000', { headers: STAFF });
    assert.equal(answer.status, 200);
    return answer.body.messages;
  }

  async messagesTo(to: string): Promise<OutboxEntry[]> {
    return (await this.outbox()).filter((m) => m.to === to);
  }
}
