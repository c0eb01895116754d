/**
 * The FHIR R4 booking API at `/fhir` (docs/booking.md): metadata, Practitioner, Schedule, Slot,
 * Appointment and Patient. Responses are `application/fhir+json`; bodies may be
 * `application/fhir+json` or `application/json`. Every error is an OperationOutcome.
 */
import type {
  Appointment,
  CapabilityStatement,
  CapabilityStatementRestResource,
  FhirResource,
  OperationOutcome,
} from 'fhir/r4.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Auth, Caller } from '../auth.js';
import { APPOINTMENT_STATUSES, SLOT_STATUSES, type AppointmentRow } from '../booking/repository.js';
import type { BookingService } from '../booking/service.js';
import { ScheduleCatalog } from '../booking/catalog.js';
import type { SlotHolds } from '../booking/holds.js';
import { addressKey } from '../rate-limit.js';
import { HOLD_TOKEN } from '@consultkit/core/contract';
import { normaliseBookingReference } from '../booking/reference.js';
import { dateIn } from '../booking/zone.js';
import { HttpError } from '../errors.js';
import { IDEMPOTENCY_KEY, parseBooking, parseUpdate } from '../fhir/appointment-input.js';
import { encodeCursor, parseId, SearchParams, type Handling } from '../fhir/params.js';
import {
  appointmentResource,
  BOOKING_REFERENCE_SYSTEM,
  IDEMPOTENCY_SYSTEM,
  patientFromBooking,
  patientResource,
  practitionerResource,
  scheduleJson,
  scheduleResource,
  searchBundle,
  searchBundleJson,
  SERVICE_TYPE_SYSTEM,
  slotJson,
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
  /**
   * Free slots are offered only when they start at least this many minutes from now
   * (`CONSULTKIT_MIN_NOTICE_MINUTES`): time to fill the form before the slot starts.
   */
  minNoticeMinutes?: number;
  /** Short holds on chosen times (`Slot/{id}/$hold`, `$release`; docs/decisions/0029). */
  holds: SlotHolds;
  /**
   * Resources another capability serves under `/fhir` (documents: DocumentReference, Binary):
   * their routes, registered here under this plugin's format rules, and their CapabilityStatement entries.
   */
  more?: { routes: (app: FastifyInstance) => Promise<void>; capabilities: CapabilityStatementRestResource[] }[];
}

/** What a `Prefer` header asks for (RFC 7240; FHIR's `return` and `handling`); unknown ones are ignored. */
export interface Preferences {
  return?: 'minimal' | 'representation' | 'OperationOutcome';
  handling?: Handling;
}

export function preferences(header: string | string[] | undefined): Preferences {
  const found: Preferences = {};
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  for (const part of text.split(',')) {
    const [name, value] = part
      .split(';')[0]!
      .split('=')
      .map((x) => x.trim().replace(/^"|"$/g, ''));
    if (
      name?.toLowerCase() === 'return' &&
      (value === 'minimal' || value === 'representation' || value === 'OperationOutcome')
    ) {
      found.return = value;
    }
    if (name?.toLowerCase() === 'handling' && (value === 'strict' || value === 'lenient')) found.handling = value;
  }
  return found;
}

/** The media types a FHIR JSON answer satisfies. */
const JSON_TYPES = ['application/fhir+json', 'application/json', 'application/*', '*/*', 'json', 'text/event-stream'];

/** Whether an `Accept` header admits JSON (a missing one does); `q=0` rules a type out. */
export function acceptsJson(header: string | undefined): boolean {
  if (header === undefined || header.trim() === '') return true;
  return header.split(',').some((range) => {
    const [type, ...parameters] = range.split(';').map((x) => x.trim().toLowerCase());
    const q = parameters.find((p) => p.startsWith('q='));
    return JSON_TYPES.includes(type ?? '') && !(q !== undefined && Number(q.slice(2)) === 0);
  });
}

type IdParams = { Params: { id: string } };

