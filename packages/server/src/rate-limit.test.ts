/**
 * Limits on guessing, as an attacker meets them: floods of wrong join links, wrong bearer keys,
 * bookings and link re-sends from one address are answered 429 with Retry-After and an
 * OperationOutcome, while another address carries on. The limiter itself is tested below.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Appointment, Bundle, Slot } from 'fhir/r4.js';
import type { ConsultKitServer } from './app.js';
import { LIMITED_ROUTES } from './plugins/rate-limits.js';
import { addressKey, DEFAULT_RATE_LIMITS, MemoryRateLimiter, parseRateLimits, Throttle } from './rate-limit.js';
import {
  appointmentRequest,
  type BookingFixture,
  seedBookingFixture,
  STAFF,
  startTestServer,
  TEST_NOW,
} from './test-helpers.js';

const MINUTE = 60_000;

interface Answer<T = Record<string, unknown>> {
  status: number;
  retryAfter: string | undefined;
  body: T;
}

interface Outcome {
  resourceType: string;
  issue: { code: string; diagnostics: string }[];
}

/** A request from a chosen local address (127.0.0.1 unless given): each address is a client. */
function call<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string>; from?: string } = {},
): Promise<Answer<T>> {
  const { hostname, port } = new URL(base);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      hostname,
      port,
      method,
      path,
      localAddress: options.from ?? '127.0.0.1',
      headers: {
        ...(body === undefined
          ? {}
          : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
        ...options.headers,
      },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON
        }
        const retryAfter = res.headers['retry-after'];
        resolve({
          status: res.statusCode ?? 0,
          retryAfter: retryAfter === undefined ? undefined : String(retryAfter),
          body: parsed as T,
        });
      });
    });
    req.end(body);
  });
}

