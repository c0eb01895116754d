/**
 * Reading the Appointments clients send: a booking (POST) and a change (PUT). Malformed input is a
 * 400 naming the element; well-formed input that asks for something this server does not do is
 * a 422.
 */
import { HttpError, type IssueCode } from '../errors.js';
import {
  CANCELATION_REASONS,
  DELIVERY_CHANNELS,
  type AppointmentRow,
  type AppointmentStatus,
  type CancelationReason,
  type DeliveryChannel,
  type HumanNameJson,
  type ContactPreference,
  type PatientDetails,
} from '../booking/repository.js';
import type { AppointmentUpdate, BookingRequest } from '../booking/service.js';
import {
  BIDI_CONTROLS,
  BIDI_MARKS,
  BOOKING_REFERENCE_SYSTEM,
  CANCELATION_REASON_SYSTEM,
  CONTACT_PREFERENCE_URL,
  CONTACT_PREFERENCES,
  DELIVERY_CHANNEL_URL,
  HOLD_TOKEN,
  SLOT_HOLD_TOKEN_URL,
  IDEMPOTENCY_KEY,
  IDEMPOTENCY_SYSTEM,
  birthDateProblem,
  isEmailAddress,
  isPhoneNumber,
  parseDate,
  stripBidi,
} from '@consultkit/core/contract';
import { parseId } from './params.js';
import { BCP47, LANGUAGE_TAG } from '../i18n/locales.js';

type Json = Record<string, unknown>;

/** Every Appointment.status code in FHIR R4. */
const FHIR_APPOINTMENT_STATUSES = [
  'proposed',
  'pending',
  'booked',
  'arrived',
  'fulfilled',
  'cancelled',
  'noshow',
  'entered-in-error',
  'checked-in',
  'waitlist',
] as const;

const OURS: readonly string[] = ['pending', 'booked', 'arrived', 'fulfilled', 'cancelled', 'noshow'];

/** Elements of an Appointment this server reads or sets; anything else is refused, not dropped. */
const KNOWN_ELEMENTS = [
  'resourceType',
  'id',
  'meta',
  'text',
  'language',
  'implicitRules',
  'contained',
  'extension',
  'modifierExtension',
  'identifier',
  'status',
  'cancelationReason',
  'serviceType',
  'start',
  'end',
  'created',
  'slot',
  'participant',
];

export { IDEMPOTENCY_KEY };

function fail(status: number, code: IssueCode, message: string): HttpError {
  return new HttpError(status, code, message);
}
const structure = (message: string) => fail(400, 'structure', message);
const required = (message: string) => fail(400, 'required', message);
const badValue = (message: string) => fail(400, 'value', message);
const rule = (message: string) => fail(422, 'business-rule', message);

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, where: string): Json {
  if (!isObject(value)) throw structure(`${where}: expected a JSON object`);
  return value;
}

function array(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw structure(`${where}: expected a JSON array`);
  return value;
}

function optionalString(value: unknown, where: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw structure(`${where}: expected a string`);
  return value;
}

/** Checks the envelope every Appointment shares: the resource type and the elements used. */
function envelope(body: unknown): Json {
  if (body === undefined || body === null || body === '') {
    throw structure('Expected an Appointment resource as the JSON body (application/fhir+json)');
  }
  const resource = object(body, 'body');
  if (resource['resourceType'] !== 'Appointment') {
    throw fail(
      400,
      'invalid',
      `resourceType: expected "Appointment", got ${JSON.stringify(resource['resourceType'] ?? null)}`,
    );
  }
  for (const key of Object.keys(resource)) {
    if (!KNOWN_ELEMENTS.includes(key) && !key.startsWith('_')) {
      throw rule(`Appointment.${key} is not supported by this server; leave it out`);
    }
  }
  if (resource['modifierExtension'] !== undefined && array(resource['modifierExtension'], 'modifierExtension').length) {
    throw rule('modifierExtension is not supported: this server cannot honour what it would change');
  }
  return resource;
}

