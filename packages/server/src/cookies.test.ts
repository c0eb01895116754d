import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_COOKIE_VALUE, readCookie } from './cookies.js';

describe('readCookie', () => {
  it('reads a cookie among others, percent-decoded and unquoted', () => {
    assert.equal(readCookie('a=1; ck_session=x.y.z; b=2', 'ck_session'), 'x.y.z');
    assert.equal(readCookie('ck_session=a%2Eb', 'ck_session'), 'a.b');
    assert.equal(readCookie('ck_staff="1.abc"', 'ck_staff'), '1.abc');
    assert.equal(readCookie('ck_session=a=b', 'ck_session'), 'a=b');
  });

  it('treats what it cannot read as absent, and never throws', () => {
    for (const header of [
      undefined,
      '',
      'ck_session=%zz',
      'ck_session=%',
      'ck_session=%E0%A4%A',
      'ck_session=',
      '=ck_session',
      'ck_session',
      `ck_session=${'a'.repeat(MAX_COOKIE_VALUE + 1)}`,
    ]) {
      assert.equal(readCookie(header, 'ck_session'), undefined, String(header).slice(0, 40));
    }
  });

  it('a name given twice with different values (cookie tossing) is absent; the same value twice is fine', () => {
    assert.equal(readCookie('ck_session=a; ck_session=b', 'ck_session'), undefined);
    assert.equal(readCookie('ck_session=%zz; ck_session=b', 'ck_session'), undefined);
    assert.equal(readCookie(['ck_session=a', 'ck_session=a'], 'ck_session'), 'a');
  });
});
