/**
 * A finished recording as FHIR R4 (UK Core): a `DocumentReference` whose attachment is the media
 * route, beside the filed documents of the same patient (docs/recording.md, "Export";
 * docs/decisions/0040-recording-export.md). Rows are read here through the storage interface; the
 * recording API (capture, media, deletion) is another module's.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { CapabilityStatementRestResource, DocumentReference } from 'fhir/r4.js';
import type { RecordingCapture, RecordingEndReason } from '@consultkit/core/contract';
import type { AppointmentRow } from '../booking/repository.js';
import { displayName } from '../booking/service.js';
import type { Caller } from '../auth.js';
import { consultationContext, ukCoreDocumentReference } from '../documents/fhir.js';
import type { SqlExecutor } from '../storage/index.js';

export const RECORDING_SYSTEM = 'urn:consultkit:recording';
export const SNOMED = 'http://snomed.info/sct';
export const LOINC = 'http://loinc.org';
/** The NHS ODS organisation code's FHIR identifier system. */
export const ODS_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';
/** SNOMED CT 371530004 |Clinical consultation report (record artifact)|: the recording is the record of a consultation. */
export const CONSULTATION_REPORT = { system: SNOMED, code: '371530004', display: 'Clinical consultation report' };
/** LOINC 11488-4 "Consult note": the document class (FHIR category) and the CDA document's code. */
export const CONSULT_NOTE = { system: LOINC, code: '11488-4', display: 'Consult note' };
/** FHIR R4 `Attachment.size` is an unsignedInt: a larger file is listed without it. */
const UNSIGNED_INT_MAX = 2_147_483_647;

/** The practice as exported records name it (custodian). */
export interface Practice {
  name: string;
  odsCode?: string | undefined;
}

/** The columns of a `recording` row (migration 0013) an export reads. */
export interface RecordingExportRow {
  id: string;
  appointment_id: number;
  request_id: string;
  capture: RecordingCapture;
  status: string;
  asked_by: string;
  started_at: Date;
  ended_at: Date | null;
  end_reason: RecordingEndReason | null;
  content_type: string | null;
  duration_seconds: number | null;
  size: number | string | null;
  sha256: string | null;
  sha1: string | null;
}

/** One answer to the request to record (`recording_consent`). */
export interface ConsentRow {
  peer_id: string;
  role: 'patient' | 'clinician' | 'guest';
  name: string;
  answer: 'asked' | 'agreed' | 'declined' | 'withdrawn';
  at: Date;
}

/** An export or a refused one, as `recording_access` keeps it. */
export interface ExportAccess {
  /** `metadata`: a HEAD of the CDA export (nothing of the document sent). */
  action: 'export-fhir' | 'export-cda' | 'metadata' | 'refused';
  caller: Caller;
  from: string;
}

const ID = /^[0-9a-f]{32}$/;

/**
 * The patient's ready recordings, as one arm of the DocumentReference search's union (`$1`: the
 * patient id): their id, when they ended (the order) and their kind.
 */
export const RECORDING_LISTING = `SELECT r.id, COALESCE(r.ended_at, r.started_at) AS at, 'recording' AS kind
  FROM recording r JOIN appointment a ON a.id = r.appointment_id
 WHERE a.patient_id = $1 AND r.status = 'ready'`;

export class RecordingExports {
  constructor(
    private readonly storage: SqlExecutor,
    readonly dir: string,
  ) {}

  /** The recording's file (its id is checked: never a path of the caller's choosing). */
  path(id: string): string {
    if (!ID.test(id)) throw new Error('not a recording id');
    return join(this.dir, id);
  }

  /** A recording by id, whatever its status; undefined for an id that cannot be one. */
  async byId(id: string): Promise<RecordingExportRow | undefined> {
    if (!ID.test(id)) return undefined;
    const [row] = await this.storage.query<RecordingExportRow>(
      `SELECT id, appointment_id, request_id, capture, status, asked_by, started_at, ended_at, end_reason,
              content_type, duration_seconds, size, sha256, sha1
         FROM recording WHERE id = $1`,
      [id],
    );
    return row;
  }

