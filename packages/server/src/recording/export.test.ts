/**
 * Exports of a finished recording, from outside: the FHIR DocumentReference checked by the `fhir`
 * validator and field by field, found by patient beside filed documents (paged, counted) and never
 * under another patient; the HL7 CDA R2 document validated by `xmllint` against the normative
 * schema (and a broken one shown to fail), hostile names and chat text round-tripping through it;
 * who may export (staff only), the audit, and the refusals. The recording rows and files are put
 * in place through the storage interface (the recording API that makes them is another module's).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'node:test';
import { promisify } from 'node:util';
import type { Appointment, Bundle, CapabilityStatement, DocumentReference, OperationOutcome } from 'fhir/r4.js';
import { Fhir } from 'fhir';
import type { ConsultKitServer } from '../app.js';
import { Api } from '../notify/test-support.js';
import {
  freshPostgresDatabase,
  seedBookingFixture,
  skippable,
  STAFF,
  startTestServer,
  TEST_NOW,
  type BookingFixture,
} from '../test-helpers.js';

const run = promisify(execFile);
const SCHEMA = fileURLToPath(
  new URL('../../../../vendor/hl7-cda-r2/schema/normative/infrastructure/cda/CDA.xsd', import.meta.url),
);

const ctx: { url: string; server: ConsultKitServer; api: Api; fixture: BookingFixture; dir: string; tmp: string } =
  {} as never;

const PRACTICE = 'Riverside & Sons <Surgery> "Upper"';
const ODS = 'Y12345';
/** A patient's name an attacker or a real family might give: markup, quotes, Arabic (RTL), emoji. */
const HOSTILE_NAME = { prefix: ['<b>Ms</b>'], given: ['مريم', 'Zoë "Z" 👩🏽‍⚕️'], family: `O'Brien & <script>x</script>` };
const HOSTILE_CHAT = [
  `<![CDATA[ ]]> </td></tr></table><script>alert("x")</script> & &amp;`,
  'שלום, אני בסדר 🙂 — مرحبا',
  'a bell \u0007 and a line\nbreak',
];
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), randomBytes(500)]);
const sha1 = (bytes: Buffer, encoding: 'hex' | 'base64') => createHash('sha1').update(bytes).digest(encoding);

interface Booked {
  appointment: Appointment;
  id: number;
  patientRef: string;
}

async function book(name?: Record<string, unknown>): Promise<Booked> {
  const { appointment } = await ctx.api.book('2026-03-02', {
    ...(name
      ? {
          patch: (body) => {
            (body['contained'] as { name: unknown[] }[])[0]!.name = [name];
          },
        }
      : {}),
  });
  const patientRef = appointment.participant.find((p) => p.actor?.reference?.startsWith('Patient/'))!.actor!.reference!;
  return { appointment, id: Number(appointment.id), patientRef };
}

/** A recording row and its file, as the recording API leaves a finished one. */
async function recording(
  appointmentId: number,
  options: {
    status?: string;
    startedAt: string;
    seconds?: number;
    keepSha1?: 'hex' | 'none';
    bytes?: Buffer;
  },
): Promise<{ id: string; bytes: Buffer; requestId: string }> {
  const id = randomBytes(16).toString('hex');
  const requestId = `req-${randomBytes(4).toString('hex')}`;
  const bytes = options.bytes ?? Buffer.concat([Buffer.from('000000206674797069736f6d', 'hex'), randomBytes(4000)]);
  await writeFile(join(ctx.dir, id), bytes);
  const started = new Date(options.startedAt);
  const ended = new Date(started.getTime() + (options.seconds ?? 300) * 1000);
  await ctx.server.storage.query(
    `INSERT INTO recording (id, appointment_id, request_id, capture, status, asked_by, started_at, ended_at, end_reason,
       capture_type, content_type, duration_seconds, size, sha256, sha1)
     VALUES ($1, $2, $3, 'composite', $4, 'peer-gp', $5, $6, 'stopped', 'video/mp4', 'video/mp4', $7, $8, $9, $10)`,
    [
      id,
      appointmentId,
      requestId,
      options.status ?? 'ready',
      started,
      ended,
      options.seconds ?? 300,
      bytes.length,
      createHash('sha256').update(bytes).digest('hex'),
      options.keepSha1 === 'none' ? null : sha1(bytes, 'hex'),
    ],
  );
  return { id, bytes, requestId };
}

