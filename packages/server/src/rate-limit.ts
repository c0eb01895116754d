/**
 * Limits on guessing: how many attempts a client address (or a token, or an appointment) may make
 * in a window before it is answered 429 with `Retry-After`. See docs/decisions/0010-rate-limits.md.
 *
 * `RateLimiter` is the store (in memory alone; in PostgreSQL for several instances); `Throttle`
 * applies the configured limits and turns "over" into the 429 OperationOutcome.
 */
import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { HttpError } from './errors.js';
import type { SqlExecutor } from './storage/index.js';

/** At most `count` attempts per `seconds`. */
export interface Limit {
  count: number;
  seconds: number;
}

/** The limits, by what they guard (see README's configuration table). */
export const LIMIT_NAMES = [
  'redeem',
  'auth',
  'booking',
  'resend',
  'resend-ip',
  'signin',
  'sfu',
  'lookup',
  'guests',
  'hold',
  'messages',
  'documents',
  'document-requests',
  'recording-exports',
  'recordings',
  'consents',
  'directory',
  'staff-messages',
] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];
export type RateLimits = Record<LimitName, Limit>;

/**
 * Defaults a practice behind one NAT does not trip: redemptions and bearer checks count only
 * failures (a successful attempt is given back), booking counts every attempt from an address.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  /** Failed join-link redemptions per address, and presentations of one link. */
  redeem: { count: 20, seconds: 60 },
  /** Failed `Authorization: Bearer` checks per address. */
  auth: { count: 10, seconds: 60 },
  /** Bookings (POST /fhir/Appointment) per address. */
  booking: { count: 30, seconds: 600 },
  /** Fresh links sent for one appointment. */
  resend: { count: 5, seconds: 3600 },
  /** Fresh links sent from one address (a reception desk sends many). */
  'resend-ip': { count: 60, seconds: 3600 },
  /** Staff sign-ins started, and refused answers from the identity provider, per address. */
  signin: { count: 10, seconds: 60 },
  /** Video-room tokens asked for one consultation (each costs calls to Janus's Admin API). */
  sfu: { count: 30, seconds: 60 },
  /**
   * Failed booking look-ups (reference + date of birth, `POST /api/bookings/lookup`) per address,
   * and per booking reference: a date of birth has some 36,500 values, so ten tries in fifteen
   * minutes leave a guesser nowhere while a patient who mistypes twice is not held up.
   */
  lookup: { count: 10, seconds: 900 },
  /** Guests invited to one consultation (each is e-mailed a link). */
  guests: { count: 20, seconds: 3600 },
  /**
   * Holds placed and released (`POST /fhir/Slot/{id}/$hold`, `$release`) per address: a patient
   * choosing one time after another makes a few; besides, an address has at most three live holds
   * (docs/decisions/0029).
   */
  hold: { count: 60, seconds: 600 },
  /** Reads of a consultation's chat (`GET /api/consultations/{id}/messages`, staff) per address. */
  messages: { count: 120, seconds: 60 },
  /** Documents started (tus uploads created) in one consultation, and from one address. */
  documents: { count: 60, seconds: 3600 },
  /**
   * Other document requests per address (upload chunks, offsets, lists, downloads, filing): a
   * 20 MB upload in 1 MB chunks makes about twenty.
   */
  'document-requests': { count: 600, seconds: 60 },
  /** Exports of recordings as HL7 CDA (`GET /api/recordings/{id}/cda`, staff) per address. */
  'recording-exports': { count: 120, seconds: 60 },
  /**
   * Recording requests per address (chunks, finishing, metadata, media ranges, audit, deletion, the
   * patient's page): a page sends a chunk every 2 s, and a player asks for ranges as it plays.
   */
  recordings: { count: 600, seconds: 60 },
  /** Reads of recording consents (`GET /fhir/Consent`, staff) per address. */
  consents: { count: 120, seconds: 60 },
  /** Staff directory requests per address: searches, presence, its live stream, call-ins (docs/staff.md). */
  directory: { count: 300, seconds: 60 },
  /**
   * Messages between staff per address (lists, history, posts, read marks; docs/staff.md): a
   * practice's staff behind one NAT, each catching up every conversation on reconnecting.
   */
  'staff-messages': { count: 600, seconds: 60 },
};

/** One attempt counted against a key. */
export interface Attempt {
  /** False when the key is over its limit: refuse the attempt. */
  allowed: boolean;
  /** When the key's window ends (epoch ms): the attempt may be tried again then. */
  resetAt: number;
  /** Gives the attempt back (it succeeded, and only failures should count). */
  refund(): Promise<void>;
}

/** Counts attempts per key in fixed windows. */
export interface RateLimiter {
  /** Counts one attempt against `key` (within `bucket`) under `limit`. */
  take(bucket: string, key: string, limit: Limit): Promise<Attempt>;
  /** Forgets everything; nothing keeps running after this. */
  close(): Promise<void>;
}

interface Window {
  count: number;
  resetAt: number;
}

/**
 * The in-memory limiter: one fixed window per key, at most `maxKeys` keys (the oldest window is
 * forgotten first: keys are kept in the order their windows opened). No timers: expired windows
 * are replaced when their key comes back or evicted when room is needed.
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly options: { maxKeys?: number; now?: () => number } = {}) {}

  /** How many keys are held (for tests of the memory bound). */
  get size(): number {
    return this.windows.size;
  }

  async take(bucket: string, key: string, limit: Limit): Promise<Attempt> {
    const now = (this.options.now ?? Date.now)();
    const id = `${bucket}\u0000${key}`;
    let window = this.windows.get(id);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + limit.seconds * 1000 };
      this.windows.delete(id);
      this.windows.set(id, window);
      this.evict(now);
    }
    window.count++;
    const counted = window;
    return {
      allowed: counted.count <= limit.count,
      resetAt: counted.resetAt,
      refund: async () => {
        if (this.windows.get(id) === counted && counted.count > 0) counted.count--;
      },
    };
  }

  async close(): Promise<void> {
    this.windows.clear();
  }

  private evict(now: number): void {
    const max = this.options.maxKeys ?? 100_000;
    for (const [id, window] of this.windows) {
      if (this.windows.size <= max && window.resetAt > now) break;
      this.windows.delete(id);
    }
  }
}

