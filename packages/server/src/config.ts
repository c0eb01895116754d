/**
 * Server configuration, read once from environment variables and validated before anything
 * starts. A bad value stops the server with a message naming the variable.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deploymentChecklist } from './checklist.js';
import { loadNotifyConfig, type NotifyConfig } from './notify/config.js';
import { parseRateLimits, type RateLimits } from './rate-limit.js';
import { MESH_LIMIT, type StaffRole as StaffRoleName } from '@consultkit/core/contract';
import { CIS2_ROLE_MAP, parseRoleMap } from './staff/roles.js';
import type { OidcSettings } from './staff/oidc.js';

/** The development default for `CONSULTKIT_SECRET`. Refused when `NODE_ENV=production`. */
export const DEV_SECRET = 'consultkit-development-secret-do-not-use-in-production';

/**
 * The development default for `CONSULTKIT_STAFF_KEY`: the bearer key of staff and vendor
 * backends. Announced at start; refused when `NODE_ENV=production`.
 */
export const DEV_STAFF_KEY = 'consultkit-development-staff-key';

export interface Config {
  /** `NODE_ENV === 'production'`: refuses development defaults. */
  production: boolean;
  host: string;
  port: number;
  /** Folder of the embedded PGlite database, or `memory://` (ignored when `databaseUrl` is set). */
  dataDir: string;
  /**
   * Folder of the documents' bytes (`CONSULTKIT_DOCUMENTS_DIR`; `.consultkit-documents` by default,
   * a folder under the system's temporary folder when `dataDir` is `memory://`). Their metadata is
   * in the database (docs/collaboration.md, "Documents").
   */
  documentsDir: string;
  /** PostgreSQL connection string; unset means the embedded PGlite database. */
  databaseUrl: string | undefined;
  /** Secret that signs signalling tokens (HMAC-SHA256). */
  secret: string;
  /** True when `secret` is the development default. */
  secretIsDevDefault: boolean;
  /**
   * Demo mode (`CONSULTKIT_DEMO=on`, or `consultkit-server --demo`; off by default): the
   * development routes (`/api/dev/join` for demo consultations, `/api/dev/staff-session`) and the
   * demo practice. Only with the development secret and staff key, never in production.
   */
  demo: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Lifetime of a signalling token, in seconds. */
  tokenTtlSeconds: number;
  /** Bearer key of staff and vendor backends (`Authorization: Bearer <key>`). */
  staffKey: string;
  /** True when `staffKey` is the development default. */
  staffKeyIsDevDefault: boolean;
  /** The practice's IANA time zone: schedules' wall-clock times, dates in searches and e-mails. */
  timeZone: string;
  /** Seed the demo practice (Riverside Surgery) when the database has no practitioner yet. */
  seedDemo: boolean;
  /** Public base URL of this server, for the links it sends (join links); unset: where it listens. */
  publicUrl: string | undefined;
  /** Join links open this many minutes before the appointment… */
  joinEarlyMinutes: number;
  /** …and keep working this many minutes after its end. */
  joinGraceMinutes: number;
  /** Our TURN servers (`turn:host:port?transport=udp`, …); empty: host candidates only. */
  turnUrls: string[];
  /** coturn's REST shared secret (`static-auth-secret`), for time-limited TURN credentials. */
  turnSecret: string | undefined;
  /** Lifetime of TURN credentials, in seconds. */
  turnTtlSeconds: number;
  /** Origins allowed to call the FHIR API from a browser (`*`: any). */
  corsOrigins: string[];
  /**
   * Which proxies in front of the server to believe about the client's address (`X-Forwarded-For`):
   * `false` (none, the default), a hop count, or addresses and CIDR ranges.
   */
  trustProxy: false | number | string[];
  /** Who may show the server's pages in a frame (CSP `frame-ancestors`): `'self'` by default. */
  frameAncestors: string[];
  /** Limits on guessing (`CONSULTKIT_RATE_LIMITS`); undefined: off. */
  rateLimits: RateLimits | undefined;
  /**
   * Free slots are offered only when they start at least this many minutes from now
   * (`CONSULTKIT_MIN_NOTICE_MINUTES`, default 15, 0 to 10080): time to fill the booking form.
   */
  minNoticeMinutes: number;
  /**
   * `CONSULTKIT_PRACTICE_EMAIL`: where the practice is told that a patient moved or cancelled a
   * booking online; undefined: only the staff event stream and the log say so.
   */
  practiceEmail: string | undefined;
  /** Delivery (SMTP, GOV.UK Notify), the job worker and reminders: docs/notifications.md. */
  notify: NotifyConfig;
  /** Janus (VideoRoom) for calls past four (`CONSULTKIT_JANUS_*`); undefined: none. */
  janus: JanusConfig | undefined;
  /**
   * `CONSULTKIT_SFU_FROM`: from this many participants in the call at once, a consultation runs
   * through Janus for the rest of it (default MESH_LIMIT + 1 = 5; 1: always). Without Janus: a mesh.
   */
  sfuFrom: number;
  /**
   * Staff sign-in through OpenID Connect (`CONSULTKIT_OIDC_*`, docs/staff.md); undefined: none
   * configured (in demo mode the development identity provider stands in).
   */
  oidc: Omit<OidcSettings, 'allowHttp'> | undefined;
  /** `CONSULTKIT_STAFF_SESSION_SECONDS`: how long a staff session lasts (8 hours by default). */
  staffSessionSeconds: number;
  /**
   * Demo mode without a provider of its own: the development identity provider starts on
   * loopback with the demo's staff (docs/staff.md). Never outside demo mode.
   */
  devIdentityProvider: boolean;
}

