/**
 * Documents in a consultation, from outside: tus uploads with plain `fetch` and tickets from the
 * real join endpoints, live notices on bare signalling sockets, refusals (size, type, name, who),
 * the bytes as served, filing to the record as a FHIR DocumentReference checked field by field and
 * by the `fhir` validator, and an upload resumed across a restart of the server (PGlite on disk).
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Binary, Bundle, CapabilityStatement, DocumentReference, OperationOutcome } from 'fhir/r4.js';
import { Fhir } from 'fhir';
import type { DocumentInfo, DocumentList } from '@consultkit/core/contract';
import WebSocket from 'ws';
import type { ConsultKitServer } from '../app.js';
import { Api, until, type Ticket } from '../notify/test-support.js';
import { seedBookingFixture, STAFF, startTestServer, TEST_NOW, type BookingFixture } from '../test-helpers.js';

interface Page {
  ticket: Ticket;
  received: { type: string; payload?: unknown }[];
  send(message: object): void;
  close(): void;
}

const ctx: { url: string; server: ConsultKitServer; api: Api; fixture: BookingFixture; dir: string } = {} as never;

/** A PNG's first bytes and some more: what the server sniffs. */
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), randomBytes(2000)]);
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(3000)]);
const HEIC = Buffer.concat([Buffer.from('000000186674797068656963', 'hex'), randomBytes(100)]);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const b64 = (text: string) => Buffer.from(text).toString('base64');

async function openPage(ticket: Ticket): Promise<Page> {
  const ws = new WebSocket(
    `${ctx.url.replace('http', 'ws')}/signal/peerjs?key=consultkit&id=${ticket.peerId}&token=${ticket.token}`,
  );
  const received: Page['received'] = [];
  await new Promise<void>((resolve, reject) => {
    ws.on('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as Page['received'][number];
      received.push(message);
      if (message.type === 'OPEN') resolve();
    });
    ws.on('error', () => undefined);
  });
  return { ticket, received, send: (m) => ws.send(JSON.stringify(m)), close: () => ws.close() };
}

const clinician = (appointmentId: string) => ctx.api.clinicianTicket(appointmentId);
const patient = (appointmentId: string) => ctx.api.patientTicket(appointmentId);

const bearer = (ticket: Ticket) => ({ authorization: `Bearer ${ticket.token}` });
const TUS = { 'tus-resumable': '1.0.0' };

async function create(id: string, headers: Record<string, string>, name: string, size: number) {
  return fetch(`${ctx.url}/api/consultations/${id}/uploads`, {
    method: 'POST',
    headers: { ...TUS, ...headers, 'upload-length': String(size), 'upload-metadata': `filename ${b64(name)}` },
  });
}

async function patch(location: string, headers: Record<string, string>, offset: number, bytes: Buffer) {
  return fetch(`${ctx.url}${location}`, {
    method: 'PATCH',
    headers: {
      ...TUS,
      ...headers,
      'content-type': 'application/offset+octet-stream',
      'upload-offset': String(offset),
    },
    body: bytes,
  });
}

async function outcome(response: Response): Promise<OperationOutcome> {
  assert.match(response.headers.get('content-type') ?? '', /application\/fhir\+json/);
  const body = (await response.json()) as OperationOutcome;
  assert.equal(body.resourceType, 'OperationOutcome');
  return body;
}

/** Uploads `bytes` as `name` in two PATCHes; returns the document's id. */
async function upload(id: string, headers: Record<string, string>, name: string, bytes: Buffer): Promise<string> {
  const created = await create(id, headers, name, bytes.length);
  assert.equal(created.status, 201, await created.text());
  const location = created.headers.get('location')!;
  const half = Math.floor(bytes.length / 2);
  const first = await patch(location, headers, 0, bytes.subarray(0, half));
  assert.equal(first.status, 204, await first.text());
  assert.equal(first.headers.get('upload-offset'), String(half));
  const second = await patch(location, headers, half, bytes.subarray(half));
  assert.equal(second.status, 204, await second.text());
  return location.split('/').pop()!;
}