/** A string parameter of a Parameters body (`$hold`'s `replaces`, `$release`'s `token`): a hold's token. */
function holdParameter(body: unknown, name: string, required: boolean): string | undefined {
  if (body === undefined || body === null || body === '') {
    if (required) throw new HttpError(400, 'required', `Send a Parameters resource with "${name}"`);
    return undefined;
  }
  const resource = body as { resourceType?: unknown; parameter?: unknown };
  if (typeof body !== 'object' || resource.resourceType !== 'Parameters') {
    throw new HttpError(400, 'structure', 'The body must be a Parameters resource');
  }
  const parameters = Array.isArray(resource.parameter) ? (resource.parameter as { name?: unknown }[]) : [];
  const found = parameters.filter((p) => p && typeof p === 'object' && p.name === name);
  if (found.length > 1) throw new HttpError(400, 'invalid', `Give "${name}" once`);
  const value = (found[0] as { valueString?: unknown } | undefined)?.valueString;
  if (value === undefined) {
    if (required) throw new HttpError(400, 'required', `Parameters: "${name}" (valueString) is required`);
    return undefined;
  }
  if (typeof value !== 'string' || !HOLD_TOKEN.test(value)) {
    throw new HttpError(400, 'value', `Parameters: "${name}" is not a hold token`);
  }
  return value;
}

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

/**
 * The Appointment with its ETag; `Location` (the version's URL) after a create or an update. After
 * a create or an update, `Prefer: return=minimal` answers no body and `return=OperationOutcome` an
 * OperationOutcome saying what was done (`Preference-Applied` says so).
 */
function sendAppointment(
  reply: FastifyReply,
  row: AppointmentRow,
  options: { status?: number; location?: string; prefer?: Preferences } = {},
): Appointment | OperationOutcome | undefined {
  reply
    .code(options.status ?? 200)
    .header('etag', `W/"${row.version}"`)
    .header('last-modified', row.updated_at.toUTCString());
  if (options.location) reply.header('location', `${options.location}/Appointment/${row.id}/_history/${row.version}`);
  const wanted = options.prefer?.return;
  if (wanted) reply.header('preference-applied', `return=${wanted}`);
  if (wanted === 'minimal') {
    void reply.send();
    return undefined;
  }
  if (wanted === 'OperationOutcome') {
    const done = options.status === 201 ? 'created' : 'saved';
    return {
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'information',
          code: 'informational',
          diagnostics: `Appointment/${row.id} ${done}: version ${row.version}, status ${row.status}`,
        },
      ],
    };
  }
  return appointmentResource(row);
}

