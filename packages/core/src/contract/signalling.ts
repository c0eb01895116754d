/**
 * The messages on the wire during a consultation: our own on the PeerJS signalling socket, beside
 * PeerJS's `OFFER`, `ANSWER`, `CANDIDATE`, `LEAVE` (the room's roster and commands are in `room.ts`).
 */
import type { SessionEndReason } from './join.js';

/** Server → page: your session ended (`payload.reason`); the socket closes next, with {@link SESSION_ENDED_CLOSE_CODE}. */
export const SESSION_ENDED = 'CK-SESSION-ENDED';
/** The close code of a socket the server ends (application range). */
export const SESSION_ENDED_CLOSE_CODE = 4001;
export interface SessionEndedMessage {
  type: typeof SESSION_ENDED;
  payload: { reason: SessionEndReason };
}

/**
 * ICE restarts over PeerJS: PeerJS cannot renegotiate, so a restart's offer and answer travel as
 * these messages through the signalling socket, relayed by the server like PeerJS's own.
 */
export const ICE_RESTART_OFFER = 'CK-ICE-RESTART-OFFER';
export const ICE_RESTART_ANSWER = 'CK-ICE-RESTART-ANSWER';
export interface IceRestartMessage {
  type: typeof ICE_RESTART_OFFER | typeof ICE_RESTART_ANSWER;
  /** Set by the sender: the other peer. */
  dst?: string;
  /** Set by the server when it relays: the sending peer. */
  src?: string;
  payload: { call: string; sdp: { type: 'offer' | 'answer' | 'pranswer' | 'rollback'; sdp?: string } };
}

/** Message types the server relays between peers of one consultation: PeerJS's own and ours. */
export const RELAYED_TYPES: readonly string[] = [
  'OFFER',
  'ANSWER',
  'CANDIDATE',
  'LEAVE',
  ICE_RESTART_OFFER,
  ICE_RESTART_ANSWER,
];

/**
 * Where a page asks whether the signalling server would take its token, after a socket failed to
 * open (a browser cannot read the status of a refused websocket upgrade): POST
 * `{ peerId, token }`; `204` when it would, `401` with an OperationOutcome when it refuses (the
 * error is then `signalling-refused`); no answer means `signalling-unreachable`.
 */
export const SIGNALLING_CHECK_PATH = '/api/signalling/check';