async function consent(appointmentId: number, requestId: string, rows: [string, string, string, string, string][]) {
  for (const [peer, role, name, answer, at] of rows) {
    await ctx.server.storage.query(
      `INSERT INTO recording_consent (appointment_id, request_id, peer_id, role, name, answer, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [appointmentId, requestId, peer, role, name, answer, new Date(at)],
    );
  }
}

async function chat(appointmentId: number, messages: [string, string, string, string][]) {
  let seq = 0;
  for (const [role, name, body, at] of messages) {
    await ctx.server.storage.query(
      `INSERT INTO chat_message (consultation, seq, id, author_peer, author_role, author_name, body, sent_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [`appt-${appointmentId}`, ++seq, randomUUID(), `peer-${role}`, role, name, body, new Date(at)],
    );
  }
}

async function audit(recordingId: string): Promise<{ action: string; by_kind: string; from_address: string }[]> {
  return ctx.server.storage.query(
    'SELECT action, by_kind, from_address FROM recording_access WHERE recording_id = $1 ORDER BY id',
    [recordingId],
  );
}

async function outcome(response: Response): Promise<OperationOutcome> {
  assert.match(response.headers.get('content-type') ?? '', /application\/fhir\+json/);
  const body = (await response.json()) as OperationOutcome;
  assert.equal(body.resourceType, 'OperationOutcome');
  assert.equal(typeof body.issue[0]!.diagnostics, 'string');
  return body;
}

/** A clinician files a PNG to the patient's record through the real upload and filing routes. */
async function fileDocument(appointmentId: number): Promise<string> {
  const ticket = await ctx.api.call<{ token: string }>('POST', `/api/consultations/${appointmentId}/clinician-token`, {
    headers: STAFF,
  });
  assert.equal(ticket.status, 200, JSON.stringify(ticket.body));
  const bearer = { authorization: `Bearer ${ticket.body.token}` };
  const created = await fetch(`${ctx.url}/api/consultations/${appointmentId}/uploads`, {
    method: 'POST',
    headers: {
      ...bearer,
      'tus-resumable': '1.0.0',
      'upload-length': String(PNG.length),
      'upload-metadata': `filename ${Buffer.from('scan.png').toString('base64')}`,
    },
  });
  assert.equal(created.status, 201, await created.text());
  const location = created.headers.get('location')!;
  const sent = await fetch(`${ctx.url}${location}`, {
    method: 'PATCH',
    headers: {
      ...bearer,
      'tus-resumable': '1.0.0',
      'content-type': 'application/offset+octet-stream',
      'upload-offset': '0',
    },
    body: PNG,
  });
  assert.equal(sent.status, 204, await sent.text());
  const doc = location.split('/').pop()!;
  const filed = await fetch(`${ctx.url}/api/consultations/${appointmentId}/documents/${doc}/$file`, {
    method: 'POST',
    headers: bearer,
  });
  assert.equal(filed.status, 201, await filed.text());
  return doc;
}

/** The CDA document of a recording, as staff export it; written to a file for xmllint. */
async function exportCda(id: string, headers: Record<string, string> = {}): Promise<{ xml: string; file: string }> {
  const answer = await fetch(`${ctx.url}/api/recordings/${id}/cda`, { headers: { ...STAFF, ...headers } });
  assert.equal(answer.status, 200, await answer.clone().text());
  const xml = await answer.text();
  const file = join(ctx.tmp, `${id}-${randomBytes(3).toString('hex')}.xml`);
  await writeFile(file, xml);
  return { xml, file };
}

/** `xmllint --schema`: whether it validates, and what it said. */
async function validate(file: string): Promise<{ valid: boolean; output: string }> {
  try {
    const { stderr } = await run('xmllint', ['--noout', '--schema', SCHEMA, file]);
    return { valid: true, output: stderr };
  } catch (error) {
    const failure = error as { code?: number; stderr?: string };
    return { valid: false, output: failure.stderr ?? String(error) };
  }
}

/** An XPath over the CDA namespace, by local names: `path('custodian', 'name')` → `//*[local-name()='custodian']//…`. */
const path = (...names: string[]) => names.map((n) => `//*[local-name()='${n}']`).join('');

async function xpath(file: string, expression: string): Promise<string> {
  const { stdout } = await run('xmllint', ['--xpath', expression, file]);
  // xmllint ends what it prints with one newline of its own.
  return stdout.replace(/\n$/, '');
}

const DATABASE_URL = process.env['DATABASE_URL'];

// On the embedded PGlite, and on PostgreSQL when DATABASE_URL names one (.ci/run provides it): the
// search's union and the row types (bigint sizes, counts) are each database's own.
for (const storage of ['PGlite', 'PostgreSQL'] as const) {
  describe(`recording export: FHIR DocumentReference and HL7 CDA R2 (${storage})`, () => {
    const { it, before, after } = skippable(
      storage === 'PostgreSQL' && !DATABASE_URL ? 'DATABASE_URL is not set (.ci/run provides PostgreSQL)' : false,
    );
    let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
    before(async () => {
      if (storage === 'PostgreSQL') database = await freshPostgresDatabase();
      ctx.dir = await mkdtemp(join(tmpdir(), 'ck-recordings-export-'));
      ctx.tmp = await mkdtemp(join(tmpdir(), 'ck-cda-'));
      const { server, url } = await startTestServer(
        {
          CONSULTKIT_SEED_DEMO: 'false',
          CONSULTKIT_JOIN_EARLY_MINUTES: '1440',
          CONSULTKIT_RECORDINGS_DIR: ctx.dir,
          CONSULTKIT_DOCUMENTS_DIR: join(ctx.dir, 'documents'),
          CONSULTKIT_PRACTICE_NAME: PRACTICE,
          CONSULTKIT_PRACTICE_ODS_CODE: ODS,
          ...(database ? { DATABASE_URL: database.url } : {}),
        },
        {},
        { now: () => TEST_NOW },
      );
      Object.assign(ctx, { server, url, fixture: await seedBookingFixture(server.storage) });
      ctx.api = new Api(url, ctx.fixture.gp.scheduleId);
    });
    after(async () => {
      await ctx.server?.close();
      await rm(ctx.dir, { recursive: true, force: true });
      await rm(ctx.tmp, { recursive: true, force: true });
      await database?.dispose();
    });

    it('a ready recording is a UK Core DocumentReference: valid for the fhir validator, and field by field', async () => {
      const { id: appointmentId, patientRef, appointment } = await book();
      // One keeps its SHA-1 as hex, one none at all (computed from the file): both come out as FHIR's base64.
      for (const keepSha1 of ['hex', 'none'] as const) {
        const rec = await recording(appointmentId, { startedAt: '2026-03-02T09:01:00Z', seconds: 420, keepSha1 });
        const answer = await ctx.api.call<DocumentReference>('GET', `/fhir/DocumentReference/${rec.id}`, {
          headers: STAFF,
        });
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        const reference = answer.body;
        const validation = new Fhir().validate(reference, { errorOnUnexpected: true });
        assert.deepEqual(
          validation.messages.filter((m) => m.severity === 'error'),
          [],
          JSON.stringify(validation.messages),
        );
        assert.equal(validation.valid, true);
        assert.equal(reference.resourceType, 'DocumentReference');
        assert.equal(reference.id, rec.id);
        assert.deepEqual(reference.meta?.profile, [
          'https://fhir.hl7.org.uk/StructureDefinition/UKCore-DocumentReference',
        ]);
        assert.deepEqual(reference.identifier, [{ system: 'urn:consultkit:recording', value: rec.id }]);
        assert.equal(reference.status, 'current');
        assert.deepEqual(reference.type?.coding, [
          { system: 'http://snomed.info/sct', code: '371530004', display: 'Clinical consultation report' },
        ]);
        assert.deepEqual(reference.category?.[0]?.coding, [
          { system: 'http://loinc.org', code: '11488-4', display: 'Consult note' },
        ]);
        assert.equal(reference.subject?.reference, patientRef);
        assert.equal(reference.subject?.display, 'Grace Hopper');
        const practitioner = appointment.participant.find((p) => p.actor?.reference?.startsWith('Practitioner/'))!;
        assert.deepEqual(reference.author, [{ reference: practitioner.actor!.reference, display: 'Dr Ada Test' }]);
        assert.deepEqual(reference.custodian, {
          identifier: { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: ODS },
          display: PRACTICE,
        });
        assert.deepEqual(reference.context?.encounter, [
          {
            type: 'Encounter',
            identifier: { system: 'urn:consultkit:consultation', value: `appt-${appointmentId}` },
            display: 'Video consultation',
          },
        ]);
        assert.deepEqual(reference.context?.related, [{ reference: `Appointment/${appointmentId}` }]);
        assert.deepEqual(reference.context?.period, {
          start: '2026-03-02T09:01:00.000Z',
          end: '2026-03-02T09:08:00.000Z',
        });
        assert.equal(reference.date, '2026-03-02T09:08:00.000Z');
        const attachment = reference.content[0]!.attachment;
        assert.equal(attachment.contentType, 'video/mp4');
        assert.equal(attachment.url, `${ctx.url}/api/recordings/${rec.id}/media`);
        assert.equal(attachment.size, rec.bytes.length);
        assert.equal(attachment.hash, sha1(rec.bytes, 'base64'), 'base64 of the SHA-1 (FHIR R4 Attachment.hash)');
        assert.equal(attachment.creation, '2026-03-02T09:08:00.000Z');
        assert.equal(attachment.title, 'Consultation recording 2026-03-02');
        assert.deepEqual(
          (await audit(rec.id)).map((a) => [a.action, a.by_kind]),
          [['export-fhir', 'staff']],
        );
      }
      const metadata = await ctx.api.call<CapabilityStatement>('GET', '/fhir/metadata');
      const entry = metadata.body.rest![0]!.resource!.find((r) => r.type === 'DocumentReference')!;
      assert.match(entry.documentation!, /recording/);
      assert.ok(entry.searchParam!.some((p) => p.name === '_total'));
    });

    it('a ready recording whose file is gone still exports (without a hash), never a 5xx', async () => {
      const { id: appointmentId } = await book();
      const rec = await recording(appointmentId, { startedAt: '2026-03-02T09:01:00Z', keepSha1: 'none' });
      await rm(join(ctx.dir, rec.id));
      const answer = await ctx.api.call<DocumentReference>('GET', `/fhir/DocumentReference/${rec.id}`, {
        headers: STAFF,
      });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(new Fhir().validate(answer.body, { errorOnUnexpected: true }).valid, true);
      assert.equal(answer.body.content[0]!.attachment.hash, undefined);
      assert.equal(answer.body.content[0]!.attachment.size, rec.bytes.length);
      const { file } = await exportCda(rec.id);
      const result = await validate(file);
      assert.equal(result.valid, true, result.output);
      assert.equal(
        await xpath(file, `count(${path('observationMedia')}/*[local-name()='value']/@integrityCheck)`),
        '0',
      );
    });

    it('search by patient finds their recordings beside their filed documents, paged and counted; never another patient’s', async () => {
      const mine = await book();
      const theirs = await book();
      const doc = await fileDocument(mine.id);
      const early = await recording(mine.id, { startedAt: '2026-03-01T09:00:00Z', seconds: 60 });
      const late = await recording(mine.id, { startedAt: '2099-01-01T09:00:00Z', seconds: 60 });
      const notReady = await recording(mine.id, { startedAt: '2026-03-02T09:30:00Z', status: 'processing' });
      const other = await recording(theirs.id, { startedAt: '2026-03-02T09:00:00Z' });

      const all = await ctx.api.call<Bundle>(
        'GET',
        `/fhir/DocumentReference?patient=${mine.patientRef}&_total=accurate`,
        {
          headers: STAFF,
        },
      );
      assert.equal(all.status, 200, JSON.stringify(all.body));
      const validation = new Fhir().validate(all.body);
      assert.equal(validation.valid, true, JSON.stringify(validation.messages));
      const ids = all.body.entry!.map((e) => e.resource!.id);
      // Newest first: the recording that ends in 2099, the document filed now (TEST_NOW, 2 March 08:00),
      // then the recording that ended on 1 March at 09:01. The one still processing is not listed.
      assert.deepEqual(ids, [late.id, doc, early.id]);
      assert.equal(all.body.total, 3);
      assert.ok(!ids.includes(notReady.id));
      assert.ok(!ids.includes(other.id), "another patient's recording is not listed");

      const first = await ctx.api.call<Bundle>('GET', `/fhir/DocumentReference?patient=${mine.patientRef}&_count=2`, {
        headers: STAFF,
      });
      assert.deepEqual(
        first.body.entry!.map((e) => e.resource!.id),
        [late.id, doc],
      );
      assert.equal(first.body.total, undefined, 'no total unless asked');
      const next = first.body.link!.find((l) => l.relation === 'next')!.url;
      assert.ok(next.startsWith(`${ctx.url}/fhir/DocumentReference?`), next);
      const second = await ctx.api.call<Bundle>('GET', next.slice(ctx.url.length), { headers: STAFF });
      assert.deepEqual(
        second.body.entry!.map((e) => e.resource!.id),
        [early.id],
      );
      assert.equal(
        second.body.link!.find((l) => l.relation === 'next'),
        undefined,
      );

      const counted = await ctx.api.call<Bundle>(
        'GET',
        `/fhir/DocumentReference?subject=${mine.patientRef}&_summary=count`,
        {
          headers: STAFF,
        },
      );
      assert.equal(counted.body.total, 3);
      assert.deepEqual(counted.body.entry ?? [], []);

      const theirsFound = await ctx.api.call<Bundle>('GET', `/fhir/DocumentReference?patient=${theirs.patientRef}`, {
        headers: STAFF,
      });
      assert.deepEqual(
        theirsFound.body.entry!.map((e) => e.resource!.id),
        [other.id],
      );

      // Staff only: a stranger 401, the patient's own booking reference 403 (as for filed documents).
      const stranger = await fetch(`${ctx.url}/fhir/DocumentReference?patient=${mine.patientRef}`);
      assert.equal(stranger.status, 401);
      await outcome(stranger);
      const reference = (
        await ctx.server.storage.query<{ booking_reference: string }>(
          'SELECT booking_reference FROM appointment WHERE id = $1',
          [mine.id],
        )
      )[0]!.booking_reference;
      for (const path of [
        `/fhir/DocumentReference?patient=${mine.patientRef}`,
        `/fhir/DocumentReference/${early.id}`,
      ]) {
        const asPatient = await fetch(`${ctx.url}${path}`, { headers: { authorization: `Bearer ${reference}` } });
        assert.equal(asPatient.status, 403, path);
        await outcome(asPatient);
      }
      const processing = await fetch(`${ctx.url}/fhir/DocumentReference/${notReady.id}`, { headers: STAFF });
      assert.equal(processing.status, 404);
      await outcome(processing);
      // Odd searches: two patients, an unknown parameter, a sort we do not have.
      for (const query of [
        `patient=${mine.patientRef},${theirs.patientRef}`,
        `patient=${mine.patientRef}&patient=${theirs.patientRef}`,
        `patient=${mine.patientRef}&status=current`,
        `patient=${mine.patientRef}&_sort=date`,
        `patient=${mine.patientRef}&_total=maybe`,
        '',
      ]) {
        const odd = await fetch(`${ctx.url}/fhir/DocumentReference?${query}`, { headers: STAFF });
        assert.equal(odd.status, 400, query);
        await outcome(odd);
      }
    });

    it('the CDA document validates against the CDA R2 schema, and says who, whose, when and what', async () => {
      const { id: appointmentId, patientRef } = await book();
      const rec = await recording(appointmentId, { startedAt: '2026-03-02T09:01:00Z', seconds: 420 });
      await consent(appointmentId, rec.requestId, [
        ['peer-gp', 'clinician', 'Dr Ada Test', 'agreed', '2026-03-02T09:00:30Z'],
        ['peer-pt', 'patient', 'Grace Hopper', 'asked', '2026-03-02T09:00:30Z'],
        ['peer-pt', 'patient', 'Grace Hopper', 'agreed', '2026-03-02T09:00:55Z'],
      ]);
      await chat(appointmentId, [
        ['patient', 'Grace Hopper', 'Hello doctor', '2026-03-02T09:02:00Z'],
        ['clinician', 'Dr Ada Test', 'Hello, how can I help?', '2026-03-02T09:02:10Z'],
      ]);
      const answer = await fetch(`${ctx.url}/api/recordings/${rec.id}/cda`, { headers: STAFF });
      assert.equal(answer.status, 200);
      assert.equal(answer.headers.get('content-type'), 'application/cda+xml; charset=utf-8');
      assert.equal(answer.headers.get('x-content-type-options'), 'nosniff');
      assert.match(answer.headers.get('content-security-policy') ?? '', /sandbox/);
      await answer.arrayBuffer();
      const { file } = await exportCda(rec.id);
      const result = await validate(file);
      assert.equal(result.valid, true, result.output);
      assert.match(result.output, /validates/);

      const value = (expression: string) => xpath(file, `string(${expression})`);
      assert.equal(await value(`${path('typeId')}/@root`), '2.16.840.1.113883.1.3');
      assert.equal(await value(`${path('typeId')}/@extension`), 'POCD_HD000040');
      assert.equal(await value(`/*/*[local-name()='id']/@extension`), rec.id);
      assert.match(
        await value(`/*/*[local-name()='id']/@root`),
        /^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/,
      );
      assert.equal(await value(`/*/*[local-name()='code']/@code`), '11488-4');
      assert.equal(await value(`/*/*[local-name()='code']/@codeSystem`), '2.16.840.1.113883.6.1');
      assert.match(await value(`/*/*[local-name()='title']`), /Dr Ada Test/);
      assert.equal(await value(`${path('confidentialityCode')}/@code`), 'N');
      assert.equal(await value(`${path('confidentialityCode')}/@codeSystem`), '2.16.840.1.113883.5.25');
      assert.equal(await value(`${path('languageCode')}/@code`), 'en-GB');
      assert.equal(await value(`${path('recordTarget')}${path('id')}/@extension`), patientRef);
      assert.equal(await value(`${path('recordTarget')}${path('family')}`), 'Hopper');
      assert.equal(await value(`${path('recordTarget')}${path('birthTime')}/@value`), '19800102');
      assert.equal(await value(`${path('author')}/*[local-name()='time']/@value`), '20260302090800+0000');
      assert.equal(await value(`${path('assignedPerson')}${path('family')}`), 'Test');
      assert.equal(
        await value(`${path('representedCustodianOrganization')}${path('id')}/@root`),
        '2.16.840.1.113883.2.1.3.2.4.19.1',
      );
      assert.equal(await value(`${path('representedCustodianOrganization')}${path('id')}/@extension`), ODS);
      assert.equal(await value(`${path('representedCustodianOrganization')}${path('name')}`), PRACTICE);
      assert.equal(await value(`${path('encompassingEncounter')}${path('low')}/@value`), '20260302090100+0000');
      assert.equal(await value(`${path('encompassingEncounter')}${path('high')}/@value`), '20260302090800+0000');
      // The narrative: details with every consent answer, the transcript, the recording rendered and linked.
      const section = (title: string) => `//*[local-name()='section'][*[local-name()='title']='${title}']`;
      const consents = await value(`${section('Consultation')}`);
      assert.match(consents, /Grace Hopper.*Patient.*Asked.*Grace Hopper.*Patient.*Agreed/s);
      assert.match(consents, /Dr Ada Test.*Clinician.*Agreed/s);
      assert.equal(await value(`count(${section('Chat transcript')}//*[local-name()='tbody']/*)`), '2');
      assert.equal(
        await value(`${section('Chat transcript')}//*[local-name()='tbody']/*[2]/*[3]`),
        'Hello, how can I help?',
      );
      const media = `${ctx.url}/api/recordings/${rec.id}/media`;
      assert.equal(await value(`${section('Recording')}${path('linkHtml')}/@href`), media);
      assert.equal(
        await value(`${path('renderMultiMedia')}/@referencedObject`),
        await value(`${path('observationMedia')}/@ID`),
      );
      assert.equal(await value(`${path('observationMedia')}${path('reference')}/@value`), media);
      assert.equal(
        await value(`${path('observationMedia')}/*[local-name()='value']/@integrityCheck`),
        sha1(rec.bytes, 'base64'),
      );
      assert.equal(await value(`${path('observationMedia')}/*[local-name()='value']/@mediaType`), 'video/mp4');
      assert.deepEqual(
        (await audit(rec.id)).map((a) => [a.action, a.by_kind]),
        [
          ['export-cda', 'staff'],
          ['export-cda', 'staff'],
        ],
      );
    });

    it('a CDA document without its custodian fails the schema, and the error names custodian', async () => {
      const { id: appointmentId } = await book();
      const rec = await recording(appointmentId, { startedAt: '2026-03-02T09:01:00Z' });
      const { xml } = await exportCda(rec.id);
      const broken = xml.replace(/<custodian>[\s\S]*?<\/custodian>/, '');
      assert.notEqual(broken, xml, 'the custodian was there to remove');
      const file = join(ctx.tmp, 'no-custodian.xml');
      await writeFile(file, broken);
      const result = await validate(file);
      assert.equal(result.valid, false);
      assert.match(result.output, /custodian/);
      assert.match(result.output, /fails to validate/);
    });

    it('hostile names, practice and chat text still validate and come back as they were written', async () => {
      const { id: appointmentId } = await book(HOSTILE_NAME);
      const rec = await recording(appointmentId, { startedAt: '2026-03-02T09:01:00Z' });
      await consent(appointmentId, rec.requestId, [
        ['peer-pt', 'patient', `${HOSTILE_NAME.given[0]} ${HOSTILE_NAME.family}`, 'agreed', '2026-03-02T09:00:55Z'],
      ]);
      await chat(
        appointmentId,
        HOSTILE_CHAT.map((text, i): [string, string, string, string] => [
          'patient',
          HOSTILE_NAME.given[1]!,
          text,
          `2026-03-02T09:0${i + 2}:00Z`,
        ]),
      );
      const { xml, file } = await exportCda(rec.id);
      assert.doesNotMatch(xml, /<script>|<b>|<!\[CDATA\[/, 'no markup of the input survives as markup');
      const result = await validate(file);
      assert.equal(result.valid, true, result.output);
      const value = (expression: string) => xpath(file, `string(${expression})`);
      assert.equal(await value(`${path('recordTarget')}${path('family')}`), HOSTILE_NAME.family);
      assert.equal(await value(`${path('recordTarget')}${path('prefix')}`), HOSTILE_NAME.prefix[0]);
      assert.equal(
        await value(`${path('recordTarget')}/descendant::*[local-name()='given'][1]`),
        HOSTILE_NAME.given[0],
      );
      assert.equal(
        await value(`${path('recordTarget')}/descendant::*[local-name()='given'][2]`),
        HOSTILE_NAME.given[1],
      );
      assert.equal(await value(`${path('representedCustodianOrganization')}${path('name')}`), PRACTICE);
      const cell = (row: number) =>
        value(
          `//*[local-name()='section'][*[local-name()='title']='Chat transcript']//*[local-name()='tbody']/*[${row}]/*[3]`,
        );
      assert.equal(await cell(1), HOSTILE_CHAT[0]);
      assert.equal(await cell(2), HOSTILE_CHAT[1]);
      // A control character XML cannot carry becomes U+FFFD; the rest is kept.
      assert.equal(await cell(3), HOSTILE_CHAT[2]!.replace('\u0007', '\uFFFD'));
      assert.match(
        await value(
          `//*[local-name()='section'][*[local-name()='title']='Chat transcript']//*[local-name()='tbody']/*[1]/*[2]`,
        ),
        /Zoë "Z" 👩🏽‍⚕️ \(Patient\)/,
      );
    });

    it('who may export a CDA document, what others get, and which type is served', async () => {
      const { id: appointmentId } = await book();
      const rec = await recording(appointmentId, { startedAt: '2026-03-02T09:01:00Z' });
      const path = `/api/recordings/${rec.id}/cda`;
      const stranger = await fetch(`${ctx.url}${path}`);
      assert.equal(stranger.status, 401);
      await outcome(stranger);
      const reference = (
        await ctx.server.storage.query<{ booking_reference: string }>(
          'SELECT booking_reference FROM appointment WHERE id = $1',
          [appointmentId],
        )
      )[0]!.booking_reference;
      const patient = await fetch(`${ctx.url}${path}`, { headers: { authorization: `Bearer ${reference}` } });
      assert.equal(patient.status, 403);
      await outcome(patient);
      const ticket = await ctx.api.call<{ token: string }>(
        'POST',
        `/api/consultations/${appointmentId}/clinician-token`,
        {
          headers: STAFF,
        },
      );
      const session = await fetch(`${ctx.url}${path}`, { headers: { authorization: `Bearer ${ticket.body.token}` } });
      assert.equal(session.status, 401, 'a consultation session is not a staff credential');
      await outcome(session);
      assert.deepEqual(
        (await audit(rec.id)).map((a) => [a.action, a.by_kind]),
        [
          ['refused', 'anonymous'],
          ['refused', 'patient'],
        ],
      );
      // Unknown, not finished, deleted: 404, 409, 410.
      const processing = await recording(appointmentId, { startedAt: '2026-03-02T09:20:00Z', status: 'processing' });
      const deleted = await recording(appointmentId, { startedAt: '2026-03-02T09:30:00Z', status: 'deleted' });
      for (const [id, status] of [
        ['0'.repeat(32), 404],
        ['..%2F..%2Fetc%2Fpasswd', 404],
        [processing.id, 409],
        [deleted.id, 410],
      ] as const) {
        const answer = await fetch(`${ctx.url}/api/recordings/${id}/cda`, { headers: STAFF });
        assert.equal(answer.status, status, id);
        await outcome(answer);
      }
      // Types: the registered CDA type by default; plain XML when only that is acceptable; else 406.
      for (const [accept, type] of [
        ['application/cda+xml', 'application/cda+xml; charset=utf-8'],
        ['*/*', 'application/cda+xml; charset=utf-8'],
        ['text/xml', 'text/xml; charset=utf-8'],
        ['application/json;q=1, application/xml;q=0.5', 'application/xml; charset=utf-8'],
      ] as const) {
        const answer = await fetch(`${ctx.url}${path}`, { headers: { ...STAFF, accept } });
        assert.equal(answer.status, 200, accept);
        assert.equal(answer.headers.get('content-type'), type, accept);
        await answer.arrayBuffer();
      }
      for (const accept of ['application/json', 'text/xml;q=0, application/cda+xml;q=0, application/xml;q=0']) {
        const answer = await fetch(`${ctx.url}${path}`, { headers: { ...STAFF, accept } });
        assert.equal(answer.status, 406, accept);
        await outcome(answer);
      }
      const head = await fetch(`${ctx.url}${path}`, { method: 'HEAD', headers: STAFF });
      assert.equal(head.status, 200);
      assert.equal((await audit(rec.id)).at(-1)!.action, 'metadata', 'a HEAD is not an export');
      const withQuery = await fetch(`${ctx.url}${path}?format=pdf&format=xml`, { headers: STAFF });
      assert.equal(withQuery.status, 400);
      await outcome(withQuery);
    });
  });
}