export async function fhirPlugin(app: FastifyInstance, options: FhirPluginOptions): Promise<void> {
  const { booking, auth, timeZone } = options;
  const minNoticeMs = (options.minNoticeMinutes ?? 0) * 60_000;
  const repo = booking.repo;
  const catalog = new ScheduleCatalog(repo);

  // JSON only: other bodies (text/plain included) are answered 415.
  app.removeContentTypeParser('text/plain');
  // FHIR's own media type, parsed like JSON (prototype poisoning refused, as Fastify's parser does).
  app.addContentTypeParser('application/fhir+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
  // One format: JSON. A client asking for XML only (or anything else) is told so: 406.
  app.addHook('onRequest', async (request) => {
    const accept = request.headers.accept;
    if (!acceptsJson(accept)) {
      throw new HttpError(
        406,
        'not-supported',
        `This server answers in application/fhir+json only, not ${JSON.stringify(accept)}; ask for application/fhir+json`,
      );
    }
  });
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
    type: string,
    search: SearchParams,
    paging: { count: number } & ({ offset: number } | { cursor?: string | undefined; next?: string | undefined }),
    page: { rows: Row[]; total?: number | undefined; more: boolean },
    toResource: (row: Row) => FhirResource,
    included: FhirResource[] = [],
  ) => {
    const { count, ...position } = paging;
    return searchBundle({
      base: options.baseUrl(),
      type,
      params: search.accepted,
      count,
      paging: position,
      total: page.total,
      more: page.more,
      matches: page.rows.map(toResource),
      included,
      warning: search.ignored.length ? `Ignored (Prefer: handling=lenient): ${search.ignored.join(', ')}` : undefined,
    });
  };

  /** The search's parameters, under the handling the client prefers (strict unless it says lenient). */
  const searchParams = (type: string, request: FastifyRequest, supported: string[], paging?: 'cursor') => {
    const handling = preferences(request.headers.prefer).handling;
    return new SearchParams(type, request.query, supported, {
      ...(handling ? { handling } : {}),
      ...(paging ? { paging } : {}),
    });
  };

  /** `_count`, `_total` and `_summary=count` (no rows, the total). */
  const sizing = (search: SearchParams) =>
    search.summaryCount() ? { count: 0, total: true } : { count: search.count(), total: search.total() };

  const capabilities = capabilityStatement(options.version, options.minNoticeMinutes ?? 0);
  for (const extra of options.more ?? []) {
    capabilities.rest![0]!.resource!.push(...extra.capabilities);
    await extra.routes(app);
  }
  app.get('/metadata', async () => capabilities);

  // Practitioner ---------------------------------------------------------------------------------
  read('Practitioner', (id) => repo.practitioner(id), practitionerResource);

  app.get('/Practitioner', async (request) => {
    const search = searchParams('Practitioner', request, ['_id', 'active', '_sort']);
    search.sort('_id');
    const { count, total } = sizing(search);
    const offset = search.offset();
    const page = await repo.searchPractitioners({
      ...optional('ids', search.references('_id', 'Practitioner')),
      ...optional('active', booleanParam(search, 'active')),
      count,
      offset,
      total,
    });
    return bundle('Practitioner', search, { count, offset }, page, practitionerResource);
  });

  // Schedule -------------------------------------------------------------------------------------
  read('Schedule', (id) => repo.schedule(id), scheduleResource);

  app.get('/Schedule', async (request) => {
    const search = searchParams('Schedule', request, ['_id', 'actor', 'service-type', 'active', '_sort']);
    search.sort('_id');
    const { count, total } = sizing(search);
    const offset = search.offset();
    const page = await repo.searchSchedules({
      ...optional('ids', search.references('_id', 'Schedule')),
      ...optional('practitionerIds', search.references('actor', 'Practitioner')),
      ...optional('serviceTypes', search.tokens('service-type', SERVICE_TYPE_SYSTEM)),
      ...optional('active', booleanParam(search, 'active')),
      count,
      offset,
      total,
    });
    return bundle('Schedule', search, { count, offset }, page, scheduleResource);
  });

  // Slot -----------------------------------------------------------------------------------------
  read('Slot', (id) => repo.slot(id, booking.now()), slotResource);

  /**
   * `POST Slot/{id}/$hold`: anyone (the picker, when a patient chooses a time) holds a free slot
   * for a few minutes. Body: none, or a Parameters with `replaces` (the token of the caller's
   * previous hold, ended first). Answers 201 with a Parameters: `token`, `slot`, `expires`.
   * Rate-limited per address, and at most a few live holds per address.
   */
  app.post<IdParams>('/Slot/:id/$hold', async (request, reply) => {
    const id = parseId(request.params.id);
    if (id === undefined) throw notFound('Slot', request.params.id);
    const replaces = holdParameter(request.body, 'replaces', false);
    const hold = await options.holds.place(id, addressKey(request.ip), replaces);
    void reply.code(201);
    return {
      resourceType: 'Parameters',
      parameter: [
        { name: 'token', valueString: hold.token },
        { name: 'slot', valueReference: { reference: `Slot/${hold.slotId}` } },
        { name: 'expires', valueInstant: hold.expiresAt.toISOString() },
      ],
    };
  });

  /**
   * `POST Slot/{id}/$release`: whoever has the hold's token ends it (Parameters with `token`).
   * A token that holds nothing (lapsed, taken over by the booking, or never this slot's) is a 404.
   */
  app.post<IdParams>('/Slot/:id/$release', async (request) => {
    const id = parseId(request.params.id);
    if (id === undefined) throw notFound('Slot', request.params.id);
    const token = holdParameter(request.body, 'token', true)!;
    if (!(await options.holds.release(id, token))) {
      throw new HttpError(404, 'not-found', `No hold with this token on Slot/${id}: it has lapsed or was used`);
    }
    return {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'information', code: 'informational', diagnostics: `The hold on Slot/${id} is released` }],
    };
  });

  app.get('/Slot', async (request, reply) => {
    const search = searchParams(
      'Slot',
      request,
      ['_id', 'status', 'start', 'schedule', 'schedule.actor', 'service-type', '_include', '_sort'],
      'cursor',
    );
    search.sort('start');
    const { count, total } = sizing(search);
    const cursor = search.cursor();
    const include = search.include('Slot:schedule', 'Schedule');
    const statuses = search.codes('status', SLOT_STATUSES);
    const { from, to } = search.dateRange('start', timeZone);
    const scheduleFilter = {
      ...optional('ids', search.references('schedule', 'Schedule')),
      ...optional('practitionerIds', search.references('schedule.actor', 'Practitioner')),
      ...optional('serviceTypes', search.tokens('service-type', SERVICE_TYPE_SYSTEM)),
    };
    let schedules = await catalog.current(scheduleFilter);
    const page = await repo.searchSlots({
      ...optional('ids', search.references('_id', 'Slot')),
      ...optional('statuses', statuses),
      ...optional('from', from),
      ...optional('to', to),
      ...optional(
        'scheduleIds',
        Object.keys(scheduleFilter).length ? ScheduleCatalog.matching(schedules, scheduleFilter) : undefined,
      ),
      ...optional('after', cursor),
      // status=free asks for slots that can still be booked: not started, not sooner than the notice.
      ...optional('freeFrom', statuses ? booking.now() + minNoticeMs : undefined),
      // and not held by a patient filling the form (held ones are busy-tentative).
      holdsAt: booking.now(),
      count,
      total,
      // The schedules' columns come from the catalog: no join.
      bare: true,
    });
    // A schedule made since the catalog was read (its slots already searchable): read it again.
    if (page.rows.some((row) => !schedules.has(row.schedule_id))) schedules = await catalog.reload();
    const included = include
      ? [...new Set(page.rows.map((row) => row.schedule_id))]
          .sort((a, b) => a - b)
          .map((id) => scheduleJson(schedules.get(id)!))
      : [];
    const last = page.rows.at(-1);
    // Serialised here, from texts made once per schedule: no object per slot to stringify again.
    void reply.type(FHIR_JSON);
    return searchBundleJson({
      base: options.baseUrl(),
      type: 'Slot',
      params: search.accepted,
      count,
      paging: {
        cursor: search.single('_cursor'),
        next: last ? encodeCursor(last.start_at.getTime(), last.id) : undefined,
      },
      total: page.total,
      more: page.more,
      matches: page.rows.map((row) => slotJson(row, schedules.get(row.schedule_id)!)),
      included,
      warning: search.ignored.length ? `Ignored (Prefer: handling=lenient): ${search.ignored.join(', ')}` : undefined,
    });
  });

  // Appointment ----------------------------------------------------------------------------------
  app.post('/Appointment', async (request, reply) => {
    const today = dateIn(booking.now() + 14 * 3600_000, 'UTC');
    const parsed = parseBooking(request.body, today);
    const key = idempotencyKey(request, parsed.idempotencyKey);
    const { appointment, created } = await booking.book({ ...parsed, idempotencyKey: key });
    return sendAppointment(reply, appointment, {
      status: created ? 201 : 200,
      location: options.baseUrl(),
      prefer: preferences(request.headers.prefer),
    });
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
    return sendAppointment(reply, row, { location: options.baseUrl(), prefer: preferences(request.headers.prefer) });
  });

  app.get('/Appointment', async (request) => {
    auth.requireStaff(await auth.caller(request));
    const search = searchParams('Appointment', request, [
      'status',
      'date',
      'practitioner',
      'patient',
      'identifier',
      '_include',
      '_sort',
    ]);
    search.sort('date');
    const { count, total } = sizing(search);
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
      total,
    });
    const included = include
      ? (await repo.patientsByIds([...new Set(page.rows.map((row) => row.patient_id))])).map(patientResource)
      : [];
    return bundle('Appointment', search, { count, offset }, page, appointmentResource, included);
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

