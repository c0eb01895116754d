/**
 * The FHIR R4 booking API at `/fhir` (docs/booking.md): metadata, Practitioner, Schedule, Slot,
 * Appointment and Patient. Responses are `application/fhir+json`; bodies may be
 * `application/fhir+json` or `application/json`. Every error is an OperationOutcome.
 */
import type { Appointment, CapabilityStatement, FhirResource } from 'fhir/r4.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Auth, Caller } from '../auth.js';
import { APPOINTMENT_STATUSES, SLOT_STATUSES, type AppointmentRow } from '../booking/repository.js';
import type { BookingService } from '../booking/service.js';
import { normaliseBookingReference } from '../booking/reference.js';
import { dateIn } from '../booking/zone.js';
import { HttpError } from '../errors.js';
import { IDEMPOTENCY_KEY, parseBooking, parseUpdate } from '../fhir/appointment-input.js';
import { parseId, SearchParams } from '../fhir/params.js';
import {
  appointmentResource,
  BOOKING_REFERENCE_SYSTEM,
  IDEMPOTENCY_SYSTEM,
  patientFromBooking,
  patientResource,
  practitionerResource,
  scheduleResource,
  searchBundle,
  SERVICE_TYPE_SYSTEM,
  slotResource,
} from '../fhir/resources.js';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

export interface FhirPluginOptions {
  booking: BookingService;
  auth: Auth;
  /** The practice's time zone: dates without a zone in searches are days there. */
  timeZone: string;
  version: string;
  /**
   * The FHIR base URL for links and `Location` (`https://consult.example/fhir`): from the
   * configured public URL, never from the request's `Host` header.
   */
  baseUrl: () => string;
}

type IdParams = { Params: { id: string } };

function notFound(type: string, id: string): HttpError {
  return new HttpError(404, 'not-found', `${type}/${id} does not exist`);
}

/** `W/"3"` or `"3"` → 3; `*` or absent → undefined. */
function ifMatchVersion(header: string | string[] | undefined): number | undefined {
  if (header === undefined || header === '*') return undefined;
  const match = typeof header === 'string' ? /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(header) : null;
  if (!match) throw new HttpError(400, 'value', `If-Match: expected W/"<versionId>", got ${JSON.stringify(header)}`);
  return Number(match[1]);
}

/** The idempotency key from If-None-Exist, Idempotency-Key or the body, which must agree. */
function idempotencyKey(request: FastifyRequest, fromBody: string | undefined): string | undefined {
  const keys: string[] = [];
  const ifNoneExist = request.headers['if-none-exist'];
  if (ifNoneExist !== undefined) {
    const params = new URLSearchParams(String(ifNoneExist).replace(/^\?/, ''));
    const names = [...new Set([...params.keys()])];
    const identifier = params.getAll('identifier');
    const value = identifier[0] ?? '';
    if (names.length !== 1 || identifier.length !== 1 || !value.startsWith(`${IDEMPOTENCY_SYSTEM}|`)) {
      throw new HttpError(
        400,
        'not-supported',
        `If-None-Exist: only identifier=${IDEMPOTENCY_SYSTEM}|<key> is supported, got ${JSON.stringify(ifNoneExist)}`,
      );
    }
    keys.push(value.slice(IDEMPOTENCY_SYSTEM.length + 1));
  }
  const header = request.headers['idempotency-key'];
  if (header !== undefined) keys.push(String(header));
  if (fromBody !== undefined) keys.push(fromBody);
  for (const key of keys) {
    if (!IDEMPOTENCY_KEY.test(key)) throw new HttpError(400, 'value', 'Idempotency key: 1 to 128 visible characters');
  }
  if (new Set(keys).size > 1) {
    throw new HttpError(400, 'invalid', 'The idempotency keys in If-None-Exist, Idempotency-Key and the body differ');
  }
  return keys[0];
}

/** The Appointment with its ETag; `Location` (the version's URL) after a create or an update. */
function sendAppointment(
  reply: FastifyReply,
  row: AppointmentRow,
  options: { status?: number; location?: string } = {},
): Appointment {
  reply
    .code(options.status ?? 200)
    .header('etag', `W/"${row.version}"`)
    .header('last-modified', row.updated_at.toUTCString());
  if (options.location) reply.header('location', `${options.location}/Appointment/${row.id}/_history/${row.version}`);
  return appointmentResource(row);
}

