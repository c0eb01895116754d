/**
 * Delivery and reminder settings (docs/notifications.md), validated like the rest of the
 * configuration: a bad value is a ConfigError naming the variable.
 */
import { ConfigError } from '../config.js';

export interface NotifyConfig {
  /** `smtp://user:pass@host:port` or `smtps://…`; unset: no SMTP. */
  smtpUrl: string | undefined;
  /** The From of e-mails (`Riverside Surgery <appointments@riverside.example>`); also the calendar ORGANIZER. */
  mailFrom: string | undefined;
  /** GOV.UK Notify: API key, base URL, template ids. Unset key: no Notify. */
  notifyApiKey: string | undefined;
  notifyBaseUrl: string;
  notifyEmailTemplateId: string | undefined;
  notifySmsTemplateId: string | undefined;
  /** How often the worker looks for due jobs (ms). */
  pollMs: number;
  /** Reminders before an appointment, in minutes, largest first (`CONSULTKIT_REMINDERS`). */
  reminders: number[];
  /**
   * A booked appointment the patient never attended is marked `noshow` this many minutes after
   * its end (`CONSULTKIT_NOSHOW_AFTER_MINUTES`); undefined: never automatically.
   */
  noShowAfterMinutes: number | undefined;
}

type Env = Record<string, string | undefined>;

export const NOTIFY_PRODUCTION_URL = 'https://api.notifications.service.gov.uk';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Notify's API keys: `{name}-{service id}-{secret}`, both UUIDs. */
const NOTIFY_KEY =
  /^[A-Za-z0-9_-]+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ADDRESS = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;

/** `24h,1h` → [1440, 60]; `off` or empty → []. Units: m, h, d. */
export function parseReminders(raw: string | undefined): number[] {
  const value = (raw ?? '24h,1h').trim().toLowerCase();
  if (value === '' || value === 'off' || value === 'none') return [];
  const minutes = value.split(',').map((part) => {
    const match = /^(\d{1,4})\s*(m|h|d)$/.exec(part.trim());
    if (!match) {
      throw new ConfigError(
        'CONSULTKIT_REMINDERS',
        `expected times before the appointment like 24h,1h or 30m, or off; got "${part.trim()}"`,
      );
    }
    const n = Number(match[1]) * ({ m: 1, h: 60, d: 1440 } as const)[match[2] as 'm' | 'h' | 'd'];
    if (n < 5 || n > 14 * 1440) {
      throw new ConfigError(
        'CONSULTKIT_REMINDERS',
        `each reminder must be between 5 minutes and 14 days before, got "${part.trim()}"`,
      );
    }
    return n;
  });
  if (new Set(minutes).size !== minutes.length) {
    throw new ConfigError('CONSULTKIT_REMINDERS', `the same time is given twice: "${raw}"`);
  }
  return minutes.sort((a, b) => b - a);
}

/** The address inside `Name <address>` or the bare address, else undefined. */
export function mailAddress(from: string): string | undefined {
  const bracketed = /^[^<>]*<([^<>]+)>$/.exec(from.trim());
  const address = (bracketed ? bracketed[1]! : from).trim();
  return ADDRESS.test(address) ? address : undefined;
}

