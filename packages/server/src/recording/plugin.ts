/**
 * Recordings of consultations: storage, access, audit, retention and the patient's retrieval link
 * (docs/recording.md, "Storage and access" and "Retention"; docs/decisions/0037-recording-storage.md).
 *
 * - `PUT    /api/recordings/:id/chunks/:seq`  a composite's chunk (the asking clinician's session only, while capturing)
 * - `GET    /api/recordings/:id/chunks`       what is stored (`ChunkReceipt`), so a reloaded page resumes
 * - `POST   /api/recordings/:id/finish`       `{ chunks }`: joins, remuxes (ffmpeg), `ready` or `failed`
 * - `GET    /api/recordings/:id`              `RecordingInfo` with a short-lived signed `url`
 * - `GET    /api/recordings?patient=|consultation=`  staff
 * - `GET    /api/recordings/:id/media`        the bytes, with `Range` (206/416); `?access=` the signed form
 * - `GET    /api/recordings/:id/audit`        staff: every access (`RecordingAccess[]`)
 * - `DELETE /api/recordings/:id`              staff: the bytes go, the row says `deleted`, the audit stays
 * - `POST   /api/consultations/:id/retrieval-link`  staff: e-mails the patient a link to `/my-consultation/<token>`
 * - `GET    /api/my-consultation`             that link's holder: details, ready recordings, chat, documents
 *
 * Who may open a recording: staff, that consultation's clinicians and its patient by their join
 * session, and the holder of a retrieval link (through signed urls). A session of another
 * consultation, or a guest, is refused (403) and the refusal is audited; nobody at all is 401.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { RECORDING_CHUNK_MAX, RECORDING_TYPES, type ChunkReceipt, type RecordingInfo } from '@consultkit/core/contract';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Auth } from '../auth.js';
import type { AppointmentRow } from '../booking/repository.js';
import {
  appointmentIdParam,
  disposition,
  identify,
  linkSigner,
  PATIENT_CONTENT_ROLES,
  RETRIEVAL_HOLDER,
  wantsDownload,
  type Reader,
} from '../consultation-access.js';
import { readCookie } from '../cookies.js';
import { DOCUMENT_POLICY, LINK_TTL_MS } from '../documents/plugin.js';
import type { Documents } from '../documents/repository.js';
import { HttpError } from '../errors.js';
import { matchLocale } from '../i18n/locales.js';
import { displayName } from '../join/booking.js';
import { consultationOf, type JoinService } from '../join/service.js';
import type { ChatService } from '../room/chat.js';
import type { SqlExecutor } from '../storage/index.js';
import { finishRecording, ToolMissing, type FinishTools } from './finish.js';
import { parseRange } from './range.js';
import { recordingInfo, Recordings, type RecordingRow } from './repository.js';

/** How long a recording's signed `url` works (a `<video>` asks again with ranges as it plays). */
export const MEDIA_LINK_TTL_MS = 60 * 60 * 1000;
/** How long a retrieval link e-mailed to the patient works. */
export const RETRIEVAL_LINK_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** The cookie the "my consultation" page's link sets (only sent to `/api/my-consultation`). */
export const RETRIEVAL_COOKIE = 'ck_retrieval';
/** A view by one holder from one address is audited once in this long (a player makes many range requests). */
export const VIEW_AUDIT_EVERY_MS = 10 * 60 * 1000;
/** How often the retention sweep looks for recordings past their period. */
export const SWEEP_EVERY_MS = 60 * 60 * 1000;

/** What a served recording may do: nothing runs, only its own media plays. */
const MEDIA_POLICY = `${DOCUMENT_POLICY}; media-src 'self'`;
const TOKEN = /^(\d{1,9})\.([A-Za-z0-9_-]{1,200}\.\d{13}\.[A-Za-z0-9_-]{43})$/;