/** One Janus instance: its API (given to participants) and its Admin API (the server's). */
export interface JanusConfig {
  /** `CONSULTKIT_JANUS_URL`: ws(s)://host:port or http(s)://host:port/janus. */
  url: string;
  /** `CONSULTKIT_JANUS_ADMIN_URL`: http(s)://host:port/admin. */
  adminUrl: string;
  /** `CONSULTKIT_JANUS_ADMIN_SECRET`: Janus's `admin_secret`. */
  adminSecret: string;
  /** `CONSULTKIT_JANUS_ROOM_KEY`: the VideoRoom plugin's `admin_key`, when it sets one. */
  roomAdminKey: string | undefined;
}

/** A configuration error: names the variable and says what is wrong with its value. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** `CONSULTKIT_PRACTICE_EMAIL`: one plain address, or unset. */
function practiceEmail(raw: string | undefined): string | undefined {
  const value = raw?.trim() ?? '';
  if (value === '') return undefined;
  if (!/^[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+$/.test(value) || value.length > 254) {
    throw new ConfigError('CONSULTKIT_PRACTICE_EMAIL', `expected one e-mail address, got "${value}"`);
  }
  return value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `expected true or false, got "${env[name]}"`);
}

/** A folder, made absolute; `memory://` (a database that lives and dies with the process) as it is. */
function dataDir(value: string): string {
  return value.startsWith('memory://') ? value : resolve(value);
}

/** The documents' folder, made absolute (beside a database kept in memory: the temporary folder). */
function documentsDir(value: string | undefined, data: string | undefined): string {
  if (value) return resolve(value);
  return data?.startsWith('memory://') ? join(tmpdir(), 'consultkit-documents') : resolve('.consultkit-documents');
}

/** An IANA time zone name as the platform's Intl knows it (canonical spelling), else a ConfigError. */
function timeZoneName(value: string): string {
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    throw new ConfigError('CONSULTKIT_TIMEZONE', `not an IANA time zone (like Europe/London): "${value}"`);
  }
}

/** `*`, or a comma-separated list of origins (scheme, host and port; no path). */
function corsOrigins(raw: string | undefined): string[] {
  const list = (raw ?? '*')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of list) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError(
        'CONSULTKIT_CORS_ORIGINS',
        `expected "*" or origins like https://www.practice.example, got "${origin}"`,
      );
    }
  }
  return list.length > 0 ? list : ['*'];
}

