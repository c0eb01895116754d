/**
 * `POST /api/consultations/:id/sfu`: a participant's access to its consultation's Janus room, for
 * its join session (bearer or cookie, as `/api/ice-servers`). Every refusal is an OperationOutcome.
 */
import type { IceServer, SfuAccessResponse } from '@consultkit/core/contract';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { readCookie } from '../cookies.js';
import { HttpError } from '../errors.js';
import { JoinError, type JoinService } from '../join/service.js';
import { SESSION_COOKIE } from '../plugins/join.js';
import { JanusError, JanusUnreachable } from './janus.js';
import { SfuEnded, type SfuService } from './service.js';

export interface SfuPluginOptions {
  join: JoinService;
  /** Undefined when no Janus is configured: the route says so. */
  sfu: SfuService | undefined;
  /** The appointment's status (`booked`, `arrived`, …), or undefined when there is none. */
  appointmentStatus: (id: number) => Promise<string | undefined>;
  /** The ICE servers (our TURN) a Janus client should use too. */
  iceServers: () => IceServer[];
}

function appointmentId(params: unknown): number {
  const raw = String((params as { id?: unknown }).id ?? '');
  if (!/^\d{1,15}$/.test(raw)) throw new HttpError(400, 'value', `Not an appointment id: "${raw.slice(0, 40)}"`);
  return Number(raw);
}

export async function sfuPlugin(app: FastifyInstance, options: SfuPluginOptions): Promise<void> {
  app.setErrorHandler((error, request) => {
    if (error instanceof SfuEnded) throw new HttpError(410, 'business-rule', error.message);
    if (error instanceof JanusUnreachable || error instanceof JanusError) {
      request.log.error({ err: error }, 'Janus refused or did not answer');
      throw new HttpError(
        503,
        'exception',
        'The video room service is not available at the moment; try again shortly.',
        {
          'retry-after': '5',
        },
      );
    }
    throw error;
  });

  const session = async (request: FastifyRequest) => {
    const header = /^Bearer +(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const token = header ?? readCookie(request.headers.cookie, SESSION_COOKIE);
    if (!token) throw new JoinError('invalid', 'There is no consultation session: open your link again.');
    return options.join.session(token);
  };

  app.post('/api/consultations/:id/sfu', async (request, reply) => {
    const id = appointmentId(request.params);
    const mine = await session(request);
    if (mine.appointmentId !== id) throw new JoinError('wrong-role', 'This session is for another appointment.');
    if (!options.sfu) {
      throw new HttpError(404, 'not-supported', 'This server has no video room service (Janus) configured.');
    }
    const status = await options.appointmentStatus(id);
    if (status === undefined) throw new HttpError(404, 'not-found', 'There is no such appointment.');
    const access = await options.sfu.access(id, status, mine.sessionId);
    const answer: SfuAccessResponse = {
      ...access,
      iceServers: options.iceServers(),
      expiresAt: mine.expiresAt.toISOString(),
    };
    return reply.header('cache-control', 'no-store').send(answer);
  });
}