describe('documents in a consultation', () => {
  const pages: Page[] = [];
  before(async () => {
    ctx.dir = await mkdtemp(join(tmpdir(), 'ck-documents-test-'));
    const { server, url } = await startTestServer(
      { CONSULTKIT_SEED_DEMO: 'false', CONSULTKIT_JOIN_EARLY_MINUTES: '1440', CONSULTKIT_DOCUMENTS_DIR: ctx.dir },
      {},
      { now: () => TEST_NOW },
    );
    Object.assign(ctx, { server, url, fixture: await seedBookingFixture(server.storage) });
    ctx.api = new Api(url, ctx.fixture.gp.scheduleId);
  });
  after(async () => {
    for (const page of pages) page.close();
    await ctx.server?.close();
    await rm(ctx.dir, { recursive: true, force: true });
  });

  /** A consultation with its clinician and patient on their sockets, the patient let in. */
  async function consultation() {
    const appt = (await ctx.api.book('2026-03-02')).appointment;
    const gp = await clinician(appt.id!);
    const pt = await patient(appt.id!);
    const gpPage = await openPage(gp);
    const ptPage = await openPage(pt);
    pages.push(gpPage, ptPage);
    gpPage.send({ type: 'CK-ADMIT', payload: { peerId: pt.peerId } });
    await until('the patient admitted', () =>
      ptPage.received.some(
        (m) =>
          m.type === 'CK-ROSTER' &&
          (m.payload as { participants: { peerId: string; admitted: boolean }[] }).participants.some(
            (p) => p.peerId === pt.peerId && p.admitted,
          ),
      ),
    );
    return { id: appt.id!, gp, pt, gpPage, ptPage };
  }

  it('a stranger gets 401, a participant of another consultation 403, a patient before admission 403', async () => {
    const one = await consultation();
    const other = await consultation();
    const doc = await upload(one.id, bearer(one.gp), 'scan.png', PNG);
    for (const path of [`/api/consultations/${one.id}/documents`, `/api/consultations/${one.id}/documents/${doc}`]) {
      const stranger = await fetch(`${ctx.url}${path}`);
      assert.equal(stranger.status, 401, path);
      assert.match((await outcome(stranger)).issue[0]!.diagnostics!, /Join the consultation/);
      const forged = await fetch(`${ctx.url}${path}`, { headers: { cookie: 'ck_session=forged.token.value' } });
      assert.equal(forged.status, 401, path);
      await outcome(forged);
      for (const ticket of [other.gp, other.pt]) {
        const answer = await fetch(`${ctx.url}${path}`, { headers: bearer(ticket) });
        assert.equal(answer.status, 403, `${path} as ${ticket.role} of another consultation`);
        assert.match((await outcome(answer)).issue[0]!.diagnostics!, /another consultation/);
      }
    }
    const refusedUpload = await create(one.id, bearer(other.gp), 'x.png', PNG.length);
    assert.equal(refusedUpload.status, 403);
    // Another consultation's document id under this consultation's path is not found.
    const crossed = await fetch(`${ctx.url}/api/consultations/${other.id}/documents/${doc}`, {
      headers: bearer(other.gp),
    });
    assert.equal(crossed.status, 404);
    // A patient who has not been let in: 403 until admitted.
    const appt = (await ctx.api.book('2026-03-02')).appointment;
    const waiting = await patient(appt.id!);
    pages.push(await openPage(waiting));
    const early = await fetch(`${ctx.url}/api/consultations/${appt.id}/documents`, { headers: bearer(waiting) });
    assert.equal(early.status, 403);
    assert.match((await outcome(early)).issue[0]!.diagnostics!, /let you in/);
    // Staff may read every consultation's documents.
    const staff = await fetch(`${ctx.url}/api/consultations/${one.id}/documents`, { headers: STAFF });
    assert.equal(staff.status, 200);
    assert.equal(((await staff.json()) as DocumentList).documents[0]!.id, doc);
  });

  it('a document arrives intact, served inert, and the others hear its progress (never backwards)', async () => {
    const { id, pt, gpPage } = await consultation();
    const bytes = Buffer.concat([PDF, randomBytes(200_000)]);
    const doc = await upload(id, bearer(pt), 'results <b>march</b>.pdf', bytes);
    const notices = () => gpPage.received.filter((m) => m.type === 'CK-DOCUMENT').map((m) => m.payload as DocumentInfo);
    const complete = await until('the clinician hears it is complete', () =>
      notices().find((d) => d.id === doc && d.status === 'complete'),
    );
    assert.equal(complete.sha256, sha256(bytes));
    assert.equal(complete.type, 'application/pdf');
    assert.equal(complete.name, 'results _b_march__b_.pdf');
    assert.equal(complete.from.role, 'patient');
    const progress = notices()
      .filter((d) => d.id === doc)
      .map((d) => d.received);
    assert.ok(progress.length >= 2, `notices: ${progress.join(',')}`);
    assert.deepEqual(
      progress,
      [...progress].sort((a, b) => a - b),
      'progress never goes backwards',
    );
    assert.equal(progress.at(-1), bytes.length);

    const served = await fetch(`${ctx.url}/api/consultations/${id}/documents/${doc}`, {
      headers: bearer(await clinician(id)),
    });
    assert.equal(served.status, 200);
    assert.equal(sha256(Buffer.from(await served.arrayBuffer())), sha256(bytes));
    assert.equal(served.headers.get('content-type'), 'application/pdf');
    assert.equal(served.headers.get('x-content-type-options'), 'nosniff');
    assert.match(served.headers.get('content-security-policy') ?? '', /(^|; )sandbox(;|$)/);
    assert.doesNotMatch(served.headers.get('content-security-policy') ?? '', /allow-scripts/);
    assert.equal(
      served.headers.get('content-disposition'),
      `inline; filename="results _b_march__b_.pdf"; filename*=UTF-8''results%20_b_march__b_.pdf`,
    );
    const download = await fetch(`${ctx.url}/api/consultations/${id}/documents/${doc}?download=1&download=1`, {
      headers: bearer(pt),
    });
    assert.match(download.headers.get('content-disposition') ?? '', /^attachment; /);
    await download.arrayBuffer();

    // A short-lived link opens it without a bearer (for <img src> and a new tab), and only it.
    const link = (await (
      await fetch(`${ctx.url}/api/consultations/${id}/documents/${doc}/link`, { headers: bearer(pt) })
    ).json()) as { view: string; download: string; expiresAt: string };
    const viaLink = await fetch(`${ctx.url}${link.view}`);
    assert.equal(viaLink.status, 200);
    assert.equal(sha256(Buffer.from(await viaLink.arrayBuffer())), sha256(bytes));
    assert.match(viaLink.headers.get('content-security-policy') ?? '', /(^|; )sandbox(;|$)/);
    const viaDownload = await fetch(`${ctx.url}${link.download}`);
    assert.match(viaDownload.headers.get('content-disposition') ?? '', /^attachment; /);
    await viaDownload.arrayBuffer();
    const other = await upload(id, bearer(pt), 'other.png', PNG);
    for (const forged of [
      link.view.replace(doc, other),
      link.view.replace(/access=[^&]+/, (a) => `${a.slice(0, -2)}AA`),
      link.view.replace(/\.(\d{13})\./, (_m, t: string) => `.${Number(t) + 1}.`),
      `${link.view}&access=x`,
    ]) {
      const refused = await fetch(`${ctx.url}${forged}`);
      assert.ok([401, 403, 404].includes(refused.status), `${forged} → ${refused.status}`);
      await outcome(refused);
    }

    const list = (await (
      await fetch(`${ctx.url}/api/consultations/${id}/documents`, { headers: bearer(pt) })
    ).json()) as DocumentList;
    // Listed oldest first; both started at the test's frozen instant, so compare as a set.
    assert.deepEqual(
      list.documents.map((d) => [d.id, d.status, d.size, d.sha256]).sort(),
      [
        [doc, 'complete', bytes.length, sha256(bytes)],
        [other, 'complete', PNG.length, sha256(PNG)],
      ].sort(),
    );
  });

  it('oversize, HEIC, wrong type and a misnamed file are refused with a clear OperationOutcome', async () => {
    const { id, pt, gpPage } = await consultation();
    const big = await create(id, bearer(pt), 'huge.png', 20 * 1024 * 1024 + 1);
    assert.equal(big.status, 413);
    const bigIssue = (await outcome(big)).issue[0]!;
    assert.equal(bigIssue.details?.coding?.[0]?.code, 'too-large');
    assert.match(bigIssue.diagnostics!, /larger than 20 MB/);

    const heicName = await create(id, bearer(pt), 'IMG_0001.HEIC', HEIC.length);
    assert.equal(heicName.status, 415);
    assert.equal((await outcome(heicName)).issue[0]!.details?.coding?.[0]?.code, 'heic');

    const refusedOnFirstBytes = async (name: string, bytes: Buffer, problem: string) => {
      const created = await create(id, bearer(pt), name, bytes.length);
      assert.equal(created.status, 201, name);
      const location = created.headers.get('location')!;
      const sent = await patch(location, bearer(pt), 0, bytes);
      assert.equal(sent.status, 415, name);
      const issue = (await outcome(sent)).issue[0]!;
      assert.equal(issue.details?.coding?.[0]?.code, problem, name);
      const head = await fetch(`${ctx.url}${location}`, { method: 'HEAD', headers: { ...TUS, ...bearer(pt) } });
      assert.equal(head.status, 410, `${name}: the refused upload is gone`);
      return location.split('/').pop()!;
    };
    const misnamed = await refusedOnFirstBytes('report.pdf', PNG, 'name-mismatch');
    await refusedOnFirstBytes('photo.heic.png', HEIC, 'heic');
    await refusedOnFirstBytes('page.png', Buffer.from('<html><script>alert(1)</script></html>'), 'wrong-type');
    // The others were told it was cancelled; its bytes cannot be fetched.
    await until('the clinician hears the misnamed file was refused', () =>
      gpPage.received.some(
        (m) =>
          m.type === 'CK-DOCUMENT' &&
          (m.payload as DocumentInfo).id === misnamed &&
          (m.payload as DocumentInfo).status === 'cancelled',
      ),
    );
    const bytes = await fetch(`${ctx.url}/api/consultations/${id}/documents/${misnamed}`, { headers: bearer(pt) });
    assert.equal(bytes.status, 409);
    await outcome(bytes);

    // More bytes than declared: 413, and never more than declared is kept.
    const created = await create(id, bearer(pt), 'short.png', 100);
    const location = created.headers.get('location')!;
    const over = await patch(location, bearer(pt), 0, PNG.subarray(0, 200));
    assert.equal(over.status, 413);
    await outcome(over);
    // A wrong offset: 409 with the right one.
    const created2 = await create(id, bearer(pt), 'offset.png', PNG.length);
    const location2 = created2.headers.get('location')!;
    const wrong = await patch(location2, bearer(pt), 10, PNG.subarray(10));
    assert.equal(wrong.status, 409);
    assert.equal(wrong.headers.get('upload-offset'), '0');
    await outcome(wrong);
    // Without Tus-Resumable: 412.
    const noTus = await fetch(`${ctx.url}${location2}`, { method: 'HEAD', headers: bearer(pt) });
    assert.equal(noTus.status, 412);
    // Someone else than the sender may not send its bytes; the clinician may cancel it.
    const gp = await clinician(id);
    const foreign = await patch(location2, bearer(gp), 0, PNG);
    assert.equal(foreign.status, 403);
    await outcome(foreign);
    const cancel = await fetch(`${ctx.url}${location2}`, { method: 'DELETE', headers: { ...TUS, ...bearer(gp) } });
    assert.equal(cancel.status, 204);
    const gone = await fetch(`${ctx.url}${location2}`, { method: 'HEAD', headers: { ...TUS, ...bearer(pt) } });
    assert.equal(gone.status, 410);
  });

  it("the clinician files a document to the patient's record: a valid UK Core DocumentReference and Binary", async () => {
    const { id, gp, pt } = await consultation();
    const doc = await upload(id, bearer(pt), 'rash.png', PNG);
    const byPatient = await fetch(`${ctx.url}/api/consultations/${id}/documents/${doc}/$file`, {
      method: 'POST',
      headers: bearer(pt),
    });
    assert.equal(byPatient.status, 403);
    await outcome(byPatient);
    const filed = await fetch(`${ctx.url}/api/consultations/${id}/documents/${doc}/$file`, {
      method: 'POST',
      headers: bearer(gp),
    });
    assert.equal(filed.status, 201, await filed.clone().text());
    const reference = (await filed.json()) as DocumentReference;
    const appointment = (
      await ctx.api.call<{ participant: { actor: { reference: string } }[]; start: string; end: string }>(
        'GET',
        `/fhir/Appointment/${id}`,
        { headers: STAFF },
      )
    ).body;
    const patientRef = appointment.participant.find((p) => p.actor.reference.startsWith('Patient/'))!.actor.reference;
    assert.equal(reference.resourceType, 'DocumentReference');
    assert.equal(reference.id, doc);
    assert.deepEqual(reference.meta?.profile, ['https://fhir.hl7.org.uk/StructureDefinition/UKCore-DocumentReference']);
    assert.equal(reference.status, 'current');
    assert.deepEqual(reference.subject, { reference: patientRef });
    assert.equal(reference.author?.[0]?.reference, patientRef, 'the patient sent it');
    assert.deepEqual(reference.context?.encounter?.[0]?.identifier, {
      system: 'urn:consultkit:consultation',
      value: `appt-${id}`,
    });
    assert.deepEqual(reference.context?.period, {
      start: new Date(appointment.start).toISOString(),
      end: new Date(appointment.end).toISOString(),
    });
    assert.deepEqual(reference.context?.related, [{ reference: `Appointment/${id}` }]);
    const attachment = reference.content[0]!.attachment;
    assert.equal(attachment.contentType, 'image/png');
    assert.equal(attachment.size, PNG.length);
    assert.equal(attachment.hash, createHash('sha1').update(PNG).digest('base64'), 'base64 SHA-1 (FHIR R4)');
    assert.equal(attachment.title, 'rash.png');
    assert.equal(attachment.url, `Binary/${doc}`);
    assert.ok(!Number.isNaN(Date.parse(attachment.creation!)));
    const validation = new Fhir().validate(reference, { errorOnUnexpected: true });
    assert.deepEqual(
      validation.messages.filter((m) => m.severity === 'error'),
      [],
      JSON.stringify(validation.messages),
    );
    assert.equal(validation.valid, true);

    // Searchable by patient (staff only), readable, with its Binary; in the CapabilityStatement.
    const search = await ctx.api.call<Bundle>('GET', `/fhir/DocumentReference?patient=${patientRef}`, {
      headers: STAFF,
    });
    assert.equal(search.status, 200);
    assert.deepEqual(
      search.body.entry?.map((e) => e.resource?.id),
      [doc],
    );
    assert.equal(new Fhir().validate(search.body).valid, true, JSON.stringify(new Fhir().validate(search.body)));
    const anonymous = await fetch(`${ctx.url}/fhir/DocumentReference?patient=${patientRef}`);
    assert.equal(anonymous.status, 401);
    await outcome(anonymous);
    const asPatient = await fetch(`${ctx.url}/fhir/DocumentReference/${doc}`, { headers: bearer(pt) });
    assert.equal(asPatient.status, 401, 'a session token is not a FHIR credential');
    const read = await ctx.api.call<DocumentReference>('GET', `/fhir/DocumentReference/${doc}`, { headers: STAFF });
    assert.deepEqual(read.body, reference);
    const binaryAnswer = await ctx.api.call<Binary>('GET', `/fhir/Binary/${doc}`, { headers: STAFF });
    assert.equal(binaryAnswer.body.contentType, 'image/png');
    assert.equal(sha256(Buffer.from(binaryAnswer.body.data!, 'base64')), sha256(PNG));
    assert.equal(new Fhir().validate(binaryAnswer.body).valid, true);
    const metadata = await ctx.api.call<CapabilityStatement>('GET', '/fhir/metadata');
    const types = metadata.body.rest![0]!.resource!.map((r) => r.type);
    assert.ok(types.includes('DocumentReference') && types.includes('Binary'), types.join());
    // Filing twice keeps the first.
    const again = await fetch(`${ctx.url}/api/consultations/${id}/documents/${doc}/$file`, {
      method: 'POST',
      headers: bearer(gp),
    });
    assert.equal(again.status, 200);
    assert.deepEqual(await again.json(), reference);
    // An unfiled document is not in the record.
    const unfiled = await upload(id, bearer(pt), 'other.png', PNG);
    const notFiled = await ctx.api.call('GET', `/fhir/DocumentReference/${unfiled}`, { headers: STAFF });
    assert.equal(notFiled.status, 404);
  });
});