/** Counts answers by status: `{ 401: 20, 429: 130 }`. */
function tally(answers: Answer[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of answers) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

/** A 429 is an OperationOutcome `throttled` with Retry-After (whole seconds) that says when. */
function assertThrottled(answer: Answer, maxSeconds: number): void {
  assert.equal(answer.status, 429);
  const seconds = Number(answer.retryAfter);
  assert.ok(Number.isInteger(seconds) && seconds >= 1 && seconds <= maxSeconds, `Retry-After: ${answer.retryAfter}`);
  const outcome = answer.body as unknown as Outcome;
  assert.equal(outcome.resourceType, 'OperationOutcome');
  assert.equal(outcome.issue[0]!.code, 'throttled');
  assert.match(
    outcome.issue[0]!.diagnostics,
    new RegExp(`try again in ${seconds} seconds, after \\d{4}-\\d\\d-\\d\\dT`),
  );
}

describe('rate limits against floods from one address (default limits)', () => {
  let server: ConsultKitServer;
  let url: string;
  let fixture: BookingFixture;
  let clock = TEST_NOW;
  let patients = 0;

  /** Books and confirms a video appointment (each from an address of its own); resolves to it and its join token. */
  async function confirmedAppointment(): Promise<{ appointment: Appointment; token: string }> {
    const from = `127.0.2.${++patients}`;
    clock = TEST_NOW; // the day before the appointments: booking is open
    const bundle = await call<Bundle>(
      url,
      'GET',
      `/fhir/Slot?status=free&schedule=Schedule/${fixture.gp.scheduleId}&start=ge2026-03-03&_count=100`,
      { from },
    );
    const slot = bundle.body.entry!.find((e) => e.search?.mode === 'match')!.resource as Slot;
    const email = `flood${patients}@example.org`;
    const booked = await call<Appointment>(url, 'POST', '/fhir/Appointment', {
      from,
      body: appointmentRequest(slot, email),
    });
    assert.equal(booked.status, 201, JSON.stringify(booked.body));
    const confirmed = await call<Appointment>(url, 'PUT', `/fhir/Appointment/${booked.body.id}`, {
      from,
      body: { ...booked.body, status: 'booked' },
      headers: { ...STAFF, 'if-match': `W/"${booked.body.meta!.versionId}"` },
    });
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
    const outbox = await call<{ messages: { to: string; text: string }[] }>(url, 'GET', '/api/outbox', {
      from,
      headers: STAFF,
    });
    const text = outbox.body.messages.find((m) => m.to === email)!.text;
    return { appointment: confirmed.body, token: /\/join\/(\S+)/.exec(text)![1]! };
  }

  before(async () => {
    ({ server, url } = await startTestServer({ CONSULTKIT_SEED_DEMO: 'false' }, {}, { now: () => clock }));
    fixture = await seedBookingFixture(server.storage);
  });
  after(() => server.close());

  it('150 wrong join-link redemptions: 20 are answered 401, then 429; the right link works from another address', async () => {
    const { appointment, token } = await confirmedAppointment();
    clock = Date.parse(appointment.start!) - 5 * MINUTE;
    const [header, , signature] = token.split('.');
    const wrong = Array.from({ length: 150 }, (_, i) =>
      call(url, 'POST', '/api/join/redeem', {
        from: '127.0.0.2',
        body: { token: `${header}.${Buffer.from(`{"n":${i}}`).toString('base64url')}.${signature}` },
      }),
    );
    const answers = await Promise.all(wrong);
    assert.deepEqual(tally(answers), {
      401: DEFAULT_RATE_LIMITS.redeem.count,
      429: 150 - DEFAULT_RATE_LIMITS.redeem.count,
    });
    for (const answer of answers.filter((a) => a.status === 429)) assertThrottled(answer, 60);

    // The flooding address is refused even the right link until its window ends…
    assert.equal((await call(url, 'POST', '/api/join/redeem', { from: '127.0.0.2', body: { token } })).status, 429);
    // …while the patient, elsewhere, gets in.
    const right = await call(url, 'POST', '/api/join/redeem', { from: '127.0.0.3', body: { token } });
    assert.equal(right.status, 200, JSON.stringify(right.body));

    // A minute later the flooding address may try again.
    clock += 61_000;
    const again = await call(url, 'POST', '/api/join/redeem', { from: '127.0.0.2', body: { token: 'a.b.c' } });
    assert.equal(again.status, 401);
  });

  it('guessing at sessions with resume, again and again: 20 are answered 401, then 429', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        call(url, 'POST', '/api/join/resume', {
          from: '127.0.0.12',
          headers: { cookie: `ck_session=guess-${i}` },
          body: {},
        }),
      ),
    );
    assert.deepEqual(tally(answers), {
      401: DEFAULT_RATE_LIMITS.redeem.count,
      429: 40 - DEFAULT_RATE_LIMITS.redeem.count,
    });
    assertThrottled(
      answers.find((a) => a.status === 429)!,
      60,
    );
  });

  it('one link presented again and again, from many addresses, is limited too', async () => {
    const { appointment, token } = await confirmedAppointment();
    clock = Date.parse(appointment.start!) + 2 * 60 * MINUTE; // expired: every try fails
    const answers: Answer[] = [];
    for (let i = 0; i < 25; i++) {
      answers.push(await call(url, 'POST', '/api/join/redeem', { from: `127.0.1.${i + 1}`, body: { token } }));
    }
    const refused = answers[0]!.status;
    assert.ok(refused >= 400 && refused < 500 && refused !== 429, String(refused));
    assert.deepEqual(tally(answers), { [refused]: DEFAULT_RATE_LIMITS.redeem.count, 429: 5 });
    assertThrottled(answers.at(-1)!, 60);
  });

  it('successful redemptions are given back: a practice behind one address is not limited by its own joins', async () => {
    const from = '127.0.0.4';
    const answers: number[] = [];
    for (let i = 0; i < DEFAULT_RATE_LIMITS.redeem.count + 2; i++) {
      const { appointment, token } = await confirmedAppointment();
      clock = Date.parse(appointment.start!) - 5 * MINUTE;
      answers.push((await call(url, 'POST', '/api/join/redeem', { from, body: { token } })).status);
    }
    assert.ok(
      answers.every((status) => status === 200),
      answers.join(' '),
    );
  });

  it('150 wrong bearer keys: 10 are answered 401, then 429, even for the right key; other addresses are not affected', async () => {
    const answers = await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        call(url, 'GET', '/fhir/Appointment', { from: '127.0.0.5', headers: { authorization: `Bearer guess-${i}` } }),
      ),
    );
    assert.deepEqual(tally(answers), {
      401: DEFAULT_RATE_LIMITS.auth.count,
      429: 150 - DEFAULT_RATE_LIMITS.auth.count,
    });
    for (const answer of answers.filter((a) => a.status === 429)) assertThrottled(answer, 60);
    // Booking references are guessed the same way.
    assertThrottled(
      await call(url, 'GET', '/fhir/Appointment', {
        from: '127.0.0.5',
        headers: { authorization: 'Bearer CK-2222-2222-2222' },
      }),
      60,
    );
    assert.equal((await call(url, 'GET', '/fhir/Appointment', { from: '127.0.0.5', headers: STAFF })).status, 429);
    assert.equal((await call(url, 'GET', '/fhir/Appointment', { from: '127.0.0.6', headers: STAFF })).status, 200);
    clock += 61_000;
    assert.equal((await call(url, 'GET', '/fhir/Appointment', { from: '127.0.0.5', headers: STAFF })).status, 200);
  });

  it('the right staff key, used all day and many requests at once (a vendor backend), is never limited', async () => {
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(
        Array.from({ length: DEFAULT_RATE_LIMITS.auth.count * 3 }, () =>
          call(url, 'GET', '/fhir/Appointment', { from: '127.0.0.7', headers: STAFF }),
        ),
      );
      assert.deepEqual(tally(answers), { 200: DEFAULT_RATE_LIMITS.auth.count * 3 });
    }
  });

  it('a booking flood: 30 attempts in ten minutes from one address, then 429', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, () =>
        call(url, 'POST', '/fhir/Appointment', { from: '127.0.0.8', body: { resourceType: 'Appointment' } }),
      ),
    );
    assert.deepEqual(tally(answers), { 400: DEFAULT_RATE_LIMITS.booking.count, 429: 10 });
    assertThrottled(
      answers.find((a) => a.status === 429)!,
      600,
    );
  });

  it('a re-send flood: five new links for one appointment in an hour, then 429; another appointment is not affected', async () => {
    const a = await confirmedAppointment();
    const b = await confirmedAppointment();
    const send = (appointment: Appointment) =>
      call(url, 'POST', `/api/consultations/${appointment.id}/invitations`, { from: '127.0.0.10', headers: STAFF });
    const answers: Answer[] = [];
    for (let i = 0; i < DEFAULT_RATE_LIMITS.resend.count + 3; i++) answers.push(await send(a.appointment));
    assert.deepEqual(tally(answers), { 201: DEFAULT_RATE_LIMITS.resend.count, 429: 3 });
    assertThrottled(answers.at(-1)!, 3600);
    assert.equal((await send(b.appointment)).status, 201);
  });

  it('staff sign-in (the development provider, demo mode): ten a minute from one address, then 429', async () => {
    const { server: demo, url: demoUrl } = await startTestServer({
      CONSULTKIT_DEMO: 'on',
      CONSULTKIT_SEED_DEMO: 'off',
    });
    try {
      const answers: Answer[] = [];
      for (let i = 0; i < DEFAULT_RATE_LIMITS.signin.count + 2; i++) {
        answers.push(await call(demoUrl, 'GET', '/api/staff/sign-in', { from: '127.0.0.11' }));
      }
      assert.deepEqual(tally(answers), { 302: DEFAULT_RATE_LIMITS.signin.count, 429: 2 });
      // Answers to the callback that are refused (a guessed state) count too; another address is free.
      const guesses: Answer[] = [];
      for (let i = 0; i < DEFAULT_RATE_LIMITS.signin.count + 1; i++) {
        guesses.push(await call(demoUrl, 'GET', `/api/staff/callback?state=guess${i}&code=x`, { from: '127.0.0.12' }));
      }
      assert.deepEqual(tally(guesses), { 401: DEFAULT_RATE_LIMITS.signin.count, 429: 1 });
      assertThrottled(answers.at(-1)!, 60);
    } finally {
      await demo.close();
    }
  });
});

