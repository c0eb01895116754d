import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../config.js';
import { TEST_SECRET, TEST_STAFF_KEY } from '../test-helpers.js';
import { NOTIFY_PRODUCTION_URL, parseReminders } from './config.js';

const base = { CONSULTKIT_SECRET: TEST_SECRET, CONSULTKIT_STAFF_KEY: TEST_STAFF_KEY };
const KEY = 'practice-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0';
const TEMPLATE = 'f33517ff-2a88-4f6e-b855-c550268ce08a';

/** The ConfigError `env` causes: its variable and message. */
function refused(env: Record<string, string>): { variable: string; message: string } {
  try {
    loadConfig({ ...base, ...env });
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return { variable: error.variable, message: error.message };
  }
  assert.fail('expected a ConfigError');
}

describe('delivery configuration', () => {
  it('sends nothing by default: no transport, the outbox only; reminders 24 h and 1 h before', () => {
    const { notify } = loadConfig(base);
    assert.equal(notify.smtpUrl, undefined);
    assert.equal(notify.notifyApiKey, undefined);
    assert.equal(notify.notifyBaseUrl, NOTIFY_PRODUCTION_URL);
    assert.deepEqual(notify.reminders, [1440, 60]);
    assert.equal(notify.pollMs, 1000);
  });

  it('reads SMTP with its From, and GOV.UK Notify with its templates', () => {
    const { notify } = loadConfig({
      ...base,
      CONSULTKIT_SMTP_URL: 'smtps://user:pa%40ss@mail.riverside.example:465',
      CONSULTKIT_MAIL_FROM: 'Riverside Surgery <appointments@riverside.example>',
      CONSULTKIT_NOTIFY_API_KEY: KEY,
      CONSULTKIT_NOTIFY_SMS_TEMPLATE_ID: TEMPLATE,
      CONSULTKIT_NOTIFY_BASE_URL: 'http://127.0.0.1:9/',
      CONSULTKIT_JOB_POLL_MS: '250',
      CONSULTKIT_REMINDERS: '2d, 30m',
    });
    assert.equal(notify.smtpUrl, 'smtps://user:pa%40ss@mail.riverside.example:465');
    assert.equal(notify.notifyBaseUrl, 'http://127.0.0.1:9');
    assert.equal(notify.notifySmsTemplateId, TEMPLATE);
    assert.equal(notify.pollMs, 250);
    assert.deepEqual(notify.reminders, [2880, 30]);
  });

  it('names the variable that is wrong', () => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ CONSULTKIT_SMTP_URL: 'http://mail.example' }, 'CONSULTKIT_SMTP_URL', /smtp:\/\/ or smtps:\/\//],
      [{ CONSULTKIT_SMTP_URL: 'not a url' }, 'CONSULTKIT_SMTP_URL', /not a URL/],
      [{ CONSULTKIT_SMTP_URL: 'smtp://127.0.0.1:25' }, 'CONSULTKIT_MAIL_FROM', /required with CONSULTKIT_SMTP_URL/],
      [{ CONSULTKIT_MAIL_FROM: 'Riverside Surgery' }, 'CONSULTKIT_MAIL_FROM', /an address/],
      [{ CONSULTKIT_NOTIFY_API_KEY: 'secret' }, 'CONSULTKIT_NOTIFY_API_KEY', /not a GOV\.UK Notify API key/],
      [{ CONSULTKIT_NOTIFY_API_KEY: KEY }, 'CONSULTKIT_NOTIFY_API_KEY', /without a template/],
      [{ CONSULTKIT_NOTIFY_SMS_TEMPLATE_ID: TEMPLATE }, 'CONSULTKIT_NOTIFY_SMS_TEMPLATE_ID', /Notify needs both/],
      [
        { CONSULTKIT_NOTIFY_API_KEY: KEY, CONSULTKIT_NOTIFY_EMAIL_TEMPLATE_ID: 'welcome' },
        'CONSULTKIT_NOTIFY_EMAIL_TEMPLATE_ID',
        /a template id \(a UUID\)/,
      ],
      [{ CONSULTKIT_NOTIFY_BASE_URL: 'ftp://x' }, 'CONSULTKIT_NOTIFY_BASE_URL', /http\(s\) URL/],
      [{ CONSULTKIT_JOB_POLL_MS: '5' }, 'CONSULTKIT_JOB_POLL_MS', /from 10 to 600000/],
      [{ CONSULTKIT_REMINDERS: 'tomorrow' }, 'CONSULTKIT_REMINDERS', /like 24h,1h/],
      [{ CONSULTKIT_REMINDERS: '1m' }, 'CONSULTKIT_REMINDERS', /between 5 minutes and 14 days/],
      [{ CONSULTKIT_REMINDERS: '24h,1d' }, 'CONSULTKIT_REMINDERS', /twice/],
      [{ CONSULTKIT_NOSHOW_AFTER_MINUTES: 'soon' }, 'CONSULTKIT_NOSHOW_AFTER_MINUTES', /minutes after the end/],
    ];
    for (const [env, variable, message] of cases) {
      const error = refused(env);
      assert.equal(error.variable, variable, JSON.stringify(env));
      assert.match(error.message, message, JSON.stringify(env));
    }
  });

  it('reminders and automatic no-shows can be switched off', () => {
    assert.equal(loadConfig(base).notify.noShowAfterMinutes, 30);
    assert.equal(loadConfig({ ...base, CONSULTKIT_NOSHOW_AFTER_MINUTES: 'off' }).notify.noShowAfterMinutes, undefined);
    assert.equal(loadConfig({ ...base, CONSULTKIT_NOSHOW_AFTER_MINUTES: '0' }).notify.noShowAfterMinutes, 0);
    assert.deepEqual(parseReminders('off'), []);
    assert.deepEqual(parseReminders('1h,24h'), [1440, 60]);
  });
});
