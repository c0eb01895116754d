/**
 * Booking rows as FHIR R4 resources (docs/booking.md, "FHIR mapping").
 */
import type {
  Appointment,
  AppointmentParticipant,
  Bundle,
  BundleEntry,
  BundleLink,
  CodeableConcept,
  ContactPoint,
  FhirResource,
  Patient,
  Practitioner,
  Schedule,
  Slot,
} from 'fhir/r4.js';
import type {
  AppointmentRow,
  PatientDetails,
  PatientRow,
  PractitionerRow,
  ScheduleRow,
  SlotRow,
} from '../booking/repository.js';
import { BCP47 } from '../i18n/locales.js';
import { displayName } from '../booking/service.js';
import { formatInstant } from '../booking/zone.js';

import {
  BOOKING_REFERENCE_SYSTEM,
  CANCELATION_REASON_SYSTEM,
  CONTACT_PREFERENCE_URL,
  DELIVERY_CHANNEL_URL,
  IDEMPOTENCY_SYSTEM,
  SERVICE_TYPE_SYSTEM,
  SLOT_HELD_UNTIL_URL,
  TIMEZONE_URL,
} from '@consultkit/core/contract';

// The FHIR names of the contract (shared with core), for the modules that import them from here.
export {
  BOOKING_REFERENCE_SYSTEM,
  CANCELATION_REASON_SYSTEM,
  CONTACT_PREFERENCE_URL,
  DELIVERY_CHANNEL_URL,
  IDEMPOTENCY_SYSTEM,
  SERVICE_TYPE_SYSTEM,
  TIMEZONE_URL,
};

const CANCELATION_DISPLAY = {
  declined: 'Declined by the practice',
  patient: 'Cancelled by the patient',
  practice: 'Cancelled by the practice',
} as const;

function serviceType(code: string, display: string): CodeableConcept[] {
  return [{ coding: [{ system: SERVICE_TYPE_SYSTEM, code, display }] }];
}

export function practitionerResource(row: PractitionerRow): Practitioner {
  return {
    resourceType: 'Practitioner',
    id: String(row.id),
    meta: { lastUpdated: row.updated_at.toISOString() },
    active: row.active,
    name: [{ ...row.name, text: displayName(row.name) }],
    ...(row.qualification ? { qualification: [{ code: { text: row.qualification } }] } : {}),
  };
}

export function scheduleResource(row: ScheduleRow): Schedule {
  return {
    resourceType: 'Schedule',
    id: String(row.id),
    meta: { lastUpdated: row.updated_at.toISOString() },
    extension: [
      ...row.channels.map((code) => ({ url: DELIVERY_CHANNEL_URL, valueCode: code })),
      { url: TIMEZONE_URL, valueCode: row.time_zone },
    ],
    active: row.active,
    serviceType: serviceType(row.service_type, row.service_display),
    actor: [{ reference: `Practitioner/${row.practitioner_id}`, display: displayName(row.practitioner_name) }],
  };
}

/**
 * A slot; a free one with a live hold on it is `busy-tentative`, saying when the hold lapses
 * (docs/decisions/0029).
 */
export function slotResource(row: SlotRow): Slot {
  const held = row.status === 'free' && row.held_until ? row.held_until : undefined;
  return {
    resourceType: 'Slot',
    id: String(row.id),
    meta: { lastUpdated: row.updated_at.toISOString() },
    ...(held ? { extension: [{ url: SLOT_HELD_UNTIL_URL, valueInstant: held.toISOString() }] } : {}),
    serviceType: serviceType(row.service_type, row.service_display),
    schedule: { reference: `Schedule/${row.schedule_id}` },
    status: held ? 'busy-tentative' : row.status,
    start: formatInstant(row.start_at.getTime(), row.time_zone),
    end: formatInstant(row.end_at.getTime(), row.time_zone),
  };
}

function practitionerStatus(row: AppointmentRow): AppointmentParticipant['status'] {
  if (row.status === 'pending') return 'needs-action';
  if (row.status === 'cancelled' && row.cancelation_reason === 'declined') return 'declined';
  return 'accepted';
}

