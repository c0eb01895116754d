/**
 * Odd cookies and headers on every route the server has, as an attacker sends them with curl:
 * never a 5xx, and every error an OperationOutcome. The routes come from the server itself
 * (`server.routes`, filled by an `onRoute` hook), so a new route is covered without editing this.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_SERVE, type ConsultKitServer } from './app.js';
import { randomUUID } from 'node:crypto';
import { BookingRepository } from './booking/repository.js';
import { StaffAccounts } from './staff/accounts.js';
import { ACTING_HEADER } from './staff/acting.js';
import { startTestServer, TEST_STAFF_KEY } from './test-helpers.js';

let server: ConsultKitServer;
let url: string;

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** UTF-8 bytes as a header value (Node sends each character of a latin1 string as one byte). */
const utf8 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

/**
 * One request over a plain socket: `headers` is a flat list (names may repeat), values are sent
 * byte for byte. An event stream is cut once its headers arrive.
 */
function send(
  method: string,
  path: string,
  headers: string[] = [],
  body?: string,
  localAddress?: string,
): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const list: Record<string, string[]> = {};
    for (let i = 0; i < headers.length; i += 2) (list[headers[i]!] ??= []).push(headers[i + 1]!);
    if (body !== undefined) list['content-length'] = [String(Buffer.byteLength(body, 'latin1'))];
    const req = httpRequest({ hostname, port, method, path, headers: list, ...(localAddress ? { localAddress } : {}) });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error(`no answer to ${method} ${path} in 5 s`)));
    req.on('response', (res) => {
      const contentType = String(res.headers['content-type'] ?? '');
      if (contentType.startsWith('text/event-stream')) {
        res.destroy();
        resolve({ status: res.statusCode ?? 0, contentType, text: '' });
        return;
      }
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType, text }));
      res.on('error', reject);
    });
    req.end(body === undefined ? undefined : Buffer.from(body, 'latin1'));
  });
}

/** A concrete path for a route pattern: parameters become `1`, wildcards a short word. */
function pathOf(pattern: string): string {
  return pattern.replace(/:[A-Za-z0-9_]+/g, '1').replace(/\*/g, 'x');
}

interface Case {
  name: string;
  /** Node's parser refuses it before any route: the answer cannot know the method was HEAD. */
  beforeRouting?: boolean;
  headers?: string[];
  query?: string;
  body?: string;
}

const AUTH = ['authorization', `Bearer ${TEST_STAFF_KEY}`];
const HUGE = 'a'.repeat(10 * 1024);