export async function fhirPlugin(app: FastifyInstance, options: FhirPluginOptions): Promise<void> {
  const { booking, auth, timeZone } = options;
  const repo = booking.repo;

  // JSON only: other bodies (text/plain included) are answered 415.
  app.removeContentTypeParser('text/plain');
  // FHIR's own media type, parsed like JSON (prototype poisoning refused, as Fastify's parser does).
  app.addContentTypeParser('application/fhir+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
  app.addHook('onSend', async (_request, reply, payload) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('application/json')) reply.header('content-type', FHIR_JSON);
    return payload;
  });

  /** `GET /{type}/{id}`: the resource, or a 404 OperationOutcome. */
  const read = <Row>(
    type: string,
    load: (id: number) => Promise<Row | undefined>,
    toResource: (row: Row) => FhirResource,
  ) =>
    app.get<IdParams>(`/${type}/:id`, async (request) => {
      const id = parseId(request.params.id);
      const row = id === undefined ? undefined : await load(id);
      if (!row) throw notFound(type, request.params.id);
      return toResource(row);
    });

  /** A searchset Bundle of one page of rows, with paging links and the included resources. */
  const bundle = <Row>(
    request: FastifyRequest,
    type: string,
    search: SearchParams,
    paging: { count: number; offset: number },
    page: { rows: Row[]; total?: number | undefined; more: boolean },
    toResource: (row: Row) => FhirResource,
    included: FhirResource[] = [],
  ) =>
    searchBundle({
      base: options.baseUrl(),
      type,
      params: search.accepted,
      ...paging,
      total: page.total,
      more: page.more,
      matches: page.rows.map(toResource),
      included,
    });

  const capabilities = capabilityStatement(options.version);
  app.get('/metadata', async () => capabilities);

  // Practitioner ---------------------------------------------------------------------------------
  read('Practitioner', (id) => repo.practitioner(id), practitionerResource);

  app.get('/Practitioner', async (request) => {
    const search = new SearchParams('Practitioner', request.query, ['_id', 'active', '_sort']);
    search.sort('_id');
    const count = search.count();
    const offset = search.offset();
    const page = await repo.searchPractitioners({
      ...optional('ids', search.references('_id', 'Practitioner')),
      ...optional('active', booleanParam(search, 'active')),
      count,
      offset,
      total: search.total(),
    });
    return bundle(request, 'Practitioner', search, { count, offset }, page, practitionerResource);
  });

  // Schedule -------------------------------------------------------------------------------------
  read('Schedule', (id) => repo.schedule(id), scheduleResource);

  app.get('/Schedule', async (request) => {
    const search = new SearchParams('Schedule', request.query, ['_id', 'actor', 'service-type', 'active', '_sort']);
    search.sort('_id');
    const count = search.count();
    const offset = search.offset();
    const page = await repo.searchSchedules({
      ...optional('ids', search.references('_id', 'Schedule')),
      ...optional('practitionerIds', search.references('actor', 'Practitioner')),
      ...optional('serviceTypes', search.tokens('service-type', SERVICE_TYPE_SYSTEM)),
      ...optional('active', booleanParam(search, 'active')),
      count,
      offset,
      total: search.total(),
    });
    return bundle(request, 'Schedule', search, { count, offset }, page, scheduleResource);
  });

  // Slot -----------------------------------------------------------------------------------------
  read('Slot', (id) => repo.slot(id), slotResource);

  app.get('/Slot', async (request) => {
    const search = new SearchParams('Slot', request.query, [
      'status',
      'start',
      'schedule',
      'schedule.actor',
      'service-type',
      '_include',
      '_sort',
    ]);
    search.sort('start');
    const count = search.count();
    const offset = search.offset();
    const include = search.include('Slot:schedule', 'Schedule');
    const statuses = search.codes('status', SLOT_STATUSES);
    const { from, to } = search.dateRange('start', timeZone);
    const scheduleFilter = {
      ...optional('ids', search.references('schedule', 'Schedule')),
      ...optional('practitionerIds', search.references('schedule.actor', 'Practitioner')),
      ...optional('serviceTypes', search.tokens('service-type', SERVICE_TYPE_SYSTEM)),
    };
    const scheduleIds = Object.keys(scheduleFilter).length ? await repo.scheduleIds(scheduleFilter) : undefined;
    const page = await repo.searchSlots({
      ...optional('statuses', statuses),
      ...optional('from', from),
      ...optional('to', to),
      ...optional('scheduleIds', scheduleIds),
      count,
      offset,
      total: search.total(),
    });
    const included: FhirResource[] = include
      ? (await repo.schedulesByIds([...new Set(page.rows.map((row) => row.schedule_id))])).map(scheduleResource)
      : [];
    return bundle(request, 'Slot', search, { count, offset }, page, slotResource, included);
  });

  // Appointment ----------------------------------------------------------------------------------
  app.post('/Appointment', async (request, reply) => {
    const today = dateIn(booking.now() + 14 * 3600_000, 'UTC');
    const parsed = parseBooking(request.body, today);
    const key = idempotencyKey(request, parsed.idempotencyKey);
    const { appointment, created } = await booking.book({ ...parsed, idempotencyKey: key });
    return sendAppointment(reply, appointment, { status: created ? 201 : 200, location: options.baseUrl() });
  });

  /** The appointment, if the caller may see it: staff any, a patient their own. */
  async function readableAppointment(request: FastifyRequest<IdParams>, caller: Caller): Promise<AppointmentRow> {
    const id = parseId(request.params.id);
    if (caller.kind === 'anonymous') auth.requireStaff(caller);
    if (caller.kind === 'patient' && caller.appointmentId !== id) {
      throw new HttpError(403, 'forbidden', 'Your booking reference opens your own appointment only');
    }
    const row = id === undefined ? undefined : await repo.appointment(id);
    if (!row) throw notFound('Appointment', request.params.id);
    return row;
  }

  app.get<IdParams>('/Appointment/:id', async (request, reply) =>
    sendAppointment(reply, await readableAppointment(request, await auth.caller(request))),
  );

  app.get<{ Params: { id: string; vid: string } }>('/Appointment/:id/_history/:vid', async (request, reply) => {
    const row = await readableAppointment(request, await auth.caller(request));
    if (request.params.vid !== String(row.version)) {
      throw new HttpError(
        404,
        'not-found',
        `Appointment/${row.id} version ${request.params.vid} is not kept; the current version is ${row.version}`,
      );
    }
    return sendAppointment(reply, row);
  });

  app.put<IdParams>('/Appointment/:id', async (request, reply) => {
    const caller = await auth.caller(request);
    const current = await readableAppointment(request, caller);
    const ifMatch = ifMatchVersion(request.headers['if-match']);
    const update = parseUpdate(request.body, current);
    const row = await booking.update(current.id, caller, update, ifMatch);
    return sendAppointment(reply, row, { location: options.baseUrl() });
  });

  app.get('/Appointment', async (request) => {
    auth.requireStaff(await auth.caller(request));
    const search = new SearchParams('Appointment', request.query, [
      'status',
      'date',
      'practitioner',
      'patient',
      'identifier',
      '_include',
      '_sort',
    ]);
    search.sort('date');
    const count = search.count();
    const offset = search.offset();
    const include = search.include('Appointment:patient', 'Patient');
    const { from, to } = search.dateRange('date', timeZone);
    const identifiers = identifierFilter(search);

    const page = await repo.searchAppointments({
      ...optional(
        'statuses',
        search.codes('status', [...APPOINTMENT_STATUSES, 'proposed', 'checked-in', 'waitlist', 'entered-in-error']),
      ),
      ...optional('from', from),
      ...optional('to', to),
      ...optional('practitionerIds', search.references('practitioner', 'Practitioner')),
      ...optional('patientIds', search.references('patient', 'Patient')),
      ...identifiers,
      count,
      offset,
      total: search.total(),
    });
    const included = include
      ? (await repo.patientsByIds([...new Set(page.rows.map((row) => row.patient_id))])).map(patientResource)
      : [];
    return bundle(request, 'Appointment', search, { count, offset }, page, appointmentResource, included);
  });

  // Patient --------------------------------------------------------------------------------------
  app.get<IdParams>('/Patient/:id', async (request) => {
    const caller = await auth.caller(request);
    const id = parseId(request.params.id);
    if (caller.kind === 'patient') {
      if (caller.patientId !== id)
        throw new HttpError(403, 'forbidden', 'Your booking reference opens your own details only');
      const appointment = (await repo.appointment(caller.appointmentId))!;
      return patientFromBooking(caller.patientId, appointment.patient_details);
    }
    auth.requireStaff(caller);
    const row = id === undefined ? undefined : await repo.patient(id);
    if (!row) throw notFound('Patient', request.params.id);
    return patientResource(row);
  });
}