export function appointmentResource(row: AppointmentRow): Appointment {
  const identifier = [{ system: BOOKING_REFERENCE_SYSTEM, value: row.booking_reference }];
  if (row.idempotency_key !== null) identifier.push({ system: IDEMPOTENCY_SYSTEM, value: row.idempotency_key });
  return {
    resourceType: 'Appointment',
    id: String(row.id),
    meta: { versionId: String(row.version), lastUpdated: row.updated_at.toISOString() },
    extension: [{ url: DELIVERY_CHANNEL_URL, valueCode: row.channel }],
    identifier,
    status: row.status,
    ...(row.status === 'cancelled' && row.cancelation_reason
      ? {
          cancelationReason: {
            coding: [
              {
                system: CANCELATION_REASON_SYSTEM,
                code: row.cancelation_reason,
                display: CANCELATION_DISPLAY[row.cancelation_reason],
              },
            ],
          },
        }
      : {}),
    serviceType: serviceType(row.service_type, row.service_display),
    start: formatInstant(row.start_at.getTime(), row.time_zone),
    end: formatInstant(row.end_at.getTime(), row.time_zone),
    created: formatInstant(row.created_at.getTime(), row.time_zone),
    slot: [{ reference: `Slot/${row.slot_id}` }],
    participant: [
      {
        actor: { reference: `Patient/${row.patient_id}`, display: displayName(row.patient_details.name[0]) },
        required: 'required',
        status: 'accepted',
      },
      {
        actor: { reference: `Practitioner/${row.practitioner_id}`, display: displayName(row.practitioner_name) },
        required: 'required',
        status: practitionerStatus(row),
      },
    ],
  };
}

function telecom(email: string, phone: string | null | undefined): ContactPoint[] {
  return [{ system: 'email', value: email }, ...(phone ? [{ system: 'phone' as const, value: phone }] : [])];
}

/** The patient record (staff see this). */
export function patientResource(row: PatientRow): Patient {
  return {
    resourceType: 'Patient',
    id: String(row.id),
    meta: { lastUpdated: row.created_at.toISOString() },
    name: row.name,
    birthDate: row.birth_date,
    telecom: telecom(row.email, row.phone),
  };
}

/**
 * The patient as one booking gave their details: what the holder of that booking reference sees,
 * so that a reference never reveals what someone else entered for the same e-mail and birth date.
 */
export function patientFromBooking(patientId: number, details: PatientDetails): Patient {
  return {
    resourceType: 'Patient',
    id: String(patientId),
    name: details.name,
    birthDate: details.birthDate,
    telecom: telecom(details.email, details.phone),
    ...(details.contactPreference
      ? { extension: [{ url: CONTACT_PREFERENCE_URL, valueCode: details.contactPreference }] }
      : {}),
    ...(details.language
      ? { communication: [{ language: { coding: [{ system: BCP47, code: details.language }] }, preferred: true }] }
      : {}),
  };
}

export interface BundlePage {
  /** `http://host/fhir` */
  base: string;
  /** `Slot` */
  type: string;
  /** The search's own parameters (without `_count`, `_offset` and `_cursor`), in order. */
  params: [string, string][];
  count: number;
  /** Offset paging: where this page starts. Cursor paging: this page's cursor and the next one's. */
  paging: { offset: number } | { cursor?: string | undefined; next?: string | undefined };
  total?: number | undefined;
  more: boolean;
  matches: FhirResource[];
  included?: FhirResource[];
  /** A warning for the client (what `Prefer: handling=lenient` ignored), as an `outcome` entry. */
  warning?: string | undefined;
}

function bundleLinks(page: Omit<BundlePage, 'matches' | 'included'>): BundleLink[] {
  const url = (position: { _offset?: number; _cursor?: string | undefined }) => {
    const query = new URLSearchParams(page.params);
    query.set('_count', String(page.count));
    if (position._offset !== undefined) query.set('_offset', String(position._offset));
    if (position._cursor !== undefined) query.set('_cursor', position._cursor);
    return `${page.base}/${page.type}?${query}`;
  };
  const link: BundleLink[] = [];
  if ('offset' in page.paging) {
    const offset = page.paging.offset;
    link.push({ relation: 'self', url: url({ _offset: offset }) });
    if (page.more) link.push({ relation: 'next', url: url({ _offset: offset + page.count }) });
    if (offset > 0) link.push({ relation: 'previous', url: url({ _offset: Math.max(0, offset - page.count) }) });
  } else {
    link.push({ relation: 'self', url: url({ _cursor: page.paging.cursor }) });
    if (page.more && page.paging.next) link.push({ relation: 'next', url: url({ _cursor: page.paging.next }) });
  }
  return link;
}