/** Cookies and Authorization headers, sent without other credentials. */
const CREDENTIAL_CASES: Case[] = [
  { name: 'ck_session=%zz', headers: ['cookie', 'ck_session=%zz'] },
  { name: 'ck_staff=%zz', headers: ['cookie', 'ck_staff=%zz'] },
  { name: 'ck_session=%', headers: ['cookie', 'ck_session=%'] },
  { name: 'ck_session=%E0%A4%A', headers: ['cookie', 'ck_session=%E0%A4%A'] },
  { name: 'a name of %zz', headers: ['cookie', '%zz=1; ck_session=%zz'] },
  { name: 'empty ck_session', headers: ['cookie', 'ck_session='] },
  { name: 'empty ck_staff', headers: ['cookie', 'ck_staff='] },
  { name: 'empty name', headers: ['cookie', '=x; =; ;;; ='] },
  { name: 'huge cookie', headers: ['cookie', `ck_session=${HUGE}`] },
  { name: 'cookie over 16 kB', headers: ['cookie', `ck_session=${'a'.repeat(20_000)}`], beforeRouting: true },
  {
    name: 'Authorization over 16 kB',
    headers: ['authorization', `Bearer ${'a'.repeat(20_000)}`],
    beforeRouting: true,
  },
  { name: 'huge ck_staff', headers: ['cookie', `ck_staff=${'9'.repeat(12)}.${HUGE}`] },
  { name: 'duplicated cookie', headers: ['cookie', 'ck_session=a.b.c; ck_session=d.e.f'] },
  { name: 'two Cookie headers', headers: ['cookie', 'ck_staff=1.x', 'cookie', 'ck_staff=2.y'] },
  { name: 'non-ASCII cookie', headers: ['cookie', utf8('ck_session=ñé‮日本; ck_staff=é')] },
  { name: 'non-ASCII cookie name', headers: ['cookie', utf8('ckñ_session=1')] },
  { name: 'ck_session garbage', headers: ['cookie', 'ck_session=eyJhbGciOiJub25lIn0.e30.'] },
  { name: 'ck_staff garbage', headers: ['cookie', 'ck_staff=99999999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'] },
  { name: 'ck_staff quoted', headers: ['cookie', 'ck_staff="1.x"'] },
  { name: 'Bearer alone', headers: ['authorization', 'Bearer'] },
  { name: 'Bearer and a space', headers: ['authorization', 'Bearer '] },
  { name: 'Bearer %zz', headers: ['authorization', 'Bearer %zz'] },
  { name: 'Bearer of 10 kB', headers: ['authorization', `Bearer ${HUGE}`] },
  { name: 'Bearer two words', headers: ['authorization', 'Bearer a b'] },
  { name: 'Basic', headers: ['authorization', 'Basic YWxhZGRpbjpvcGVuc2VzYW1l'] },
  { name: 'Bearer non-ASCII', headers: ['authorization', utf8('Bearer ñé日本')] },
  { name: 'booking reference shape', headers: ['authorization', 'Bearer CK-2222-2222-2222'] },
  { name: 'empty Authorization', headers: ['authorization', ''] },
];

/** Headers, query strings and bodies, sent with and without staff credentials. */
const REQUEST_CASES: Case[] = [
  { name: 'JSON cut short', headers: ['content-type', 'application/json'], body: '{"token":' },
  { name: 'FHIR JSON cut short', headers: ['content-type', 'application/fhir+json'], body: '{"resourceType":' },
  { name: 'JSON array', headers: ['content-type', 'application/fhir+json'], body: '[]' },
  { name: 'JSON null', headers: ['content-type', 'application/json'], body: 'null' },
  { name: 'JSON string', headers: ['content-type', 'application/json'], body: '"x"' },
  { name: 'empty JSON body', headers: ['content-type', 'application/json'], body: '' },
  { name: '__proto__ body', headers: ['content-type', 'application/json'], body: '{"__proto__":{"x":1}}' },
  { name: 'text/plain', headers: ['content-type', 'text/plain'], body: 'hello' },
  { name: 'form', headers: ['content-type', 'application/x-www-form-urlencoded'], body: 'token=x' },
  { name: 'multipart', headers: ['content-type', 'multipart/form-data; boundary=x'], body: '--x--' },
  { name: 'XML', headers: ['content-type', 'application/fhir+xml'], body: '<Appointment/>' },
  { name: 'UTF-16 JSON', headers: ['content-type', 'application/json; charset=utf-16'], body: '{}' },
  { name: 'garbage content-type', headers: ['content-type', ';;;/=='], body: '{}' },
  { name: 'non-ASCII content-type', headers: ['content-type', utf8('application/jsön')], body: '{}' },
  {
    name: 'two content-types',
    headers: ['content-type', 'application/json', 'content-type', 'text/plain'],
    body: '{}',
  },
  { name: 'content-type, no body', headers: ['content-type', 'application/json'] },
  { name: 'Accept XML', headers: ['accept', 'application/fhir+xml'] },
  { name: 'Accept garbage', headers: ['accept', '*/*;q=x, ;;, text/html;level=%zz'] },
  { name: 'Accept non-ASCII', headers: ['accept', utf8('téxt/html')] },
  { name: 'If-Match garbage', headers: ['if-match', 'W/"abc"'] },
  { name: 'If-Match huge number', headers: ['if-match', 'W/"99999999999999999999999"'] },
  { name: 'If-Match star', headers: ['if-match', '*'] },
  { name: 'If-Match unquoted', headers: ['if-match', '1'] },
  { name: 'If-Match non-ASCII', headers: ['if-match', utf8('W/"é"')] },
  { name: 'If-None-Exist %zz', headers: ['if-none-exist', 'identifier=%zz'] },
  { name: 'If-None-Exist garbage', headers: ['if-none-exist', '&&=|'] },
  { name: 'If-None-Exist non-ASCII', headers: ['if-none-exist', utf8('identifier=urn:x|ñ')] },
  { name: 'Range', headers: ['range', 'bytes=999999999-1'] },
  { name: 'repeated query parameters', query: '_count=1&_count=2&id=1&id=2&token=a&token=b&limit=1&limit=2' },
  { name: 'query of %zz', query: '%zz=%zz&status=%E0%A4%A' },
  { name: '__proto__ query', query: '__proto__=1&constructor=2' },
  { name: 'huge query value', query: `status=${HUGE}` },
  // The join page's language (src/i18n): repeated, markup, huge, and odd Accept-Language headers.
  { name: 'repeated lang', query: 'lang=ur&lang=cy&lang[]=pl' },
  { name: 'lang with markup', query: `lang=${encodeURIComponent('"><script>x</script>')}` },
  { name: 'huge lang', query: `lang=${HUGE}` },
  { name: 'Accept-Language garbage', headers: ['accept-language', 'cy;q=x, ;;, ur;q=-1, *;q=%zz, pl;q=1e999'] },
  { name: 'Accept-Language huge', headers: ['accept-language', `${'ur-PK;q=0.5,'.repeat(400)}cy`] },
];

