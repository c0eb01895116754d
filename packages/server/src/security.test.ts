/**
 * Attacks from outside the code on what a deployment configures: development routes outside demo
 * mode, the `Host` header and a TLS reverse proxy, secrets in the log, and the headers of every
 * answer (docs/security.md). Each test is the attack, made with plain HTTP requests.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { Appointment, Bundle, Slot } from 'fhir/r4.js';
import WebSocket from 'ws';
import { createServer, DEFAULT_SERVE, type ConsultKitServer } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { DEV_ROUTES } from './plugins/dev.js';
import {
  appointmentRequest,
  type BookingFixture,
  seedBookingFixture,
  STAFF,
  startTestServer,
  TEST_NOW,
  TEST_SECRET,
  TEST_STAFF_KEY,
} from './test-helpers.js';

/** A log stream kept in memory: every line the server writes. */
function memoryLog(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

/** A raw HTTP request, with headers exactly as given (a `Host` of our choosing). */
function raw(
  url: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { hostname, port, path, method: options.method ?? 'GET', headers: options.headers, setHost: false },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Books and confirms a video appointment at the fixture GP's first free slot; returns its link. */
async function videoAppointment(
  url: string,
  fixture: BookingFixture,
  email: string,
): Promise<{ appointment: Appointment; link: string }> {
  const slots = (await (
    await fetch(`${url}/fhir/Slot?status=free&schedule=Schedule/${fixture.gp.scheduleId}&start=2026-03-03&_count=5`)
  ).json()) as Bundle;
  const slot = slots.entry!.find((e) => e.search?.mode === 'match')!.resource as Slot;
  const created = await fetch(`${url}/fhir/Appointment`, {
    method: 'POST',
    headers: { 'content-type': 'application/fhir+json' },
    body: JSON.stringify(appointmentRequest(slot, email)),
  });
  const booked = (await created.json()) as Appointment;
  assert.equal(created.status, 201, JSON.stringify(booked));
  const confirmed = await fetch(`${url}/fhir/Appointment/${booked.id}`, {
    method: 'PUT',
    headers: { ...STAFF, 'content-type': 'application/fhir+json', 'if-match': `W/"${booked.meta!.versionId}"` },
    body: JSON.stringify({ ...booked, status: 'booked' }),
  });
  assert.equal(confirmed.status, 200);
  const outbox = (await (await fetch(`${url}/api/outbox`, { headers: STAFF })).json()) as {
    messages: { to: string; text: string }[];
  };
  const link = /(https?:\/\/\S+\/join\/\S+)/.exec(outbox.messages.find((m) => m.to === email)?.text ?? '')?.[1];
  assert.ok(link, 'the confirmation carries a join link');
  return { appointment: (await confirmed.json()) as Appointment, link };
}

describe('development routes exist only in demo mode', () => {
  it('a server outside demo mode, even with NODE_ENV unset, hands out no staff cookie and no call ticket', async () => {
    // Before: POST /api/dev/staff-session answered a staff cookie whenever NODE_ENV was not
    // "production", even with CONSULTKIT_DEMO=off and real secrets set.
    for (const NODE_ENV of ['', 'development', 'test', 'staging']) {
      const { server, url } = await startTestServer({ NODE_ENV, CONSULTKIT_DEMO: 'off' });
      try {
        // No development identity provider, and no sign-in without a configured one.
        const signIn = await fetch(`${url}/api/staff/sign-in`, { redirect: 'manual' });
        assert.equal(signIn.status, 404, `NODE_ENV=${NODE_ENV}: no staff sign-in without a provider`);
        assert.equal(signIn.headers.get('set-cookie'), null);
        for (const path of ['/dev-idp/.well-known/openid-configuration', '/dev-idp/auth', '/dev-idp/jwks']) {
          assert.equal((await fetch(`${url}${path}`)).status, 404, `NODE_ENV=${NODE_ENV}: ${path}`);
        }
        assert.equal((await fetch(`${url}/api/dev/staff-session`, { method: 'POST' })).status, 404);
        const join = await fetch(`${url}/api/dev/join`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ consultation: 'appt-3', role: 'clinician' }),
        });
        assert.equal(join.status, 404, `NODE_ENV=${NODE_ENV}: no call ticket for a stranger`);
        assert.equal((await fetch(`${url}/api/outbox`)).status, 401, 'the outbox needs staff credentials');
      } finally {
        await server.close();
      }
    }
  });

  it('demo mode cannot be switched on beside a real secret or staff key', () => {
    for (const env of [
      { CONSULTKIT_DEMO: 'on', CONSULTKIT_SECRET: TEST_SECRET },
      { CONSULTKIT_DEMO: 'on', CONSULTKIT_STAFF_KEY: TEST_STAFF_KEY },
    ]) {
      assert.throws(() => loadConfig(env), ConfigError);
    }
  });

  it('the start-up log says plainly which development routes are live, and only in demo mode', async () => {
    for (const demo of [true, false]) {
      const log = memoryLog();
      const config = loadConfig({
        PORT: '0',
        CONSULTKIT_DATA_DIR: 'memory://',
        CONSULTKIT_SEED_DEMO: 'off',
        LOG_LEVEL: 'info',
        ...(demo
          ? { CONSULTKIT_DEMO: 'on' }
          : { CONSULTKIT_SECRET: TEST_SECRET, CONSULTKIT_STAFF_KEY: TEST_STAFF_KEY }),
      });
      const server = await createServer(config, {}, { logStream: log.stream });
      await server.close();
      if (demo) {
        assert.match(log.text(), /DEMO MODE: development routes are live/);
        for (const route of DEV_ROUTES) assert.ok(log.text().includes(route), route);
      } else {
        assert.doesNotMatch(log.text(), /DEMO MODE|\/api\/dev\//);
      }
    }
  });
});