export function loadNotifyConfig(env: Env): NotifyConfig {
  const smtpUrl = env['CONSULTKIT_SMTP_URL']?.trim() || undefined;
  if (smtpUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(smtpUrl);
    } catch {
      throw new ConfigError(
        'CONSULTKIT_SMTP_URL',
        'not a URL (expected smtp://user:password@host:587 or smtps://…:465)',
      );
    }
    if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
      throw new ConfigError('CONSULTKIT_SMTP_URL', `expected smtp:// or smtps://, got "${url.protocol}//"`);
    }
    if (!url.hostname) throw new ConfigError('CONSULTKIT_SMTP_URL', 'names no host');
  }
  const mailFrom = env['CONSULTKIT_MAIL_FROM']?.trim() || undefined;
  if (mailFrom !== undefined && mailAddress(mailFrom) === undefined) {
    throw new ConfigError(
      'CONSULTKIT_MAIL_FROM',
      `expected an address or "Practice name <address>", got "${mailFrom}"`,
    );
  }
  if (smtpUrl && !mailFrom) {
    throw new ConfigError(
      'CONSULTKIT_MAIL_FROM',
      'is required with CONSULTKIT_SMTP_URL (the From of e-mails and the calendar organiser)',
    );
  }

  const notifyApiKey = env['CONSULTKIT_NOTIFY_API_KEY']?.trim() || undefined;
  if (notifyApiKey !== undefined && !NOTIFY_KEY.test(notifyApiKey)) {
    throw new ConfigError(
      'CONSULTKIT_NOTIFY_API_KEY',
      'is not a GOV.UK Notify API key (name, then the service id and the secret, both UUIDs, joined by "-")',
    );
  }
  const notifyBaseUrl = (env['CONSULTKIT_NOTIFY_BASE_URL']?.trim() || NOTIFY_PRODUCTION_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+(\/\S*)?$/.test(notifyBaseUrl)) {
    throw new ConfigError('CONSULTKIT_NOTIFY_BASE_URL', `expected an http(s) URL, got "${notifyBaseUrl}"`);
  }
  const templates: Record<string, string | undefined> = {};
  for (const name of ['CONSULTKIT_NOTIFY_EMAIL_TEMPLATE_ID', 'CONSULTKIT_NOTIFY_SMS_TEMPLATE_ID']) {
    const id = env[name]?.trim() || undefined;
    if (id !== undefined && !UUID.test(id)) throw new ConfigError(name, `expected a template id (a UUID), got "${id}"`);
    if (id !== undefined && !notifyApiKey) {
      throw new ConfigError(name, 'is set, but CONSULTKIT_NOTIFY_API_KEY is not: Notify needs both');
    }
    templates[name] = id;
  }
  const notifyEmailTemplateId = templates['CONSULTKIT_NOTIFY_EMAIL_TEMPLATE_ID'];
  const notifySmsTemplateId = templates['CONSULTKIT_NOTIFY_SMS_TEMPLATE_ID'];
  if (notifyApiKey && !notifyEmailTemplateId && !notifySmsTemplateId) {
    throw new ConfigError(
      'CONSULTKIT_NOTIFY_API_KEY',
      'is set without a template: set CONSULTKIT_NOTIFY_SMS_TEMPLATE_ID and/or CONSULTKIT_NOTIFY_EMAIL_TEMPLATE_ID',
    );
  }

  const pollRaw = env['CONSULTKIT_JOB_POLL_MS']?.trim();
  let pollMs = 1000;
  if (pollRaw) {
    if (!/^\d+$/.test(pollRaw) || Number(pollRaw) < 10 || Number(pollRaw) > 600_000) {
      throw new ConfigError(
        'CONSULTKIT_JOB_POLL_MS',
        `expected a whole number of milliseconds from 10 to 600000, got "${pollRaw}"`,
      );
    }
    pollMs = Number(pollRaw);
  }

  const noShowRaw = env['CONSULTKIT_NOSHOW_AFTER_MINUTES']?.trim().toLowerCase();
  let noShowAfterMinutes: number | undefined = 30;
  if (noShowRaw === 'off') noShowAfterMinutes = undefined;
  else if (noShowRaw) {
    if (!/^\d{1,4}$/.test(noShowRaw) || Number(noShowRaw) > 7 * 24 * 60) {
      throw new ConfigError(
        'CONSULTKIT_NOSHOW_AFTER_MINUTES',
        `expected minutes after the end (0 to 10080) or off, got "${noShowRaw}"`,
      );
    }
    noShowAfterMinutes = Number(noShowRaw);
  }

  return {
    noShowAfterMinutes,
    smtpUrl,
    mailFrom,
    notifyApiKey,
    notifyBaseUrl,
    notifyEmailTemplateId,
    notifySmsTemplateId,
    pollMs,
    reminders: parseReminders(env['CONSULTKIT_REMINDERS']),
  };
}
