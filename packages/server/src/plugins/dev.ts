/**
 * Development join endpoint: hands out a signalling ticket for a demo consultation so that the
 * examples work with no booking. Registered only in demo mode (`CONSULTKIT_DEMO=on`), which the
 * configuration allows only with the development secret and staff key, never in production.
 *
 * Demo consultations live in their own namespace: the name asked for becomes `demo-{name}`, whose
 * peer ids share nothing with an appointment's (`appt-{id}`), and signalling accepts a ticket
 * without a session only for that namespace. Real consultations are joined by link only.
 */
import type { JoinTicket } from '@consultkit/core/contract';
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../errors.js';
import { DEMO_NAMESPACE, ROLES, type Role, type SignallingTokens } from '../tokens.js';
import { SIGNAL_KEY, SIGNAL_PATH } from './signalling.js';

export interface DevJoinOptions {
  tokens: SignallingTokens;
}

const OTHER: Record<Role, Role> = { patient: 'clinician', clinician: 'patient', guest: 'clinician' };

/** The development routes, for the start-up log. */
export const DEV_ROUTES = [
  'POST /api/dev/join (tickets for demo consultations)',
  'GET|POST /dev-idp/* (the development identity provider: staff sign in as any demo user, no password)',
];

/** Demo names: letters, digits, `-` and `_`, 1 to 40 characters. */
const DEMO_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;

/**
 * A signalling ticket for `role` in the demo consultation `name` (`demo-{name}`): no session, no
 * appointment. What `/api/dev/join` answers; test harnesses call it in-process.
 */
export function demoTicket(tokens: SignallingTokens, name: string, role: Role): JoinTicket {
  const consultation = `${DEMO_NAMESPACE}${name}`;
  const { token, claims } = tokens.issue(consultation, role);
  return {
    consultationId: consultation,
    role,
    peerId: claims.pid,
    remotePeerId: tokens.peerId(consultation, OTHER[role]),
    token,
    expiresAt: new Date(claims.exp * 1000).toISOString(),
    signalling: { path: SIGNAL_PATH, key: SIGNAL_KEY },
    iceServers: [],
  };
}

export async function devJoinPlugin(app: FastifyInstance, { tokens }: DevJoinOptions): Promise<void> {
  app.post<{ Body: { consultation?: unknown; role?: unknown } }>('/api/dev/join', async (request) => {
    const body = request.body ?? {};
    if (typeof body !== 'object') throw new HttpError(400, 'structure', 'Expected a JSON object body');
    const name = body.consultation ?? 'demo';
    const role = body.role;
    if (typeof name !== 'string' || !DEMO_NAME.test(name)) {
      throw new HttpError(400, 'value', 'consultation: a demo name of 1 to 40 letters, digits, "-" or "_"');
    }
    if (typeof role !== 'string' || !ROLES.includes(role as Role)) {
      throw new HttpError(400, 'value', `role: expected one of ${ROLES.join(', ')}`);
    }
    return demoTicket(tokens, name, role as Role);
  });
}
