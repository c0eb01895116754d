/**
 * Which routes are limited, and by what: one table, applied by an `onRoute` hook so the routes'
 * own plugins stay as they are. Bearer checks are limited where they happen (`Auth.caller`).
 *
 * Keys are the client address (`request.ip`: the socket's peer, or the proxy's `X-Forwarded-For`
 * when trust proxy is configured; IPv6 by its /64), a presented token's digest, or an appointment id.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { normaliseBookingReference } from '../booking/reference.js';
import { addressKey, digestKey, type LimitName, type Throttle } from '../rate-limit.js';

interface Charge {
  name: LimitName;
  /** The key, or undefined when this request has none (then it is not counted). */
  key: (request: FastifyRequest) => string | undefined;
  /** What is counted, for the 429's message. */
  what: string;
}

interface Rule {
  charges: Charge[];
  /** Only failures count: a request answered below 400 gives its attempts back. */
  refundOnSuccess: boolean;
}

const byAddress = (request: FastifyRequest) => addressKey(request.ip);
const byAppointment = (request: FastifyRequest) => `appointment:${(request.params as { id?: string }).id ?? ''}`;

/** Every request of `routes` counted per address under one limit. */
const perAddress = (routes: string[], name: LimitName, what: string): Record<string, Rule> =>
  Object.fromEntries(
    routes.map((route): [string, Rule] => [
      route,
      { refundOnSuccess: false, charges: [{ name, key: byAddress, what }] },
    ]),
  );

/** A fresh link e-mailed about one appointment (a join link, a recording's retrieval link). */
const NEW_LINK: Rule = {
  refundOnSuccess: false,
  charges: [
    { name: 'resend', key: byAppointment, what: 'new links for this appointment' },
    { name: 'resend-ip', key: byAddress, what: 'new links sent from this address' },
  ],
};

/** A retrieval token presented: only failures count, as for join links. */
const RETRIEVAL: Rule = {
  refundOnSuccess: true,
  charges: [{ name: 'redeem', key: byAddress, what: 'failed consultation links from this address' }],
};