/** `{ [key]: value }` when value is defined, else `{}` (for optional query fields). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function booleanParam(search: SearchParams, name: string): boolean | undefined {
  const raw = search.single(name);
  if (raw === undefined) return undefined;
  if (raw !== 'true' && raw !== 'false') throw new HttpError(400, 'value', `${name}: expected true or false`);
  return raw === 'true';
}

/**
 * `identifier=[system|]value,…`: booking references (the default system) or idempotency keys.
 * Values that cannot be either match nothing.
 */
function identifierFilter(search: SearchParams): {
  identifiers?: { bookingReferences: string[]; idempotencyKeys: string[] };
} {
  const raw = search.single('identifier');
  if (raw === undefined) return {};
  const bookingReferences: string[] = [];
  const idempotencyKeys: string[] = [];
  for (const token of raw.split(',')) {
    const bar = token.indexOf('|');
    const system = bar === -1 ? BOOKING_REFERENCE_SYSTEM : token.slice(0, bar);
    const value = bar === -1 ? token : token.slice(bar + 1);
    const reference = normaliseBookingReference(value);
    if (system === BOOKING_REFERENCE_SYSTEM && reference) bookingReferences.push(reference);
    else if (system === IDEMPOTENCY_SYSTEM && IDEMPOTENCY_KEY.test(value)) idempotencyKeys.push(value);
  }
  return { identifiers: { bookingReferences, idempotencyKeys } };
}

