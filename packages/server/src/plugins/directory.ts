/**
 * The staff directory, presence and calling a colleague in (docs/staff.md; docs/decisions/0042).
 * Every route here is staff only: a patient's booking reference or join session is answered 403,
 * anyone else 401.
 *
 * - `GET /fhir/PractitionerRole?name=&role=&specialty=&practitioner=` (+ `_include=PractitionerRole:practitioner`),
 *   `GET /fhir/PractitionerRole/{id}`: the directory, registered under the FHIR plugin's rules.
 * - `GET /api/presence`: everyone's presence. `PUT /api/presence` `{ "state": "busy" }`: the acting
 *   person sets theirs.
 * - `GET /api/presence/events`: the staff live stream (`text/event-stream`): a snapshot, then every
 *   change, and the call-ins meant for the acting person. While it is open, its person is online.
 * - `POST /api/consultations/{id}/call-in` `{ "practitioner": "12" }`: a clinician asks a colleague
 *   into the consultation: a guest of kind `specialist` is made and the colleague told live.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FhirResource } from 'fhir/r4.js';
import {
  isSettablePresence,
  PRESENCE_EVENT,
  SETTABLE_PRESENCE,
  type CallInAnswer,
  type CallInNotice,
  type StaffPerson,
} from '@consultkit/core/contract';
import type { Auth } from '../auth.js';
import type { BookingRepository } from '../booking/repository.js';
import { practitionerResource, searchBundle } from '../fhir/resources.js';
import { parseId, SearchParams } from '../fhir/params.js';
import { HttpError } from '../errors.js';
import { JoinError, type JoinService } from '../join/service.js';
import { actingPerson } from '../staff/acting.js';
import { Directory, displayName, practitionerRoleResource } from '../staff/directory.js';
import type { PresenceService } from '../staff/presence.js';
import type { Storage } from '../storage/index.js';
import { EventStreams } from '../sse.js';
import { preferences } from './fhir.js';

/** Keep-alive comment on the live stream (proxies close idle connections). */
export const PRESENCE_HEARTBEAT_MS = 15_000;

/** The directory's FHIR routes, for the FHIR plugin's `more`. */
export function directoryFhir(options: {
  auth: Auth;
  directory: Directory;
  repo: BookingRepository;
  baseUrl: () => string;
}) {
  const { auth, directory, repo } = options;
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Params: { id: string } }>('/PractitionerRole/:id', async (request) => {
      auth.requireStaff(await auth.caller(request));
      const id = parseId(request.params.id);
      const row = id === undefined ? undefined : await directory.read(id);
      if (!row)
        throw new HttpError(404, 'not-found', `PractitionerRole/${request.params.id.slice(0, 40)} does not exist`);
      return practitionerRoleResource(row);
    });

    app.get('/PractitionerRole', async (request) => {
      auth.requireStaff(await auth.caller(request));
      const handling = preferences(request.headers.prefer).handling;
      const search = new SearchParams(
        'PractitionerRole',
        request.query,
        ['name', 'role', 'specialty', 'practitioner', '_include'],
        handling ? { handling } : {},
      );
      const name = search.single('name');
      if (name !== undefined && (name.length > 100 || /[\p{Cc}]/u.test(name))) {
        throw new HttpError(400, 'value', 'name: up to 100 characters of text');
      }
      const list = (param: string) => {
        const raw = search.single(param);
        if (raw === undefined) return undefined;
        const values = raw.split(',').map((v) => v.trim());
        if (values.length > 20 || values.some((v) => v === '' || v.length > 200)) {
          throw new HttpError(400, 'value', `${param}: a comma list of up to 20 codes ("doctor" or "system|code")`);
        }
        return values;
      };
      const role = list('role');
      const specialty = list('specialty');
      const practitioner = search.references('practitioner', 'Practitioner');
      const include = search.include('PractitionerRole:practitioner', 'Practitioner');
      const count = search.summaryCount() ? 0 : search.count();
      const offset = search.offset();
      const page = await directory.search({ name, role, specialty, practitioner, count, offset });
      const included: FhirResource[] = [];
      if (include) {
        for (const id of [...new Set(page.rows.map((row) => row.practitioner_id))]) {
          const row = await repo.practitioner(id);
          if (row) included.push(practitionerResource(row));
        }
      }
      return searchBundle({
        base: options.baseUrl(),
        type: 'PractitionerRole',
        params: search.accepted,
        count,
        paging: { offset },
        more: page.more,
        matches: page.rows.map(practitionerRoleResource),
        included,
        warning: search.ignored.length ? `Ignored (Prefer: handling=lenient): ${search.ignored.join(', ')}` : undefined,
      });
    });
  };
}

export interface DirectoryPluginOptions {
  auth: Auth;
  directory: Directory;
  presence: PresenceService;
  join: JoinService;
  storage: Storage;
  heartbeatMs?: number | undefined;
}

