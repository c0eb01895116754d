/**
 * Every error the server answers is a FHIR R4 OperationOutcome with the right HTTP status, made in
 * one place: {@link toOutcome} maps each kind of error a route may throw (an `HttpError`, a join
 * link's `JoinError`, a schema's validation error, a value the database refused, anything else).
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { JOIN_PROBLEM_SYSTEM, OPENS_AT_URL } from '@consultkit/core/contract';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { JoinError } from './join/service.js';

/** FHIR issue-type codes the server uses (http://hl7.org/fhir/R4/valueset-issue-type.html). */
export type IssueCode =
  | 'invalid'
  | 'structure'
  | 'required'
  | 'value'
  | 'security'
  | 'login'
  | 'expired'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'business-rule'
  | 'too-costly'
  | 'too-long'
  | 'throttled'
  | 'timeout'
  | 'exception'
  | 'not-supported';

export interface OutcomeIssue {
  severity: 'fatal' | 'error' | 'warning' | 'information';
  code: IssueCode;
  diagnostics: string;
  /** For a join link's refusal: the problem, system `urn:consultkit:join-problem`. */
  details?: { coding: { system: string; code: string }[] };
  /** For an early join link: when it opens (`urn:consultkit:opens-at`). */
  extension?: { url: string; valueInstant: string }[];
}

export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue: OutcomeIssue[];
}

export function operationOutcome(code: IssueCode, diagnostics: string): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] };
}

/** An error a route throws on purpose: answered with `status` and an OperationOutcome. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: IssueCode,
    message: string,
    /** Extra response headers (`WWW-Authenticate` on a 401). */
    readonly headers: Record<string, string> = {},
    /** A code a program can switch on, as the issue's `details` (a document's refusal). */
    readonly detail?: { system: string; code: string },
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function sendOutcome(reply: FastifyReply, status: number, code: IssueCode, diagnostics: string): FastifyReply {
  return reply.code(status).type('application/fhir+json').send(operationOutcome(code, diagnostics));
}

/** A database "data exception" (SQLSTATE class 22: invalid text, out-of-range number, …). */
function isDataException(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
}

/** An error as the server answers it: the status, the OperationOutcome, and any extra headers. */
export interface ErrorAnswer {
  status: number;
  outcome: OperationOutcome;
  headers: Record<string, string>;
}

/**
 * The one mapping from what a route threw to what the server answers. Domain errors carry their
 * own status (`HttpError`; `JoinError`, whose problem code and opening time travel in the issue so
 * pages can say it their way); a request's faults are 4xx; anything else is a 500 that gives
 * nothing away (and is logged).
 */
export function toOutcome(error: unknown, request?: FastifyRequest): ErrorAnswer {
  const answer = (status: number, code: IssueCode, diagnostics: string, headers: Record<string, string> = {}) => ({
    status,
    outcome: operationOutcome(code, diagnostics),
    headers,
  });
  if (error instanceof HttpError) {
    const result = answer(error.status, error.code, error.message, error.headers);
    if (error.detail) result.outcome.issue[0]!.details = { coding: [error.detail] };
    return result;
  }
  if (error instanceof JoinError) {
    const result = answer(error.status, error.status === 401 ? 'security' : 'business-rule', error.message);
    const issue = result.outcome.issue[0]!;
    issue.details = { coding: [{ system: JOIN_PROBLEM_SYSTEM, code: error.problem }] };
    if (error.opensAt) issue.extension = [{ url: OPENS_AT_URL, valueInstant: error.opensAt.toISOString() }];
    return result;
  }
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.validation) return answer(400, 'invalid', `Invalid request: ${fastifyError.message}`);
  if (isDataException(error)) {
    // A value the database cannot take (SQLSTATE class 22): the request's fault, not the server's.
    request?.log.warn({ err: error }, 'value refused by the database');
    return answer(400, 'value', 'A value in the request cannot be stored or compared; check its characters and range');
  }
  const status = fastifyError.statusCode ?? 500;
  if (status < 500) {
    return answer(status, status === 415 ? 'not-supported' : 'structure', fastifyError.message ?? String(error));
  }
  request?.log.error({ err: error }, 'unhandled error');
  return answer(500, 'exception', 'The server could not complete the request; it has been logged.');
}

/** Installs the error and not-found handlers so that nothing answers a bare 500 or HTML 404. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const { status, outcome, headers } = toOutcome(error, request);
    return reply.code(status).headers(headers).type('application/fhir+json').send(outcome);
  });
  app.setNotFoundHandler((request, reply) =>
    sendOutcome(reply, 404, 'not-found', `Nothing at ${request.method} ${request.url.split('?')[0]}`),
  );
}

/**
 * Errors the router raises before any route runs (Fastify's `frameworkErrors`): a path parameter
 * over the router's length limit, or a path that is not valid percent-encoding. Answered as
 * OperationOutcomes like everything else, and without echoing the path back.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void sendOutcome(reply, 414, 'too-long', 'A part of the address is too long');
    return;
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    void sendOutcome(reply, 400, 'structure', 'The address is not valid: check its percent-encoding');
    return;
  }
  void sendOutcome(reply, 400, 'structure', 'The request could not be routed');
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (headers over 16 kB, a broken
 * request line) are answered as OperationOutcomes too: the server's `clientErrorHandler`.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code, message]: [number, IssueCode, string] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'too-costly', 'The request headers are too large (cookies and headers together must stay under 16 kB)']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'timeout', 'The request took too long to arrive']
        : [400, 'structure', 'The request is not well-formed HTTP'];
  const body = JSON.stringify(operationOutcome(code, message));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/fhir+json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