/**
 * `CONSULTKIT_TRUST_PROXY`: `off` (default: the client is whoever connects), a number of proxy hops
 * to trust, or a comma-separated list of proxy addresses and CIDR ranges (`10.0.0.0/8,::1`).
 * `on` (believe any `X-Forwarded-For`) is refused: anyone could then choose their own address and
 * walk around the rate limits.
 */
function trustProxy(raw: string | undefined): false | number | string[] {
  const value = raw?.trim().toLowerCase() ?? '';
  if (['', 'off', 'false', 'no', '0'].includes(value)) return false;
  if (/^\d{1,2}$/.test(value)) return Number(value);
  if (['on', 'true', 'yes', '*'].includes(value)) {
    throw new ConfigError(
      'CONSULTKIT_TRUST_PROXY',
      "trusting every proxy lets any client choose its own address: give the number of proxy hops or the proxies' addresses",
    );
  }
  const list = value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  for (const entry of list) {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const maxBits = family === 6 ? 128 : 32;
    if (
      family === 0 ||
      extra !== undefined ||
      (bits !== undefined && (!/^\d{1,3}$/.test(bits) || Number(bits) > maxBits))
    ) {
      throw new ConfigError(
        'CONSULTKIT_TRUST_PROXY',
        `expected off, a hop count, or proxy addresses and CIDR ranges like 10.0.0.0/8, got "${entry}"`,
      );
    }
  }
  return list;
}

/**
 * `CONSULTKIT_FRAME_ANCESTORS`: who may frame the server's pages (CSP `frame-ancestors`):
 * `'self'` (default), `'none'`, or a comma-separated list of origins (a vendor's clinician app).
 */
function frameAncestors(raw: string | undefined): string[] {
  const list = (raw ?? "'self'")
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const source of list) {
    if (!["'self'", "'none'"].includes(source) && !/^https?:\/\/(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?$/.test(source)) {
      throw new ConfigError(
        'CONSULTKIT_FRAME_ANCESTORS',
        `expected 'self', 'none' or origins like https://clinical.vendor.example, got "${source}"`,
      );
    }
  }
  if (list.includes("'none'") && list.length > 1) {
    throw new ConfigError('CONSULTKIT_FRAME_ANCESTORS', "'none' cannot be combined with other sources");
  }
  return list.length > 0 ? list : ["'self'"];
}

/**
 * `CONSULTKIT_JANUS_URL` (the Janus API participants connect to), with `CONSULTKIT_JANUS_ADMIN_URL`
 * and `CONSULTKIT_JANUS_ADMIN_SECRET` (the server's Admin API access), and optionally
 * `CONSULTKIT_JANUS_ROOM_KEY`. All unset: no SFU.
 */