export async function directoryPlugin(app: FastifyInstance, options: DirectoryPluginOptions): Promise<void> {
  const { auth, directory, presence, join, storage } = options;
  const heartbeatMs = options.heartbeatMs ?? PRESENCE_HEARTBEAT_MS;
  const streams = new EventStreams(app, heartbeatMs);

  /** The staff caller and their acting person (which may be absent: the staff key alone). */
  const staff = async (request: FastifyRequest): Promise<StaffPerson | undefined> => {
    const caller = await auth.caller(request);
    auth.requireStaff(caller);
    return actingPerson(request, caller, directory);
  };
  const person = async (request: FastifyRequest, what: string): Promise<StaffPerson> => {
    const found = await staff(request);
    if (!found) {
      throw new HttpError(
        403,
        'forbidden',
        `${what} needs a named member of staff: sign in as yourself, or name the acting practitioner`,
      );
    }
    return found;
  };

  app.get('/api/presence', async (request, reply) => {
    await staff(request);
    return reply.header('cache-control', 'no-store').send({ people: await presence.snapshot() });
  });

  app.put<{ Body: unknown }>('/api/presence', async (request, reply) => {
    const me = await person(request, 'Setting a presence');
    const body = request.body as { state?: unknown } | null | undefined;
    if (
      typeof body !== 'object' ||
      body === null ||
      Array.isArray(body) ||
      Object.keys(body).some((k) => k !== 'state')
    ) {
      throw new HttpError(400, 'structure', `Expected a JSON body { "state": "${SETTABLE_PRESENCE.join('" | "')}" }`);
    }
    if (!isSettablePresence(body.state)) {
      throw new HttpError(
        400,
        'value',
        `state: expected one of ${SETTABLE_PRESENCE.join(', ')} (in a consultation and offline are worked out)`,
      );
    }
    return reply.header('cache-control', 'no-store').send(await presence.set(Number(me.id), body.state));
  });

  app.get('/api/presence/events', async (request, reply) => {
    const me = await staff(request);
    const stream = streams.open(request, reply);
    if (!stream) return reply;
    let close: (() => Promise<void>) | undefined;
    stream.onClose(() =>
      close?.().catch((error: unknown) => app.log.error({ err: error }, 'closing a presence stream failed')),
    );
    try {
      close = await presence.open({ person: me ? Number(me.id) : undefined, send: stream.send });
    } catch (error) {
      app.log.error({ err: error }, 'opening a presence stream failed');
      stream.end();
      return reply;
    }
    if (stream.closed) await close();
    return reply;
  });

  app.post<{ Params: { id: string }; Body: unknown }>('/api/consultations/:id/call-in', async (request, reply) => {
    const me = await person(request, 'Calling a colleague in');
    if (!me.roles.includes('clinician')) {
      throw new HttpError(403, 'forbidden', 'Only a clinician may call a colleague into a consultation');
    }
    const id = parseId(request.params.id);
    if (id === undefined)
      throw new HttpError(400, 'value', `Not an appointment id: "${request.params.id.slice(0, 40)}"`);
    const body = request.body as { practitioner?: unknown } | null | undefined;
    if (
      typeof body !== 'object' ||
      body === null ||
      Array.isArray(body) ||
      Object.keys(body).some((k) => k !== 'practitioner')
    ) {
      throw new HttpError(400, 'structure', 'Expected a JSON body { "practitioner": "<id>" }');
    }
    const raw = typeof body.practitioner === 'string' ? body.practitioner.replace(/^Practitioner\//, '') : '';
    if (!/^\d{1,9}$/.test(raw)) throw new HttpError(400, 'value', 'practitioner: expected a practitioner id ("12")');
    if (raw === me.id) throw new HttpError(400, 'value', 'practitioner: you cannot call yourself in');
    const colleague = await directory.person(Number(raw));
    if (!colleague || !colleague.roles.includes('clinician')) {
      throw new HttpError(404, 'not-found', `No clinician in the directory has id ${raw}`);
    }
    const [appointment] = await storage.query<{ practitioner_id: number; patient_id: number | null; name: unknown }>(
      `SELECT a.practitioner_id, a.patient_id, p.name FROM appointment a LEFT JOIN patient p ON p.id = a.patient_id
        WHERE a.id = $1`,
      [id],
    );
    if (!appointment) throw new HttpError(404, 'not-found', `Appointment/${id} does not exist`);
    const { guest, invitation } = await join
      .inviteGuest(id, { name: colleague.name, kind: 'specialist' })
      .catch((error) => {
        if (error instanceof JoinError) throw new HttpError(409, 'conflict', error.message);
        throw error;
      });
    await storage.query(
      `INSERT INTO staff_call_in (guest_id, appointment_id, practitioner_id, from_practitioner_id, created_at)
       VALUES ($1, $2, $3, $4, now())`,
      [Number(guest.id), id, Number(colleague.id), Number(me.id)],
    );
    const patient = patientName(appointment.name);
    const notice: CallInNotice = {
      id: guest.id,
      consultation: String(id),
      from: { practitioner: me.id, name: me.name },
      ...(patient ? { patient } : {}),
      url: invitation.url,
      opensAt: invitation.opensAt.toISOString(),
    };
    const notified = await presence.connected(Number(colleague.id));
    await presence.notify(Number(colleague.id), PRESENCE_EVENT.callIn, notice);
    const answer: CallInAnswer = { id: guest.id, consultation: String(id), practitioner: colleague.id, notified };
    return reply.code(201).header('cache-control', 'no-store').send(answer);
  });
}

/** The patient's name as the colleague is told it (the first HumanName). */
export function patientName(name: unknown): string | undefined {
  const first = Array.isArray(name) ? (name[0] as unknown) : name;
  if (!first || typeof first !== 'object') return undefined;
  const text = displayName(first as Parameters<typeof displayName>[0]).trim();
  return text || undefined;
}