describe('behind a TLS reverse proxy', () => {
  let server: ConsultKitServer;
  let url: string;
  let fixture: BookingFixture;
  const PUBLIC = 'https://consult.riverside.example';

  before(async () => {
    ({ server, url } = await startTestServer(
      { CONSULTKIT_SEED_DEMO: 'off', CONSULTKIT_PUBLIC_URL: PUBLIC, CONSULTKIT_TRUST_PROXY: '1' },
      {},
      { now: () => TEST_NOW },
    ));
    fixture = await seedBookingFixture(server.storage);
  });
  after(() => server.close());

  it('FHIR Bundle links ignore a forged Host header and come from CONSULTKIT_PUBLIC_URL', async () => {
    // Before: `Host: evil.example` produced `http://evil.example/fhir/Slot?…`.
    const answer = await raw(url, `/fhir/Slot?schedule=Schedule/${fixture.gp.scheduleId}&_count=1`, {
      headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' },
    });
    assert.equal(answer.status, 200);
    const bundle = JSON.parse(answer.body) as Bundle;
    assert.ok(bundle.link!.length >= 2);
    for (const link of bundle.link!) assert.ok(link.url.startsWith(`${PUBLIC}/fhir/Slot?`), link.url);
    assert.doesNotMatch(answer.body, /evil\.example/);
    assert.equal(answer.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
  });

  it('Location after a booking comes from CONSULTKIT_PUBLIC_URL, and join links are https', async () => {
    const { appointment, link } = await videoAppointment(url, fixture, 'proxy@example.org');
    assert.ok(link.startsWith(`${PUBLIC}/join/`), link);
    const update = await raw(url, `/fhir/Appointment/${appointment.id}`, {
      method: 'PUT',
      headers: {
        host: 'evil.example',
        'content-type': 'application/fhir+json',
        'if-match': `W/"${appointment.meta!.versionId}"`,
        ...STAFF,
      },
      body: JSON.stringify({ ...appointment, status: 'cancelled', cancelationReason: undefined }),
    });
    assert.equal(update.status, 200, update.body);
    assert.equal(update.headers['location'], `${PUBLIC}/fhir/Appointment/${appointment.id}/_history/3`);
  });

  it('demo mode refuses a public URL off this machine: its identity provider signs anyone in', () => {
    assert.throws(
      () => loadConfig({ CONSULTKIT_DEMO: 'on', CONSULTKIT_PUBLIC_URL: PUBLIC, CONSULTKIT_DATA_DIR: 'memory://' }),
      (error: Error) => error instanceof ConfigError && error.variable === 'CONSULTKIT_PUBLIC_URL',
    );
    // On loopback it starts; with a real provider configured, the development one is not started.
    assert.equal(
      loadConfig({ CONSULTKIT_DEMO: 'on', CONSULTKIT_PUBLIC_URL: 'http://localhost:8080' }).devIdentityProvider,
      true,
    );
    const withProvider = loadConfig({
      CONSULTKIT_DEMO: 'on',
      CONSULTKIT_PUBLIC_URL: PUBLIC,
      CONSULTKIT_OIDC_ISSUER: 'https://idp.example',
      CONSULTKIT_OIDC_CLIENT_ID: 'consultkit',
      CONSULTKIT_OIDC_CLIENT_SECRET: 'secret',
    });
    assert.equal(withProvider.devIdentityProvider, false);
  });

  it('session cookies are Secure when the public URL is https, though the proxy talks plain http to us', async () => {
    const { server: practice, url: practiceUrl } = await startTestServer({
      CONSULTKIT_SEED_DEMO: 'off',
      CONSULTKIT_PUBLIC_URL: PUBLIC,
    });
    try {
      const signOut = await fetch(`${practiceUrl}/api/staff/sign-out`, { method: 'POST' });
      assert.equal(signOut.status, 204);
      assert.match(signOut.headers.get('set-cookie') ?? '', /^ck_staff=; .*; Secure/);
    } finally {
      await practice.close();
    }
  });
});

describe('secrets never reach the log', () => {
  it('the join link, the session token and the signalling token are redacted from every log line; refusals are logged', async () => {
    const log = memoryLog();
    let clock = TEST_NOW;
    const config = loadConfig({
      PORT: '0',
      CONSULTKIT_DATA_DIR: 'memory://',
      CONSULTKIT_SEED_DEMO: 'off',
      LOG_LEVEL: 'trace',
      CONSULTKIT_SECRET: TEST_SECRET,
      CONSULTKIT_STAFF_KEY: TEST_STAFF_KEY,
    });
    const server = await createServer(config, DEFAULT_SERVE, { logStream: log.stream, now: () => clock });
    try {
      const url = await server.listen();
      const fixture = await seedBookingFixture(server.storage);
      const { appointment, link } = await videoAppointment(url, fixture, 'logs@example.org');
      const jwt = link.split('/join/')[1]!;
      clock = Date.parse(appointment.start!) - 5 * 60_000;
      assert.equal((await fetch(`${url}/join/${jwt}`)).status, 200);
      const redeemed = await fetch(`${url}/api/join/redeem`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: jwt }),
      });
      assert.equal(redeemed.status, 200);
      const ticket = (await redeemed.json()) as { token: string; peerId: string };
      await fetch(`${url}/api/ice-servers`, { headers: { cookie: `ck_session=${ticket.token}` } });
      await fetch(`${url}/api/ice-servers?token=${ticket.token}`);
      // The signalling socket carries the token in its query string; refused ones are logged.
      for (const id of [ticket.peerId, 'ck-someone-else']) {
        const ws = new WebSocket(
          `${url.replace('http', 'ws')}/signal/peerjs?key=consultkit&id=${id}&token=${ticket.token}`,
        );
        await new Promise((resolve) => {
          ws.on('message', resolve);
          ws.on('unexpected-response', resolve);
          ws.on('error', resolve);
        });
        ws.terminate();
      }
      await fetch(`${url}/fhir/Appointment?_count=1`, { headers: { authorization: `Bearer ${TEST_STAFF_KEY}` } });
      const text = log.text();
      assert.match(text, /"url":"\/join\/\[redacted\]"/, 'the join page request is logged, redacted');
      assert.match(text, /token=\[redacted\]/);
      assert.match(
        text,
        /"reason":"[^"]+".*"msg":"signalling upgrade refused"/,
        'a refused upgrade is logged, with why',
      );
      for (const [name, secret] of [
        ['join link', jwt],
        ['session token', ticket.token],
        ['staff key', TEST_STAFF_KEY],
        ['the signature of the session token', ticket.token.split('.')[1]!],
        ['the signature of the join link', jwt.split('.')[2]!],
      ] as const) {
        assert.ok(!text.includes(secret), `the ${name} is not in the log`);
      }
    } finally {
      await server.close();
    }
  });
});

