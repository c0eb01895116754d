/**
 * "Deploying safely": the checks the server makes of its own configuration at start
 * (docs/security.md). With `NODE_ENV=production` a failed `required` check is a configuration
 * error (`loadConfig` throws); `consultkit-server` prints every failed check as a warning.
 */
import type { Config } from './config.js';

export interface Check {
  /** What a safe deployment has, in a few words. */
  item: string;
  /** The variable that sets it. */
  variable: string;
  ok: boolean;
  /** Refused in production when not ok. */
  required: boolean;
  /** What to do when it is not ok. */
  advice: string;
}

const LOOPBACK = /^(127\.|::1$|\[::1\]$|localhost$)/;

export function deploymentChecklist(config: Config): Check[] {
  const behindProxy = config.publicUrl?.startsWith('https://') === true && LOOPBACK.test(config.host);
  return [
    {
      variable: 'CONSULTKIT_DEMO',
      item: 'demo mode is off',
      ok: !config.demo,
      required: true,
      advice: 'unset CONSULTKIT_DEMO: demo mode signs staff in without a password',
    },
    {
      variable: 'CONSULTKIT_SECRET',
      item: 'CONSULTKIT_SECRET is your own',
      ok: !config.secretIsDevDefault,
      required: true,
      advice: 'set CONSULTKIT_SECRET to a random value of at least 32 characters',
    },
    {
      variable: 'CONSULTKIT_STAFF_KEY',
      item: 'CONSULTKIT_STAFF_KEY is your own',
      ok: !config.staffKeyIsDevDefault,
      required: true,
      advice: 'set CONSULTKIT_STAFF_KEY to a random value of at least 32 characters',
    },
    {
      variable: 'CONSULTKIT_PUBLIC_URL',
      item: 'join links and cookies use https (CONSULTKIT_PUBLIC_URL)',
      ok: config.publicUrl?.startsWith('https://') === true,
      required: true,
      advice: 'set CONSULTKIT_PUBLIC_URL to the https:// address patients open',
    },
    {
      variable: 'CONSULTKIT_DATA_DIR',
      item: 'the database outlives the process',
      ok: config.databaseUrl !== undefined || !config.dataDir.startsWith('memory://'),
      required: true,
      advice: 'set DATABASE_URL, or CONSULTKIT_DATA_DIR to a folder',
    },
    {
      variable: 'CONSULTKIT_SEED_DEMO',
      item: 'the demo practice is not seeded',
      ok: !config.seedDemo,
      required: true,
      advice: 'unset CONSULTKIT_SEED_DEMO',
    },
    {
      variable: 'CONSULTKIT_RATE_LIMITS',
      item: 'guessing links, keys and bookings is rate-limited',
      ok: config.rateLimits !== undefined,
      required: true,
      advice: 'unset CONSULTKIT_RATE_LIMITS=off (or give limits of your own)',
    },
    {
      variable: 'CONSULTKIT_SMTP_URL',
      item: 'messages reach patients (SMTP or GOV.UK Notify)',
      ok: config.notify.smtpUrl !== undefined || config.notify.notifyApiKey !== undefined,
      required: false,
      advice:
        'set CONSULTKIT_SMTP_URL, or CONSULTKIT_NOTIFY_API_KEY and its template ids: until then links and reminders stay in the outbox',
    },
    {
      variable: 'CONSULTKIT_TURN_URLS',
      item: 'a TURN server relays calls that cannot connect directly',
      ok: config.turnUrls.length > 0,
      required: false,
      advice:
        'set CONSULTKIT_TURN_URLS and CONSULTKIT_TURN_SECRET (coturn): some patients’ networks block direct calls',
    },
    {
      variable: 'CONSULTKIT_CORS_ORIGINS',
      item: 'the FHIR API is open to named origins only',
      ok: !config.corsOrigins.includes('*'),
      required: false,
      advice: 'set CONSULTKIT_CORS_ORIGINS to the practice websites and vendor consoles that call it',
    },
    {
      variable: 'CONSULTKIT_TRUST_PROXY',
      item: 'client addresses are known behind a reverse proxy',
      ok: !behindProxy || config.trustProxy !== false,
      required: false,
      advice:
        'the server listens on loopback behind https: set CONSULTKIT_TRUST_PROXY to the proxy hop count or address, or every client shares one rate limit',
    },
  ];
}

/** The checklist as lines for the start-up log: `✓ item` or `✗ item: advice`. */
export function formatChecklist(checks: Check[]): string[] {
  return checks.map((check) => (check.ok ? `  ✓ ${check.item}` : `  ✗ ${check.item}: ${check.advice}`));
}
