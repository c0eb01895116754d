/**
 * Joining a consultation, as the server and core both see it: the ticket a join link or a vendor
 * backend's request gives, why a link or session is refused, and why a session ends.
 */
import type { GuestKind } from './room.js';

/**
 * Who a participant is in a consultation: the patient, a clinician (who admits, removes and ends),
 * or a guest the practice invited (an interpreter, a carer, …: see `GuestKind` in `room.ts`).
 */
export const ROLES = ['patient', 'clinician', 'guest'] as const;
export type Role = (typeof ROLES)[number];

/** An ICE server (our TURN) as the server hands it out: the shape of WebRTC's `RTCIceServer`. */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/**
 * What a participant needs to join: issued by the ConsultKit server (by redeeming a join link, for
 * a vendor backend's clinician, or by its development join endpoint).
 */
export interface JoinTicket {
  consultationId: string;
  /**
   * The appointment, when the ticket came from a join link or a clinician session: entering the
   * waiting room marks it `arrived`, the clinician hanging up marks it `fulfilled`.
   */
  appointmentId?: string;
  role: Role;
  /** This participant's peer id, assigned by the server and bound to `token`. */
  peerId: string;
  /**
   * The clinician's peer id (for a clinician, the patient's): who a two-party page calls. A page
   * of a room of any size learns everyone from the roster (`CK-ROSTER`) instead.
   */
  remotePeerId: string;
  /** The name this participant is shown by to the others. */
  name?: string;
  /** For a guest: what they are there as. */
  kind?: GuestKind;
  /** Signalling token: the server refuses the socket without it. */
  token: string;
  /** Where the PeerJS signalling lives on the server. */
  signalling: { path: string; key: string };
  /** ICE servers to use (our TURN); empty means host candidates only. Never public STUN. */
  iceServers: IceServer[];
  /** `relay` sends all media through TURN (hiding each side's address from the other). Default `all`. */
  iceTransportPolicy?: 'all' | 'relay';
  /** When the session (and its token) expires, as an ISO instant, for tickets of a join session. */
  expiresAt?: string;
}

/**
 * Why a join link or session was refused (`issue[0].details.coding[0]`, system
 * {@link JOIN_PROBLEM_SYSTEM}, of the OperationOutcome the server answers):
 * - `invalid`: not ours, changed, or incomplete; `early`: before it opens ({@link OPENS_AT_URL}
 *   says when); `expired`: after the appointment; `used`: used a second time; `revoked`: replaced
 *   by a newer link; `rescheduled`: the appointment moved (a new link was sent); `wrong-role`: a
 *   link for another role; `cancelled`: the appointment was cancelled or is over; `not-video`:
 *   the appointment is not by video; `not-found`: no such appointment; `no-session`: no session on
 *   this device to resume.
 */
export const JOIN_PROBLEMS = [
  'invalid',
  'early',
  'expired',
  'used',
  'revoked',
  'rescheduled',
  'wrong-role',
  'cancelled',
  'not-video',
  'not-found',
  'no-session',
] as const;
export type JoinProblem = (typeof JOIN_PROBLEMS)[number];

/** The code system of a join problem in an OperationOutcome issue's `details`. */
export const JOIN_PROBLEM_SYSTEM = 'urn:consultkit:join-problem';
/** The extension of an OperationOutcome issue saying when an early link opens (`valueInstant`). */
export const OPENS_AT_URL = 'urn:consultkit:opens-at';

/** The HTTP status the server answers a join problem with. */
export function joinProblemStatus(problem: JoinProblem): number {
  switch (problem) {
    case 'invalid':
      return 401;
    case 'not-found':
    case 'no-session':
      return 404;
    case 'used':
    case 'revoked':
    case 'rescheduled':
    case 'cancelled':
      return 410;
    case 'wrong-role':
      return 403;
    default:
      return 422;
  }
}

/**
 * Why the server revoked sessions and unused links: a new link was sent (`revoked`), the
 * appointment was cancelled or declined (`cancelled`), or moved to another time (`rescheduled`).
 */
export type RevocationReason = 'revoked' | 'cancelled' | 'rescheduled';

/**
 * Why the server ended a page's session (sent in {@link SESSION_ENDED} before it closes the
 * socket): a revocation, `replaced` (the same session opened again elsewhere), `ended` (a
 * clinician ended the consultation for everyone) or `removed` (a clinician removed or declined
 * this participant; `CK-REMOVED` came first, with their message).
 */
export type SessionEndReason = 'replaced' | 'ended' | 'removed' | RevocationReason;
export const SESSION_END_REASONS: readonly SessionEndReason[] = [
  'replaced',
  'ended',
  'removed',
  'revoked',
  'cancelled',
  'rescheduled',
];