describe('rate limits configured', () => {
  it('off: 150 wrong redemptions and bearer keys are all plain 401s', async () => {
    const { server, url } = await startTestServer({ CONSULTKIT_RATE_LIMITS: 'off', CONSULTKIT_SEED_DEMO: 'false' });
    try {
      const answers = await Promise.all([
        ...Array.from({ length: 150 }, () => call(url, 'POST', '/api/join/redeem', { body: { token: 'a.b.c' } })),
        ...Array.from({ length: 150 }, (_, i) =>
          call(url, 'GET', '/fhir/Appointment', { headers: { authorization: `Bearer guess-${i}` } }),
        ),
      ]);
      assert.deepEqual(tally(answers), { 401: 300 });
    } finally {
      await server.close();
    }
  });

  it('re-sends from one address are limited across appointments (resend-ip)', async () => {
    const { server, url } = await startTestServer({
      CONSULTKIT_RATE_LIMITS: 'resend-ip=3/3600',
      CONSULTKIT_SEED_DEMO: 'false',
    });
    try {
      const answers: Answer[] = [];
      for (let id = 1; id <= 5; id++) {
        answers.push(await call(url, 'POST', `/api/consultations/${id}/invitations`, { headers: STAFF }));
      }
      assert.deepEqual(tally(answers), { 404: 3, 429: 2 });
      assertThrottled(answers.at(-1)!, 3600);
    } finally {
      await server.close();
    }
  });

  it('every limited route exists (a renamed route would silently lose its limit)', async () => {
    // Development routes included: the staff sign-in is one of them.
    const { server } = await startTestServer({ CONSULTKIT_SEED_DEMO: 'false', CONSULTKIT_DEMO: 'true' });
    try {
      const routes = server.routes.map((r) => `${r.method} ${r.url}`);
      for (const limited of LIMITED_ROUTES) assert.ok(routes.includes(limited), `${limited} is a route`);
    } finally {
      await server.close();
    }
  });

  it('a lower limit from CONSULTKIT_RATE_LIMITS applies; the others keep their defaults', async () => {
    const { server, url } = await startTestServer({
      CONSULTKIT_RATE_LIMITS: 'auth=2/30',
      CONSULTKIT_SEED_DEMO: 'false',
    });
    try {
      const answers: Answer[] = [];
      for (let i = 0; i < 4; i++) {
        answers.push(await call(url, 'GET', '/fhir/Appointment', { headers: { authorization: 'Bearer nope' } }));
      }
      assert.deepEqual(tally(answers), { 401: 2, 429: 2 });
      assertThrottled(answers.at(-1)!, 30);
    } finally {
      await server.close();
    }
  });
});