const RULES: Record<string, Rule> = {
  'POST /api/join/redeem': {
    refundOnSuccess: true,
    charges: [
      { name: 'redeem', key: byAddress, what: 'failed join-link redemptions from this address' },
      {
        name: 'redeem',
        key: (request) => {
          const token = (request.body as { token?: unknown } | undefined)?.token;
          return typeof token === 'string' ? `token:${digestKey(token)}` : undefined;
        },
        what: 'failed attempts with this join link',
      },
    ],
  },
  // Resuming a session guesses at cookies as redeeming guesses at links: one count for both.
  'POST /api/join/resume': {
    refundOnSuccess: true,
    charges: [{ name: 'redeem', key: byAddress, what: 'failed join attempts from this address' }],
  },
  'POST /fhir/Appointment': {
    refundOnSuccess: false,
    charges: [{ name: 'booking', key: byAddress, what: 'bookings from this address' }],
  },
  // Holds on chosen times (docs/decisions/0029): besides the count, at most three live ones per address.
  'POST /fhir/Slot/:id/$hold': {
    refundOnSuccess: false,
    charges: [{ name: 'hold', key: byAddress, what: 'holds on times from this address' }],
  },
  'POST /fhir/Slot/:id/$release': {
    refundOnSuccess: false,
    charges: [{ name: 'hold', key: byAddress, what: 'holds on times from this address' }],
  },
  'POST /api/consultations/:id/invitations': NEW_LINK,
  // Each guest invited is e-mailed a link: counted per consultation, and with fresh links per address.
  'POST /api/consultations/:id/guests': {
    refundOnSuccess: false,
    charges: [
      {
        name: 'guests',
        key: (request) => `appointment:${(request.params as { id?: string }).id ?? ''}`,
        what: 'guests invited to this consultation',
      },
      { name: 'resend-ip', key: byAddress, what: 'new links sent from this address' },
    ],
  },
  'POST /api/consultations/:id/sfu': {
    refundOnSuccess: false,
    charges: [
      {
        name: 'sfu',
        key: (request) => `appointment:${(request.params as { id?: string }).id ?? ''}`,
        what: 'video-room requests for this consultation',
      },
    ],
  },
  // A reference and a date of birth open a booking: guesses of either are counted per address and
  // per reference (normalised, so spellings of one reference share a count).
  'POST /api/bookings/lookup': {
    refundOnSuccess: true,
    charges: [
      { name: 'lookup', key: byAddress, what: 'failed booking look-ups from this address' },
      {
        name: 'lookup',
        key: (request) => {
          const reference = (request.body as { reference?: unknown } | undefined)?.reference;
          if (typeof reference !== 'string') return undefined;
          const normalised = normaliseBookingReference(reference) ?? reference.slice(0, 64);
          return `reference:${digestKey(normalised)}`;
        },
        what: 'failed look-ups of this booking reference',
      },
    ],
  },
  // A consultation's chat, read for the record (staff): by address, as a reception desk reads many.
  'GET /api/consultations/:id/messages': {
    refundOnSuccess: false,
    charges: [{ name: 'messages', key: byAddress, what: 'chat reads from this address' }],
  },
  // Documents (docs/collaboration.md): uploads started per consultation and per address; every
  // other document request per address.
  'POST /api/consultations/:id/uploads': {
    refundOnSuccess: false,
    charges: [
      { name: 'documents', key: byAppointment, what: 'documents started in this consultation' },
      { name: 'documents', key: byAddress, what: 'documents started from this address' },
    ],
  },
  ...perAddress(
    [
      'OPTIONS /api/consultations/:id/uploads',
      'HEAD /api/consultations/:id/uploads/:doc',
      'PATCH /api/consultations/:id/uploads/:doc',
      'DELETE /api/consultations/:id/uploads/:doc',
      'GET /api/consultations/:id/documents',
      'GET /api/consultations/:id/documents/:doc',
      'GET /api/consultations/:id/documents/:doc/link',
      'HEAD /api/consultations/:id/documents/:doc/link',
      'HEAD /api/consultations/:id/documents/:doc',
      'HEAD /api/consultations/:id/documents',
      'POST /api/consultations/:id/documents/:doc/$file',
      'GET /fhir/DocumentReference',
      'GET /fhir/DocumentReference/:id',
      'GET /fhir/Binary/:id',
      'HEAD /fhir/DocumentReference',
      'HEAD /fhir/DocumentReference/:id',
      'HEAD /fhir/Binary/:id',
    ],
    'document-requests',
    'document requests from this address',
  ),
  // Recordings exported as HL7 CDA (docs/recording.md, "Export"; staff): per address. Their FHIR
  // DocumentReferences count as document requests (above).
  ...Object.fromEntries(
    ['GET /api/recordings/:id/cda', 'HEAD /api/recordings/:id/cda'].map((route): [string, Rule] => [
      route,
      {
        refundOnSuccess: false,
        charges: [{ name: 'recording-exports', key: byAddress, what: 'recording exports from this address' }],
      },
    ]),
  ),
  // Recordings (docs/recording.md): every request per address; a retrieval link e-mailed is a new
  // link like a join link's; a retrieval token guessed is a failed redemption (only failures count).
  ...perAddress(
    [
      'PUT /api/recordings/:id/chunks/:seq',
      'GET /api/recordings/:id/chunks',
      'HEAD /api/recordings/:id/chunks',
      'POST /api/recordings/:id/finish',
      'GET /api/recordings/:id',
      'HEAD /api/recordings/:id',
      'GET /api/recordings',
      'HEAD /api/recordings',
      'GET /api/recordings/:id/media',
      'HEAD /api/recordings/:id/media',
      'GET /api/recordings/:id/audit',
      'HEAD /api/recordings/:id/audit',
      'DELETE /api/recordings/:id',
      'GET /my-consultation/:token',
      'HEAD /my-consultation/:token',
    ],
    'recordings',
    'recording requests from this address',
  ),
  'POST /api/consultations/:id/retrieval-link': NEW_LINK,
  'GET /api/my-consultation': RETRIEVAL,
  'HEAD /api/my-consultation': RETRIEVAL,
  // Recording consents, read for the record (staff): by address, as chat reads.
  'GET /fhir/Consent': {
    refundOnSuccess: false,
    charges: [{ name: 'consents', key: byAddress, what: 'consent reads from this address' }],
  },
  'HEAD /fhir/Consent': {
    refundOnSuccess: false,
    charges: [{ name: 'consents', key: byAddress, what: 'consent reads from this address' }],
  },
  // The staff directory and presence (docs/staff.md).
  ...Object.fromEntries(
    [
      'GET /fhir/PractitionerRole',
      'GET /fhir/PractitionerRole/:id',
      'HEAD /fhir/PractitionerRole',
      'HEAD /fhir/PractitionerRole/:id',
      'GET /api/presence',
      'HEAD /api/presence',
      'PUT /api/presence',
      'GET /api/presence/events',
      'HEAD /api/presence/events',
      // Everyone who may be messaged (decision 0049): a search of staff, as the directory's.
      'GET /api/staff/people',
      'HEAD /api/staff/people',
    ].map((route): [string, Rule] => [
      route,
      {
        refundOnSuccess: false,
        charges: [{ name: 'directory', key: byAddress, what: 'directory requests from this address' }],
      },
    ]),
  ),
  'POST /api/consultations/:id/call-in': {
    refundOnSuccess: false,
    charges: [
      {
        name: 'guests',
        key: (request) => `appointment:${(request.params as { id?: string }).id ?? ''}`,
        what: 'guests invited to this consultation',
      },
      { name: 'directory', key: byAddress, what: 'directory requests from this address' },
    ],
  },
  // Messages between staff (docs/staff.md, "Messages"): every request per address.
  ...perAddress(
    [
      'GET /api/staff-conversations',
      'HEAD /api/staff-conversations',
      'POST /api/staff-conversations',
      'GET /api/staff-conversations/:id/messages',
      'HEAD /api/staff-conversations/:id/messages',
      'POST /api/staff-conversations/:id/messages',
      'PUT /api/staff-conversations/:id/read',
    ],
    'staff-messages',
    'staff message requests from this address',
  ),
  // Calls between clinicians with no patient (docs/staff.md): every request counts, by address.
  ...Object.fromEntries(
    ['POST /api/staff-calls', 'POST /api/staff-calls/:id/join', 'POST /api/staff-calls/:id/decline'].map(
      (route): [string, Rule] => [
        route,
        {
          refundOnSuccess: false,
          charges: [
            { name: 'staff-calls', key: byAddress, what: 'staff calls from this address' },
            { name: 'directory', key: byAddress, what: 'directory requests from this address' },
          ],
        },
      ],
    ),
  ),
  // Staff sign-in (docs/staff.md): every start counts; answers from the provider, sign-outs and
  // "who am I" count only when refused (a guessed or replayed state, a stale cookie).
  'GET /api/staff/sign-in': {
    refundOnSuccess: false,
    charges: [{ name: 'signin', key: byAddress, what: 'staff sign-ins from this address' }],
  },
  ...Object.fromEntries(
    ['GET /api/staff/callback', 'POST /api/staff/sign-out', 'GET /api/staff/me'].map((route): [string, Rule] => [
      route,
      {
        refundOnSuccess: true,
        charges: [{ name: 'signin', key: byAddress, what: 'refused staff sign-ins from this address' }],
      },
    ]),
  ),
  // The audit is read by a practice admin: limited as other reads of records are.
  'GET /api/audit': {
    refundOnSuccess: false,
    charges: [{ name: 'document-requests', key: byAddress, what: 'audit reads from this address' }],
  },
};

