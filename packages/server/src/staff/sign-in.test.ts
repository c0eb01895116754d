/**
 * Named staff, from outside (docs/staff.md): the OpenID Connect sign-in against the development
 * identity provider driven over HTTP as a browser would (redirects, cookies, the sign-in form),
 * sessions that expire and sign out, roles refused, and the staff key naming its acting person.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import { after, before, describe, it } from 'node:test';
import type { ConsultKitServer } from '../app.js';
import { startTestServer } from '../test-helpers.js';
import { createDevIdentityProvider, DEV_IDP_PATH, type DevIdentityProvider } from './dev-idp.js';
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

describe('staff sign-in with private_key_jwt (as NHS CIS2 requires), outside demo mode', () => {
  let provider: HttpServer;
  let server: ConsultKitServer;
  let url: string;
  let folder: string;

  before(async () => {
    // A provider of its own on loopback whose client authenticates with a signed assertion (RS512).
    const { privateKey, publicKey } = await generateKeyPair('RS512', { extractable: true });
    folder = await mkdtemp(join(tmpdir(), 'ck-oidc-'));
    await writeFile(join(folder, 'key.pem'), await exportPKCS8(privateKey));
    const ready: { handle?: DevIdentityProvider['handle'] } = {};
    provider = createHttpServer((request, response) => ready.handle!(request, response));
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(provider.address() as AddressInfo).port}${DEV_IDP_PATH}`;
    // The server's own URL (its redirect URI) is known once it listens: a fixed free port first.
    const probe = createHttpServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const idp = await createDevIdentityProvider(issuer, `http://127.0.0.1:${port}/api/staff/callback`, 'unused', {
      jwk: { ...(await exportJWK(publicKey)), kid: 'ck-test', alg: 'RS512', use: 'sig' },
      alg: 'RS512',
    });
    ready.handle = idp.handle;
    ({ server, url } = await startTestServer({
      PORT: String(port),
      HOST: '127.0.0.1',
      CONSULTKIT_OIDC_ISSUER: issuer,
      CONSULTKIT_OIDC_CLIENT_ID: idp.clientId,
      CONSULTKIT_OIDC_PRIVATE_KEY: join(folder, 'key.pem'),
      CONSULTKIT_OIDC_PRIVATE_KEY_ID: 'ck-test',
    }));
  });
  after(async () => {
    await server?.close();
    provider?.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('signs a GP in: the code is exchanged with a client assertion, not a secret', async () => {
    const jar = new Jar();
    await signIn(jar, url, 'demo-gp-evans');
    const me = await visit(jar, `${url}/api/staff/me`);
    assert.equal(me.response.status, 200);
    const { person } = JSON.parse(me.text) as { person: { name: string; roles: string[] } };
    assert.equal(person.name, 'Dr Tom Evans');
    assert.deepEqual(person.roles, ['clinician']);
    // Outside demo mode there is no development provider on the server itself.
    assert.equal((await fetch(`${url}/dev-idp/.well-known/openid-configuration`)).status, 404);
  });
});