describe('the in-memory limiter', () => {
  it('counts in fixed windows, gives refunds back, and opens a new window when one ends', async () => {
    let now = 0;
    const limiter = new MemoryRateLimiter({ now: () => now });
    const limit = { count: 2, seconds: 10 };
    assert.equal((await limiter.take('b', 'k', limit)).allowed, true);
    const second = await limiter.take('b', 'k', limit);
    assert.equal(second.allowed, true);
    await second.refund();
    assert.equal((await limiter.take('b', 'k', limit)).allowed, true);
    const over = await limiter.take('b', 'k', limit);
    assert.deepEqual([over.allowed, over.resetAt], [false, 10_000]);
    assert.equal((await limiter.take('other', 'k', limit)).allowed, true, 'buckets are apart');
    now = 10_000;
    assert.equal((await limiter.take('b', 'k', limit)).allowed, true);
    await over.refund(); // a refund from an ended window changes nothing
    assert.equal((await limiter.take('b', 'k', limit)).allowed, true);
    assert.equal((await limiter.take('b', 'k', limit)).allowed, false);
  });

  it('holds at most maxKeys keys, forgetting the oldest windows first; nothing is left after close', async () => {
    let now = 0;
    const limiter = new MemoryRateLimiter({ maxKeys: 100, now: () => now });
    for (let i = 0; i < 1000; i++) {
      now++;
      await limiter.take('b', `k${i}`, { count: 1, seconds: 3600 });
    }
    assert.equal(limiter.size, 100);
    assert.equal((await limiter.take('b', 'k999', { count: 1, seconds: 3600 })).allowed, false, 'the newest are kept');
    await limiter.close();
    assert.equal(limiter.size, 0);
  });

  it('Throttle answers 429 throttled with Retry-After, and does nothing when limits are off', async () => {
    const now = () => 0;
    const throttle = new Throttle(
      new MemoryRateLimiter({ now }),
      { ...DEFAULT_RATE_LIMITS, auth: { count: 1, seconds: 90 } },
      now,
    );
    await throttle.take('auth', 'ip:x', 'tries');
    await assert.rejects(
      throttle.take('auth', 'ip:x', 'tries'),
      (error: Error & { status?: number; headers?: Record<string, string> }) => {
        assert.equal(error.status, 429);
        assert.deepEqual(error.headers, { 'retry-after': '90' });
        assert.match(
          error.message,
          /Too many tries \(at most 1 in 90 seconds\): try again in 90 seconds, after 1970-01-01T00:01:30Z/,
        );
        return true;
      },
    );
    const off = new Throttle(new MemoryRateLimiter({ now }), undefined, now);
    for (let i = 0; i < 100; i++) await off.take('auth', 'ip:x', 'tries');
  });

  it('keys IPv4 addresses as they are and IPv6 addresses by their /64', () => {
    assert.equal(addressKey('203.0.113.7'), 'ip:203.0.113.7');
    assert.equal(addressKey('::ffff:203.0.113.7'), 'ip:203.0.113.7');
    assert.equal(addressKey('2001:db8:1:2:aaaa::1'), 'ip6:2001:db8:1:2::/64');
    assert.equal(addressKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'), 'ip6:2001:db8:1:2::/64');
    assert.equal(addressKey('2001:db8::1'), 'ip6:2001:db8:0:0::/64');
    assert.equal(addressKey('::1'), 'ip6:0:0:0:0::/64');
    assert.equal(addressKey('fe80::1%eth0'), 'ip6:fe80:0:0:0::/64');
  });

  it('reads CONSULTKIT_RATE_LIMITS: defaults, off, and items that replace defaults', () => {
    assert.deepEqual(parseRateLimits(undefined), DEFAULT_RATE_LIMITS);
    assert.equal(parseRateLimits('off'), undefined);
    assert.equal(parseRateLimits(' OFF '), undefined);
    assert.deepEqual(parseRateLimits('redeem=3/5, booking=1000/600'), {
      ...DEFAULT_RATE_LIMITS,
      redeem: { count: 3, seconds: 5 },
      booking: { count: 1000, seconds: 600 },
    });
  });
});
