import type { ConsultKitError } from '../errors.js';

/** Who a participant is in a consultation. */
export type Role = 'patient' | 'clinician';

/**
 * What a participant needs to join: issued by the ConsultKit server (today by its development
 * join endpoint; with join links, by redeeming a link).
 */
export interface JoinTicket {
  consultationId: string;
  role: Role;
  /** This participant's peer id, assigned by the server and bound to `token`. */
  peerId: string;
  /** The other participant's peer id. */
  remotePeerId: string;
  /** Signalling token: the server refuses the socket without it. */
  token: string;
  /** Where the PeerJS signalling lives on the server. */
  signalling: { path: string; key: string };
  /** ICE servers to use (our TURN); empty means host candidates only. Never public STUN. */
  iceServers: RTCIceServer[];
  /** `relay` sends all media through TURN (hiding each side's address from the other). Default `all`. */
  iceTransportPolicy?: RTCIceTransportPolicy;
}

/**
 * - `idle`: created, `join()` not called yet.
 * - `connecting`: opening camera, microphone and signalling.
 * - `waiting`: connected, the other participant is not (yet) there.
 * - `in-call`: media flows both ways.
 * - `ended`: hung up, by either side. Terminal.
 * - `failed`: could not join or lost for good; `error` says why. Terminal.
 */
export type ConsultationStatus = 'idle' | 'connecting' | 'waiting' | 'in-call' | 'ended' | 'failed';

export interface ConsultationState {
  status: ConsultationStatus;
  role: Role;
  localStream: MediaStream | null;
  remoteStream: MediaStream | null;
  /** The microphone is muted (its track disabled: the remote side hears silence). */
  muted: boolean;
  /** The camera is off (its track disabled: the remote side sees black). */
  cameraOff: boolean;
  /** Why the consultation failed, when `status` is `failed`. */
  error: ConsultKitError | null;
}

/** Why a call ended. */
export type EndReason = 'local-hang-up' | 'remote-hang-up';

/** The typed events of a `Consultation`, beside its state store. */
export interface ConsultationEvents {
  /** Media flows with the other participant. */
  'call-started': { remotePeerId: string };
  /** The other participant's connection went away without hanging up; back to `waiting`. */
  'remote-left': { remotePeerId: string };
  /** The consultation ended. */
  ended: { reason: EndReason };
  /** Something failed; also reflected in `state.error` when it is fatal. */
  error: ConsultKitError;
}