function capabilityStatement(version: string): CapabilityStatement {
  const search = (name: string, type: 'token' | 'date' | 'reference', documentation: string) => ({
    name,
    type,
    documentation,
  });
  const paging = [
    search('_count', 'token', 'page size, default 100, at most 500'),
    search('_offset', 'token', 'where the page starts (the Bundle links page for you)'),
  ];
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-11-23',
    publisher: 'ConsultKit',
    kind: 'instance',
    software: { name: 'ConsultKit reference server', version },
    implementation: { description: 'ConsultKit booking: Slots, Appointments (docs/booking.md)' },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        security: {
          description:
            'Staff: Authorization: Bearer <staff key>. A patient: Authorization: Bearer <booking reference>, ' +
            'which reads and cancels that one Appointment. Practitioner, Schedule and Slot are public.',
        },
        resource: [
          {
            type: 'Practitioner',
            interaction: [{ code: 'read' }, { code: 'search-type' }],
            searchParam: [search('_id', 'token', 'ids'), search('active', 'token', 'true or false'), ...paging],
          },
          {
            type: 'Schedule',
            interaction: [{ code: 'read' }, { code: 'search-type' }],
            searchParam: [
              search('actor', 'reference', 'Practitioner/<id>'),
              search('service-type', 'token', `${SERVICE_TYPE_SYSTEM}|gp, nurse`),
              search('active', 'token', 'true or false'),
              ...paging,
            ],
          },
          {
            type: 'Slot',
            interaction: [{ code: 'read' }, { code: 'search-type' }],
            searchInclude: ['Slot:schedule'],
            searchParam: [
              search('status', 'token', 'free, busy-tentative, busy (comma list)'),
              search('start', 'date', 'repeatable, with eq, ge, gt, le, lt; dates are days in the practice time zone'),
              search('schedule', 'reference', 'Schedule/<id>; also schedule.actor=Practitioner/<id>'),
              search('service-type', 'token', `${SERVICE_TYPE_SYSTEM}|gp, nurse`),
              ...paging,
            ],
          },
          {
            type: 'Appointment',
            interaction: [
              { code: 'read' },
              { code: 'vread' },
              { code: 'update' },
              { code: 'create' },
              { code: 'search-type' },
            ],
            versioning: 'versioned-update',
            conditionalCreate: true,
            updateCreate: false,
            searchInclude: ['Appointment:patient'],
            searchParam: [
              search('status', 'token', 'comma list'),
              search('date', 'date', 'the start; repeatable, with eq, ge, gt, le, lt'),
              search('practitioner', 'reference', 'Practitioner/<id>'),
              search('patient', 'reference', 'Patient/<id>'),
              search('identifier', 'token', `${BOOKING_REFERENCE_SYSTEM}|<reference> or ${IDEMPOTENCY_SYSTEM}|<key>`),
              ...paging,
            ],
          },
          { type: 'Patient', interaction: [{ code: 'read' }] },
        ],
      },
    ],
  };
}
