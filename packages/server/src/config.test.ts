import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { deploymentChecklist, formatChecklist } from './checklist.js';
import { ConfigError, DEV_SECRET, DEV_STAFF_KEY, loadConfig } from './config.js';
import { DEFAULT_RATE_LIMITS } from './rate-limit.js';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${JSON.stringify(env)} to be refused`);
}

/** A server's own secret and staff key: what every configuration outside demo mode needs. */
const OWN = { CONSULTKIT_SECRET: 'x'.repeat(40), CONSULTKIT_STAFF_KEY: 'k'.repeat(40) };

describe('configuration', () => {
  it("recordings: their folder beside the documents' by default, kept 90 days unless set", () => {
    const plain = loadConfig({ ...OWN });
    assert.match(plain.recordingsDir, /[/\\]\.consultkit-recordings$/);
    assert.equal(plain.recordingRetentionDays, 90);
    const beside = loadConfig({ ...OWN, CONSULTKIT_DOCUMENTS_DIR: '/srv/practice/documents' });
    assert.equal(beside.recordingsDir, '/srv/practice/consultkit-recordings');
    const set = loadConfig({
      ...OWN,
      CONSULTKIT_RECORDINGS_DIR: '/srv/recordings',
      CONSULTKIT_RECORDING_RETENTION_DAYS: '3650',
    });
    assert.equal(set.recordingsDir, '/srv/recordings');
    assert.equal(set.recordingRetentionDays, 3650);
    for (const days of ['0', '-1', 'ninety', '36501']) {
      assert.equal(
        configError({ ...OWN, CONSULTKIT_RECORDING_RETENTION_DAYS: days }).variable,
        'CONSULTKIT_RECORDING_RETENTION_DAYS',
      );
    }
  });

  it('demo mode, asked for, runs on development defaults with the demo practice', () => {
    const config = loadConfig({ CONSULTKIT_DEMO: 'on' });
    assert.equal(config.port, 8080);
    assert.equal(config.host, '127.0.0.1');
    assert.match(config.dataDir, /\.consultkit-data$/);
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.secret, DEV_SECRET);
    assert.equal(config.demo, true);
    assert.equal(config.staffKey, DEV_STAFF_KEY);
    assert.equal(config.staffKeyIsDevDefault, true);
    assert.equal(config.timeZone, 'Europe/London');
    assert.equal(config.seedDemo, true);
    assert.equal(config.trustProxy, false);
    assert.deepEqual(config.frameAncestors, ["'self'"]);
  });

  it('is not demo mode unless asked, even outside production: development defaults are refused', () => {
    for (const env of [{}, { NODE_ENV: 'development' }, { NODE_ENV: 'test' }]) {
      const error = configError(env);
      assert.equal(error.variable, 'CONSULTKIT_SECRET');
      assert.match(error.message, /not set.*CONSULTKIT_DEMO=on/);
    }
    assert.equal(configError({ CONSULTKIT_SECRET: 'x'.repeat(40) }).variable, 'CONSULTKIT_STAFF_KEY');
    assert.match(configError({ ...OWN, CONSULTKIT_SECRET: DEV_SECRET }).message, /public development default/);
    assert.match(configError({ ...OWN, CONSULTKIT_STAFF_KEY: DEV_STAFF_KEY }).message, /public development default/);
    const config = loadConfig(OWN);
    assert.equal(config.demo, false);
    assert.equal(config.seedDemo, false, 'no demo practice outside demo mode unless asked');
  });

  it('refuses demo mode beside a secret or staff key of your own: demo routes never meet real secrets', () => {
    for (const [variable, value] of Object.entries(OWN)) {
      const error = configError({ CONSULTKIT_DEMO: 'on', [variable]: value });
      assert.equal(error.variable, variable);
      assert.match(error.message, /demo mode/);
    }
  });

  it('reads CONSULTKIT_TRUST_PROXY: off, a hop count, or proxy addresses; never "trust everyone"', () => {
    assert.equal(loadConfig({ ...OWN, CONSULTKIT_TRUST_PROXY: 'off' }).trustProxy, false);
    assert.equal(loadConfig({ ...OWN, CONSULTKIT_TRUST_PROXY: '1' }).trustProxy, 1);
    assert.deepEqual(loadConfig({ ...OWN, CONSULTKIT_TRUST_PROXY: '10.0.0.0/8, ::1 ,127.0.0.1' }).trustProxy, [
      '10.0.0.0/8',
      '::1',
      '127.0.0.1',
    ]);
    for (const value of ['on', 'true', '*', 'proxy.example', '10.0.0.0/33', '10.0.0.1/8/1']) {
      assert.equal(configError({ ...OWN, CONSULTKIT_TRUST_PROXY: value }).variable, 'CONSULTKIT_TRUST_PROXY', value);
    }
  });

  it('reads CONSULTKIT_FRAME_ANCESTORS: self, none, or origins', () => {
    assert.deepEqual(
      loadConfig({ ...OWN, CONSULTKIT_FRAME_ANCESTORS: "'self', https://clinical.vendor.example" }).frameAncestors,
      ["'self'", 'https://clinical.vendor.example'],
    );
    assert.deepEqual(loadConfig({ ...OWN, CONSULTKIT_FRAME_ANCESTORS: "'none'" }).frameAncestors, ["'none'"]);
    for (const value of [
      '*',
      'javascript:alert(1)',
      "https://a.example; script-src 'unsafe-inline'",
      "'none', 'self'",
    ]) {
      assert.equal(
        configError({ ...OWN, CONSULTKIT_FRAME_ANCESTORS: value }).variable,
        'CONSULTKIT_FRAME_ANCESTORS',
        value,
      );
    }
  });

  it('reads CONSULTKIT_STAFF_KEY, CONSULTKIT_TIMEZONE and CONSULTKIT_SEED_DEMO', () => {
    const config = loadConfig({
      CONSULTKIT_SECRET: 'x'.repeat(40),
      CONSULTKIT_STAFF_KEY: 'k'.repeat(32),
      CONSULTKIT_TIMEZONE: 'America/New_York',
      CONSULTKIT_SEED_DEMO: 'off',
    });
    assert.deepEqual(
      [config.staffKey, config.staffKeyIsDevDefault, config.timeZone, config.seedDemo],
      ['k'.repeat(32), false, 'America/New_York', false],
    );
  });

  it('reads PORT, HOST, CONSULTKIT_DATA_DIR and DATABASE_URL', () => {
    const config = loadConfig({
      ...OWN,
      PORT: '9000',
      HOST: '0.0.0.0',
      CONSULTKIT_DATA_DIR: '/tmp/ck',
      DATABASE_URL: 'postgres://u:p@db:5432/ck',
    });
    assert.deepEqual(
      [config.port, config.host, config.dataDir, config.databaseUrl],
      [9000, '0.0.0.0', '/tmp/ck', 'postgres://u:p@db:5432/ck'],
    );
  });

  it('keeps memory:// as it is, for a database that lives and dies with the process', () => {
    assert.equal(loadConfig({ ...OWN, CONSULTKIT_DATA_DIR: 'memory://' }).dataDir, 'memory://');
  });

  const bad: [string, Record<string, string>, RegExp][] = [
    ['PORT', { PORT: 'eighty' }, /whole number/],
    ['PORT', { PORT: '70000' }, /between 0 and 65535/],
    ['HOST', { HOST: 'a host' }, /not a host/],
    ['DATABASE_URL', { DATABASE_URL: 'not a url' }, /not a URL/],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://db/ck' }, /postgres:\/\//],
    ['CONSULTKIT_SECRET', { CONSULTKIT_SECRET: 'short' }, /at least 32/],
    ['CONSULTKIT_DEMO', { CONSULTKIT_DEMO: 'maybe' }, /true or false/],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }, /one of/],
    ['CONSULTKIT_TOKEN_TTL', { CONSULTKIT_TOKEN_TTL: '5' }, /between 60/],
    ['CONSULTKIT_STAFF_KEY', { CONSULTKIT_STAFF_KEY: 'short' }, /at least 32/],
    ['CONSULTKIT_STAFF_KEY', { CONSULTKIT_STAFF_KEY: `${'k'.repeat(32)} space` }, /printable ASCII/],
    ['CONSULTKIT_TIMEZONE', { CONSULTKIT_TIMEZONE: 'Mars/Olympus_Mons' }, /not an IANA time zone/],
    ['CONSULTKIT_TIMEZONE', { CONSULTKIT_TIMEZONE: 'GMT+25' }, /not an IANA time zone/],
    ['CONSULTKIT_SEED_DEMO', { CONSULTKIT_SEED_DEMO: 'sometimes' }, /true or false/],
    ['CONSULTKIT_MIN_NOTICE_MINUTES', { CONSULTKIT_MIN_NOTICE_MINUTES: 'soon' }, /whole number/],
    ['CONSULTKIT_MIN_NOTICE_MINUTES', { CONSULTKIT_MIN_NOTICE_MINUTES: '-5' }, /whole number/],
    ['CONSULTKIT_MIN_NOTICE_MINUTES', { CONSULTKIT_MIN_NOTICE_MINUTES: '20000' }, /between 0 and 10080/],
    ['CONSULTKIT_PRACTICE_ODS_CODE', { CONSULTKIT_PRACTICE_ODS_CODE: 'A1 <2>' }, /ODS code/],
    ['CONSULTKIT_PRACTICE_NAME', { CONSULTKIT_PRACTICE_NAME: 'Two\nlines' }, /one line/],
  ];

  it('reads CONSULTKIT_PRACTICE_NAME, CONSULTKIT_PRACTICE_ODS_CODE and CONSULTKIT_RECORDINGS_DIR', () => {
    assert.deepEqual(loadConfig(OWN).practice, { name: 'The practice', odsCode: undefined });
    const config = loadConfig({
      ...OWN,
      CONSULTKIT_PRACTICE_NAME: ' Riverside & Sons ',
      CONSULTKIT_PRACTICE_ODS_CODE: 'y12345',
      CONSULTKIT_RECORDINGS_DIR: '/srv/recordings',
    });
    assert.deepEqual(config.practice, { name: 'Riverside & Sons', odsCode: 'Y12345' });
    assert.equal(config.recordingsDir, '/srv/recordings');
  });

  it('reads CONSULTKIT_MIN_NOTICE_MINUTES: 15 by default, 0 to 10080 (a week)', () => {
    assert.equal(loadConfig(OWN).minNoticeMinutes, 15);
    assert.equal(loadConfig({ ...OWN, CONSULTKIT_MIN_NOTICE_MINUTES: '0' }).minNoticeMinutes, 0);
    assert.equal(loadConfig({ ...OWN, CONSULTKIT_MIN_NOTICE_MINUTES: '120' }).minNoticeMinutes, 120);
  });
  for (const [variable, env, message] of bad) {
    it(`names ${variable} when ${JSON.stringify(env)} is bad`, () => {
      const error = configError({ ...OWN, ...env });
      assert.equal(error.variable, variable);
      assert.match(error.message, new RegExp(`^${variable}: `));
      assert.match(error.message, message);
    });
  }

  it('refuses the development secret in production', () => {
    const error = configError({ NODE_ENV: 'production', CONSULTKIT_DEMO: 'false' });
    assert.equal(error.variable, 'CONSULTKIT_SECRET');
    assert.match(error.message, /production/);
    assert.equal(configError({ NODE_ENV: 'production', CONSULTKIT_SECRET: DEV_SECRET }).variable, 'CONSULTKIT_SECRET');
  });

  it('refuses the demo consultation in production', () => {
    const error = configError({
      NODE_ENV: 'production',
      CONSULTKIT_SECRET: 'x'.repeat(40),
      CONSULTKIT_STAFF_KEY: 'k'.repeat(40),
      CONSULTKIT_DEMO: 'true',
    });
    assert.equal(error.variable, 'CONSULTKIT_DEMO');
  });

  it('refuses the development staff key in production', () => {
    const error = configError({ NODE_ENV: 'production', CONSULTKIT_SECRET: 'x'.repeat(40) });
    assert.equal(error.variable, 'CONSULTKIT_STAFF_KEY');
    assert.match(error.message, /production/);
    assert.equal(
      configError({ NODE_ENV: 'production', CONSULTKIT_SECRET: 'x'.repeat(40), CONSULTKIT_STAFF_KEY: DEV_STAFF_KEY })
        .variable,
      'CONSULTKIT_STAFF_KEY',
    );
  });

  it('starts in production with a real secret and staff key, the demo and its seed off by default', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      CONSULTKIT_SECRET: 'x'.repeat(40),
      CONSULTKIT_STAFF_KEY: 'k'.repeat(40),
      CONSULTKIT_PUBLIC_URL: 'https://consult.example.nhs.uk/',
    });
    assert.equal(config.production, true);
    assert.equal(config.publicUrl, 'https://consult.example.nhs.uk');
    assert.equal(config.demo, false);
    assert.equal(config.seedDemo, false);
  });

  it('needs an https CONSULTKIT_PUBLIC_URL in production, for join links', () => {
    const production = {
      NODE_ENV: 'production',
      CONSULTKIT_SECRET: 'x'.repeat(40),
      CONSULTKIT_STAFF_KEY: 'k'.repeat(40),
    };
    assert.equal(configError(production).variable, 'CONSULTKIT_PUBLIC_URL');
    assert.match(configError({ ...production, CONSULTKIT_PUBLIC_URL: 'http://consult.example' }).message, /https/);
    assert.equal(configError({ ...OWN, CONSULTKIT_PUBLIC_URL: 'not a url' }).variable, 'CONSULTKIT_PUBLIC_URL');
  });

  it('needs the TURN secret with TURN servers, and turn: URLs', () => {
    assert.equal(
      configError({ ...OWN, CONSULTKIT_TURN_URLS: 'turn:turn.example:3478' }).variable,
      'CONSULTKIT_TURN_SECRET',
    );
    assert.equal(
      configError({ ...OWN, CONSULTKIT_TURN_URLS: 'stun:stun.example:3478', CONSULTKIT_TURN_SECRET: 's' }).variable,
      'CONSULTKIT_TURN_URLS',
    );
    const config = loadConfig({
      ...OWN,
      CONSULTKIT_TURN_URLS: 'turn:a:3478, turns:b:5349',
      CONSULTKIT_TURN_SECRET: 's',
    });
    assert.deepEqual(config.turnUrls, ['turn:a:3478', 'turns:b:5349']);
    assert.equal(loadConfig(OWN).turnUrls.length, 0, 'no TURN, and never public STUN, by default');
  });

  it('production refuses what the deployment checklist requires: a database that outlives the process, no demo practice, rate limits', () => {
    const production = {
      ...OWN,
      NODE_ENV: 'production',
      CONSULTKIT_PUBLIC_URL: 'https://consult.example.nhs.uk',
    };
    assert.equal(configError({ ...production, CONSULTKIT_DATA_DIR: 'memory://' }).variable, 'CONSULTKIT_DATA_DIR');
    assert.equal(configError({ ...production, CONSULTKIT_SEED_DEMO: 'on' }).variable, 'CONSULTKIT_SEED_DEMO');
    assert.equal(configError({ ...production, CONSULTKIT_RATE_LIMITS: 'off' }).variable, 'CONSULTKIT_RATE_LIMITS');
  });

  it('the deployment checklist names what a production server still lacks', () => {
    const config = loadConfig({ ...OWN, NODE_ENV: 'production', CONSULTKIT_PUBLIC_URL: 'https://consult.example' });
    const failed = deploymentChecklist(config).filter((check) => !check.ok);
    assert.deepEqual(
      failed.map((check) => [check.variable, check.required]),
      [
        ['CONSULTKIT_SMTP_URL', false],
        ['CONSULTKIT_TURN_URLS', false],
        ['CONSULTKIT_CORS_ORIGINS', false],
        ['CONSULTKIT_TRUST_PROXY', false],
      ],
    );
    assert.match(formatChecklist(deploymentChecklist(config)).join('\n'), /✓ demo mode is off\n[\s\S]*✗ a TURN server/);
  });

  it('reads CONSULTKIT_RATE_LIMITS: defaults when unset, off, count/seconds items; refuses anything else', () => {
    assert.deepEqual(loadConfig(OWN).rateLimits, DEFAULT_RATE_LIMITS);
    assert.equal(loadConfig({ ...OWN, CONSULTKIT_RATE_LIMITS: 'off' }).rateLimits, undefined);
    assert.deepEqual(loadConfig({ ...OWN, CONSULTKIT_RATE_LIMITS: 'redeem=20/60,auth=10/60' }).rateLimits?.auth, {
      count: 10,
      seconds: 60,
    });
    for (const value of [
      'on',
      'redeem=20',
      'redeem=0/60',
      'redeem=20/0',
      'guess=1/1',
      'redeem=1/99999',
      'auth=-1/60',
    ]) {
      const error = configError({ ...OWN, CONSULTKIT_RATE_LIMITS: value });
      assert.equal(error.variable, 'CONSULTKIT_RATE_LIMITS', value);
      assert.match(error.message, /^CONSULTKIT_RATE_LIMITS: /);
    }
  });

  it('the server command stops with a message naming the bad variable', async () => {
    const bin = fileURLToPath(new URL('./bin/consultkit-server.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', bin], {
      env: { ...process.env, PORT: 'nope' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 78);
    assert.match(stderr, /configuration error: PORT: expected a whole number/);
  });
});
