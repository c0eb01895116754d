/**
 * Documents in a consultation (docs/collaboration.md, "Documents"; docs/decisions/0026-documents.md).
 *
 * Uploads speak tus 1.0.0 (core protocol, `creation` and `termination`), so `tus-js-client`
 * resumes them after a dropped connection or a restart of this server:
 *
 * - `POST   /api/consultations/:id/uploads`            starts one (`Upload-Length`, `Upload-Metadata`)
 * - `HEAD   /api/consultations/:id/uploads/:doc`       how much arrived (`Upload-Offset`)
 * - `PATCH  /api/consultations/:id/uploads/:doc`       the next bytes, from `Upload-Offset`
 * - `DELETE /api/consultations/:id/uploads/:doc`       cancels it (its bytes go at once)
 * - `GET    /api/consultations/:id/documents`          the consultation's documents
 * - `GET    /api/consultations/:id/documents/:doc`     the bytes (`?download=1`: as an attachment)
 * - `POST   /api/consultations/:id/documents/:doc/$file`  a clinician files it to the patient's record
 * - `GET    /fhir/DocumentReference?patient=`, `/fhir/DocumentReference/:id`, `/fhir/Binary/:id` (staff)
 *
 * Who: the consultation's participants that are let in (a clinician always; a patient or guest once
 * admitted), by their join session (bearer or cookie), and staff (staff key or staff session).
 * Anyone else: 401 without credentials, 403 with a session of another consultation or before
 * admission. Every refusal is an OperationOutcome.
 */
import { createHash, createHmac, timingSafeEqual, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import {
  DOCUMENT,
  DOCUMENT_MAX_BYTES,
  DOCUMENT_PROBLEM_SYSTEM,
  DOCUMENT_PROBLEM_TEXT,
  DOCUMENT_TYPES,
  SNIFF_BYTES,
  documentProblem,
  sanitiseDocumentName,
  sniffDocumentType,
  type DocumentMessage,
  type DocumentProblem,
  type DocumentType,
} from '@consultkit/core/contract';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Auth } from '../auth.js';
import type { AppointmentRow } from '../booking/repository.js';
import { readCookie } from '../cookies.js';
import { HttpError } from '../errors.js';
import { consultationOf, JoinError, type JoinService, type SessionInfo } from '../join/service.js';
import { SESSION_COOKIE } from '../plugins/join.js';
import type { Rooms } from '../room/registry.js';
import { binary, documentBundle, documentReference } from './fhir.js';
import { documentInfo, type DocumentRow, type Documents } from './repository.js';

export const TUS_VERSION = '1.0.0';
/** How often, at most, the others hear of an upload's progress. */
const PROGRESS_EVERY_MS = 250;

export interface DocumentsPluginOptions {
  documents: Documents;
  join: JoinService;
  auth: Auth;
  rooms: Rooms;
  appointment: (id: number) => Promise<AppointmentRow | undefined>;
  now: () => number;
  /** Signs the short-lived links of documents (`?access=`), so `<img src>` and a new tab can open them. */
  secret: string;
  /** Whether session `sid` is still live (not revoked, not expired): a link dies with its session. */
  sessionLive: (sid: string) => Promise<boolean>;
}

/** How long a document's link works (ms). */
export const LINK_TTL_MS = 15 * 60 * 1000;

/** Who is asking: a participant by their join session, or staff. */
type Reader = { kind: 'participant'; session: SessionInfo } | { kind: 'staff' };

class DocumentRefused extends HttpError {
  constructor(
    status: number,
    readonly problem: DocumentProblem,
  ) {
    super(
      status,
      status === 413 ? 'too-costly' : 'not-supported',
      DOCUMENT_PROBLEM_TEXT[problem],
      {},
      {
        system: DOCUMENT_PROBLEM_SYSTEM,
        code: problem,
      },
    );
  }
}

function appointmentId(params: unknown): number {
  const raw = String((params as { id?: unknown }).id ?? '');
  if (!/^\d{1,9}$/.test(raw)) throw new HttpError(400, 'value', `Not a consultation id: "${raw.slice(0, 40)}"`);
  return Number(raw);
}

const notFound = () => new HttpError(404, 'not-found', 'There is no such document in this consultation.');

/** tus `Upload-Metadata`: `key base64,key base64`; malformed pairs refused. */
function metadata(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  if (header.length > 4096) throw new HttpError(400, 'value', 'Upload-Metadata is too long.');
  for (const pair of header.split(',')) {
    const match = /^\s*([A-Za-z0-9_.-]{1,64})(?: ([A-Za-z0-9+/=]*))?\s*$/.exec(pair);
    if (!match) throw new HttpError(400, 'value', 'Upload-Metadata is not "key base64,…".');
    out[match[1]!] = Buffer.from(match[2] ?? '', 'base64').toString('utf8');
  }
  return out;
}

