/**
 * Transports: SMTP (nodemailer) for e-mail, GOV.UK Notify (notifications-node-client) for SMS and
 * e-mail. A transport sends one message and answers the provider's id, or throws: a
 * `PermanentFailure` is not retried (a 5xx SMTP reply, a 400 from Notify), anything else is.
 *
 * Every call finishes (or times out) well inside the job's lease, so a claim never expires while
 * its send is still in flight (docs/decisions/0016-job-queue.md).
 */
import axios from 'axios';
import nodemailer, { type Transporter } from 'nodemailer';
import { NotifyClient } from 'notifications-node-client';

/** Sends and transport calls give up after this long; the job lease is longer. */
export const TRANSPORT_TIMEOUT_MS = 20_000;

export interface OutgoingMessage {
  /** The outbox id. */
  id: number;
  channel: 'email' | 'sms';
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
  /** The calendar file, for e-mails about a booked or cancelled appointment. */
  calendar?: { method: 'REQUEST' | 'CANCEL'; content: string } | undefined;
  /** Stable per message: `<ck-12.1767225600000@practice.example>`. */
  messageId: string;
}

export interface Transport {
  readonly name: string;
  send(message: OutgoingMessage): Promise<{ providerId: string }>;
  close?(): void;
}

/** A failure that retrying cannot fix. */
export class PermanentFailure extends Error {
  override name = 'PermanentFailure';
}

export class SmtpTransport implements Transport {
  readonly name = 'smtp';
  private readonly transporter: Transporter;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    const parsed = new URL(url);
    this.transporter = nodemailer.createTransport({
      host: parsed.hostname.replace(/^\[|\]$/g, ''),
      port: parsed.port ? Number(parsed.port) : parsed.protocol === 'smtps:' ? 465 : 587,
      secure: parsed.protocol === 'smtps:',
      auth: parsed.username
        ? { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) }
        : undefined,
      pool: true,
      maxConnections: 4,
      connectionTimeout: TRANSPORT_TIMEOUT_MS / 2,
      greetingTimeout: TRANSPORT_TIMEOUT_MS / 2,
      socketTimeout: TRANSPORT_TIMEOUT_MS,
      // STARTTLS when the server offers it; a local relay without TLS still works.
      requireTLS: false,
    });
  }

  async send(message: OutgoingMessage): Promise<{ providerId: string }> {
    try {
      const info = await this.transporter.sendMail({
        from: this.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: message.messageId,
        attachments: message.calendar
          ? [
              {
                filename: message.calendar.method === 'CANCEL' ? 'cancelled.ics' : 'appointment.ics',
                content: message.calendar.content,
                contentType: `text/calendar; charset=utf-8; method=${message.calendar.method}`,
              },
            ]
          : [],
      });
      return { providerId: String(info.messageId ?? message.messageId) };
    } catch (error) {
      const code = (error as { responseCode?: unknown }).responseCode;
      const reason = `SMTP: ${(error as Error).message}`;
      if (typeof code === 'number' && code >= 500 && code < 600) throw new PermanentFailure(reason);
      throw new Error(reason);
    }
  }

  close(): void {
    this.transporter.close();
  }
}

export interface NotifyTransportOptions {
  apiKey: string;
  baseUrl: string;
  emailTemplateId?: string | undefined;
  smsTemplateId?: string | undefined;
}

/**
 * GOV.UK Notify: one template per channel whose content is `((body))` (and for e-mail the subject
 * `((subject))`): the server writes the words, Notify sends them. docs/notifications.md says how
 * to create the templates.
 */
export class NotifyTransport implements Transport {
  readonly name = 'notify';
  private readonly client: NotifyClient;

  constructor(private readonly options: NotifyTransportOptions) {
    this.client = new NotifyClient(options.baseUrl, options.apiKey);
    // Our own HTTP client: a timeout, and no proxy from the environment.
    this.client.setClient(axios.create({ timeout: TRANSPORT_TIMEOUT_MS, proxy: false }) as never);
  }

  get channels(): ('email' | 'sms')[] {
    return [
      ...(this.options.emailTemplateId ? (['email'] as const) : []),
      ...(this.options.smsTemplateId ? (['sms'] as const) : []),
    ];
  }

  async send(message: OutgoingMessage): Promise<{ providerId: string }> {
    const reference = `ck-${message.id}`;
    try {
      const response =
        message.channel === 'sms'
          ? await this.client.sendSms(this.options.smsTemplateId!, message.to, {
              personalisation: { body: message.text },
              reference,
            })
          : await this.client.sendEmail(this.options.emailTemplateId!, message.to, {
              personalisation: { subject: message.subject, body: message.text },
              reference,
            });
      return { providerId: String((response.data as { id?: unknown }).id ?? reference) };
    } catch (error) {
      const response = (error as { response?: { status?: number; data?: { errors?: { message?: string }[] } } })
        .response;
      const detail = response?.data?.errors?.map((e) => e.message).join('; ');
      const reason = `GOV.UK Notify: ${response?.status ?? ''} ${detail || (error as Error).message}`.replace(
        /\s+/g,
        ' ',
      );
      // 400 (bad request, bad number), 403 (key) will fail again; 429 and 5xx may not.
      if (response?.status === 400 || response?.status === 403) throw new PermanentFailure(reason);
      throw new Error(reason);
    }
  }
}