function capabilityStatement(version: string, minNoticeMinutes: number): CapabilityStatement {
  const search = (name: string, type: 'token' | 'date' | 'reference' | 'number' | 'string', documentation: string) => ({
    name,
    type,
    documentation,
  });
  const common = [
    search('_count', 'number', 'page size, default 100, at most 500 (more is capped); 0: the total only'),
    search('_total', 'token', 'none (the default: no total), accurate or estimate (both count exactly)'),
    search('_summary', 'token', 'count (the total only, no entries) or false'),
  ];
  const paging = [...common, search('_offset', 'number', 'where the page starts (the Bundle links page for you)')];
  const handling =
    'Prefer: handling=strict (the default) answers 400 to a parameter it does not support; ' +
    'handling=lenient ignores it and says so in an OperationOutcome entry (search.mode outcome).';
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-11-23',
    publisher: 'ConsultKit',
    kind: 'instance',
    software: { name: 'ConsultKit reference server', version },
    implementation: { description: 'ConsultKit booking: Slots, Appointments (docs/booking.md)' },
    fhirVersion: '4.0.1',
    // JSON only: Accept or _format asking for anything else (application/fhir+xml) is answered 406.
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        documentation:
          'JSON only: an Accept header or _format that rules out application/fhir+json is answered 406 with an ' +
          `OperationOutcome. ${handling} Prefer: return=minimal (no body), return=representation (the default) or ` +
          'return=OperationOutcome on create and update, with Preference-Applied. Every error is an OperationOutcome. ' +
          'Links are made from the public URL.',
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
              search('_id', 'token', 'ids'),
              search('actor', 'reference', 'Practitioner/<id>'),
              search('service-type', 'token', `${SERVICE_TYPE_SYSTEM}|gp, nurse`),
              search('active', 'token', 'true or false'),
              ...paging,
            ],
          },
          {
            type: 'Slot',
            interaction: [{ code: 'read' }, { code: 'search-type' }],
            documentation:
              `status=free lists slots that can still be booked: never one that has started, nor one starting ` +
              `within the minimum notice (${minNoticeMinutes} minutes). Pages by keyset: follow the next link ` +
              '(an opaque _cursor); _offset is not supported here. A patient filling the form holds the chosen ' +
              'slot for a few minutes ($hold): a held slot is busy-tentative (extension slot-held-until), left out ' +
              'of status=free, and booked only by an Appointment carrying the hold token (extension slot-hold-token).',
            operation: [
              { name: 'hold', definition: 'https://consultkit.dev/fhir/OperationDefinition/Slot-hold' },
              { name: 'release', definition: 'https://consultkit.dev/fhir/OperationDefinition/Slot-release' },
            ],
            searchInclude: ['Slot:schedule'],
            searchParam: [
              search('_id', 'token', 'Slot ids (comma list)'),
              search(
                'status',
                'token',
                'free, busy-tentative, busy (comma list); free: bookable from now plus the notice',
              ),
              search('start', 'date', 'repeatable, with eq, ge, gt, le, lt; dates are days in the practice time zone'),
              search('schedule', 'reference', 'Schedule/<id>; also schedule.actor=Practitioner/<id>'),
              search('service-type', 'token', `${SERVICE_TYPE_SYSTEM}|gp, nurse`),
              ...common,
              search('_cursor', 'string', 'where the page starts: opaque, from the next link'),
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
