/**
 * Exports of a finished recording (docs/recording.md, "Export"; docs/decisions/0040-recording-export.md):
 *
 * - `GET /api/recordings/:id/cda`: an HL7 CDA R2 ClinicalDocument (`application/cda+xml`).
 * - `GET /fhir/DocumentReference/:id` and `GET /fhir/DocumentReference?patient=`: the recording as a
 *   UK Core DocumentReference, beside the patient's filed documents ({@link recordingReferences},
 *   given to the documents' FHIR routes).
 *
 * Who: staff only (the staff key or a staff session), as for filed documents: a patient's booking
 * reference gets 403, anyone else 401. A recording that is not ready is 409, a deleted one 410,
 * an unknown id 404. Every export is audited in `recording_access` (`export-cda`, `export-fhir`),
 * and so is a refused CDA export of a recording that exists (`refused`).
 */
import type { ChatMessage } from '@consultkit/core/contract';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Auth, Caller } from '../auth.js';
import type { AppointmentRow } from '../booking/repository.js';
import type { MoreDocumentReferences } from '../documents/plugin.js';
import { HttpError } from '../errors.js';
import { consultationOf } from '../join/service.js';
import type { ChatService } from '../room/chat.js';
import type { SqlExecutor } from '../storage/index.js';
import { CDA_MEDIA_TYPE, practiceRoot, recordingCda } from './cda.js';
import {
  mediaUrl,
  RECORDING_LISTING,
  recordingReference,
  type Practice,
  type RecordingExportRow,
  type RecordingExports,
} from './export-fhir.js';

export interface RecordingExportOptions {
  exports: RecordingExports;
  auth: Auth;
  storage: SqlExecutor;
  chat: ChatService;
  appointment: (id: number) => Promise<AppointmentRow | undefined>;
  practice: Practice;
  /** The server's public URL (`https://consult.example`): the media links and the practice's id root. */
  publicBase: () => string;
  now: () => number;
}

/** The most chat messages a CDA document carries (the chat keeps at most this many per consultation in practice). */
const CHAT_MAX = 10_000;

/** The policy of an exported document: nothing in it runs or loads, whatever opens it. */
const EXPORT_POLICY = "default-src 'none'; sandbox; frame-ancestors 'none'";

const ID = /^[0-9a-f]{32}$/;

/** A ready recording and its appointment, or the error that says why not. */
async function readyRecording(
  options: RecordingExportOptions,
  id: string,
): Promise<{ row: RecordingExportRow; appointment: AppointmentRow }> {
  const row = ID.test(id) ? await options.exports.byId(id) : undefined;
  if (!row) throw new HttpError(404, 'not-found', 'There is no such recording.');
  if (row.status === 'deleted') throw new HttpError(410, 'not-found', 'This recording has been deleted.');
  if (row.status !== 'ready') {
    throw new HttpError(
      409,
      'business-rule',
      row.status === 'failed'
        ? 'This recording could not be finished: there is nothing to export.'
        : 'This recording is not finished yet: export it once it is ready.',
    );
  }
  const appointment = await options.appointment(row.appointment_id);
  if (!appointment) throw new HttpError(404, 'not-found', 'There is no such recording.');
  return { row, appointment };
}

/** Which type to answer, by `Accept`: `application/cda+xml` unless only plain XML is acceptable; else 406. */
function negotiate(accept: string | undefined): string {
  if (accept === undefined || accept.trim() === '') return CDA_MEDIA_TYPE;
  const ranges = accept.split(',').map((range) => {
    const [type, ...parameters] = range.split(';').map((x) => x.trim().toLowerCase());
    const q = parameters.find((p) => p.startsWith('q='));
    return { type: type ?? '', q: q === undefined ? 1 : Number(q.slice(2)) };
  });
  const quality = (type: string) =>
    Math.max(
      0,
      ...ranges
        .filter((r) => r.type === type || r.type === '*/*' || r.type === `${type.split('/')[0]}/*`)
        .map((r) => (Number.isFinite(r.q) ? r.q : 0)),
    );
  const best = [CDA_MEDIA_TYPE, 'application/xml', 'text/xml']
    .map((type) => ({ type, q: quality(type) }))
    .reduce((a, b) => (b.q > a.q ? b : a));
  if (best.q <= 0) {
    throw new HttpError(
      406,
      'not-supported',
      `A recording exports as ${CDA_MEDIA_TYPE} (or application/xml, text/xml), not ${JSON.stringify(accept.slice(0, 80))}.`,
    );
  }
  return best.type;
}