/**
 * The limiter of several instances on one PostgreSQL: the same fixed windows, in
 * `rate_limit_window`, counted with one atomic upsert per attempt (a window past its end starts
 * again at one). Expired windows are deleted now and then by the instance that counts.
 */
export class PostgresRateLimiter implements RateLimiter {
  #counted = 0;
  constructor(private readonly options: { storage: SqlExecutor; now?: () => number }) {}

  async take(bucket: string, key: string, limit: Limit): Promise<Attempt> {
    const now = (this.options.now ?? Date.now)();
    const resetAt = new Date(now + limit.seconds * 1000);
    const [row] = await this.options.storage.query<{ count: number; reset_at: Date }>(
      `INSERT INTO rate_limit_window (bucket, key, count, reset_at) VALUES ($1, $2, 1, $3)
       ON CONFLICT (bucket, key) DO UPDATE SET
         count = CASE WHEN rate_limit_window.reset_at <= $4 THEN 1 ELSE rate_limit_window.count + 1 END,
         reset_at = CASE WHEN rate_limit_window.reset_at <= $4 THEN EXCLUDED.reset_at ELSE rate_limit_window.reset_at END
       RETURNING count, reset_at`,
      [bucket, key, resetAt, new Date(now)],
    );
    if (++this.#counted % 1000 === 0) {
      await this.options.storage.query('DELETE FROM rate_limit_window WHERE reset_at <= $1', [new Date(now)]);
    }
    const counted = new Date(row!.reset_at);
    return {
      allowed: row!.count <= limit.count,
      resetAt: counted.getTime(),
      refund: async () => {
        await this.options.storage.query(
          'UPDATE rate_limit_window SET count = count - 1 WHERE bucket = $1 AND key = $2 AND reset_at = $3 AND count > 0',
          [bucket, key, counted],
        );
      },
    };
  }

  async close(): Promise<void> {}
}

/** A short, fixed-size key for a secret or long value (a token): its digest, not the value. */
export function digestKey(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 22);
}

/**
 * The key of a client address: an IPv4 address as it is (also when IPv4-mapped, `::ffff:a.b.c.d`);
 * an IPv6 address by its /64 prefix, since one household or one attacker holds a whole /64.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped && isIPv4(mapped[1]!)) return `ip:${mapped[1]}`;
  if (!isIPv6(ip)) return `ip:${ip}`;
  const [head = '', tail = ''] = ip.split('%')[0]!.toLowerCase().split('::') as [string?, string?];
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') && tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `ip6:${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** Applies the configured limits; `limits` undefined means limits are off. */
export class Throttle {
  constructor(
    private readonly limiter: RateLimiter,
    readonly limits: RateLimits | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Counts one attempt of `name` by `key`; throws a 429 OperationOutcome (code `throttled`, with
   * `Retry-After`) when over the limit. Resolves to the refund, for attempts where only failures count.
   */
  async take(name: LimitName, key: string, what: string): Promise<() => Promise<void>> {
    const limit = this.limits?.[name];
    if (!limit) return async () => undefined;
    const attempt = await this.limiter.take(name, key, limit);
    if (attempt.allowed) return attempt.refund;
    const seconds = Math.max(1, Math.ceil((attempt.resetAt - this.now()) / 1000));
    const at = new Date(this.now() + seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    throw new HttpError(
      429,
      'throttled',
      `Too many ${what} (at most ${limit.count} in ${limit.seconds} seconds): try again in ${seconds} seconds, after ${at}`,
      { 'retry-after': String(seconds) },
    );
  }
}

/**
 * `CONSULTKIT_RATE_LIMITS`: `off`, or `name=count/seconds` pairs separated by commas
 * (`redeem=20/60,booking=30/600`); names left out keep their defaults. Throws a message for a
 * ConfigError on anything else.
 */
export function parseRateLimits(raw: string | undefined): RateLimits | undefined {
  const text = raw?.trim() ?? '';
  if (text === '') return DEFAULT_RATE_LIMITS;
  if (text.toLowerCase() === 'off') return undefined;
  const limits: RateLimits = { ...DEFAULT_RATE_LIMITS };
  for (const item of text.split(',').map((part) => part.trim())) {
    const match = /^([a-z-]+)=(\d{1,7})\/(\d{1,6})$/.exec(item);
    if (!match) throw new Error(`expected "off" or items like redeem=20/60 (count/seconds), got "${item}"`);
    const [, name, count, seconds] = match as unknown as [string, string, string, string];
    if (!(LIMIT_NAMES as readonly string[]).includes(name)) {
      throw new Error(`unknown limit "${name}"; the limits are ${LIMIT_NAMES.join(', ')}`);
    }
    if (Number(count) < 1 || Number(seconds) < 1 || Number(seconds) > 86_400) {
      throw new Error(`${name}: the count must be at least 1 and the window 1 to 86400 seconds, got "${item}"`);
    }
    limits[name as LimitName] = { count: Number(count), seconds: Number(seconds) };
  }
  return limits;
}