/** Every registered route, once per method. */
const routes = () => {
  const seen = new Set<string>();
  return server.routes.filter(({ method, url: pattern }) => {
    const key = `${method} ${pattern}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

async function attack(cases: Case[], extra: string[] = [], only = (_url: string) => true): Promise<number> {
  const failures: string[] = [];
  let sent = 0;
  for (const { method, url: pattern } of routes().filter((route) => only(route.url))) {
    for (const c of cases) {
      if (c.beforeRouting && method === 'HEAD') continue;
      const path = `${pathOf(pattern)}${c.query ? `?${c.query}` : ''}`;
      const withBody = c.body !== undefined && method !== 'GET' && method !== 'HEAD';
      const answer = await send(method, path, [...extra, ...(c.headers ?? [])], withBody ? c.body : undefined);
      sent++;
      const what = `${method} ${path.slice(0, 60)} with ${c.name} → ${answer.status}`;
      if (answer.status >= 500) failures.push(`${what}: ${answer.text.slice(0, 200)}`);
      else if (answer.status >= 400 && method !== 'HEAD') {
        let body: { resourceType?: unknown; issue?: { diagnostics?: unknown }[] } = {};
        try {
          body = JSON.parse(answer.text) as typeof body;
        } catch {
          // not JSON: reported below
        }
        if (body.resourceType !== 'OperationOutcome' || typeof body.issue?.[0]?.diagnostics !== 'string') {
          failures.push(`${what}: not an OperationOutcome: ${answer.contentType} ${answer.text.slice(0, 120)}`);
        }
      }
    }
  }
  assert.deepEqual(failures, [], `${failures.length} of ${sent} requests`);
  return sent;
}

describe('odd cookies and headers on every route: never a 5xx, every error an OperationOutcome', () => {
  before(async () => {
    ({ server, url } = await startTestServer({ CONSULTKIT_RATE_LIMITS: 'off' }, DEFAULT_SERVE));
  });
  after(() => server.close());

  it('knows the routes it is about to attack', () => {
    const urls = routes().map((r) => `${r.method} ${r.url}`);
    for (const expected of [
      'GET /api/ice-servers',
      'POST /api/consultations/:id/arrived',
      'POST /api/consultations/:id/fulfilled',
      'POST /api/consultations/:id/clinician-token',
      'POST /api/consultations/:id/guests',
      'GET /api/consultations/:id/guests',
      'DELETE /api/consultations/:id/guests/:gid',
      'GET /api/consultations/:id/messages',
      'POST /fhir/Appointment',
      'GET /join/*',
      'GET /guides',
      'GET /guides/*',
      'POST /api/consultations/:id/uploads',
      'HEAD /api/consultations/:id/uploads/:doc',
      'PATCH /api/consultations/:id/uploads/:doc',
      'DELETE /api/consultations/:id/uploads/:doc',
      'GET /api/consultations/:id/documents',
      'GET /api/consultations/:id/documents/:doc',
      'POST /api/consultations/:id/documents/:doc/$file',
      'GET /fhir/DocumentReference',
      'GET /fhir/Binary/:id',
      'GET /api/recordings/:id/cda',
      'PUT /api/recordings/:id/chunks/:seq',
      'GET /api/recordings/:id/chunks',
      'POST /api/recordings/:id/finish',
      'GET /api/recordings/:id',
      'GET /api/recordings',
      'GET /api/recordings/:id/media',
      'GET /api/recordings/:id/audit',
      'DELETE /api/recordings/:id',
      'POST /api/consultations/:id/retrieval-link',
      'GET /api/my-consultation',
      'GET /my-consultation/:token',
      'GET /fhir/Consent',
      'GET /api/staff/sign-in',
      'GET /api/staff/callback',
      'POST /api/staff/sign-out',
      'GET /api/staff/me',
      'GET /api/audit',
      'GET /api/staff-conversations',
      'POST /api/staff-conversations',
      'GET /api/staff-conversations/:id/messages',
      'POST /api/staff-conversations/:id/messages',
      'PUT /api/staff-conversations/:id/read',
      'GET /api/staff/people',
      'POST /api/staff-calls',
      'POST /api/staff-calls/:id/join',
      'POST /api/staff-calls/:id/decline',
    ]) {
      assert.ok(urls.includes(expected), `${expected} in ${urls.join(', ')}`);
    }
  });

  it('odd tus headers on the document uploads and odd recording exports, as staff: a 4xx OperationOutcome each, never a 5xx', async () => {
    const staff = ['authorization', `Bearer ${TEST_STAFF_KEY}`, 'tus-resumable', '1.0.0'];
    const odd: [string, string, string[]][] = [
      ['POST', '/api/consultations/1/uploads', ['upload-length', '-1']],
      ['POST', '/api/consultations/1/uploads', ['upload-length', '1e3']],
      ['POST', '/api/consultations/1/uploads', ['upload-length', '9'.repeat(40)]],
      ['POST', '/api/consultations/1/uploads', ['upload-length', '10', 'upload-length', '20']],
      ['POST', '/api/consultations/1/uploads', ['upload-length', '10', 'upload-metadata', 'filename %%%,=,']],
      ['POST', '/api/consultations/1/uploads', ['upload-length', '10', 'upload-metadata', `a ${'QUFB'.repeat(2000)}`]],
      ['POST', '/api/consultations/1/uploads', ['upload-length', '10', 'upload-defer-length', '1']],
      ['POST', '/api/consultations/99999999999/uploads', ['upload-length', '10']],
      ['HEAD', '/api/consultations/1/uploads/..%2F..%2Fetc%2Fpasswd', []],
      ['PATCH', '/api/consultations/1/uploads/00000000000000000000000000000000', ['upload-offset', 'x']],
      [
        'PATCH',
        '/api/consultations/1/uploads/00000000000000000000000000000000',
        ['content-type', 'application/offset+octet-stream', 'upload-offset', '-5'],
      ],
      ['DELETE', '/api/consultations/1/uploads/%00', []],
      ['GET', '/api/consultations/1/documents/<script>?download=1&download=0', []],
      ['POST', '/api/consultations/1/documents/x/$file', []],
      ['GET', '/fhir/DocumentReference?patient=Patient/1&patient=Patient/2', []],
      ['GET', '/fhir/DocumentReference?patient=%3Cscript%3E', []],
      ['GET', '/fhir/DocumentReference?patient=Patient/1&_count=-1&_sort=x', []],
      ['GET', '/fhir/Binary/..%2Fsecret', []],
      ['GET', '/fhir/DocumentReference?patient=Patient/1&_offset=-3&_total=accurate&_total=none', []],
      ['GET', '/fhir/DocumentReference?patient=Patient/1&_summary=text', []],
      ['GET', '/fhir/DocumentReference?patient=Patient/1,Patient/2', []],
      ['GET', '/fhir/DocumentReference/..%2F..%2Fetc%2Fpasswd', []],
      ['GET', '/api/recordings/..%2F..%2Fetc%2Fpasswd/cda', []],
      ['GET', '/api/recordings/00000000000000000000000000000000/cda?x=1&x=2', []],
      ['GET', '/api/recordings/00000000000000000000000000000000/cda', ['accept', 'application/pdf']],
      ['GET', `/api/recordings/${'f'.repeat(32)}/cda`, ['accept', 'text/xml;q=abc']],
    ];
    for (const [method, path, headers] of odd) {
      const answer = await send(method, path, [...staff, ...headers], method === 'PATCH' ? 'abc' : undefined);
      assert.ok(
        answer.status >= 400 && answer.status < 500,
        `${method} ${path} ${headers.join(' ')} → ${answer.status}`,
      );
      if (method === 'HEAD') continue;
      const body = JSON.parse(answer.text) as { resourceType: string; issue: { diagnostics: string }[] };
      assert.equal(body.resourceType, 'OperationOutcome', answer.text);
      assert.equal(typeof body.issue[0]!.diagnostics, 'string');
    }
  });

  it('odd recording requests, as staff: a 4xx OperationOutcome each, never a 5xx', async () => {
    const staff = ['authorization', `Bearer ${TEST_STAFF_KEY}`];
    const id = '0123456789abcdef0123456789abcdef';
    const odd: [string, string, string[], string?][] = [
      ['PUT', `/api/recordings/${id}/chunks/99999999999`, ['content-type', 'video/webm'], 'abc'],
      ['PUT', `/api/recordings/${id}/chunks/-1`, ['content-type', 'video/webm'], 'abc'],
      ['PUT', `/api/recordings/${id}/chunks/1e3`, ['content-type', 'video/webm; codecs="vp8,opus"'], 'abc'],
      ['PUT', `/api/recordings/${id}/chunks/0`, ['content-type', 'video/webm', 'content-type', 'video/mp4'], 'abc'],
      ['PUT', '/api/recordings/..%2F..%2Fetc%2Fpasswd/chunks/0', ['content-type', 'video/webm'], 'abc'],
      ['POST', `/api/recordings/${id}/finish`, ['content-type', 'application/json'], '{"chunks":"x"}'],
      ['POST', `/api/recordings/${id}/finish`, ['content-type', 'application/json'], '{"chunks":1e308}'],
      ['GET', `/api/recordings/${id.toUpperCase()}`, []],
      ['GET', '/api/recordings?patient=1&patient=2', []],
      ['GET', '/api/recordings?patient=1&consultation=1', []],
      ['GET', '/api/recordings?consultation=%3Cscript%3E', []],
      ['GET', '/api/recordings?consultation=99999999999', []],
      ['GET', `/api/recordings/${id}/media?access=%zz&access=x`, ['range', 'bytes=0-1,,,-']],
      ['GET', `/api/recordings/${id}/media`, ['range', 'bytes=99999999999999999999-']],
      ['GET', `/api/recordings/${id}/audit?x=1`, []],
      ['DELETE', `/api/recordings/${id}`, []],
      ['POST', '/api/consultations/99999999999/retrieval-link', []],
      ['POST', '/api/consultations/999999/retrieval-link', []],
      ['GET', '/api/my-consultation', ['cookie', 'ck_retrieval=%zz']],
      ['GET', '/api/my-consultation', ['cookie', `ck_retrieval=1.patient.${'9'.repeat(13)}.${'A'.repeat(43)}`]],
      ['GET', '/api/my-consultation', ['cookie', 'ck_retrieval=a', 'cookie', 'ck_retrieval=b']],
    ];
    for (const [method, path, headers, body] of odd) {
      const answer = await send(method, path, [...staff, ...headers], body);
      assert.ok(
        answer.status >= 400 && answer.status < 500,
        `${method} ${path} ${headers.join(' ')} → ${answer.status}: ${answer.text.slice(0, 200)}`,
      );
      const outcome = JSON.parse(answer.text) as { resourceType: string; issue: { diagnostics: string }[] };
      assert.equal(outcome.resourceType, 'OperationOutcome', answer.text);
      assert.equal(typeof outcome.issue[0]!.diagnostics, 'string');
    }
  });

  it('odd messages between staff, as a named member of staff: a 4xx OperationOutcome each, never a 5xx', async () => {
    const repo = new BookingRepository(server.storage);
    const me = await repo.createPractitioner({ name: { given: ['Odd'], family: 'Input' } });
    const colleague = await repo.createPractitioner({ name: { given: ['Other'], family: 'Colleague' } });
    const accounts = new StaffAccounts(server.storage, Date.now);
    await accounts.setRoles(me, ['clinician']);
    await accounts.setRoles(colleague, ['receptionist']);
    const named = [...AUTH, ACTING_HEADER, String(me), 'content-type', 'application/json'];
    const id = randomUUID();
    const started = await send(
      'POST',
      '/api/staff-conversations',
      named,
      JSON.stringify({ id, members: [`${colleague}`] }),
    );
    assert.equal(started.status, 201, started.text);
    const path = `/api/staff-conversations/${id}`;
    const odd: [string, string, string[], string?][] = [
      ['GET', `${path}/messages?after=1&after=2`, []],
      ['GET', `${path}/messages?after[]=1`, []],
      ['GET', `${path}/messages?after=-1`, []],
      ['GET', `${path}/messages?after=abc`, []],
      ['GET', `${path}/messages?after=${'9'.repeat(40)}`, []],
      ['GET', `${path}/messages?__proto__=1`, []],
      ['GET', `/api/staff-conversations/${id.toUpperCase()}/messages`, []],
      ['GET', '/api/staff-conversations/..%2F..%2Fetc%2Fpasswd/messages', []],
      ['GET', `/api/staff-conversations/${randomUUID()}/messages`, []],
      ['POST', `${path}/messages`, [], `{"id":"${randomUUID()}","text":"a\\u0000b"}`],
      ['POST', `${path}/messages`, [], `{"id":"${randomUUID()}","text":"a\\ud800b"}`],
      ['POST', `${path}/messages`, [], JSON.stringify({ id: randomUUID(), text: 'x'.repeat(4001) })],
      ['POST', `${path}/messages`, [], JSON.stringify({ id: 'x', text: 'hi' })],
      ['POST', `${path}/messages`, [], '{"__proto__":{"id":1},"text":"hi"}'],
      ['POST', `${path}/messages`, [], '[]'],
      ['POST', `${path}/messages`, [], '{"id":1e999,"text":"hi"}'],
      ['PUT', `${path}/read`, [], '{"upTo":1e999}'],
      ['PUT', `${path}/read`, [], '{"upTo":-0.5}'],
      ['PUT', `${path}/read`, [], '{"upTo":null}'],
      ['POST', '/api/staff-conversations', [], JSON.stringify({ id: randomUUID(), members: [String(me)] })],
      ['POST', '/api/staff-conversations', [], JSON.stringify({ id: randomUUID(), members: { 0: String(colleague) } })],
      ['POST', '/api/staff-conversations', [], JSON.stringify({ id: randomUUID(), members: ['1'.repeat(400)] })],
      [
        'POST',
        '/api/staff-conversations',
        [],
        JSON.stringify({ id: randomUUID(), members: [String(colleague)], patient: 'Patient/1' }),
      ],
      ['POST', '/api/staff-conversations', [], JSON.stringify({ id, members: [String(colleague), String(me + 99)] })],
      ['GET', '/api/staff/people?name=a&name=b', []],
      ['GET', '/api/staff/people?name[]=a', []],
      ['GET', '/api/staff/people?name[a]=b', []],
      ['GET', '/api/staff/people?names=bennett', []],
      ['GET', '/api/staff/people?__proto__=1', []],
      ['GET', '/api/staff/people?name=a%00b', []],
      ['GET', '/api/staff/people?name=a%0Ab', []],
      ['GET', `/api/staff/people?name=${'k'.repeat(5000)}`, []],
      ['GET', '/api/staff/people?count=0', []],
      ['GET', '/api/staff/people?count=-1', []],
      ['GET', '/api/staff/people?count=51', []],
      ['GET', '/api/staff/people?count=1e1', []],
      ['GET', '/api/staff/people?count=2.5', []],
      ['GET', `/api/staff/people?count=${'9'.repeat(40)}`, []],
      ['GET', '/api/staff/people?count=1&count=2', []],
    ];
    for (const [method, target, headers, body] of odd) {
      const answer = await send(method, target, [...named, ...headers], body);
      assert.ok(
        answer.status >= 400 && answer.status < 500,
        `${method} ${target} ${body?.slice(0, 60)} → ${answer.status}: ${answer.text.slice(0, 200)}`,
      );
      const outcome = JSON.parse(answer.text) as { resourceType: string; issue: { diagnostics: string }[] };
      assert.equal(outcome.resourceType, 'OperationOutcome', answer.text);
      assert.equal(typeof outcome.issue[0]!.diagnostics, 'string');
    }
    // And the generic odd requests, past the person check.
    await attack(
      REQUEST_CASES,
      [...AUTH, ACTING_HEADER, String(me)],
      (route) => route.startsWith('/api/staff-conversations') || route.startsWith('/api/staff/people'),
    );
  });

  it('a ck_session cookie of %zz is no session: 401 on ICE servers, arrived and fulfilled', async () => {
    for (const [method, path] of [
      ['GET', '/api/ice-servers'],
      ['POST', '/api/consultations/1/arrived'],
      ['POST', '/api/consultations/1/fulfilled'],
    ] as const) {
      const answer = await send(method, path, ['cookie', 'ck_session=%zz']);
      assert.equal(answer.status, 401, `${method} ${path}: ${answer.text}`);
      const body = JSON.parse(answer.text) as { resourceType: string; issue: { diagnostics: string }[] };
      assert.equal(body.resourceType, 'OperationOutcome');
      assert.match(body.issue[0]!.diagnostics, /no consultation session/);
    }
  });

  it('a ck_staff cookie of %zz is no staff session: 401 on the outbox', async () => {
    const answer = await send('GET', '/api/outbox', ['cookie', 'ck_staff=%zz']);
    assert.equal(answer.status, 401, answer.text);
    assert.match(answer.text, /Staff credentials are required/);
  });

  it('what Node itself refuses (headers over 16 kB, a broken request line) is an OperationOutcome too', async () => {
    const big = await send('GET', '/api/ice-servers', ['cookie', `ck_session=${'a'.repeat(20_000)}`]);
    assert.equal(big.status, 431);
    assert.match(big.text, /"resourceType":"OperationOutcome".*under 16 kB/);
    const { hostname, port } = new URL(url);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => socket.end('GET /healthz HTTP/9.9 nonsense\r\n\0\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += String(chunk)));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    assert.match(raw, /^HTTP\/1\.1 400 /);
    assert.match(raw, /"resourceType":"OperationOutcome"/);
  });

  it('what the router refuses (an over-long path parameter, broken percent-encoding) is an OperationOutcome that does not echo the path', async () => {
    const marker = '<script>alert(1)</script>';
    const long = await send('GET', `/api/consultations/${'9'.repeat(500)}${encodeURIComponent(marker)}/guests`, AUTH);
    assert.equal(long.status, 414, long.text);
    assert.match(long.contentType, /^application\/fhir\+json/);
    const outcome = JSON.parse(long.text) as { resourceType: string; issue: { code: string; diagnostics: string }[] };
    assert.equal(outcome.resourceType, 'OperationOutcome');
    assert.equal(outcome.issue[0]!.code, 'too-long');
    assert.doesNotMatch(long.text, /script|9{20}/, 'the path is not echoed back');
    const broken = await send('GET', '/fhir/Slot/%E0%A4%A', AUTH);
    assert.ok(broken.status >= 400 && broken.status < 500, `${broken.status}: ${broken.text}`);
    assert.equal((JSON.parse(broken.text) as { resourceType: string }).resourceType, 'OperationOutcome');
  });

  it('odd cookies and Authorization headers', async () => {
    assert.ok((await attack(CREDENTIAL_CASES)) > 100);
  });

  it('odd content types, Accept, If-Match, If-None-Exist and repeated query parameters, anonymous', async () => {
    await attack(REQUEST_CASES);
  });

  it('the same with staff credentials, past the authentication checks', async () => {
    await attack(REQUEST_CASES, AUTH);
  });

  it('odd cookies beside a valid staff key', async () => {
    await attack(
      CREDENTIAL_CASES.filter((c) => c.headers?.[0] === 'cookie'),
      AUTH,
    );
  });
});

describe('odd cookies and headers on the development routes, in demo mode', () => {
  before(async () => {
    ({ server, url } = await startTestServer(
      { CONSULTKIT_DEMO: 'on', CONSULTKIT_SEED_DEMO: 'off', CONSULTKIT_RATE_LIMITS: 'off' },
      DEFAULT_SERVE,
    ));
    // The first sign-in meets the development provider (keys, discovery): not within `send`'s 5 s on a loaded machine.
    assert.equal((await fetch(`${url}/api/staff/sign-in`, { redirect: 'manual' })).status, 302);
  });
  after(() => server.close());

  const dev = (route: string) => route.startsWith('/api/dev/') || route.startsWith('/api/staff/');

  it('knows the development routes', () => {
    assert.deepEqual(
      routes()
        .filter((route) => route.url.startsWith('/api/dev/'))
        .map((route) => `${route.method} ${route.url}`)
        .sort(),
      ['POST /api/dev/join'],
    );
    const idp = routes().filter((route) => route.url.startsWith('/dev-idp'));
    assert.ok(idp.some((route) => route.method === 'GET' && route.url === '/dev-idp/*'));
    assert.ok(idp.some((route) => route.method === 'POST' && route.url === '/dev-idp/*'));
  });

  it('odd credentials, content types, Accept and query parameters: never a 5xx', async () => {
    assert.ok((await attack(CREDENTIAL_CASES, [], dev)) > 10);
    await attack(REQUEST_CASES, [], dev);
  });

  it('the development identity provider, given odd input at its endpoints, never answers a 5xx', async () => {
    // oidc-provider answers OAuth errors in OAuth's own JSON (RFC 6749) or as a page: not ours to reshape.
    const failures: string[] = [];
    const paths = [
      '/dev-idp/.well-known/openid-configuration',
      '/dev-idp/jwks',
      '/dev-idp/auth?client_id=consultkit-demo&response_type=code&scope=openid&redirect_uri=http://evil.example/',
      '/dev-idp/auth?client_id=x&client_id=y',
      '/dev-idp/token',
      '/dev-idp/interaction/%zz',
      '/dev-idp/interaction/abc/login',
      '/dev-idp/me',
      '/dev-idp/x',
    ];
    for (const path of paths) {
      for (const method of ['GET', 'POST']) {
        for (const c of [...CREDENTIAL_CASES.filter((k) => !k.beforeRouting), ...REQUEST_CASES]) {
          const withBody = c.body !== undefined && method === 'POST';
          const query = c.query ? `${path.includes('?') ? '&' : '?'}${c.query}` : '';
          const answer = await send(method, `${path}${query}`, c.headers ?? [], withBody ? c.body : undefined);
          if (answer.status >= 500) {
            failures.push(`${method} ${path} with ${c.name} → ${answer.status}: ${answer.text.slice(0, 200)}`);
          }
        }
      }
    }
    assert.deepEqual(failures, []);
  });
});
