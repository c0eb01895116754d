import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { turnCredentials } from './turn.js';

describe('TURN credentials (coturn REST scheme)', () => {
  it('makes the username the expiry and the password its HMAC-SHA1 under the shared secret', () => {
    const now = Date.UTC(2026, 0, 1);
    const creds = turnCredentials({ urls: ['turn:127.0.0.1:3478'], secret: 's3cret', ttlSeconds: 600 }, now);
    const expiry = now / 1000 + 600;
    assert.equal(creds.username, `${expiry}:consultkit`);
    assert.equal(creds.credential, createHmac('sha1', 's3cret').update(creds.username).digest('base64'));
    assert.equal(creds.expiresAt, new Date(expiry * 1000).toISOString());
    assert.deepEqual(creds.urls, ['turn:127.0.0.1:3478']);
  });

  it('differs with another secret', () => {
    const a = turnCredentials({ urls: [], secret: 'a', ttlSeconds: 60 }, 0);
    const b = turnCredentials({ urls: [], secret: 'b', ttlSeconds: 60 }, 0);
    assert.notEqual(a.credential, b.credential);
  });
});