  /**
   * The file's SHA-1 as FHIR's `Attachment.hash` wants it (base64): from the row (kept as hex or
   * base64), else computed from the file once and kept; undefined when neither is there (the file
   * is missing: the export says so by leaving the hash out, never by failing).
   */
  async sha1(row: RecordingExportRow): Promise<string | undefined> {
    const kept = row.sha1?.trim();
    if (kept && /^[0-9a-f]{40}$/i.test(kept)) return Buffer.from(kept, 'hex').toString('base64');
    if (kept && /^[A-Za-z0-9+/]{27}=$/.test(kept)) return kept;
    const hash = createHash('sha1');
    try {
      for await (const chunk of createReadStream(this.path(row.id))) hash.update(chunk as Buffer);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
      throw error;
    }
    const sha1 = hash.digest('base64');
    await this.storage.query('UPDATE recording SET sha1 = $2 WHERE id = $1 AND sha1 IS NULL', [row.id, sha1]);
    return sha1;
  }

  /** Every answer to the request that started the recording, in order. */
  async consents(row: RecordingExportRow): Promise<ConsentRow[]> {
    return this.storage.query<ConsentRow>(
      `SELECT peer_id, role, name, answer, at FROM recording_consent
        WHERE appointment_id = $1 AND request_id = $2 ORDER BY at, id LIMIT 1000`,
      [row.appointment_id, row.request_id],
    );
  }

  /** Audits one export (or a refused one) in `recording_access`. */
  async audit(recordingId: string, access: ExportAccess, at: Date): Promise<void> {
    const { caller } = access;
    const who = caller.kind === 'staff' ? (caller.person?.name ?? null) : null;
    await this.storage.query(
      `INSERT INTO recording_access (recording_id, at, by_kind, who, action, from_address)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [recordingId, at, caller.kind, who, access.action, access.from.slice(0, 64)],
    );
  }
}

/** The recording's media, as the recording API serves it (with range requests, to those it lets in). */
export function mediaUrl(publicBase: string, id: string): string {
  return `${publicBase}/api/recordings/${id}/media`;
}

/** The recording as a UK Core DocumentReference. */
export function recordingReference(
  row: RecordingExportRow,
  appointment: AppointmentRow,
  options: { practice: Practice; sha1: string | undefined; url: string },
): DocumentReference {
  const ended = row.ended_at ?? row.started_at;
  const clinician = displayName(appointment.practitioner_name);
  const size = row.size === null ? undefined : Number(row.size);
  const day = new Date(row.started_at).toISOString().slice(0, 10);
  return {
    ...ukCoreDocumentReference(row.id, RECORDING_SYSTEM),
    docStatus: 'final',
    type: { coding: [CONSULTATION_REPORT], text: 'Video recording of a consultation' },
    category: [{ coding: [CONSULT_NOTE] }],
    subject: {
      reference: `Patient/${appointment.patient_id}`,
      display: displayName(appointment.patient_details.name[0]),
    },
    date: new Date(ended).toISOString(),
    author: [{ reference: `Practitioner/${appointment.practitioner_id}`, display: clinician }],
    custodian: {
      ...(options.practice.odsCode ? { identifier: { system: ODS_SYSTEM, value: options.practice.odsCode } } : {}),
      display: options.practice.name,
    },
    description: `Video recording of the consultation with ${clinician} on ${day}, made with everyone's consent`,
    content: [
      {
        attachment: {
          contentType: row.content_type ?? 'video/mp4',
          url: options.url,
          ...(size !== undefined && size <= UNSIGNED_INT_MAX ? { size } : {}),
          // FHIR R4 Attachment.hash: the base64 of the SHA-1 of the data.
          ...(options.sha1 ? { hash: options.sha1 } : {}),
          title: `Consultation recording ${day}`,
          creation: new Date(ended).toISOString(),
        },
      },
    ],
    context: consultationContext(appointment, { start: row.started_at, end: ended }),
  };
}

/** What the DocumentReference entry of the CapabilityStatement says of recordings. */
export const RECORDING_CAPABILITY_NOTE =
  ' Also each finished consultation recording (type SNOMED CT 371530004; the attachment is the media, served to those the recording API lets in).';

/** The CapabilityStatement's DocumentReference entry, with recordings. */
export function withRecordings(entries: CapabilityStatementRestResource[]): CapabilityStatementRestResource[] {
  return entries.map((entry) =>
    entry.type === 'DocumentReference'
      ? { ...entry, documentation: `${entry.documentation ?? ''}${RECORDING_CAPABILITY_NOTE}` }
      : entry,
  );
}