export interface RecordingPluginOptions {
  recordings: Recordings;
  documents: Documents;
  join: JoinService;
  auth: Auth;
  chat: ChatService;
  storage: SqlExecutor;
  appointment: (id: number) => Promise<AppointmentRow | undefined>;
  /** Queues the retrieval e-mail (the notify outbox, in the patient's language). */
  sendRetrievalLink: (appointment: AppointmentRow, url: string, expires: Date) => Promise<string | undefined>;
  now: () => number;
  secret: string;
  /** Whether session `sid` is still live: a signed url dies with the session it was made for. */
  sessionLive: (sid: string) => Promise<boolean>;
  publicBase: () => string;
  /** The page a retrieval link opens (`examples/my-consultation/index.html`), when installed. */
  page?: string | undefined;
  secureCookies: boolean;
  tools?: FinishTools;
  /** Run the retention sweep on a timer (off in tests that sweep by hand). */
  sweepEveryMs?: number;
}

/** Who opened a recording, as the audit names them. */
interface Holder {
  by: 'staff' | 'clinician' | 'patient' | 'guest' | 'retrieval-link' | 'anonymous';
  who?: string | undefined;
  /** What a signed url is made for (letters, digits, `_`, `-`). */
  link: string;
  /** The appointment a participant or link is of (staff: any). */
  appointmentId?: number;
  sessionId?: string;
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const unb64 = (text: string) => Buffer.from(text, 'base64url').toString('utf8');

const notFound = () => new HttpError(404, 'not-found', 'There is no such recording.');

function recordingId(params: unknown): string {
  const raw = String((params as { id?: unknown }).id ?? '');
  if (!Recordings.isId(raw)) throw notFound();
  return raw;
}

export async function recordingPlugin(app: FastifyInstance, options: RecordingPluginOptions): Promise<void> {
  const { recordings, now } = options;
  await recordings.ready();
  const media = linkSigner({ secret: options.secret, purpose: 'ck-recording', now, ttlMs: MEDIA_LINK_TTL_MS });
  const retrieval = linkSigner({
    secret: options.secret,
    purpose: 'ck-retrieval',
    now,
    ttlMs: RETRIEVAL_LINK_TTL_MS,
  });
  const documentLinks = linkSigner({ secret: options.secret, purpose: 'ck-document', now, ttlMs: LINK_TTL_MS });
  const seen = new Map<string, number>();

  const audit = async (row: RecordingRow, holder: Pick<Holder, 'by' | 'who'>, action: string, from: string) => {
    if (action === 'view') {
      const key = `${row.id}|${holder.by}|${holder.who ?? ''}|${from}`;
      const last = seen.get(key);
      if (last !== undefined && now() - last < VIEW_AUDIT_EVERY_MS) return;
      if (seen.size > 10_000) seen.clear();
      seen.set(key, now());
    }
    await recordings.audit(row.id, { by: holder.by, who: holder.who, action, from, at: new Date(now()) });
  };

  const patientName = async (appointmentId: number) =>
    displayName((await options.appointment(appointmentId))?.patient_details.name[0]);

  /** The holder behind a reader (names from the session or the booking). */
  const holderOf = async (reader: Reader): Promise<Holder> => {
    if (reader.kind === 'staff') {
      const name = reader.person?.name;
      return { by: 'staff', who: name ?? 'staff key', link: name ? `p${b64(name).slice(0, 190)}` : 'k' };
    }
    const { session } = reader;
    const role = session.role as string;
    const by = role === 'clinician' ? 'clinician' : role === 'patient' ? 'patient' : 'guest';
    const who = session.name ?? (by === 'patient' ? await patientName(session.appointmentId) : undefined);
    return {
      by,
      who,
      link: `s${session.sessionId}`,
      appointmentId: session.appointmentId,
      sessionId: session.sessionId,
    };
  };

  /** Refuses (403, audited) a holder who may not open `row`. */
  const admit = async (row: RecordingRow, holder: Holder, from: string) => {
    if (holder.by === 'staff') return;
    if (holder.appointmentId === row.appointment_id && holder.by !== 'guest' && holder.by !== 'anonymous') return;
    await audit(row, holder, 'refused', from);
    throw new HttpError(
      403,
      'forbidden',
      holder.by === 'guest'
        ? "A consultation's recording is for its patient and clinicians only."
        : 'This recording is of another consultation.',
    );
  };

  const callerOf = (request: FastifyRequest) =>
    identify(request, {
      join: options.join,
      auth: options.auth,
      stranger: 'Join the consultation (or sign in as staff) to open its recording.',
      refusedReference: "A booking reference does not open a consultation's recording.",
      // A recording is clinical content: a named member of staff needs to be a clinician, or the
      // practice admin who answers for the recordings (audit, deletion, links).
      staffRoles: PATIENT_CONTENT_ROLES,
    });

  /** The recording and who asks for it, refused (and audited) when they may not. */
  const opened = async (request: FastifyRequest) => {
    const id = recordingId(request.params);
    let reader: Reader;
    try {
      reader = await callerOf(request);
    } catch (error) {
      // A stranger's attempt on a recording that exists is audited too (the 401 stays a 401).
      const row = await recordings.get(id);
      if (row && error instanceof HttpError && error.status === 401) {
        await audit(row, { by: 'anonymous' }, 'refused', request.ip);
      }
      throw error;
    }
    const row = await recordings.get(id);
    if (!row) throw notFound();
    const holder = await holderOf(reader);
    await admit(row, holder, request.ip);
    return { row, holder, reader };
  };

  const staffOnly = async (request: FastifyRequest) => {
    const reader = await callerOf(request);
    if (reader.kind !== 'staff') throw new HttpError(403, 'forbidden', 'Only staff may do this.');
    return holderOf(reader);
  };

  const signedUrl = (row: RecordingRow, holder: Holder) =>
    `/api/recordings/${row.id}/media?access=${media.sign(row.id, holder.link).value}`;

  /** The info, with a signed url once it is ready. */
  const infoFor = (row: RecordingRow, holder?: Holder): RecordingInfo => {
    const info = recordingInfo(row);
    if (holder && row.status === 'ready') info.url = signedUrl(row, holder);
    return info;
  };

  // --- capture: chunks and finishing -------------------------------------------------------------

  app.addContentTypeParser(
    [...RECORDING_TYPES],
    { parseAs: 'buffer', bodyLimit: RECORDING_CHUNK_MAX },
    (_request, body, done) => done(null, body),
  );

  /** The capturing clinician's session, and the recording while it is captured. */
  const capturing = async (request: FastifyRequest, what: string) => {
    const id = recordingId(request.params);
    const reader = await callerOf(request);
    const row = await recordings.get(id);
    if (!row) throw notFound();
    if (reader.kind !== 'participant' || reader.session.appointmentId !== row.appointment_id) {
      throw new HttpError(403, 'forbidden', `Only the clinician who asked to record may ${what}.`);
    }
    if (reader.session.role !== 'clinician' || reader.session.peerId !== row.asked_by) {
      throw new HttpError(403, 'forbidden', `Only the clinician who asked to record may ${what}.`);
    }
    return row;
  };

  const receipt = async (row: RecordingRow): Promise<ChunkReceipt> => ({
    recordingId: row.id,
    received: (await recordings.chunks(row.id)).map((chunk) => Number(chunk.seq)),
  });

  /** Who may send a chunk is settled before its body is read: a stranger's 8 MB is never buffered. */
  const senders = new WeakMap<FastifyRequest, RecordingRow>();
  const sender = async (request: FastifyRequest) => {
    const rawSeq = String((request.params as { seq?: unknown }).seq ?? '');
    if (!/^\d{1,6}$/.test(rawSeq)) throw new HttpError(400, 'value', 'A chunk number is a whole number from 0.');
    senders.set(request, await capturing(request, 'send its chunks'));
  };

  app.put(
    '/api/recordings/:id/chunks/:seq',
    {
      preParsing: async (request, _reply, payload) => {
        await sender(request);
        return payload;
      },
    },
    async (request, reply) => {
      const seq = Number((request.params as { seq: string }).seq);
      const row = senders.get(request) ?? (await capturing(request, 'send its chunks'));
      if (row.capture !== 'composite') {
        throw new HttpError(409, 'business-rule', 'This recording is made by the video room, not by a page.');
      }
      const type = String(request.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim()
        .toLowerCase();
      const body = request.body;
      if (!(RECORDING_TYPES as readonly string[]).includes(type) || !Buffer.isBuffer(body)) {
        throw new HttpError(415, 'not-supported', `Send a chunk as ${RECORDING_TYPES.join(' or ')}.`);
      }
      if (body.length === 0) throw new HttpError(400, 'required', 'A chunk has at least one byte.');
      const sha256 = createHash('sha256').update(body).digest('hex');
      const stored = await recordings.chunk(row.id, seq);
      if (stored) {
        if (stored.sha256 !== sha256) {
          throw new HttpError(409, 'conflict', `Chunk ${seq} is stored already, with other bytes.`);
        }
        return reply.send(await receipt(row));
      }
      if (row.status !== 'capturing') {
        throw new HttpError(409, 'business-rule', `This recording is ${row.status}: it takes no more chunks.`);
      }
      const kept = await recordings.setCaptureType(row.id, type);
      if (kept !== type) throw new HttpError(409, 'conflict', `This recording is ${kept}, not ${type}.`);
      // Written beside, then named: a chunk's file is whole whenever its row says it is there.
      const partial = `${recordings.chunkPath(row.id, seq)}.${randomBytes(6).toString('hex')}`;
      try {
        await pipeline(
          async function* () {
            yield body;
          },
          createWriteStream(partial, { flags: 'wx', mode: 0o600 }),
        );
        if (await recordings.addChunk(row.id, seq, body.length, sha256, new Date(now()))) {
          await rename(partial, recordings.chunkPath(row.id, seq));
        } else {
          // The same chunk arrived twice at once: the first stored is the one kept.
          const first = await recordings.chunk(row.id, seq);
          if (first?.sha256 !== sha256) {
            throw new HttpError(409, 'conflict', `Chunk ${seq} is stored already, with other bytes.`);
          }
        }
      } finally {
        await rm(partial, { force: true });
      }
      return reply.send(await receipt(row));
    },
  );

  app.get('/api/recordings/:id/chunks', async (request, reply) => {
    const row = await capturing(request, 'ask what is stored');
    return reply.send(await receipt(row));
  });

  app.post('/api/recordings/:id/finish', async (request, reply) => {
    const row = await capturing(request, 'finish it');
    const body = request.body as { chunks?: unknown } | null | undefined;
    const count = body && typeof body === 'object' ? body.chunks : undefined;
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1 || count > 1_000_000) {
      throw new HttpError(400, 'required', 'Send { "chunks": n }, the number of chunks (at least 1).');
    }
    if (row.status === 'ready' || row.status === 'processing') {
      // Finishing again (a page that reloaded) answers what is there.
      return reply.send(infoFor(row, await holderOf(await callerOf(request))));
    }
    if (row.status === 'deleted') throw new HttpError(410, 'not-found', 'This recording was deleted.');
    const chunks = await recordings.chunks(row.id);
    const have = new Set(chunks.map((chunk) => Number(chunk.seq)));
    const missing: number[] = [];
    for (let seq = 0; seq < count && missing.length < 50; seq++) if (!have.has(seq)) missing.push(seq);
    if (missing.length > 0) {
      throw new HttpError(409, 'business-rule', `Chunks missing: ${missing.join(', ')}. Send them, then finish.`);
    }
    if (chunks.some((chunk) => Number(chunk.seq) >= count)) {
      throw new HttpError(409, 'conflict', `More than ${count} chunks are stored: finish with the right number.`);
    }
    if (!(await recordings.startProcessing(row.id, new Date(now())))) {
      throw new HttpError(409, 'conflict', 'This recording is being finished already.');
    }
    const work = `${recordings.path(row.id)}.work`;
    let done: RecordingRow;
    try {
      await mkdir(work, { recursive: true, mode: 0o700 });
      const joined = `${work}/joined`;
      const out = createWriteStream(joined, { mode: 0o600 });
      await pipeline(async function* () {
        for (let seq = 0; seq < count; seq++) yield await readFile(recordings.chunkPath(row.id, seq));
      }, out);
      done = await finishRecording(recordings, row, joined, row.capture_type ?? 'video/webm', options.tools);
    } catch (error) {
      if (error instanceof ToolMissing) {
        throw new HttpError(503, 'not-supported', `${error.message}. The chunks are kept: finish again once it is.`);
      }
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        // A chunk's row is there but its file is not yet (it is being written): try again shortly.
        await recordings.backToCapturing(row.id);
        throw new HttpError(409, 'conflict', 'A chunk is still being stored: finish again in a moment.');
      }
      throw error;
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    if (done.status === 'ready') await recordings.removeBytes(row.id, { file: false });
    request.log.info({ recording: row.id, status: done.status }, 'recording finished');
    return reply.send(infoFor(done, await holderOf(await callerOf(request))));
  });

  // --- access -----------------------------------------------------------------------------------

  app.get('/api/recordings/:id', async (request, reply) => {
    const { row, holder } = await opened(request);
    if (row.status !== 'deleted') await audit(row, holder, 'metadata', request.ip);
    return reply.send(infoFor(row, holder));
  });

  app.get('/api/recordings', async (request, reply) => {
    const holder = await staffOnly(request);
    const query = request.query as Record<string, unknown>;
    for (const key of Object.keys(query)) {
      if (key !== 'patient' && key !== 'consultation') {
        throw new HttpError(
          400,
          'not-supported',
          `Unknown parameter ${key.slice(0, 40)}: expected patient or consultation.`,
        );
      }
    }
    const patient = query['patient'];
    const consultation = query['consultation'];
    if ((patient === undefined) === (consultation === undefined)) {
      throw new HttpError(400, 'required', 'Give one of patient=<id> or consultation=<appointment id>, once.');
    }
    const raw = patient ?? consultation;
    const match = typeof raw === 'string' ? /^(?:Patient\/|appt-)?(\d{1,9})$/.exec(raw) : null;
    if (!match) throw new HttpError(400, 'value', 'patient and consultation are whole numbers, given once.');
    const rows =
      patient !== undefined
        ? await recordings.forPatient(Number(match[1]))
        : await recordings.forAppointment(Number(match[1]));
    for (const row of rows) if (row.status !== 'deleted') await audit(row, holder, 'metadata', request.ip);
    return reply.send({ recordings: rows.map((row) => recordingInfo(row)) });
  });

  app.get('/api/recordings/:id/audit', async (request, reply) => {
    await staffOnly(request);
    const row = await recordings.get(recordingId(request.params));
    if (!row) throw notFound();
    return reply.send({ recordingId: row.id, accesses: await recordings.accesses(row.id) });
  });

  app.delete('/api/recordings/:id', async (request, reply) => {
    const holder = await staffOnly(request);
    const row = await recordings.get(recordingId(request.params));
    if (!row) throw notFound();
    if (row.status === 'processing')
      throw new HttpError(409, 'conflict', 'This recording is being finished: try again shortly.');
    const deleted = await recordings.delete(row.id, new Date(now()));
    if (row.status !== 'deleted') await audit(row, holder, 'delete', request.ip);
    request.log.info({ recording: row.id }, 'recording deleted');
    return reply.send(recordingInfo(deleted!));
  });

  /** The holder a signed `access` value was made for, checked again now (a session must still be live). */
  const signedHolder = async (row: RecordingRow, value: string): Promise<Holder | undefined> => {
    const link = media.verify(row.id, value)?.who;
    if (!link) return undefined;
    if (link === 'k') return { by: 'staff', who: 'staff key', link };
    if (link.startsWith('p')) return { by: 'staff', who: unb64(link.slice(1)), link };
    if (link.startsWith('r')) {
      const appointmentId = Number(link.slice(1));
      return { by: 'retrieval-link', who: await patientName(appointmentId), link, appointmentId };
    }
    if (link.startsWith('s')) {
      const sessionId = link.slice(1);
      if (!(await options.sessionLive(sessionId))) return undefined;
      const [session] = await options.storage.query<{
        appointment_id: number;
        role: string;
        display_name: string | null;
      }>('SELECT appointment_id, role, display_name FROM join_session WHERE id = $1', [sessionId]);
      if (!session) return undefined;
      const by = session.role === 'clinician' ? 'clinician' : session.role === 'patient' ? 'patient' : 'guest';
      const who =
        session.display_name ?? (by === 'patient' ? await patientName(Number(session.appointment_id)) : undefined);
      return { by, who, link, appointmentId: Number(session.appointment_id), sessionId };
    }
    return undefined;
  };

  app.get('/api/recordings/:id/media', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    let row: RecordingRow;
    let holder: Holder;
    if (typeof query['access'] === 'string' && !request.headers.authorization) {
      const id = recordingId(request.params);
      const found = await recordings.get(id);
      if (!found) throw notFound();
      const signed = await signedHolder(found, query['access']);
      if (!signed) {
        await audit(found, { by: 'anonymous' }, 'refused', request.ip);
        throw new HttpError(403, 'forbidden', 'This link to the recording has expired or is not valid: open it again.');
      }
      await admit(found, signed, request.ip);
      row = found;
      holder = signed;
    } else {
      ({ row, holder } = await opened(request));
    }
    if (row.status === 'deleted') throw new HttpError(410, 'not-found', 'This recording was deleted.');
    if (row.status !== 'ready' || !row.content_type) {
      throw new HttpError(409, 'business-rule', `This recording is ${row.status}, not ready to watch.`);
    }
    const download = wantsDownload(query);
    const size = Number(row.size ?? (await stat(recordings.path(row.id))).size);
    const range = parseRange(request.headers.range, size);
    const name = `consultation-${row.appointment_id}-${new Date(row.started_at).toISOString().slice(0, 10)}.${
      row.content_type === 'video/mp4' ? 'mp4' : 'webm'
    }`;
    reply
      .header('accept-ranges', 'bytes')
      .header('content-disposition', disposition(download ? 'attachment' : 'inline', name))
      .header('content-security-policy', MEDIA_POLICY)
      .header('cross-origin-resource-policy', 'same-origin')
      .header('cache-control', 'private, no-store')
      .header('x-content-type-options', 'nosniff');
    if (range === 'unsatisfiable') {
      throw new HttpError(416, 'value', `The range asked for is outside the recording's ${size} bytes.`, {
        'content-range': `bytes */${size}`,
        'accept-ranges': 'bytes',
      });
    }
    await audit(row, holder, download ? 'download' : 'view', request.ip);
    reply.header('content-type', row.content_type);
    if (!range) {
      return reply.header('content-length', String(size)).send(createReadStream(recordings.path(row.id)));
    }
    return reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
      .header('content-length', String(range.end - range.start + 1))
      .send(createReadStream(recordings.path(row.id), { start: range.start, end: range.end }));
  });

