/**
 * Development join endpoint: hands out a signalling ticket for a demo consultation so that the
 * examples work with no booking. Registered only when `CONSULTKIT_DEMO` is on, which production
 * refuses. The join-link plugin replaces it for real consultations.
 */
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../errors.js';
import { CONSULTATION_ID, ROLES, type Role, type SignallingTokens } from '../tokens.js';
import { SIGNAL_KEY, SIGNAL_PATH } from './signalling.js';

export interface DevJoinOptions {
  tokens: SignallingTokens;
}

const OTHER: Record<Role, Role> = { patient: 'clinician', clinician: 'patient' };

export async function devJoinPlugin(app: FastifyInstance, { tokens }: DevJoinOptions): Promise<void> {
  app.post<{ Body: { consultation?: unknown; role?: unknown } }>('/api/dev/join', async (request) => {
    const body = request.body ?? {};
    if (typeof body !== 'object') throw new HttpError(400, 'structure', 'Expected a JSON object body');
    const consultation = body.consultation ?? 'demo';
    const role = body.role;
    if (typeof consultation !== 'string' || !CONSULTATION_ID.test(consultation)) {
      throw new HttpError(400, 'value', 'consultation: 1 to 64 letters, digits, "-" or "_"');
    }
    if (typeof role !== 'string' || !ROLES.includes(role as Role)) {
      throw new HttpError(400, 'value', `role: expected one of ${ROLES.join(', ')}`);
    }
    const { token, claims } = tokens.issue(consultation, role as Role);
    return {
      consultationId: consultation,
      role,
      peerId: claims.pid,
      remotePeerId: tokens.peerId(consultation, OTHER[role as Role]),
      token,
      expiresAt: new Date(claims.exp * 1000).toISOString(),
      signalling: { path: SIGNAL_PATH, key: SIGNAL_KEY },
      iceServers: [],
    };
  });
}
