/** The Janus settings (`CONSULTKIT_JANUS_*`): all or none, each refusal naming its variable. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../config.js';

const OWN = { CONSULTKIT_SECRET: 'x'.repeat(40), CONSULTKIT_STAFF_KEY: 'k'.repeat(40) };
const JANUS = {
  CONSULTKIT_JANUS_URL: 'ws://127.0.0.1:8188',
  CONSULTKIT_JANUS_ADMIN_URL: 'http://127.0.0.1:7088/admin',
  CONSULTKIT_JANUS_ADMIN_SECRET: 'an-admin-secret-of-32-characters',
};

function refused(env: Record<string, string>): ConfigError {
  try {
    loadConfig({ ...OWN, ...env });
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${JSON.stringify(env)} to be refused`);
}

describe('configuration: Janus', () => {
  it('is off unless CONSULTKIT_JANUS_URL is set', () => {
    assert.equal(loadConfig(OWN).janus, undefined);
  });

  it('reads the API URL, the Admin API and its secret, and the VideoRoom admin key', () => {
    const config = loadConfig({ ...OWN, ...JANUS, CONSULTKIT_JANUS_ROOM_KEY: 'room-key' });
    assert.deepEqual(config.janus, {
      url: 'ws://127.0.0.1:8188',
      adminUrl: 'http://127.0.0.1:7088/admin',
      adminSecret: 'an-admin-secret-of-32-characters',
      roomAdminKey: 'room-key',
    });
    const http = loadConfig({ ...OWN, ...JANUS, CONSULTKIT_JANUS_URL: 'https://janus.practice.example/janus/' });
    assert.equal(http.janus?.url, 'https://janus.practice.example/janus');
  });

  it('refuses what is missing or malformed, naming the variable', () => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ CONSULTKIT_JANUS_ADMIN_URL: JANUS.CONSULTKIT_JANUS_ADMIN_URL }, 'CONSULTKIT_JANUS_ADMIN_URL', /without/],
      [{ CONSULTKIT_JANUS_ADMIN_SECRET: 'x'.repeat(20) }, 'CONSULTKIT_JANUS_ADMIN_SECRET', /without/],
      [{ ...JANUS, CONSULTKIT_JANUS_URL: 'janus.example' }, 'CONSULTKIT_JANUS_URL', /not a URL/],
      [{ ...JANUS, CONSULTKIT_JANUS_URL: 'ftp://janus.example' }, 'CONSULTKIT_JANUS_URL', /ws:\/\//],
      [{ ...JANUS, CONSULTKIT_JANUS_URL: 'wss://u:p@janus.example' }, 'CONSULTKIT_JANUS_URL', /credentials/],
      [{ ...JANUS, CONSULTKIT_JANUS_ADMIN_URL: '' }, 'CONSULTKIT_JANUS_ADMIN_URL', /required/],
      [{ ...JANUS, CONSULTKIT_JANUS_ADMIN_URL: 'ws://127.0.0.1:7188' }, 'CONSULTKIT_JANUS_ADMIN_URL', /HTTP/],
      [{ ...JANUS, CONSULTKIT_JANUS_ADMIN_SECRET: '' }, 'CONSULTKIT_JANUS_ADMIN_SECRET', /required/],
      [{ ...JANUS, CONSULTKIT_JANUS_ADMIN_SECRET: 'janusoverlord' }, 'CONSULTKIT_JANUS_ADMIN_SECRET', /16/],
      [
        { ...JANUS, CONSULTKIT_JANUS_ADMIN_SECRET: 'has spaces in the secret' },
        'CONSULTKIT_JANUS_ADMIN_SECRET',
        /spaces/,
      ],
      [{ ...JANUS, CONSULTKIT_JANUS_ROOM_KEY: 'a key' }, 'CONSULTKIT_JANUS_ROOM_KEY', /spaces/],
    ];
    for (const [env, variable, problem] of cases) {
      const error = refused(env);
      assert.equal(error.variable, variable, error.message);
      assert.match(error.message, problem);
    }
  });

  it("in production the participants' Janus URL must be encrypted (it carries tokens)", () => {
    const error = refused({
      ...JANUS,
      NODE_ENV: 'production',
      CONSULTKIT_PUBLIC_URL: 'https://video.practice.example',
    });
    assert.equal(error.variable, 'CONSULTKIT_JANUS_URL');
    assert.match(error.message, /wss:\/\//);
  });
});
