import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
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

describe('configuration', () => {
  it('has working defaults for development', () => {
    const config = loadConfig({});
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
  });

  it('reads CONSULTKIT_STAFF_KEY, CONSULTKIT_TIMEZONE and CONSULTKIT_SEED_DEMO', () => {
    const config = loadConfig({
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
    assert.equal(loadConfig({ CONSULTKIT_DATA_DIR: 'memory://' }).dataDir, 'memory://');
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
  ];
  for (const [variable, env, message] of bad) {
    it(`names ${variable} when ${JSON.stringify(env)} is bad`, () => {
      const error = configError(env);
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
    assert.equal(configError({ CONSULTKIT_PUBLIC_URL: 'not a url' }).variable, 'CONSULTKIT_PUBLIC_URL');
  });

  it('needs the TURN secret with TURN servers, and turn: URLs', () => {
    assert.equal(configError({ CONSULTKIT_TURN_URLS: 'turn:turn.example:3478' }).variable, 'CONSULTKIT_TURN_SECRET');
    assert.equal(
      configError({ CONSULTKIT_TURN_URLS: 'stun:stun.example:3478', CONSULTKIT_TURN_SECRET: 's' }).variable,
      'CONSULTKIT_TURN_URLS',
    );
    const config = loadConfig({ CONSULTKIT_TURN_URLS: 'turn:a:3478, turns:b:5349', CONSULTKIT_TURN_SECRET: 's' });
    assert.deepEqual(config.turnUrls, ['turn:a:3478', 'turns:b:5349']);
    assert.equal(loadConfig({}).turnUrls.length, 0, 'no TURN, and never public STUN, by default');
  });

  it('reads CONSULTKIT_RATE_LIMITS: defaults when unset, off, count/seconds items; refuses anything else', () => {
    assert.deepEqual(loadConfig({}).rateLimits, DEFAULT_RATE_LIMITS);
    assert.equal(loadConfig({ CONSULTKIT_RATE_LIMITS: 'off' }).rateLimits, undefined);
    assert.deepEqual(loadConfig({ CONSULTKIT_RATE_LIMITS: 'redeem=20/60,auth=10/60' }).rateLimits?.auth, {
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
      const error = configError({ CONSULTKIT_RATE_LIMITS: value });
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
