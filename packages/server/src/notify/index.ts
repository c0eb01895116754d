/**
 * Notifications (docs/notifications.md): the transports the configuration names, the job worker,
 * and the jobs it runs (delivering outbox messages; reminders). One per server instance.
 */
import type { Storage } from '../storage/index.js';
import type { NotifyConfig } from './config.js';
import { Delivery } from './delivery.js';
import { DEFAULT_RETRY, type RetryPolicy } from './queue.js';
import { NotifyTransport, SmtpTransport, type Transport } from './transports.js';
import { Worker, type JobHandler } from './worker.js';

export interface NotifierOptions {
  storage: Storage;
  config: NotifyConfig;
  now: () => number;
  log?: { error(object: unknown, message: string): void };
  /** Tests and benchmarks: shorter retries, more lanes, another lease. */
  retry?: RetryPolicy | undefined;
  concurrency?: number | undefined;
  leaseMs?: number | undefined;
  pollMs?: number | undefined;
  /** More job kinds (reminders). */
  handlers?: Record<string, JobHandler>;
}

/** The transport per channel: e-mail by SMTP when configured, else by Notify; SMS by Notify. */
export function transportsFor(config: NotifyConfig): { email?: Transport; sms?: Transport; all: Transport[] } {
  const smtp = config.smtpUrl && config.mailFrom ? new SmtpTransport(config.smtpUrl, config.mailFrom) : undefined;
  const notify = config.notifyApiKey
    ? new NotifyTransport({
        apiKey: config.notifyApiKey,
        baseUrl: config.notifyBaseUrl,
        emailTemplateId: config.notifyEmailTemplateId,
        smsTemplateId: config.notifySmsTemplateId,
      })
    : undefined;
  const email = smtp ?? (config.notifyEmailTemplateId ? notify : undefined);
  const sms = config.notifySmsTemplateId ? notify : undefined;
  return {
    ...(email ? { email } : {}),
    ...(sms ? { sms } : {}),
    all: [smtp, notify].filter((t): t is SmtpTransport | NotifyTransport => t !== undefined),
  };
}

export class Notifier {
  readonly worker: Worker;
  readonly delivery: Delivery;
  private readonly transports: Transport[];

  constructor(options: NotifierOptions) {
    const transports = transportsFor(options.config);
    this.transports = transports.all;
    this.worker = new Worker({
      storage: options.storage,
      now: options.now,
      pollMs: options.pollMs ?? options.config.pollMs,
      concurrency: options.concurrency,
      leaseMs: options.leaseMs,
      retry: options.retry ?? DEFAULT_RETRY,
      log: options.log,
      handlers: { deliver: (job) => this.delivery.handle(job), ...options.handlers },
    });
    this.delivery = new Delivery({
      storage: options.storage,
      queue: this.worker.queue,
      transports,
      from: options.config.mailFrom,
      now: options.now,
    });
  }

  start(): void {
    this.worker.start();
  }

  /** Stops the worker (waiting for jobs in hand) and closes the transports' connections. */
  async stop(): Promise<void> {
    await this.worker.stop();
    for (const transport of this.transports) transport.close?.();
  }
}
