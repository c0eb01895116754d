/**
 * Delivering an outbox message: the `deliver` job. Never twice:
 *
 * 1. in one transaction the message is locked and checked (already sent or held: the job just
 *    completes) and marked `sending`;
 * 2. the transport sends it (its timeouts end well inside the job's lease);
 * 3. in one transaction the transport's answer is recorded: `sent` with the provider's id and the
 *    job done, or the failure with the retry time (or `failed` and why).
 *
 * A claim that expired while its message said `sending` means a worker stopped mid-send: the
 * message may have gone, so it is not sent again but marked failed with that reason, for staff
 * to see and resend if the patient did not get it (docs/decisions/0016-job-queue.md).
 */
import { BookingRepository, type AppointmentRow } from '../booking/repository.js';
import { displayName } from '../booking/service.js';
import type { Storage } from '../storage/index.js';
import { mailAddress } from './config.js';
import { textToHtml } from './html.js';
import { matchLocale, type ServerLocale } from '../i18n/locales.js';
import { mailWords } from '../i18n/mail-words.js';
import { buildIcs } from './ics.js';
import { JobQueue, type JobRow } from './queue.js';
import { PermanentFailure, type OutgoingMessage, type Transport } from './transports.js';

export type MessageStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'held';

export interface OutboxMessage {
  id: number;
  appointment_id: number | null;
  channel: 'email' | 'sms';
  to_address: string;
  subject: string;
  body: string;
  status: MessageStatus;
  attempts: number;
  last_error: string | null;
  transport: string | null;
  provider_id: string | null;
  created_at: Date;
  updated_at: Date | null;
  sent_at: Date | null;
  calendar: { status: string; sequence: number; start: string; end: string } | null;
}

export const OUTBOX_COLUMNS = `id, appointment_id, channel, to_address, subject, body, status, attempts, last_error,
  transport, provider_id, created_at, updated_at, sent_at, calendar`;

export interface DeliveryOptions {
  storage: Storage;
  queue: JobQueue;
  transports: { email?: Transport | undefined; sms?: Transport | undefined };
  /** `Practice <address>`: From, and the calendar's ORGANIZER. */
  from: string | undefined;
  now: () => number;
}

export class Delivery {
  constructor(private readonly options: DeliveryOptions) {}

  /** The `deliver` job handler. */
  readonly handle = async (job: JobRow): Promise<void> => {
    const { storage } = this.options;
    const id = Number(job.payload['message']);
    const claimed = await storage.transaction(async (tx) => {
      const now = new Date(this.options.now());
      const message = (
        await tx.query<OutboxMessage>(`SELECT ${OUTBOX_COLUMNS} FROM mail_outbox WHERE id = $1 FOR UPDATE`, [id])
      )[0];
      if (!message || message.status === 'sent' || message.status === 'held' || message.status === 'failed') {
        await JobQueue.complete(tx, job, now);
        return undefined;
      }
      if (message.status === 'sending') {
        // An earlier claim ended mid-send: it may have been delivered. Never twice.
        await this.options.queue.fail(tx, job, 'interrupted while sending', now, true);
        await tx.query(
          `UPDATE mail_outbox SET status = 'failed', updated_at = $2,
             last_error = 'the worker stopped while sending: it may or may not have arrived, so it is not sent again automatically'
           WHERE id = $1`,
          [id, now.toISOString()],
        );
        return undefined;
      }
      const transport = this.options.transports[message.channel];
      if (!transport) {
        await tx.query(`UPDATE mail_outbox SET status = 'held', updated_at = $2, last_error = $3 WHERE id = $1`, [
          id,
          now.toISOString(),
          `no ${message.channel === 'sms' ? 'SMS' : 'e-mail'} transport is configured: kept in the outbox only`,
        ]);
        await JobQueue.complete(tx, job, now);
        return undefined;
      }
      await tx.query(
        `UPDATE mail_outbox SET status = 'sending', attempts = attempts + 1, transport = $2, updated_at = $3 WHERE id = $1`,
        [id, transport.name, now.toISOString()],
      );
      return { message, transport };
    });
    if (!claimed) return;
    const { message, transport } = claimed;
    let providerId: string;
    try {
      providerId = (await transport.send(await this.outgoing(message))).providerId;
    } catch (error) {
      const reason = (error as Error).message || String(error);
      await storage.transaction(async (tx) => {
        const now = new Date(this.options.now());
        const outcome = await this.options.queue.fail(tx, job, reason, now, error instanceof PermanentFailure);
        await tx.query(`UPDATE mail_outbox SET status = $2, last_error = $3, updated_at = $4 WHERE id = $1`, [
          id,
          outcome?.state === 'failed' ? 'failed' : 'queued',
          reason.slice(0, 1000),
          now.toISOString(),
        ]);
      });
      return;
    }
    await storage.transaction(async (tx) => {
      const now = new Date(this.options.now());
      await JobQueue.complete(tx, job, now);
      await tx.query(
        `UPDATE mail_outbox SET status = 'sent', sent_at = $2, updated_at = $2, provider_id = $3, last_error = NULL
         WHERE id = $1`,
        [id, now.toISOString(), providerId.slice(0, 500)],
      );
    });
  };