/** `Content-Disposition` with an ASCII fallback and the UTF-8 name (RFC 6266, RFC 8187). */
function disposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * The policy of a served document: nothing in it runs (`sandbox` without `allow-scripts`: a PDF's
 * JavaScript and an SVG or HTML in disguise stay inert), nothing is fetched, no one frames it but us.
 */
export const DOCUMENT_POLICY =
  "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'";

export async function documentsPlugin(app: FastifyInstance, options: DocumentsPluginOptions): Promise<void> {
  const { documents, rooms, now } = options;
  const mac = (doc: string, who: string, expires: number) =>
    createHmac('sha256', options.secret).update(`ck-document.${doc}.${who}.${expires}`).digest('base64url');
  /** A link's `access` value: who (a session id, or `staff`), until when, signed. */
  const access = (doc: string, who: string) => {
    const expires = now() + LINK_TTL_MS;
    return { value: `${who}.${expires}.${mac(doc, who, expires)}`, expires };
  };
  /** Whether `value` opens `doc`: signed for it, not expired, its session still live. */
  const opens = async (doc: string, value: string): Promise<boolean> => {
    const match = /^([A-Za-z0-9_-]{1,80})\.(\d{13})\.([A-Za-z0-9_-]{43})$/.exec(value);
    if (!match) return false;
    const [, who, expiresRaw, given] = match as unknown as [string, string, string, string];
    const expires = Number(expiresRaw);
    const expected = Buffer.from(mac(doc, who, expires));
    if (expected.length !== given.length || !timingSafeEqual(expected, Buffer.from(given))) return false;
    if (expires < now()) return false;
    return who === 'staff' || options.sessionLive(who);
  };
  await documents.ready();
  /** Uploads with a PATCH in progress: a second one at once is refused (409). */
  const busy = new Set<string>();
  /**
   * The digests of uploads, computed as their bytes arrive (so the last byte does not mean reading
   * the whole file again); an upload this process did not see from its first byte (a restart) is
   * read from its file at the end instead.
   */
  const digests = new Map<string, { offset: number; sha256: Hash; sha1: Hash }>();
  const lastTold = new Map<string, number>();

  // The tus body is streamed to the file as it arrives (never held in memory, never parsed).
  app.addContentTypeParser('application/offset+octet-stream', (_request, payload, done) => done(null, payload));

  const tell = (row: DocumentRow, received: number) => {
    const message: DocumentMessage = { type: DOCUMENT, payload: documentInfo(row, received) };
    rooms.broadcast(consultationOf(row.appointment_id), message, 'in-call');
  };

  const reader = async (request: FastifyRequest, id: number): Promise<Reader> => {
    const bearer = /^Bearer +(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const cookie = readCookie(request.headers.cookie, SESSION_COOKIE);
    let session: SessionInfo | undefined;
    const token = bearer ?? cookie;
    if (token) {
      try {
        session = await options.join.session(token);
      } catch (error) {
        if (!(error instanceof JoinError)) throw error;
        // A bearer that is not a session may be the staff key; a cookie that is no session is refused.
        if (!bearer) throw new HttpError(401, 'login', 'The consultation session is missing, expired or not valid.');
      }
    }
    if (!session) {
      const caller = await options.auth.caller(request);
      if (caller.kind === 'staff') {
        options.auth.requireRole(caller, 'clinician');
        return { kind: 'staff' };
      }
      if (caller.kind === 'patient') {
        throw new HttpError(403, 'forbidden', "A booking reference does not open a consultation's documents.");
      }
      throw new HttpError(401, 'login', 'Join the consultation (or sign in as staff) to see its documents.', {
        'www-authenticate': 'Bearer realm="consultkit"',
      });
    }
    if (session.appointmentId !== id) {
      throw new HttpError(403, 'forbidden', 'This session is for another consultation.');
    }
    if (session.role !== 'clinician' && !rooms.admitted(consultationOf(id), session.sessionId)) {
      throw new HttpError(403, 'forbidden', 'Documents can be shared once the clinician has let you in.');
    }
    return { kind: 'participant', session };
  };

  const mayChange = (who: Reader, row: DocumentRow) =>
    who.kind === 'staff' || who.session.role === 'clinician' || who.session.sessionId === row.uploader_session;

  const tus = (reply: FastifyReply) => reply.header('tus-resumable', TUS_VERSION).header('cache-control', 'no-store');

  const requireTus = (request: FastifyRequest) => {
    if (request.headers['tus-resumable'] !== TUS_VERSION) {
      throw new HttpError(412, 'not-supported', `Send Tus-Resumable: ${TUS_VERSION}.`, { 'tus-version': TUS_VERSION });
    }
  };

  const upload = async (request: FastifyRequest): Promise<{ who: Reader; row: DocumentRow }> => {
    const id = appointmentId(request.params);
    const who = await reader(request, id);
    const row = await documents.get(id, String((request.params as { doc?: unknown }).doc ?? ''));
    if (!row) throw notFound();
    return { who, row };
  };

  app.options('/api/consultations/:id/uploads', async (_request, reply) =>
    tus(reply)
      .header('tus-version', TUS_VERSION)
      .header('tus-extension', 'creation,termination')
      .header('tus-max-size', String(DOCUMENT_MAX_BYTES))
      .code(204)
      .send(),
  );

  app.post('/api/consultations/:id/uploads', async (request, reply) => {
    requireTus(request);
    const id = appointmentId(request.params);
    const who = await reader(request, id);
    const lengthHeader = request.headers['upload-length'];
    if (typeof lengthHeader !== 'string' || !/^\d{1,12}$/.test(lengthHeader)) {
      throw new HttpError(
        400,
        'required',
        'Upload-Length (the size in bytes) is required; deferred lengths are not supported.',
      );
    }
    const size = Number(lengthHeader);
    const meta = metadata(request.headers['upload-metadata'] as string | undefined);
    const name = sanitiseDocumentName(meta['filename'] ?? meta['name'] ?? '');
    const problem = documentProblem(name, size);
    if (problem) throw new DocumentRefused(problem === 'too-large' ? 413 : problem === 'empty' ? 400 : 415, problem);
    const appointment = await options.appointment(id);
    if (!appointment) throw new HttpError(404, 'not-found', 'There is no such consultation.');
    const declared = meta['filetype'];
    const row = await documents.create({
      appointment_id: id,
      name,
      size,
      content_type: null,
      uploader_role: who.kind === 'staff' ? 'staff' : who.session.role,
      uploader_name: who.kind === 'staff' ? 'Staff' : (who.session.name ?? who.session.role),
      uploader_session: who.kind === 'staff' ? null : who.session.sessionId,
      created_at: new Date(now()),
    });
    request.log.info(
      {
        document: row.id,
        size,
        declared: (DOCUMENT_TYPES as readonly string[]).includes(declared ?? '') ? declared : 'other',
      },
      'document upload started',
    );
    tell(row, 0);
    return tus(reply)
      .code(201)
      .header('location', `/api/consultations/${id}/uploads/${row.id}`)
      .header('upload-offset', '0')
      .send();
  });

  app.head('/api/consultations/:id/uploads/:doc', async (request, reply) => {
    requireTus(request);
    const { row } = await upload(request);
    if (row.status === 'cancelled') throw new HttpError(410, 'not-found', 'This upload was cancelled.');
    const received = row.status === 'complete' ? row.size : await documents.received(row.id);
    return tus(reply)
      .header('upload-offset', String(received))
      .header('upload-length', String(row.size))
      .code(200)
      .send();
  });

  app.patch('/api/consultations/:id/uploads/:doc', async (request, reply) => {
    requireTus(request);
    if (request.headers['content-type'] !== 'application/offset+octet-stream') {
      throw new HttpError(415, 'not-supported', 'Send the bytes as application/offset+octet-stream.');
    }
    const { who, row } = await upload(request);
    if (who.kind !== 'staff' && who.session.sessionId !== row.uploader_session) {
      throw new HttpError(403, 'forbidden', 'Only the person who started this upload may send its bytes.');
    }
    if (row.status === 'cancelled') throw new HttpError(410, 'not-found', 'This upload was cancelled.');
    const offsetHeader = request.headers['upload-offset'];
    if (typeof offsetHeader !== 'string' || !/^\d{1,12}$/.test(offsetHeader)) {
      throw new HttpError(400, 'required', 'Upload-Offset is required.');
    }
    if (busy.has(row.id)) throw new HttpError(409, 'conflict', 'Another request is sending bytes of this upload.');
    busy.add(row.id);
    let received = await documents.received(row.id);
    try {
      if (row.status === 'complete' || Number(offsetHeader) !== received) {
        throw new HttpError(409, 'conflict', `The upload is at ${received} bytes, not ${offsetHeader}.`, {
          'upload-offset': String(row.status === 'complete' ? row.size : received),
        });
      }
      received = await append(row, request.body as Readable, received, () => {
        // Progress for the others, at most every PROGRESS_EVERY_MS.
        const told = lastTold.get(row.id) ?? 0;
        if (now() - told < PROGRESS_EVERY_MS) return;
        lastTold.set(row.id, now());
        void documents.received(row.id).then((at) => tell(row, at));
      });
      let current = row;
      if (!current.content_type && received >= Math.min(SNIFF_BYTES, row.size)) {
        const problem = documentProblem(row.name, row.size, await documents.firstBytes(row.id, SNIFF_BYTES));
        if (problem) {
          digests.delete(row.id);
          const cancelled = await documents.cancel(row.id);
          if (cancelled) tell(cancelled, 0);
          throw new DocumentRefused(415, problem);
        }
        const type = sniffDocumentType(await documents.firstBytes(row.id, SNIFF_BYTES)) as DocumentType;
        await documents.setType(row.id, type);
        current = { ...current, content_type: type };
      }
      if (received === row.size) {
        const digest = digests.get(row.id);
        digests.delete(row.id);
        current = await documents.complete(
          row.id,
          new Date(now()),
          digest?.offset === row.size
            ? { sha256: digest.sha256.digest('hex'), sha1: digest.sha1.digest('base64') }
            : undefined,
        );
        lastTold.delete(row.id);
        request.log.info({ document: row.id }, 'document upload complete');
      }
      tell(current, received);
      return tus(reply).header('upload-offset', String(received)).code(204).send();
    } finally {
      busy.delete(row.id);
    }
  });

  /** Appends the body to the file, never past the declared size (413 when a client sends more). */
  async function append(row: DocumentRow, body: Readable, from: number, progress: () => void): Promise<number> {
    if (from === 0) digests.set(row.id, { offset: 0, sha256: createHash('sha256'), sha1: createHash('sha1') });
    const handle = await open(documents.path(row.id), 'r+');
    let at = from;
    try {
      for await (const chunk of body) {
        const bytes = chunk as Buffer;
        if (at + bytes.length > row.size) {
          throw new HttpError(413, 'too-costly', `The upload is ${row.size} bytes, as declared; more was sent.`);
        }
        await handle.write(bytes, 0, bytes.length, at);
        const digest = digests.get(row.id);
        if (digest?.offset === at) {
          digest.sha256.update(bytes);
          digest.sha1.update(bytes);
          digest.offset += bytes.length;
        }
        at += bytes.length;
        progress();
      }
    } catch (error) {
      if (error instanceof HttpError) throw error;
      // The connection dropped: what arrived stays, and the client resumes from there.
    } finally {
      await handle.close();
    }
    return at;
  }

  app.delete('/api/consultations/:id/uploads/:doc', async (request, reply) => {
    requireTus(request);
    const { who, row } = await upload(request);
    if (!mayChange(who, row))
      throw new HttpError(403, 'forbidden', 'Only its sender or a clinician may remove a document.');
    if (row.filed_at) throw new HttpError(409, 'business-rule', "This document is filed in the patient's record.");
    digests.delete(row.id);
    const cancelled = await documents.cancel(row.id);
    if (cancelled) tell(cancelled, 0);
    return tus(reply).code(204).send();
  });

  app.get('/api/consultations/:id/documents', async (request, reply) => {
    const id = appointmentId(request.params);
    await reader(request, id);
    const rows = await documents.list(id);
    const list = await Promise.all(
      rows.map(async (row) => documentInfo(row, row.status === 'uploading' ? await documents.received(row.id) : 0)),
    );
    return reply.header('cache-control', 'no-store').send({ documents: list });
  });

  app.get('/api/consultations/:id/documents/:doc/link', async (request, reply) => {
    const { who, row } = await upload(request);
    if (row.status !== 'complete')
      throw new HttpError(409, 'business-rule', 'This document has not arrived completely.');
    const { value, expires } = access(row.id, who.kind === 'staff' ? 'staff' : who.session.sessionId);
    const path = `/api/consultations/${row.appointment_id}/documents/${row.id}?access=${value}`;
    return reply
      .header('cache-control', 'no-store')
      .send({ view: path, download: `${path}&download=1`, expiresAt: new Date(expires).toISOString() });
  });

  app.get('/api/consultations/:id/documents/:doc', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const id = appointmentId(request.params);
    const docId = String((request.params as { doc?: unknown }).doc ?? '');
    let row: DocumentRow | undefined;
    if (typeof query['access'] === 'string' && !request.headers.authorization) {
      // A link made by `…/link`: it opens this one document for a short while, as its session could.
      if (!(await opens(docId, query['access']))) {
        throw new HttpError(
          403,
          'forbidden',
          'This link to the document has expired or is not valid: open it again from the consultation.',
        );
      }
      row = await documents.get(id, docId);
      if (!row) throw notFound();
    } else {
      row = (await upload(request)).row;
    }
    if (row.status !== 'complete' || !row.content_type) {
      throw new HttpError(409, 'business-rule', 'This document has not arrived completely.');
    }
    const download = query['download'] === '1' || (Array.isArray(query['download']) && query['download'].includes('1'));
    return reply
      .header('content-type', row.content_type)
      .header('content-length', String(row.size))
      .header('content-disposition', disposition(download ? 'attachment' : 'inline', row.name))
      .header('content-security-policy', DOCUMENT_POLICY)
      .header('cross-origin-resource-policy', 'same-origin')
      .header('cache-control', 'private, no-store')
      .header('x-content-type-options', 'nosniff')
      .send(createReadStream(documents.path(row.id)));
  });

  app.post('/api/consultations/:id/documents/:doc/$file', async (request, reply) => {
    const { who, row } = await upload(request);
    if (who.kind === 'participant' && who.session.role !== 'clinician') {
      throw new HttpError(403, 'forbidden', "Only a clinician files a document to the patient's record.");
    }
    if (row.status !== 'complete')
      throw new HttpError(409, 'business-rule', 'This document has not arrived completely.');
    const appointment = await options.appointment(row.appointment_id);
    if (!appointment) throw notFound();
    const first = !row.filed_at;
    const filed = await documents.file(row.id, who.kind === 'staff' ? 'staff' : who.session.sessionId, new Date(now()));
    tell(filed, filed.size);
    return reply
      .code(first ? 201 : 200)
      .header('location', `/fhir/DocumentReference/${filed.id}`)
      .type('application/fhir+json')
      .send(documentReference(filed, appointment));
  });
}