/** `2026-11-24T09:10:00Z` or with an offset, to the second (or finer): epoch ms. */
function instant(value: unknown, where: string): number {
  if (value === undefined) throw required(`${where} is required`);
  if (
    typeof value !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(value) ||
    !parseDate(value.slice(0, 10))
  ) {
    throw badValue(`${where}: expected an instant like 2026-11-24T09:10:00Z, got ${JSON.stringify(value)}`);
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw badValue(`${where}: ${JSON.stringify(value)} is not a valid time`);
  return ms;
}

/** `[{ "reference": "Slot/123" }]` → 123. */
function slotReference(value: unknown): number {
  const slots = array(value, 'slot');
  if (slots.length !== 1) throw badValue(`slot: expected exactly one slot reference, got ${slots.length}`);
  const reference = optionalString(object(slots[0], 'slot[0]')['reference'], 'slot[0].reference');
  const match = reference ? /^(?:https?:\/\/\S+\/)?Slot\/([^/]+)$/.exec(reference) : null;
  const id = match ? parseId(match[1]!) : undefined;
  if (id === undefined) {
    throw badValue(`slot[0].reference: expected "Slot/<id>", got ${JSON.stringify(reference ?? null)}`);
  }
  return id;
}

/** The delivery channel extension's code, or undefined when there is none. */
function deliveryChannel(extensions: unknown): DeliveryChannel | undefined {
  if (extensions === undefined) return undefined;
  const channels = array(extensions, 'extension')
    .map((extension, i) => object(extension, `extension[${i}]`))
    .filter((extension) => extension['url'] === DELIVERY_CHANNEL_URL);
  if (channels.length === 0) return undefined;
  if (channels.length > 1) throw badValue('extension: give one delivery channel');
  const code = channels[0]!['valueCode'];
  if (typeof code !== 'string' || !(DELIVERY_CHANNELS as readonly string[]).includes(code)) {
    throw badValue(
      `delivery channel: expected one of ${DELIVERY_CHANNELS.join(', ')}, got ${JSON.stringify(code ?? null)}`,
    );
  }
  return code as DeliveryChannel;
}

/** Identifiers a client may send: only the idempotency key (and, on a change, the ones we issued). */
function identifiers(value: unknown): { system: string; value: string }[] {
  if (value === undefined) return [];
  return array(value, 'identifier').map((item, i) => {
    const identifier = object(item, `identifier[${i}]`);
    const system = optionalString(identifier['system'], `identifier[${i}].system`) ?? '';
    const text = optionalString(identifier['value'], `identifier[${i}].value`);
    if (text === undefined) throw required(`identifier[${i}].value is required`);
    return { system, value: text };
  });
}

/** Text fit to store: no control characters, no lone surrogates. */
const NAME_PART = /^[^\p{Cc}\p{Cs}]{1,100}$/u;

/**
 * A name part as stored: trimmed, without bidirectional marks; a 400 naming `where` when it holds a
 * bidirectional control (it would show as other text: see the contract's patient.ts).
 */
function namePart(value: string, where: string): string {
  if (BIDI_CONTROLS.test(value)) {
    throw badValue(
      `${where}: contains a bidirectional control character (U+202A–U+202E or U+2066–U+2069), which makes text show other than it is`,
    );
  }
  return stripBidi(value).trim();
}

function humanName(value: unknown): HumanNameJson {
  const name = object(value, 'Patient.name[0]');
  const familyRaw = optionalString(name['family'], 'Patient.name[0].family');
  const family = familyRaw === undefined ? undefined : namePart(familyRaw, 'Patient.name[0].family');
  const given =
    name['given'] === undefined
      ? []
      : array(name['given'], 'Patient.name[0].given').map((part, i) => {
          if (typeof part !== 'string') throw structure(`Patient.name[0].given[${i}]: expected a string`);
          return namePart(part, `Patient.name[0].given[${i}]`);
        });
  const prefix =
    name['prefix'] === undefined
      ? []
      : array(name['prefix'], 'Patient.name[0].prefix').map((part, i) => {
          if (typeof part !== 'string') throw structure(`Patient.name[0].prefix[${i}]: expected a string`);
          return namePart(part, `Patient.name[0].prefix[${i}]`);
        });
  if (!family && !given.some(Boolean)) throw required('Patient.name[0]: a family or given name is required');
  for (const part of [family ?? '', ...given, ...prefix]) {
    if (part && !NAME_PART.test(part)) throw badValue('Patient.name: each part is 1 to 100 characters of text');
  }
  if (given.length > 5 || prefix.length > 3) throw badValue('Patient.name: too many given names or prefixes');
  return {
    ...(prefix.some(Boolean) ? { prefix: prefix.filter(Boolean) } : {}),
    ...(given.some(Boolean) ? { given: given.filter(Boolean) } : {}),
    ...(family ? { family } : {}),
  };
}

/** The contained Patient's name, birth date and contacts (other Patient elements are not kept). */
export function patientDetails(value: Json, today: string): PatientDetails {
  const names = array(value['name'] ?? [], 'Patient.name');
  if (names.length === 0) throw required('Patient.name is required');
  const name = humanName(names[0]);
  const birthDate = value['birthDate'];
  if (birthDate === undefined) throw required('Patient.birthDate is required');
  if (typeof birthDate !== 'string' || !parseDate(birthDate)) {
    throw badValue(`Patient.birthDate: expected a date like 1985-12-10, got ${JSON.stringify(birthDate)}`);
  }
  if (birthDateProblem(birthDate, today)) {
    throw badValue(`Patient.birthDate: ${birthDate} is not a possible date of birth`);
  }
  let email: string | undefined;
  let phone: string | undefined;
  array(value['telecom'] ?? [], 'Patient.telecom').forEach((item, i) => {
    const contact = object(item, `Patient.telecom[${i}]`);
    const system = contact['system'];
    const text = optionalString(contact['value'], `Patient.telecom[${i}].value`)?.trim();
    if (system === 'email' && email === undefined) {
      if (text && (BIDI_CONTROLS.test(text) || BIDI_MARKS.test(text))) {
        throw badValue(
          `Patient.telecom[${i}]: the e-mail address contains a bidirectional control character, which makes text show other than it is`,
        );
      }
      if (!text || !isEmailAddress(text)) {
        throw badValue(`Patient.telecom[${i}]: ${JSON.stringify(text ?? '')} is not an e-mail address`);
      }
      email = text;
    } else if ((system === 'phone' || system === 'sms') && phone === undefined) {
      // The contract's rule (7 to 15 digits, UK or international), as the booking form checks it.
      if (!text || !isPhoneNumber(text)) {
        throw badValue(
          `Patient.telecom[${i}]: ${JSON.stringify(text ?? '')} is not a phone number (7 to 15 digits, UK or international)`,
        );
      }
      phone = text;
    }
  });
  if (email === undefined) {
    throw required('Patient.telecom: an e-mail address (system "email") is required; the confirmation goes there');
  }
  const contactPreference = contactPreferenceOf(value, phone);
  const language = languageOf(value);
  return {
    name: [name],
    birthDate,
    email,
    ...(phone ? { phone } : {}),
    ...(contactPreference !== 'email' ? { contactPreference } : {}),
    ...(language ? { language } : {}),
  };
}

/**
 * The patient's language: `Patient.communication` (at most 10), the one marked `preferred` (else
 * the first), its `language.coding` with system `urn:ietf:bcp:47` and a BCP 47 code (`pl`,
 * `cy-GB`, `pa-Guru`). Messages are written in it when it is one of the ten (else British
 * English); it is kept either way, lower case, as the patient gave it.
 */
function languageOf(patient: Json): string | undefined {
  const entries = array(patient['communication'] ?? [], 'Patient.communication');
  if (entries.length > 10) throw badValue('Patient.communication: at most 10 languages');
  const items = entries.map((item, i) => ({ item: object(item, `Patient.communication[${i}]`), i }));
  const chosen = items.find(({ item }) => item['preferred'] === true) ?? items[0];
  if (!chosen) return undefined;
  const where = `Patient.communication[${chosen.i}].language`;
  const language = object(chosen.item['language'] ?? {}, where);
  const coding = array(language['coding'] ?? [], `${where}.coding`)
    .map((c, j) => object(c, `${where}.coding[${j}]`))
    .find((c) => c['system'] === BCP47);
  const code = coding?.['code'];
  if (typeof code !== 'string' || code.length > 35 || !LANGUAGE_TAG.test(code)) {
    throw badValue(`${where}: expected a coding with system "${BCP47}" and a BCP 47 code such as "pl" or "cy-GB"`);
  }
  return code.toLowerCase();
}

/**
 * The patient's contact preference (docs/notifications.md): the extension
 * `CONTACT_PREFERENCE_URL` on the contained Patient, `valueCode` email, sms or both; e-mail when
 * absent. SMS needs a phone number (telecom system `sms` or `phone`).
 */
function contactPreferenceOf(patient: Json, phone: string | undefined): ContactPreference {
  const found = array(patient['extension'] ?? [], 'Patient.extension')
    .map((item, i) => ({ item: object(item, `Patient.extension[${i}]`), i }))
    .filter(({ item }) => item['url'] === CONTACT_PREFERENCE_URL);
  if (found.length === 0) return 'email';
  if (found.length > 1) throw badValue(`Patient.extension: the contact preference is given ${found.length} times`);
  const { item, i } = found[0]!;
  const code = item['valueCode'];
  if (!(CONTACT_PREFERENCES as readonly unknown[]).includes(code)) {
    throw badValue(
      `Patient.extension[${i}].valueCode: the contact preference is one of ${CONTACT_PREFERENCES.join(', ')}; got ${JSON.stringify(code ?? null)}`,
    );
  }
  if (code !== 'email' && phone === undefined) {
    throw badValue(
      `Patient.extension[${i}].valueCode: "${code}" needs a mobile number in Patient.telecom (system "sms" or "phone")`,
    );
  }
  return code as ContactPreference;
}

/**
 * A booking from a POSTed Appointment: the slot, its start and end, the delivery channel and the
 * contained Patient. `today` (YYYY-MM-DD) bounds the date of birth.
 */
export function parseBooking(
  body: unknown,
  today: string,
): Omit<BookingRequest, 'idempotencyKey'> & { idempotencyKey?: string; practitionerIds: number[] } {
  const resource = envelope(body);
  const status = resource['status'];
  if (status !== undefined) {
    if (typeof status !== 'string') throw structure('status: expected a string');
    if (status !== 'proposed' && status !== 'pending') {
      throw rule(`A new appointment is "proposed" or "pending" (the practice confirms it), not "${status}"`);
    }
  }

  // The patient: the contained Patient the participants point at (or the only one).
  const contained = array(resource['contained'] ?? [], 'contained').map((item, i) => object(item, `contained[${i}]`));
  const participants = array(resource['participant'] ?? [], 'participant').map((item, i) =>
    object(item, `participant[${i}]`),
  );
  let patient: Json | undefined;
  const practitionerIds: number[] = [];
  participants.forEach((participant, i) => {
    const actor = participant['actor'];
    if (actor === undefined) return;
    const reference = optionalString(
      object(actor, `participant[${i}].actor`)['reference'],
      `participant[${i}].actor.reference`,
    );
    if (reference === undefined) return;
    if (reference.startsWith('#')) {
      const found = contained.find((item) => item['id'] === reference.slice(1));
      if (!found) throw fail(400, 'invalid', `participant[${i}]: ${reference} is not a contained resource`);
      if (found['resourceType'] !== 'Patient') {
        throw fail(400, 'invalid', `participant[${i}]: ${reference} must be a contained Patient`);
      }
      patient = found;
      return;
    }
    const practitioner = /^(?:https?:\/\/\S+\/)?Practitioner\/([^/]+)$/.exec(reference);
    const id = practitioner ? parseId(practitioner[1]!) : undefined;
    if (id === undefined) {
      throw rule(
        `participant[${i}]: only the contained patient and the slot's practitioner take part, not ${reference}`,
      );
    }
    practitionerIds.push(id);
  });
  if (!patient) {
    const patients = contained.filter((item) => item['resourceType'] === 'Patient');
    if (patients.length !== 1) {
      throw required(
        'contained: the patient is required, as a contained Patient ("id": "patient") referenced by a participant ("#patient")',
      );
    }
    patient = patients[0]!;
  }
  if (resource['slot'] === undefined) throw required('slot is required: [{ "reference": "Slot/<id>" }]');
  const slotId = slotReference(resource['slot']);
  const start = instant(resource['start'], 'start');
  const end = instant(resource['end'], 'end');
  const channel = deliveryChannel(resource['extension']);
  if (!channel) {
    throw required(
      `extension: the delivery channel is required (url ${DELIVERY_CHANNEL_URL}, valueCode Video, Telephone or In-person)`,
    );
  }
  const holdToken = holdTokenOf(resource['extension']);
  let idempotencyKey: string | undefined;
  for (const identifier of identifiers(resource['identifier'])) {
    if (identifier.system !== IDEMPOTENCY_SYSTEM) {
      throw rule(`identifier: the server assigns identifiers; only ${IDEMPOTENCY_SYSTEM}|<key> may be sent`);
    }
    if (!IDEMPOTENCY_KEY.test(identifier.value))
      throw badValue('identifier: an idempotency key is 1 to 128 visible characters');
    idempotencyKey = identifier.value;
  }
  return {
    slotId,
    start,
    end,
    channel,
    patient: patientDetails(patient, today),
    practitionerIds,
    ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
    ...(holdToken !== undefined ? { holdToken } : {}),
  };
}

/** The token of the booker's hold on the slot (docs/decisions/0029), or undefined when none is sent. */
function holdTokenOf(extensions: unknown): string | undefined {
  if (extensions === undefined) return undefined;
  const holds = array(extensions, 'extension')
    .map((extension, i) => object(extension, `extension[${i}]`))
    .filter((extension) => extension['url'] === SLOT_HOLD_TOKEN_URL);
  if (holds.length === 0) return undefined;
  if (holds.length > 1) throw badValue('extension: give one slot hold token');
  const token = holds[0]!['valueString'];
  if (typeof token !== 'string' || !HOLD_TOKEN.test(token)) {
    throw badValue(`extension: the slot hold token (url ${SLOT_HOLD_TOKEN_URL}) is not a hold token`);
  }
  return token;
}

/** A change from a PUT Appointment, checked against the current one: only status, reason and slot may change. */
export function parseUpdate(body: unknown, current: AppointmentRow): AppointmentUpdate {
  const resource = envelope(body);
  const id = resource['id'];
  if (id !== undefined && id !== String(current.id)) {
    throw fail(400, 'invalid', `id: the body's id ${JSON.stringify(id)} is not the id in the URL (${current.id})`);
  }
  const status = resource['status'];
  if (status === undefined) throw required('status is required');
  if (typeof status !== 'string' || !(FHIR_APPOINTMENT_STATUSES as readonly string[]).includes(status)) {
    throw badValue(`status: ${JSON.stringify(status)} is not an Appointment status`);
  }
  if (!OURS.includes(status)) throw rule(`status "${status}" is not used by this server; see docs/booking.md`);

  let cancelationReason: CancelationReason | undefined;
  let cancelationText: string | undefined;
  if (resource['cancelationReason'] !== undefined) {
    const reason = object(resource['cancelationReason'], 'cancelationReason');
    if (reason['text'] !== undefined) {
      if (typeof reason['text'] !== 'string' || reason['text'].length > 500) {
        throw badValue('cancelationReason.text: expected text of at most 500 characters');
      }
      cancelationText = reason['text'].trim() || undefined;
    }
    const codings = array(reason['coding'] ?? [], 'cancelationReason.coding');
    const coding = codings.length ? object(codings[0], 'cancelationReason.coding[0]') : {};
    const system = coding['system'];
    const code = coding['code'];
    if (system !== undefined && system !== CANCELATION_REASON_SYSTEM) {
      throw badValue(`cancelationReason.coding[0].system: expected ${CANCELATION_REASON_SYSTEM}`);
    }
    if (typeof code !== 'string' || !(CANCELATION_REASONS as readonly string[]).includes(code)) {
      throw badValue(`cancelationReason.coding[0].code: expected one of ${CANCELATION_REASONS.join(', ')}`);
    }
    cancelationReason = code as CancelationReason;
  }

  // What names the booking may be sent back as it is, but not changed.
  const channel = deliveryChannel(resource['extension']);
  if (channel !== undefined && channel !== current.channel) {
    throw rule(`The delivery channel cannot be changed (it is ${current.channel}); cancel and book again`);
  }
  for (const identifier of identifiers(resource['identifier'])) {
    const ours =
      (identifier.system === BOOKING_REFERENCE_SYSTEM && identifier.value === current.booking_reference) ||
      (identifier.system === IDEMPOTENCY_SYSTEM && identifier.value === current.idempotency_key);
    if (!ours) throw rule('identifier: identifiers are assigned by the server and cannot be changed');
  }
  if (resource['participant'] !== undefined) {
    const expected = [`Patient/${current.patient_id}`, `Practitioner/${current.practitioner_id}`].sort();
    const given = array(resource['participant'], 'participant')
      .map((item, i) => object(item, `participant[${i}]`)['actor'])
      .map((actor, i) => (actor === undefined ? undefined : object(actor, `participant[${i}].actor`)['reference']))
      .filter((reference) => reference !== undefined)
      .map(String)
      .sort();
    if (JSON.stringify(given) !== JSON.stringify(expected)) {
      throw rule(`The participants cannot be changed (${expected.join(' and ')})`);
    }
  }

  const start = resource['start'] === undefined ? undefined : instant(resource['start'], 'start');
  const end = resource['end'] === undefined ? undefined : instant(resource['end'], 'end');
  const slotId = resource['slot'] === undefined ? current.slot_id : slotReference(resource['slot']);
  if (slotId !== current.slot_id && (start === undefined || end === undefined)) {
    throw required("A reschedule gives slot, start and end together (the new slot's start and end)");
  }
  const slot =
    slotId !== current.slot_id || start !== undefined || end !== undefined ? { id: slotId, start, end } : undefined;
  return {
    status: status as AppointmentStatus,
    ...(cancelationReason !== undefined ? { cancelationReason } : {}),
    ...(cancelationText !== undefined ? { cancelationText } : {}),
    ...(slot ? { slot } : {}),
  };
}