  /** The message as the transport sends it: HTML beside the text, and the calendar file. */
  async outgoing(message: OutboxMessage): Promise<OutgoingMessage> {
    const from = this.options.from;
    const domain = (from && mailAddress(from)?.split('@')[1]) || 'consultkit.invalid';
    const base: OutgoingMessage = {
      id: message.id,
      channel: message.channel,
      to: message.to_address,
      subject: message.subject,
      text: message.body,
      messageId: `<ck-${message.id}.${message.created_at.getTime()}@${domain}>`,
    };
    if (message.channel === 'sms') return base;
    const appointment =
      message.appointment_id === null
        ? undefined
        : await new BookingRepository(this.options.storage).appointment(message.appointment_id);
    // The patient's messages are in their language; the practice's (same appointment) in English.
    const patient = appointment?.patient_details;
    const locale =
      patient && patient.email.toLowerCase() === message.to_address.toLowerCase()
        ? matchLocale(patient.language)
        : 'en-GB';
    base.html = textToHtml(message.subject, message.body, locale);
    const snapshot = message.calendar;
    const method =
      snapshot?.status === 'booked' || snapshot?.status === 'arrived'
        ? 'REQUEST'
        : snapshot?.status === 'cancelled'
          ? 'CANCEL'
          : undefined;
    if (method && appointment && from) {
      base.calendar = { method, content: this.calendar(appointment, snapshot!, method, message, locale) };
    }
    return base;
  }

  private calendar(
    appointment: AppointmentRow,
    snapshot: NonNullable<OutboxMessage['calendar']>,
    method: 'REQUEST' | 'CANCEL',
    message: OutboxMessage,
    locale: ServerLocale,
  ): string {
    const from = this.options.from!;
    const organizerEmail = mailAddress(from)!;
    const organizerName = /^\s*"?([^"<]*?)"?\s*</.exec(from)?.[1] || organizerEmail;
    const practitioner = displayName(appointment.practitioner_name);
    // In the language of whoever receives it (the patient's, or English for the practice).
    const words = mailWords(locale).calendar;
    const channel =
      (['Video', 'Telephone', 'In-person'] as const).find((c) => c === appointment.channel) ?? 'In-person';
    return buildIcs({
      method,
      uid: `appointment-${appointment.id}@${organizerEmail.split('@')[1]}`,
      sequence: snapshot.sequence,
      start: new Date(snapshot.start),
      end: new Date(snapshot.end),
      stamp: message.created_at,
      summary: words.summary(channel, practitioner),
      description: words.details(channel, practitioner, appointment.service_display, appointment.booking_reference),
      location: channel === 'Video' ? words.videoLocation : organizerName,
      organizer: { name: organizerName, email: organizerEmail },
      attendee: {
        name: displayName(appointment.patient_details.name[0]) || message.to_address,
        email: message.to_address,
      },
    });
  }
}