function janusConfig(env: Env, production: boolean): JanusConfig | undefined {
  const read = (name: string) => env[name]?.trim() || undefined;
  const url = read('CONSULTKIT_JANUS_URL');
  const adminUrl = read('CONSULTKIT_JANUS_ADMIN_URL');
  const adminSecret = read('CONSULTKIT_JANUS_ADMIN_SECRET');
  const roomAdminKey = read('CONSULTKIT_JANUS_ROOM_KEY');
  if (!url) {
    const stray = (
      [
        ['CONSULTKIT_JANUS_ADMIN_URL', adminUrl],
        ['CONSULTKIT_JANUS_ADMIN_SECRET', adminSecret],
        ['CONSULTKIT_JANUS_ROOM_KEY', roomAdminKey],
      ] as const
    ).find(([, value]) => value !== undefined);
    if (stray) throw new ConfigError(stray[0], 'is set without CONSULTKIT_JANUS_URL (the Janus API for participants)');
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(
      'CONSULTKIT_JANUS_URL',
      `not a URL (expected ws://host:8188 or http://host:8088/janus), got "${url}"`,
    );
  }
  if (!['ws:', 'wss:', 'http:', 'https:'].includes(parsed.protocol) || parsed.username || parsed.password) {
    throw new ConfigError(
      'CONSULTKIT_JANUS_URL',
      `expected a ws://, wss://, http:// or https:// URL without credentials, got "${url}"`,
    );
  }
  if (production && !['wss:', 'https:'].includes(parsed.protocol)) {
    throw new ConfigError(
      'CONSULTKIT_JANUS_URL',
      'must be wss:// or https:// with NODE_ENV=production (it carries tokens)',
    );
  }
  if (!adminUrl) {
    throw new ConfigError(
      'CONSULTKIT_JANUS_ADMIN_URL',
      'is required with CONSULTKIT_JANUS_URL (e.g. http://127.0.0.1:7088/admin)',
    );
  }
  let admin: URL;
  try {
    admin = new URL(adminUrl);
  } catch {
    throw new ConfigError(
      'CONSULTKIT_JANUS_ADMIN_URL',
      `not a URL (expected http://host:7088/admin), got "${adminUrl}"`,
    );
  }
  if (!['http:', 'https:'].includes(admin.protocol) || admin.username || admin.password) {
    throw new ConfigError(
      'CONSULTKIT_JANUS_ADMIN_URL',
      `expected the HTTP Admin API (http:// or https://, no credentials in the URL), got "${adminUrl}"`,
    );
  }
  if (!adminSecret) {
    throw new ConfigError(
      'CONSULTKIT_JANUS_ADMIN_SECRET',
      "is required with CONSULTKIT_JANUS_URL (Janus's admin_secret)",
    );
  }
  if (adminSecret.length < 16 || !/^[\x21-\x7e]+$/.test(adminSecret)) {
    throw new ConfigError(
      'CONSULTKIT_JANUS_ADMIN_SECRET',
      `must be at least 16 printable characters without spaces, got ${adminSecret.length} characters`,
    );
  }
  if (roomAdminKey !== undefined && !/^[\x21-\x7e]+$/.test(roomAdminKey)) {
    throw new ConfigError('CONSULTKIT_JANUS_ROOM_KEY', 'must be printable characters without spaces');
  }
  return { url: url.replace(/\/+$/, ''), adminUrl, adminSecret, roomAdminKey };
}

/** A loopback host (`localhost`, 127.0.0.0/8, `::1`). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/**
 * `CONSULTKIT_OIDC_ISSUER` with `CONSULTKIT_OIDC_CLIENT_ID` and a client secret
 * (`CONSULTKIT_OIDC_CLIENT_SECRET`) or private key (`CONSULTKIT_OIDC_PRIVATE_KEY`, a PKCS#8 PEM
 * file, with `CONSULTKIT_OIDC_PRIVATE_KEY_ID`); `CONSULTKIT_OIDC_SCOPES`,
 * `CONSULTKIT_OIDC_ROLES_CLAIM`, `CONSULTKIT_OIDC_ROLE_MAP`, `CONSULTKIT_OIDC_ORG_CODE`.
 */