async function chatOf(options: RecordingExportOptions, appointmentId: number): Promise<ChatMessage[]> {
  const all: ChatMessage[] = [];
  let after = 0;
  for (;;) {
    const { messages, more } = await options.chat.messages(options.storage, consultationOf(appointmentId), after, 1000);
    all.push(...messages);
    if (!more || all.length >= CHAT_MAX || messages.length === 0) return all.slice(0, CHAT_MAX);
    after = messages.at(-1)!.seq;
  }
}

export async function recordingExportPlugin(app: FastifyInstance, options: RecordingExportOptions): Promise<void> {
  app.get('/api/recordings/:id/cda', async (request, reply) => {
    const id = String((request.params as { id?: unknown }).id ?? '');
    const caller = await options.auth.caller(request);
    if (caller.kind !== 'staff') {
      const known = ID.test(id) ? await options.exports.byId(id) : undefined;
      if (known) {
        await options.exports.audit(known.id, { action: 'refused', caller, from: request.ip }, new Date(options.now()));
      }
      options.auth.requireStaff(caller);
    }
    const names = Object.keys((request.query as Record<string, unknown> | undefined) ?? {});
    if (names.length) {
      throw new HttpError(400, 'not-supported', `The CDA export takes no parameters, not "${names[0]!.slice(0, 40)}".`);
    }
    const type = negotiate(request.headers.accept);
    const { row, appointment } = await readyRecording(options, id);
    const sha1 = await options.exports.sha1(row);
    if (!sha1) request.log.warn({ recording: row.id }, 'recording file missing: exported without its SHA-1');
    const xml = recordingCda({
      recording: row,
      appointment,
      practice: options.practice,
      root: practiceRoot(options.practice, options.publicBase()),
      consents: await options.exports.consents(row),
      chat: await chatOf(options, appointment.id),
      url: mediaUrl(options.publicBase(), row.id),
      sha1,
      now: new Date(options.now()),
    });
    const action = request.method === 'HEAD' ? 'metadata' : 'export-cda';
    await options.exports.audit(row.id, { action, caller, from: request.ip }, new Date(options.now()));
    return reply
      .header('content-type', `${type}; charset=utf-8`)
      .header('content-disposition', `attachment; filename="consultation-recording-${row.id}.xml"`)
      .header('content-security-policy', EXPORT_POLICY)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store')
      .send(xml);
  });
}

/**
 * Recordings as DocumentReferences for the documents' FHIR routes (which check staff first): the
 * search's union arm and a read by id. Each one answered is audited (`export-fhir`).
 */
export function recordingReferences(
  options: Pick<RecordingExportOptions, 'exports' | 'appointment' | 'practice' | 'publicBase' | 'now'>,
): MoreDocumentReferences {
  return {
    kind: 'recording',
    listing: RECORDING_LISTING,
    async read(id: string, request: FastifyRequest, caller: Caller) {
      const row = ID.test(id) ? await options.exports.byId(id) : undefined;
      if (!row || row.status !== 'ready') return undefined;
      const appointment = await options.appointment(row.appointment_id);
      if (!appointment) return undefined;
      const sha1 = await options.exports.sha1(row);
      if (!sha1) request.log.warn({ recording: row.id }, 'recording file missing: exported without its SHA-1');
      const resource = recordingReference(row, appointment, {
        practice: options.practice,
        sha1,
        url: mediaUrl(options.publicBase(), row.id),
      });
      await options.exports.audit(row.id, { action: 'export-fhir', caller, from: request.ip }, new Date(options.now()));
      return resource;
    },
  };
}