describe('an upload across a restart of the server', () => {
  it('resumes where it stopped: the offset survives, the bytes arrive intact', async () => {
    const data = await mkdtemp(join(tmpdir(), 'ck-documents-restart-'));
    const env = {
      CONSULTKIT_SEED_DEMO: 'false',
      CONSULTKIT_JOIN_EARLY_MINUTES: '1440',
      CONSULTKIT_DATA_DIR: join(data, 'db'),
      CONSULTKIT_DOCUMENTS_DIR: join(data, 'documents'),
    };
    try {
      let { server, url } = await startTestServer(env, {}, { now: () => TEST_NOW });
      Object.assign(ctx, { server, url, fixture: await seedBookingFixture(server.storage) });
      ctx.api = new Api(url, ctx.fixture.gp.scheduleId);
      const appt = (await ctx.api.book('2026-03-02')).appointment;
      const gp = await clinician(appt.id!);
      const bytes = Buffer.concat([PNG, randomBytes(1_000_000)]);
      const created = await create(appt.id!, bearer(gp), 'scan.png', bytes.length);
      const location = created.headers.get('location')!;
      const third = Math.floor(bytes.length / 3);
      assert.equal((await patch(location, bearer(gp), 0, bytes.subarray(0, third))).status, 204);
      await server.close();

      ({ server, url } = await startTestServer(env, {}, { now: () => TEST_NOW }));
      Object.assign(ctx, { server, url });
      try {
        const head = await fetch(`${url}${location}`, { method: 'HEAD', headers: { ...TUS, ...bearer(gp) } });
        assert.equal(head.status, 200);
        assert.equal(head.headers.get('upload-offset'), String(third));
        assert.equal(head.headers.get('upload-length'), String(bytes.length));
        const rest = await patch(location, bearer(gp), third, bytes.subarray(third));
        assert.equal(rest.status, 204);
        const served = await fetch(`${url}/api/consultations/${appt.id}/documents/${location.split('/').pop()}`, {
          headers: bearer(gp),
        });
        assert.equal(sha256(Buffer.from(await served.arrayBuffer())), sha256(bytes));
      } finally {
        await server.close();
      }
    } finally {
      await rm(data, { recursive: true, force: true });
    }
  });
});
