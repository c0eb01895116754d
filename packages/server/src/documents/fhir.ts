/**
 * A filed document as FHIR R4 (UK Core): a `DocumentReference` that points at a `Binary` of the
 * same id (docs/decisions/0026-documents.md).
 */
import type { Binary, CapabilityStatementRestResource, DocumentReference } from 'fhir/r4.js';
import type { AppointmentRow } from '../booking/repository.js';
import type { DocumentRow } from './repository.js';

export const UK_CORE_DOCUMENT_REFERENCE = 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-DocumentReference';
export const DOCUMENT_SYSTEM = 'urn:consultkit:document';
export const CONSULTATION_SYSTEM = 'urn:consultkit:consultation';

/** What every DocumentReference of ours starts with: the UK Core profile, our identifier, `current`. */
export function ukCoreDocumentReference(
  id: string,
  system: string,
): Pick<DocumentReference, 'resourceType' | 'id' | 'meta' | 'identifier' | 'status'> {
  return {
    resourceType: 'DocumentReference',
    id,
    meta: { profile: [UK_CORE_DOCUMENT_REFERENCE] },
    identifier: [{ system, value: id }],
    status: 'current',
  };
}

export function documentReference(row: DocumentRow, appointment: AppointmentRow): DocumentReference {
  const author =
    row.uploader_role === 'patient'
      ? { reference: `Patient/${appointment.patient_id}`, display: row.uploader_name }
      : row.uploader_role === 'clinician'
        ? { reference: `Practitioner/${appointment.practitioner_id}`, display: row.uploader_name }
        : { display: `${row.uploader_name} (${row.uploader_role})` };
  return {
    ...ukCoreDocumentReference(row.id, DOCUMENT_SYSTEM),
    type: {
      text:
        row.content_type === 'application/pdf' ? 'Document shared in a consultation' : 'Image shared in a consultation',
    },
    subject: { reference: `Patient/${appointment.patient_id}` },
    date: new Date(row.filed_at ?? row.completed_at ?? row.created_at).toISOString(),
    author: [author],
    description: row.name,
    content: [
      {
        attachment: {
          contentType: row.content_type ?? 'application/octet-stream',
          url: `Binary/${row.id}`,
          size: row.size,
          // FHIR R4 Attachment.hash: the base64 of the SHA-1 of the data.
          hash: row.sha1 ?? undefined,
          title: row.name,
          creation: new Date(row.created_at).toISOString(),
        },
      },
    ],
    context: consultationContext(appointment),
  };
}

/**
 * A DocumentReference's `context` for what was made in a consultation (a filed document, a
 * recording): the consultation as an Encounter by identifier (there is no Encounter resource; the
 * Appointment is `related`), and its period (the appointment's, unless the record has its own).
 */
export function consultationContext(
  appointment: AppointmentRow,
  period: { start: Date; end: Date } = { start: appointment.start_at, end: appointment.end_at },
): NonNullable<DocumentReference['context']> {
  return {
    encounter: [
      {
        type: 'Encounter',
        identifier: { system: CONSULTATION_SYSTEM, value: `appt-${appointment.id}` },
        display: 'Video consultation',
      },
    ],
    period: { start: new Date(period.start).toISOString(), end: new Date(period.end).toISOString() },
    related: [{ reference: `Appointment/${appointment.id}` }],
  };
}

export function binary(row: DocumentRow, bytes: Buffer): Binary {
  return {
    resourceType: 'Binary',
    id: row.id,
    contentType: row.content_type ?? 'application/octet-stream',
    securityContext: { reference: `DocumentReference/${row.id}` },
    data: bytes.toString('base64'),
  };
}

/** The CapabilityStatement's entries for filed documents. */
export const DOCUMENT_CAPABILITIES: CapabilityStatementRestResource[] = [
  {
    type: 'DocumentReference',
    profile: UK_CORE_DOCUMENT_REFERENCE,
    documentation:
      "Documents shared in a video consultation and filed to the patient's record by the clinician. Staff only.",
    interaction: [{ code: 'read' }, { code: 'search-type' }],
    searchParam: [
      { name: 'patient', type: 'reference', documentation: 'Patient/<id> (required; subject= is the same)' },
      { name: '_sort', type: 'string', documentation: '-date only: the newest first (the one order)' },
      { name: '_count', type: 'number', documentation: 'page size, at most 500 (default 100)' },
      { name: '_offset', type: 'number', documentation: "where the page starts: follow the Bundle's next link" },
      { name: '_total', type: 'token', documentation: 'none (default), estimate or accurate (both count exactly)' },
      { name: '_summary', type: 'token', documentation: 'count: the total only' },
    ],
  },
  {
    type: 'Binary',
    documentation:
      "A filed document's bytes (base64 in data), read in the security context of its DocumentReference. Staff only.",
    interaction: [{ code: 'read' }],
  },
];
