/**
 * Named staff, from outside (docs/staff.md): the OpenID Connect sign-in against the development
 * identity provider driven over HTTP as a browser would (redirects, cookies, the sign-in form),
 * sessions that expire and sign out, roles refused, and the staff key naming its acting person.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConsultKitServer } from '../app.js';
import { startTestServer } from '../test-helpers.js';
import { follow, Jar, signIn, toCallback, visit } from './test-support.js';

const diagnostics = (text: string) => (JSON.parse(text) as { issue: { diagnostics: string }[] }).issue[0]!.diagnostics;

describe('staff sign-in through the development identity provider', () => {
  let server: ConsultKitServer;
  let url: string;
  let clock = Date.now();

  before(async () => {
    ({ server, url } = await startTestServer(
      { CONSULTKIT_DEMO: 'on', CONSULTKIT_STAFF_SESSION_SECONDS: '3600' },
      {},
      { now: () => clock },
    ));
  });
  after(() => server.close());

  it('a GP signs in (code + PKCE): the session names them, with the clinician role', async () => {
    const jar = new Jar();
    const first = await visit(jar, `${url}/api/staff/sign-in?return=/examples/vendor-console/`);
    assert.equal(first.response.status, 302);
    const authorize = new URL(first.response.headers.get('location')!);
    assert.equal(authorize.pathname, '/dev-idp/auth');
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.match(authorize.searchParams.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.ok(authorize.searchParams.get('state'));
    assert.ok(authorize.searchParams.get('nonce'));
    assert.equal(authorize.searchParams.get('redirect_uri'), `${url}/api/staff/callback`);

    const callback = await toCallback(jar, url, 'demo-gp-khan', '/examples/vendor-console/');
    const back = await visit(jar, callback);
    assert.equal(back.response.status, 303);
    assert.equal(back.response.headers.get('location'), '/examples/vendor-console/');
    const cookie = back.response.headers.getSetCookie().find((c) => c.startsWith('ck_staff='))!;
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    const me = await visit(jar, `${url}/api/staff/me`);
    assert.equal(me.response.status, 200);
    const { person } = JSON.parse(me.text) as { person: { id: string; name: string; roles: string[] } };
    assert.equal(person.name, 'Dr Amina Khan');
    assert.deepEqual(person.roles, ['clinician']);
    // The demo GP is the demo practice's Practitioner, not a new one.
    const fhir = await fetch(`${url}/fhir/Practitioner/${person.id}`, {
      headers: { authorization: 'Bearer consultkit-development-staff-key' },
    });
    assert.equal(((await fhir.json()) as { qualification?: unknown }).qualification !== undefined, true);
  });

  it('refuses a callback without state, with a wrong state, or from another browser', async () => {
    const jar = new Jar();
    const callback = new URL(await toCallback(jar, url, 'demo-gp-evans'));
    const absent = new URL(callback);
    absent.searchParams.delete('state');
    const noState = await visit(jar, absent.href);
    assert.equal(noState.response.status, 401);
    assert.match(diagnostics(noState.text), /no state/);
    const wrong = new URL(callback);
    wrong.searchParams.set('state', 'not-the-state');
    const wrongState = await visit(jar, wrong.href);
    assert.equal(wrongState.response.status, 401);
    assert.match(diagnostics(wrongState.text), /unknown, already used, expired or was started in another browser/);
    // The right state, in a browser that did not start this sign-in (login CSRF): refused.
    const stranger = await visit(new Jar(), callback.href);
    assert.equal(stranger.response.status, 401);
    assert.equal(jar.get(url, 'ck_staff'), undefined);
  });

  it('refuses a replayed answer: the code and state work once', async () => {
    const jar = new Jar();
    const callback = await toCallback(jar, url, 'demo-nurse-shah');
    const loginCookie = jar.get(url, 'ck_staff_login')!;
    assert.equal((await visit(jar, callback)).response.status, 303);
    // The same answer again, with the same sign-in cookie as the first time.
    const replay = new Jar();
    replay.set(url, 'ck_staff_login', loginCookie);
    const again = await visit(replay, callback);
    assert.equal(again.response.status, 401);
    assert.equal(replay.get(url, 'ck_staff'), undefined);
  });

  it('a session expires, and sign-out ends it on the server', async () => {
    const jar = new Jar();
    await signIn(jar, url, 'demo-receptionist-bennett');
    const token = jar.get(url, 'ck_staff')!;
    assert.equal((await visit(jar, `${url}/api/staff/me`)).response.status, 200);
    clock += 3600 * 1000 + 1;
    const expired = await visit(jar, `${url}/api/staff/me`);
    assert.equal(expired.response.status, 401);
    clock -= 3600 * 1000 + 1;

    const other = new Jar();
    await signIn(other, url, 'demo-receptionist-bennett');
    const kept = other.get(url, 'ck_staff')!;
    assert.notEqual(kept, token);
    assert.equal((await visit(other, `${url}/api/staff/sign-out`, { method: 'POST' })).response.status, 204);
    // The cookie kept by someone after sign-out opens nothing.
    const copy = new Jar();
    copy.set(url, 'ck_staff', kept);
    assert.equal((await visit(copy, `${url}/api/staff/me`)).response.status, 401);
  });

  it('the provider signs in only the people it lists', async () => {
    // The provider lists only people with roles; a forged form value is refused by the provider.
    const jar = new Jar();
    const steps = await follow(jar, `${url}/api/staff/sign-in`);
    const page = steps.at(-1)!;
    const action = /<form method="post" action="([^"]+)"/.exec(page.text)![1]!;
    const forged = await visit(jar, new URL(action, page.url).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'account=somebody-else',
    });
    assert.equal(forged.response.status, 400);
    assert.match(forged.text, /Choose one of the people listed/);
  });

  it('refuses an open redirect in return', async () => {
    for (const target of ['//evil.example/', '/\\evil.example', 'https://evil.example/']) {
      const answer = await visit(new Jar(), `${url}/api/staff/sign-in?return=${encodeURIComponent(target)}`);
      assert.equal(answer.response.status, 400, target);
    }
    const twice = await visit(new Jar(), `${url}/api/staff/sign-in?return=/a&return=/b`);
    assert.equal(twice.response.status, 400);
  });
});