  // --- the patient's retrieval link -----------------------------------------------------------

  app.post('/api/consultations/:id/retrieval-link', async (request, reply) => {
    const holder = await staffOnly(request);
    const id = appointmentIdParam(request.params);
    const appointment = await options.appointment(id);
    if (!appointment) throw new HttpError(404, 'not-found', 'There is no such consultation.');
    const { value, expires } = retrieval.sign(String(id), 'patient');
    const url = `${options.publicBase()}/my-consultation/${id}.${value}`;
    const sentTo = await options.sendRetrievalLink(appointment, url, new Date(expires));
    if (!sentTo) {
      throw new HttpError(409, 'business-rule', 'The patient has no e-mail address: the link cannot be sent.');
    }
    request.log.info({ appointment: id, by: holder.who }, 'retrieval link sent');
    return reply.code(201).send({ sentTo, expiresAt: new Date(expires).toISOString() });
  });

  /** The appointment a retrieval token opens (401 when it is no token, expired or forged). */
  const retrievalOf = (request: FastifyRequest): number => {
    const bearer = /^Bearer +(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const token = bearer ?? readCookie(request.headers.cookie, RETRIEVAL_COOKIE);
    const match = token ? TOKEN.exec(token) : null;
    if (match && retrieval.verify(match[1]!, match[2]!)) return Number(match[1]);
    throw new HttpError(
      401,
      'login',
      token
        ? 'This link has expired or is not valid: ask the practice to send you a new one.'
        : 'Open the link the practice sent you to see your consultation.',
    );
  };

  app.get('/api/my-consultation', async (request, reply) => {
    const id = retrievalOf(request);
    const appointment = await options.appointment(id);
    if (!appointment) throw new HttpError(401, 'login', 'This link has expired or is not valid.');
    const patient = displayName(appointment.patient_details.name[0]);
    const holder: Holder = { by: 'retrieval-link', who: patient, link: `r${id}`, appointmentId: id };
    const rows = (await recordings.forAppointment(id)).filter((row) => row.status === 'ready');
    for (const row of rows) await audit(row, holder, 'metadata', request.ip);
    const { messages } = await options.chat.messages(options.storage, consultationOf(id), 0, 1000);
    const documents = (await options.documents.list(id))
      .filter((doc) => doc.status === 'complete')
      .map((doc) => {
        const path = `/api/consultations/${id}/documents/${doc.id}?access=${documentLinks.sign(doc.id, RETRIEVAL_HOLDER).value}`;
        return {
          id: doc.id,
          name: doc.name,
          type: doc.content_type,
          size: doc.size,
          view: path,
          download: `${path}&download=1`,
        };
      });
    return reply.send({
      consultation: {
        appointmentId: id,
        start: new Date(appointment.start_at).toISOString(),
        end: new Date(appointment.end_at).toISOString(),
        timeZone: appointment.time_zone,
        practitioner: displayName(appointment.practitioner_name),
        patient,
      },
      recordings: rows.map((row) => infoFor(row, holder)),
      messages: messages.map((m) => ({ seq: m.seq, name: m.name, role: m.role, text: m.text, sentAt: m.sentAt })),
      documents,
    });
  });

  /** The link in the e-mail: keeps the token in an HttpOnly cookie and drops it from the address bar. */
  app.get('/my-consultation/:token', async (request, reply) => {
    const token = String((request.params as { token?: unknown }).token ?? '');
    const match = TOKEN.exec(token);
    const valid = match ? retrieval.verify(match[1]!, match[2]!) : undefined;
    if (valid) {
      const maxAge = Math.max(1, Math.floor((valid.expires - now()) / 1000));
      reply.header(
        'set-cookie',
        `${RETRIEVAL_COOKIE}=${token}; Path=/api/my-consultation; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${
          options.secureCookies ? '; Secure' : ''
        }`,
      );
    }
    const lang = (request.query as Record<string, unknown>)['lang'];
    const locale = typeof lang === 'string' && /^[a-z]{2}(-[A-Z]{2})?$/.test(lang) ? matchLocale(lang) : 'en-GB';
    return reply
      .header('referrer-policy', 'no-referrer')
      .redirect(locale === 'en-GB' ? '/my-consultation/' : `/my-consultation/?lang=${locale}`, 303);
  });

  app.get('/my-consultation/', async (_request, reply) => {
    if (!options.page) throw new HttpError(404, 'not-found', 'No "my consultation" page is installed on this server.');
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .send(await readFile(options.page, 'utf8'));
  });

  // --- retention --------------------------------------------------------------------------------

  const every = options.sweepEveryMs ?? SWEEP_EVERY_MS;
  if (every > 0) {
    const sweep = () =>
      sweepRecordings(recordings, now)
        .then((count) => count > 0 && app.log.info({ count }, 'recordings deleted under the retention period'))
        .catch((error: unknown) => app.log.error({ err: error }, 'the recording retention sweep failed'));
    const timer = setInterval(sweep, every);
    timer.unref();
    app.addHook('onReady', async () => void sweep());
    app.addHook('onClose', async () => clearInterval(timer));
  }
}

/**
 * Deletes every recording past its retention period (bytes gone, row `deleted`, an audit entry by
 * `system`); returns how many. Safe on several instances at once: each step may run twice.
 */
export async function sweepRecordings(recordings: Recordings, now: () => number): Promise<number> {
  let count = 0;
  for (;;) {
    const due = await recordings.due(new Date(now()));
    if (due.length === 0) return count;
    for (const row of due) {
      if (row.status === 'processing') continue;
      await recordings.delete(row.id, new Date(now()));
      await recordings.audit(row.id, {
        by: 'system',
        who: 'retention period',
        action: 'delete',
        from: 'server',
        at: new Date(now()),
      });
      count++;
    }
    if (due.every((row) => row.status === 'processing')) return count;
  }
}