function oidcConfig(env: Env, production: boolean): Config['oidc'] {
  const read = (name: string) => env[name]?.trim() || undefined;
  const issuer = read('CONSULTKIT_OIDC_ISSUER');
  const names = [
    'CONSULTKIT_OIDC_CLIENT_ID',
    'CONSULTKIT_OIDC_CLIENT_SECRET',
    'CONSULTKIT_OIDC_PRIVATE_KEY',
    'CONSULTKIT_OIDC_PRIVATE_KEY_ID',
    'CONSULTKIT_OIDC_SCOPES',
    'CONSULTKIT_OIDC_ROLES_CLAIM',
    'CONSULTKIT_OIDC_ROLE_MAP',
    'CONSULTKIT_OIDC_ORG_CODE',
  ];
  if (!issuer) {
    const stray = names.find((name) => read(name) !== undefined);
    if (stray) throw new ConfigError(stray, 'is set without CONSULTKIT_OIDC_ISSUER (the identity provider)');
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new ConfigError('CONSULTKIT_OIDC_ISSUER', `not a URL, got "${issuer}"`);
  }
  const local = url.protocol === 'http:' && isLoopbackHost(url.hostname);
  if ((url.protocol !== 'https:' && !local) || url.username || url.password || url.search || url.hash) {
    throw new ConfigError(
      'CONSULTKIT_OIDC_ISSUER',
      `expected an https:// issuer URL without credentials or query (http:// only on loopback), got "${issuer}"`,
    );
  }
  if (production && url.protocol !== 'https:') {
    throw new ConfigError('CONSULTKIT_OIDC_ISSUER', 'must be https:// with NODE_ENV=production');
  }
  const clientId = read('CONSULTKIT_OIDC_CLIENT_ID');
  if (!clientId) throw new ConfigError('CONSULTKIT_OIDC_CLIENT_ID', 'is required with CONSULTKIT_OIDC_ISSUER');
  const clientSecret = read('CONSULTKIT_OIDC_CLIENT_SECRET');
  const keyFile = read('CONSULTKIT_OIDC_PRIVATE_KEY');
  const kid = read('CONSULTKIT_OIDC_PRIVATE_KEY_ID');
  if (!clientSecret && !keyFile) {
    throw new ConfigError(
      'CONSULTKIT_OIDC_CLIENT_SECRET',
      'is required with CONSULTKIT_OIDC_ISSUER (or CONSULTKIT_OIDC_PRIVATE_KEY for private_key_jwt)',
    );
  }
  if (clientSecret && keyFile) {
    throw new ConfigError('CONSULTKIT_OIDC_PRIVATE_KEY', 'give a client secret or a private key, not both');
  }
  let privateKey: { pem: string; kid: string } | undefined;
  if (keyFile) {
    if (!kid) throw new ConfigError('CONSULTKIT_OIDC_PRIVATE_KEY_ID', 'is required with CONSULTKIT_OIDC_PRIVATE_KEY');
    let pem: string;
    try {
      pem = readFileSync(keyFile, 'utf8');
    } catch (error) {
      throw new ConfigError('CONSULTKIT_OIDC_PRIVATE_KEY', `cannot read ${keyFile}: ${(error as Error).message}`);
    }
    if (!pem.includes('-----BEGIN PRIVATE KEY-----')) {
      throw new ConfigError('CONSULTKIT_OIDC_PRIVATE_KEY', 'expected a PKCS#8 PEM file (-----BEGIN PRIVATE KEY-----)');
    }
    privateKey = { pem, kid };
  }
  const claim = read('CONSULTKIT_OIDC_ROLES_CLAIM') ?? 'roles';
  if (!/^[A-Za-z0-9_.:-]{1,100}$/.test(claim)) {
    throw new ConfigError('CONSULTKIT_OIDC_ROLES_CLAIM', `expected a claim name, got "${claim}"`);
  }
  let map: Record<string, StaffRoleName> = claim === 'nhsid_nrbac_roles' ? { ...CIS2_ROLE_MAP } : {};
  const rawMap = read('CONSULTKIT_OIDC_ROLE_MAP');
  if (rawMap) {
    try {
      map = parseRoleMap(rawMap);
    } catch (error) {
      throw new ConfigError('CONSULTKIT_OIDC_ROLE_MAP', (error as Error).message);
    }
  }
  const scopes = (
    read('CONSULTKIT_OIDC_SCOPES') ?? (claim === 'nhsid_nrbac_roles' ? 'profile nationalrbacaccess' : 'profile')
  )
    .split(/[\s,]+/)
    .filter((scope) => scope && scope !== 'openid');
  if (scopes.some((scope) => !/^[\x21\x23-\x5b\x5d-\x7e]{1,100}$/.test(scope))) {
    throw new ConfigError('CONSULTKIT_OIDC_SCOPES', 'expected scope names separated by spaces');
  }
  const orgCode = read('CONSULTKIT_OIDC_ORG_CODE');
  if (orgCode !== undefined && !/^[A-Z0-9]{3,10}$/.test(orgCode)) {
    throw new ConfigError('CONSULTKIT_OIDC_ORG_CODE', `expected an ODS code like A81001, got "${orgCode}"`);
  }
  return {
    issuer: issuer.replace(/\/+$/, ''),
    clientId,
    clientSecret,
    privateKey,
    scopes,
    roles: { claim, map, orgCode },
  };
}