/** The FHIR side (registered inside the FHIR plugin, under its Accept rules): staff only. */
export function documentsFhir(options: {
  documents: Documents;
  auth: Auth;
  appointment: DocumentsPluginOptions['appointment'];
  baseUrl: () => string;
}) {
  return async (app: FastifyInstance) => {
    // Filed documents are part of the record: clinicians (or the staff key) read them.
    const staff = async (request: FastifyRequest) =>
      options.auth.requireRole(await options.auth.caller(request), 'clinician');
    const filed = async (id: string): Promise<{ row: DocumentRow; appointment: AppointmentRow }> => {
      const row = await options.documents.byId(id);
      const appointment = row?.filed_at ? await options.appointment(row.appointment_id) : undefined;
      if (!row || !appointment)
        throw new HttpError(404, 'not-found', `DocumentReference/${id.slice(0, 64)} is not known`);
      return { row, appointment };
    };
    app.get('/DocumentReference', async (request) => {
      await staff(request);
      const query = request.query as Record<string, unknown>;
      for (const key of Object.keys(query)) {
        if (!['patient', 'subject', '_count'].includes(key)) {
          throw new HttpError(
            400,
            'not-supported',
            `DocumentReference search does not support "${key.slice(0, 40)}" (patient, _count)`,
          );
        }
      }
      const raw = query['patient'] ?? query['subject'];
      const match = typeof raw === 'string' ? /^(?:Patient\/)?(\d{1,9})$/.exec(raw) : null;
      if (!match) throw new HttpError(400, 'required', 'Search DocumentReference by patient=Patient/<id> (once).');
      const countRaw = query['_count'];
      const count = typeof countRaw === 'string' && /^\d{1,4}$/.test(countRaw) ? Math.min(Number(countRaw), 100) : 100;
      const rows = await options.documents.filedForPatient(Number(match[1]), count);
      const resources = [];
      for (const row of rows) {
        const appointment = await options.appointment(row.appointment_id);
        if (appointment) resources.push(documentReference(row, appointment));
      }
      return documentBundle(
        options.baseUrl(),
        `${options.baseUrl()}/DocumentReference?patient=Patient/${match[1]}`,
        resources,
      );
    });
    app.get('/DocumentReference/:id', async (request) => {
      await staff(request);
      const { row, appointment } = await filed(String((request.params as { id: string }).id));
      return documentReference(row, appointment);
    });
    app.get('/Binary/:id', async (request) => {
      await staff(request);
      const { row } = await filed(String((request.params as { id: string }).id));
      return binary(row, await readFile(options.documents.path(row.id)));
    });
  };
}
