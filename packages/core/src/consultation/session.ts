/**
 * The join session: a join link redeemed into a ticket, a session found again after a reload, the
 * ticket checked, and the appointment told how the consultation went (`arrived`, `fulfilled`).
 * Plain functions over `fetch`: no state of their own.
 */
import { JOIN_PROBLEM_SYSTEM, OPENS_AT_URL, ROLES, SESSION_END_REASONS, type JoinProblem } from '../contract/join.js';
import { ConsultKitError, LinkError, type LinkErrorCode } from '../errors.js';
import type { EndReason, JoinTicket } from './types.js';

/** The token of a join link (`{server}/join/{token}`), or the token itself. */
export function linkToken(link: string): string {
  return link.includes('/join/') ? decodeURIComponent(link.split('/join/')[1]!.split(/[?#]/)[0]!) : link;
}

/** POSTs `body` to a join endpoint; the ticket it answers, or the typed error of its refusal. */
export async function ticketFrom(url: URL, body: object): Promise<JoinTicket> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch (cause) {
    throw new ConsultKitError('network', 'The consultation server could not be reached.', { cause });
  }
  const answer = (await response.json().catch(() => undefined)) as
    (JoinTicket & { resourceType?: undefined }) | { resourceType: 'OperationOutcome'; issue?: LinkIssue[] } | undefined;
  if (response.ok && answer && answer.resourceType === undefined) return answer;
  throw linkError(response.status, (answer as { issue?: LinkIssue[] } | undefined)?.issue?.[0]);
}

export interface LinkIssue {
  diagnostics?: string;
  details?: { coding?: { system?: string; code?: string }[] };
  extension?: { url: string; valueInstant?: string }[];
}

/** The join problems a page is told apart; any other refusal is `link-invalid`. */
const LINK_PROBLEMS: readonly JoinProblem[] = [
  'invalid',
  'early',
  'expired',
  'used',
  'revoked',
  'wrong-role',
  'cancelled',
  'rescheduled',
];

/** The typed error for a refused join link or session. */
export function linkError(status: number, issue: LinkIssue | undefined): LinkError {
  const coding = issue?.details?.coding?.find((c) => c.system === JOIN_PROBLEM_SYSTEM) ?? issue?.details?.coding?.[0];
  const problem = coding?.code as JoinProblem | undefined;
  const code: LinkErrorCode =
    problem === 'no-session'
      ? 'session-missing'
      : problem && LINK_PROBLEMS.includes(problem)
        ? (`link-${problem}` as LinkErrorCode)
        : 'link-invalid';
  const opensAt = issue?.extension?.find((e) => e.url === OPENS_AT_URL)?.valueInstant;
  return new LinkError(
    code,
    issue?.diagnostics ?? `The server refused the link (${status}).`,
    opensAt ? new Date(opensAt) : null,
    status,
  );
}

/** Throws `invalid-argument` for a ticket a consultation cannot start from. */
export function validateTicket(ticket: JoinTicket): void {
  const strings = ['consultationId', 'peerId', 'remotePeerId', 'token'] as const;
  for (const key of strings) {
    if (typeof ticket?.[key] !== 'string' || ticket[key].length === 0) {
      throw new ConsultKitError('invalid-argument', `ticket.${key} must be a non-empty string`);
    }
  }
  if (!(ROLES as readonly unknown[]).includes(ticket.role)) {
    throw new ConsultKitError('invalid-argument', `ticket.role must be one of ${ROLES.join(', ')}`);
  }
  if (!Array.isArray(ticket.iceServers))
    throw new ConsultKitError('invalid-argument', 'ticket.iceServers must be an array');
}

/**
 * Tells the server the appointment moved on (`arrived`, `fulfilled`), for tickets of an
 * appointment. Resolves to the error to report (the consultation carries on), or null.
 */
export async function reportStep(
  server: string | URL,
  ticket: JoinTicket,
  step: 'arrived' | 'fulfilled',
): Promise<ConsultKitError | null> {
  const { appointmentId, token } = ticket;
  if (!appointmentId) return null;
  try {
    const response = await fetch(new URL(`/api/consultations/${encodeURIComponent(appointmentId)}/${step}`, server), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    if (response.ok) return null;
    const message = `Could not mark the appointment ${step}: the server answered ${response.status}`;
    return new ConsultKitError('server-error', message);
  } catch (error) {
    const message = `Could not mark the appointment ${step}: the server could not be reached`;
    return new ConsultKitError('network', message, { cause: error });
  }
}

/**
 * For a ticket of a join session: why the server ended the session (it answers `410` with the
 * reason's code), or null when it did not, or cannot be asked (the network is down).
 */
export async function endedByServer(server: string | URL, ticket: JoinTicket): Promise<EndReason | null> {
  const { appointmentId, token } = ticket;
  if (!appointmentId) return null;
  try {
    const response = await fetch(new URL('/api/ice-servers', server), {
      headers: { authorization: `Bearer ${token}` },
    });
    if (response.status !== 410) return null;
    const outcome = (await response.json().catch(() => undefined)) as { issue?: LinkIssue[] } | undefined;
    const code = outcome?.issue?.[0]?.details?.coding?.[0]?.code;
    return SESSION_END_REASONS.includes(code as never) ? (code as EndReason) : 'revoked';
  } catch {
    return null;
  }
}