/** Reads and validates the configuration from `env` (defaults to `process.env`). */
export function loadConfig(env: Env = process.env): Config {
  const production = env['NODE_ENV'] === 'production';
  const host = env['HOST']?.trim() || '127.0.0.1';
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(host)) throw new ConfigError('HOST', `not a host name or address: "${host}"`);
  const port = integer(env, 'PORT', 8080, 0, 65535);

  const databaseUrl = env['DATABASE_URL']?.trim() || undefined;
  if (databaseUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(databaseUrl);
    } catch {
      throw new ConfigError('DATABASE_URL', 'not a URL (expected postgres://user:password@host:port/database)');
    }
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
      throw new ConfigError('DATABASE_URL', `expected a postgres:// URL, got "${url.protocol}"`);
    }
  }

  // Demo mode is asked for, never assumed: outside it the server could face real patients, so
  // it refuses every development default (docs/decisions/0008-demo-mode.md).
  const demo = boolean(env, 'CONSULTKIT_DEMO', false);
  if (production && demo) {
    throw new ConfigError(
      'CONSULTKIT_DEMO',
      'demo mode signs staff in without a password and issues call tokens to anyone: refused with NODE_ENV=production',
    );
  }

  const secret = env['CONSULTKIT_SECRET'] || DEV_SECRET;
  const secretIsDevDefault = secret === DEV_SECRET;
  const staffKey = env['CONSULTKIT_STAFF_KEY'] || DEV_STAFF_KEY;
  const staffKeyIsDevDefault = staffKey === DEV_STAFF_KEY;
  for (const [variable, isDefault] of [
    ['CONSULTKIT_SECRET', secretIsDevDefault],
    ['CONSULTKIT_STAFF_KEY', staffKeyIsDevDefault],
  ] as const) {
    if (demo && !isDefault) {
      throw new ConfigError(
        variable,
        'is set, but demo mode (CONSULTKIT_DEMO) is on: demo mode hands out staff sessions and call tokens without a credential, so it runs only with the development defaults. Turn demo mode off, or unset this variable',
      );
    }
    if (!demo && isDefault) {
      throw new ConfigError(
        variable,
        (env[variable] ? 'is the public development default' : 'is not set') +
          ': set a random value of at least 32 characters' +
          (production
            ? ' (NODE_ENV=production)'
            : ' (or run the demo with CONSULTKIT_DEMO=on, which uses development values)'),
      );
    }
  }
  if (!secretIsDevDefault && secret.length < 32) {
    throw new ConfigError('CONSULTKIT_SECRET', `must be at least 32 characters, got ${secret.length}`);
  }
  if (!staffKeyIsDevDefault && staffKey.length < 32) {
    throw new ConfigError('CONSULTKIT_STAFF_KEY', `must be at least 32 characters, got ${staffKey.length}`);
  }
  if (!/^[\x21-\x7e]+$/.test(staffKey)) {
    throw new ConfigError('CONSULTKIT_STAFF_KEY', 'must be printable ASCII with no spaces (it travels in a header)');
  }

  const timeZone = timeZoneName(env['CONSULTKIT_TIMEZONE']?.trim() || 'Europe/London');
  const seedDemo = boolean(env, 'CONSULTKIT_SEED_DEMO', demo);

  const logLevelRaw = (env['LOG_LEVEL']?.trim() || 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevelRaw)) {
    throw new ConfigError('LOG_LEVEL', `expected one of ${LOG_LEVELS.join(', ')}, got "${logLevelRaw}"`);
  }

  const publicUrlRaw = env['CONSULTKIT_PUBLIC_URL']?.trim();
  if (production && !publicUrlRaw) {
    throw new ConfigError('CONSULTKIT_PUBLIC_URL', 'is required with NODE_ENV=production: join links are made from it');
  }
  const publicUrl = publicUrlRaw ? publicUrlRaw.replace(/\/+$/, '') : undefined;
  if (publicUrl !== undefined && !/^https?:\/\/[^/\s]+(\/\S*)?$/.test(publicUrl)) {
    throw new ConfigError('CONSULTKIT_PUBLIC_URL', `expected an http(s) URL, got "${publicUrl}"`);
  }
  if (production && !publicUrl?.startsWith('https://')) {
    throw new ConfigError(
      'CONSULTKIT_PUBLIC_URL',
      'must be https:// with NODE_ENV=production (join links carry a session)',
    );
  }

  const turnUrls = (env['CONSULTKIT_TURN_URLS'] ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  for (const url of turnUrls) {
    if (!/^turns?:[^\s]+$/.test(url)) {
      throw new ConfigError('CONSULTKIT_TURN_URLS', `expected turn: or turns: URLs separated by commas, got "${url}"`);
    }
  }
  const turnSecret = env['CONSULTKIT_TURN_SECRET']?.trim() || undefined;
  if (turnUrls.length > 0 && !turnSecret) {
    throw new ConfigError(
      'CONSULTKIT_TURN_SECRET',
      'is required with CONSULTKIT_TURN_URLS (coturn static-auth-secret)',
    );
  }

  let rateLimits: RateLimits | undefined;
  try {
    rateLimits = parseRateLimits(env['CONSULTKIT_RATE_LIMITS']);
  } catch (error) {
    throw new ConfigError('CONSULTKIT_RATE_LIMITS', (error as Error).message);
  }

  const janus = janusConfig(env, production);

  const oidc = oidcConfig(env, production);
  // The development identity provider signs anyone in as any demo user: like the rest of demo
  // mode, only where no real patient could reach the server (decision 0008).
  if (demo && !oidc && publicUrl !== undefined && !isLoopbackHost(new URL(publicUrl).hostname)) {
    throw new ConfigError(
      'CONSULTKIT_PUBLIC_URL',
      'is not on this machine (loopback), but demo mode would start the development identity provider, which signs anyone in as staff: set CONSULTKIT_OIDC_ISSUER to a real provider, or turn demo mode off',
    );
  }

  const config: Config = {
    production,
    host,
    port,
    publicUrl,
    joinEarlyMinutes: integer(env, 'CONSULTKIT_JOIN_EARLY_MINUTES', 15, 0, 24 * 60),
    joinGraceMinutes: integer(env, 'CONSULTKIT_JOIN_GRACE_MINUTES', 60, 0, 24 * 60),
    sfuFrom: integer(env, 'CONSULTKIT_SFU_FROM', MESH_LIMIT + 1, 1, 100),
    turnUrls,
    turnSecret,
    turnTtlSeconds: integer(env, 'CONSULTKIT_TURN_TTL', 3600, 60, 24 * 60 * 60),
    corsOrigins: corsOrigins(env['CONSULTKIT_CORS_ORIGINS']),
    trustProxy: trustProxy(env['CONSULTKIT_TRUST_PROXY']),
    frameAncestors: frameAncestors(env['CONSULTKIT_FRAME_ANCESTORS']),
    rateLimits,
    janus,
    oidc,
    staffSessionSeconds: integer(env, 'CONSULTKIT_STAFF_SESSION_SECONDS', 8 * 60 * 60, 10, 7 * 24 * 60 * 60),
    devIdentityProvider: demo && !oidc,
    notify: loadNotifyConfig(env),
    minNoticeMinutes: integer(env, 'CONSULTKIT_MIN_NOTICE_MINUTES', 15, 0, 7 * 24 * 60),
    practiceEmail: practiceEmail(env['CONSULTKIT_PRACTICE_EMAIL']),
    dataDir: dataDir(env['CONSULTKIT_DATA_DIR']?.trim() || '.consultkit-data'),
    documentsDir: documentsDir(env['CONSULTKIT_DOCUMENTS_DIR']?.trim(), env['CONSULTKIT_DATA_DIR']?.trim()),
    databaseUrl,
    secret,
    secretIsDevDefault,
    demo,
    logLevel: logLevelRaw,
    tokenTtlSeconds: integer(env, 'CONSULTKIT_TOKEN_TTL', 12 * 60 * 60, 60, 7 * 24 * 60 * 60),
    staffKey,
    staffKeyIsDevDefault,
    timeZone,
    seedDemo,
  };
  if (production) {
    const failed = deploymentChecklist(config).find((check) => check.required && !check.ok);
    if (failed) throw new ConfigError(failed.variable, `${failed.item}: no; ${failed.advice} (NODE_ENV=production)`);
  }
  return config;
}