describe('headers on every answer', () => {
  let server: ConsultKitServer;
  let url: string;

  before(async () => {
    ({ server, url } = await startTestServer(
      {
        CONSULTKIT_SEED_DEMO: 'off',
        CONSULTKIT_FRAME_ANCESTORS: "'self', https://clinical.vendor.example",
        // Configured, never reached: the pages' policy must let them open its WebSocket.
        CONSULTKIT_JANUS_URL: 'ws://127.0.0.1:9/',
        CONSULTKIT_JANUS_ADMIN_URL: 'http://127.0.0.1:9/admin',
        CONSULTKIT_JANUS_ADMIN_SECRET: 'never-used-never-used',
      },
      DEFAULT_SERVE,
    ));
  });
  after(() => server.close());

  const PAGES = [
    '/',
    '/join/eyJhbGciOiJFZERTQSJ9.e30.c2ln',
    '/join/',
    '/examples/practice-website/',
    '/examples/vendor-console/',
    '/examples/two-party-call/',
    '/examples/patient-join/',
  ];

  for (const path of PAGES) {
    it(`${path}: a strict CSP whose script hashes are the page's own inline scripts`, async () => {
      const response = await fetch(`${url}${path}`);
      assert.equal(response.status, 200);
      const csp = response.headers.get('content-security-policy') ?? '';
      const html = await response.text();
      const directives = new Map(
        csp.split(';').map((d) => {
          const [name, ...values] = d.trim().split(/\s+/);
          return [name!, values] as const;
        }),
      );
      assert.deepEqual(directives.get('frame-ancestors'), ["'self'", 'https://clinical.vendor.example']);
      assert.deepEqual(directives.get('connect-src'), ["'self'", 'ws://127.0.0.1:9'], 'its own origin and Janus’s');
      assert.deepEqual(directives.get('object-src'), ["'none'"]);
      assert.deepEqual(directives.get('base-uri'), ["'none'"]);
      const scripts = directives.get('script-src') ?? [];
      assert.ok(!scripts.includes("'unsafe-inline'") && !scripts.includes("'unsafe-eval'"), csp);
      const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)];
      assert.equal(scripts.filter((s) => s.startsWith("'sha256-")).length, inline.length, 'one hash per inline script');
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(response.headers.get('strict-transport-security'), null, 'not over plain http');
    });
  }

  it('API and FHIR answers are nosniff, not to be framed, with a policy under which nothing runs', async () => {
    for (const path of ['/healthz', '/fhir/metadata', '/api/outbox', '/no/such/thing']) {
      const response = await fetch(`${url}${path}`);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
      assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'.*frame-ancestors 'none'/);
    }
    const script = await fetch(`${url}/cdn/slot-picker.js`);
    assert.equal(script.headers.get('x-content-type-options'), 'nosniff');
  });
});