function outcomeEntry(warning: string): BundleEntry {
  return {
    resource: {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'warning', code: 'not-supported', diagnostics: warning }],
    },
    search: { mode: 'outcome' },
  };
}

export function searchBundle(page: BundlePage): Bundle {
  const link = bundleLinks(page);
  const entry = (resource: FhirResource, mode: 'match' | 'include'): BundleEntry => ({
    fullUrl: `${page.base}/${resource.resourceType}/${resource.id}`,
    resource,
    search: { mode },
  });
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(page.total !== undefined ? { total: page.total } : {}),
    link,
    entry: [
      ...page.matches.map((resource) => entry(resource, 'match')),
      ...(page.included ?? []).map((resource) => entry(resource, 'include')),
      ...(page.warning ? [outcomeEntry(page.warning)] : []),
    ],
  };
}

/** A resource already serialised: its JSON text, with what its entry's `fullUrl` needs. */
export interface SerialisedResource {
  resourceType: string;
  id: string;
  json: string;
}

/**
 * `JSON.stringify(searchBundle(page))`, the same text, from resources already serialised: slot
 * search answers a hundred Slots and tens of Schedules per request, and building then stringifying
 * each object was most of its time outside the database (docs/decisions/0029-picker-speed-and-holds.md).
 */
export function searchBundleJson(
  page: Omit<BundlePage, 'matches' | 'included'> & {
    matches: SerialisedResource[];
    included?: SerialisedResource[];
  },
): string {
  const entries: string[] = [];
  const add = (resources: SerialisedResource[], mode: string) => {
    for (const resource of resources) {
      const fullUrl = JSON.stringify(`${page.base}/${resource.resourceType}/${resource.id}`);
      entries.push(`{"fullUrl":${fullUrl},"resource":${resource.json},"search":{"mode":"${mode}"}}`);
    }
  };
  add(page.matches, 'match');
  add(page.included ?? [], 'include');
  if (page.warning) entries.push(JSON.stringify(outcomeEntry(page.warning)));
  const total = page.total !== undefined ? `"total":${page.total},` : '';
  return `{"resourceType":"Bundle","type":"searchset",${total}"link":${JSON.stringify(bundleLinks(page))},"entry":[${entries.join(',')}]}`;
}

const scheduleTexts = new WeakMap<ScheduleRow, { resource: string; serviceType: string }>();

/** A schedule's JSON, and its service type's, made once per catalog row. */
function textsOf(row: ScheduleRow): { resource: string; serviceType: string } {
  let texts = scheduleTexts.get(row);
  if (!texts) {
    texts = {
      resource: JSON.stringify(scheduleResource(row)),
      serviceType: JSON.stringify(serviceType(row.service_type, row.service_display)),
    };
    scheduleTexts.set(row, texts);
  }
  return texts;
}

/** `scheduleResource(row)` serialised (once per catalog row: rows are replaced when the catalog reloads). */
export function scheduleJson(row: ScheduleRow): SerialisedResource {
  return { resourceType: 'Schedule', id: String(row.id), json: textsOf(row).resource };
}

/** `slotResource(row)` serialised, with its schedule's service type and time zone from the catalog row. */
export function slotJson(row: SlotRow, schedule: ScheduleRow): SerialisedResource {
  const zone = schedule.time_zone;
  if (row.held_until) {
    const whole = {
      ...row,
      service_type: schedule.service_type,
      service_display: schedule.service_display,
      time_zone: zone,
    };
    return { resourceType: 'Slot', id: String(row.id), json: JSON.stringify(slotResource(whole)) };
  }
  return {
    resourceType: 'Slot',
    id: String(row.id),
    json:
      `{"resourceType":"Slot","id":"${row.id}","meta":{"lastUpdated":"${row.updated_at.toISOString()}"},` +
      `"serviceType":${textsOf(schedule).serviceType},"schedule":{"reference":"Schedule/${row.schedule_id}"},` +
      `"status":${JSON.stringify(row.status)},"start":"${formatInstant(row.start_at.getTime(), zone)}",` +
      `"end":"${formatInstant(row.end_at.getTime(), zone)}"}`,
  };
}