/** The limited routes (method and URL pattern), for tests and the start-up log. */
export const LIMITED_ROUTES = Object.keys(RULES);

const refunds = new WeakMap<FastifyRequest, (() => Promise<void>)[]>();

/**
 * Adds the limits to the routes in {@link RULES} as they are registered: call before registering
 * the plugins whose routes are limited.
 */
export function installRateLimits(app: FastifyInstance, throttle: Throttle): void {
  if (!throttle.limits) return;
  app.addHook('onRoute', (route: RouteOptions) => {
    for (const method of [route.method].flat()) {
      const rule = RULES[`${method} ${route.url}`];
      if (!rule) continue;
      const charge = async (request: FastifyRequest) => {
        const taken: (() => Promise<void>)[] = [];
        refunds.set(request, taken);
        for (const { name, key, what } of rule.charges) {
          const value = key(request);
          if (value !== undefined) taken.push(await throttle.take(name, value, what));
        }
      };
      const settle = async (request: FastifyRequest, reply: FastifyReply) => {
        if (rule.refundOnSuccess && reply.statusCode < 400) {
          for (const refund of refunds.get(request) ?? []) await refund();
        }
      };
      route.preHandler = [charge, ...[route.preHandler ?? []].flat()];
      route.onResponse = [...[route.onResponse ?? []].flat(), settle];
    }
  });
}
