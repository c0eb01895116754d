/**
 * Recording consents as FHIR R4 `Consent` resources (docs/recording.md, "Consent";
 * docs/decisions/0036-recording-consent.md): `GET /fhir/Consent?patient=Patient/<id>`, staff only
 * (the staff key or a staff session), rate-limited per address (`consents`).
 *
 * One `Consent` per participant asked, per request to record: its status is their last answer
 * (`asked` → `proposed`, `agreed` → `active`, `declined` → `rejected`, `withdrawn` → `inactive`),
 * its `dateTime` when they gave it, its `performer` who gave it (the patient as `Patient/<id>`,
 * anyone else by name and role). Scope `patient-privacy` (consent-scope: a recording is the
 * collection of the patient's information), category LOINC 59284-0 "Patient Consent", policy rule
 * v3-ActCode `OPTIN` (nothing is recorded without it), provision `permit` (or `deny` for a decline)
 * of the action `collect` (consentaction), its period the recording's when it ran. The full
 * history of answers stays in `recording_consent`.
 */
import { createHash } from 'node:crypto';
import type { Bundle, CapabilityStatementRestResource, Consent } from 'fhir/r4.js';
import type { FastifyInstance } from 'fastify';
import type { Auth } from '../auth.js';
import { HttpError } from '../errors.js';
import type { Storage } from '../storage/index.js';

export const RECORDING_REQUEST_SYSTEM = 'urn:consultkit:recording-request';

interface Row {
  appointment_id: number;
  patient_id: number;
  request_id: string;
  peer_id: string;
  role: string;
  name: string;
  answer: 'asked' | 'agreed' | 'declined' | 'withdrawn';
  at: Date | string;
  started_at: Date | string | null;
  ended_at: Date | string | null;
  recording_id: string | null;
}

const STATUS: Record<Row['answer'], Consent['status']> = {
  asked: 'proposed',
  agreed: 'active',
  declined: 'rejected',
  withdrawn: 'inactive',
};

const iso = (value: Date | string) => new Date(value).toISOString();

/** The `Consent` of one participant's answers to one request (rows in order, the last one decides). */
export function consentResource(rows: readonly Row[]): Consent {
  const last = rows.at(-1)!;
  const id = createHash('sha256').update(`${last.request_id}/${last.peer_id}`).digest('hex').slice(0, 32);
  const performer =
    last.role === 'patient'
      ? { reference: `Patient/${last.patient_id}`, display: last.name }
      : { display: `${last.name} (${last.role})` };
  const period =
    last.started_at && last.recording_id
      ? { start: iso(last.started_at), ...(last.ended_at ? { end: iso(last.ended_at) } : {}) }
      : undefined;
  return {
    resourceType: 'Consent',
    id,
    identifier: [{ system: RECORDING_REQUEST_SYSTEM, value: `${last.request_id}/${last.peer_id}` }],
    status: STATUS[last.answer],
    scope: {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/consentscope',
          code: 'patient-privacy',
          display: 'Privacy Consent',
        },
      ],
    },
    category: [
      {
        coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }],
        text: 'Consent to record a video consultation',
      },
    ],
    patient: { reference: `Patient/${last.patient_id}` },
    dateTime: iso(last.at),
    performer: [performer],
    policyRule: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN', display: 'opt-in' }],
    },
    provision: {
      type: last.answer === 'declined' ? 'deny' : 'permit',
      ...(period ? { period } : {}),
      action: [
        {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/consentaction', code: 'collect', display: 'Collect' },
          ],
        },
      ],
    },
  };
}

/** The FHIR side (registered inside the FHIR plugin, under its Accept rules): staff only. */
export function consentFhir(options: { storage: Storage; auth: Auth; baseUrl: () => string }) {
  return async (app: FastifyInstance) => {
    app.get('/Consent', async (request): Promise<Bundle> => {
      options.auth.requireStaff(await options.auth.caller(request));
      const query = (request.query ?? {}) as Record<string, unknown>;
      for (const key of Object.keys(query)) {
        if (!['patient', '_count'].includes(key))
          throw new HttpError(
            400,
            'not-supported',
            `Consent search does not support "${key.slice(0, 40)}" (patient, _count)`,
          );
      }
      const raw = query['patient'];
      const match = typeof raw === 'string' ? /^(?:Patient\/)?(\d{1,9})$/.exec(raw) : null;
      if (!match) throw new HttpError(400, 'required', 'Search Consent by patient=Patient/<id> (once).');
      const countRaw = query['_count'];
      if (countRaw !== undefined && (typeof countRaw !== 'string' || !/^\d{1,4}$/.test(countRaw)))
        throw new HttpError(400, 'value', '_count: expected one whole number from 0 to 100');
      const count = countRaw === undefined ? 100 : Math.min(Number(countRaw), 100);
      const patientId = Number(match[1]);
      // The newest requests first; at most `count` requests' answers are read.
      const rows = await options.storage.query<Row>(
        `WITH requests AS (
           SELECT c.appointment_id, c.request_id, max(c.at) AS latest, max(c.id) AS last_id
             FROM recording_consent c JOIN appointment a ON a.id = c.appointment_id
            WHERE a.patient_id = $1
            GROUP BY c.appointment_id, c.request_id
            ORDER BY latest DESC, last_id DESC
            LIMIT $2)
         SELECT c.appointment_id, a.patient_id, c.request_id, c.peer_id, c.role, c.name, c.answer, c.at,
                r.started_at, r.ended_at, r.id AS recording_id
           FROM requests q
           JOIN recording_consent c ON c.appointment_id = q.appointment_id AND c.request_id = q.request_id
           JOIN appointment a ON a.id = c.appointment_id
           LEFT JOIN recording r ON r.appointment_id = c.appointment_id AND r.request_id = c.request_id
          ORDER BY q.latest DESC, q.last_id DESC, c.peer_id, c.at, c.id`,
        [patientId, count],
      );
      const groups = new Map<string, Row[]>();
      for (const row of rows) {
        const key = `${row.request_id}/${row.peer_id}`;
        groups.set(key, [...(groups.get(key) ?? []), row]);
      }
      const resources = [...groups.values()].map(consentResource);
      const base = options.baseUrl();
      return {
        resourceType: 'Bundle',
        type: 'searchset',
        total: resources.length,
        link: [{ relation: 'self', url: `${base}/Consent?patient=Patient/${patientId}` }],
        entry: resources.map((resource) => ({ resource, search: { mode: 'match' } })),
      };
    });
  };
}

/** The CapabilityStatement's entry for recording consents. */
export const CONSENT_CAPABILITIES: CapabilityStatementRestResource[] = [
  {
    type: 'Consent',
    documentation:
      'Consents to record a video consultation: one per participant asked, per request, its status their last answer. Staff only.',
    interaction: [{ code: 'search-type' }],
    searchParam: [
      { name: 'patient', type: 'reference', documentation: 'Patient/<id> (required)' },
      { name: '_count', type: 'number', documentation: 'at most 100 requests (the newest first)' },
    ],
  },
];
