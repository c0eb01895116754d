import type { Role, SessionEndReason } from '../contract/join.js';
import type { ConsultKitError } from '../errors.js';
import type { QualitySample } from '../media/quality.js';

export type { JoinTicket, Role } from '../contract/join.js';

/**
 * - `idle`: created; nothing opened yet.
 * - `checking`: camera and microphone being opened (the device check).
 * - `connecting`: connecting to signalling.
 * - `waiting`: in the room. The patient waits to be admitted; the clinician waits for a patient
 *   (see `participants`) or has not admitted them yet.
 * - `admitted`: admission given; the call is completing.
 * - `in-call`: admitted and connected: media is on the wire both ways (the first frames follow
 *   within a frame interval or two).
 * - `reconnecting`: the media path was lost; recovering on its own (ICE restart, then a new call).
 * - `ended`: hung up, or declined. Terminal; `endReason` says which.
 * - `failed`: could not join; `error` says why. Terminal.
 */
export type ConsultationStatus =
  'idle' | 'checking' | 'connecting' | 'waiting' | 'admitted' | 'in-call' | 'reconnecting' | 'ended' | 'failed';

/** Where another participant is, as this side sees them. */
export type Presence = 'absent' | 'waiting' | 'admitted' | 'left';

export interface Participant {
  peerId: string;
  role: Role;
  presence: Presence;
}

export interface ConsultationState {
  status: ConsultationStatus;
  role: Role;
  /** The others in the consultation (one today: the patient for a clinician, and vice versa). */
  participants: readonly Participant[];
  /** This participant has been admitted (for the clinician: has admitted the patient). */
  admitted: boolean;
  /** The signalling socket: media keeps flowing while it reconnects. */
  signalling: 'offline' | 'connected' | 'reconnecting';
  localStream: MediaStream | null;
  remoteStream: MediaStream | null;
  /** The microphone is muted (its track disabled: the remote side hears silence). */
  muted: boolean;
  /** The camera is off (its track disabled: the remote side sees black). */
  cameraOff: boolean;
  /** No video is sent: chosen by the person, or forced by a poor network. */
  audioOnly: boolean;
  /** Why video is not sent: `chosen` by the person, or `network` (poor quality). */
  audioOnlyReason: 'chosen' | 'network' | null;
  /** The other side sends no video. */
  remoteAudioOnly: boolean;
  /** The last network-quality sample of the call, or null outside a call. */
  quality: QualitySample | null;
  /** The audio output chosen for the call (apply with `setSinkId`), or null for the default. */
  speakerId: string | null;
  /** Why the consultation ended, when `status` is `ended` (see `EndReason`). */
  endReason: EndReason | null;
  /** The clinician's message when they declined the patient. */
  declineMessage: string | null;
  /** Why the consultation failed, when `status` is `failed`. */
  error: ConsultKitError | null;
}

/**
 * Why a consultation ended.
 * - `local-hang-up`: this side hung up. `remote-hang-up`: the other side did.
 * - `declined`: the clinician declined the waiting patient (`declineMessage` holds their words).
 * - The server ended this side's session (its signalling socket was closed with the reason):
 *   `replaced`: the same session was opened again elsewhere (another tab, or this page reloaded);
 *   `cancelled`: the practice cancelled (or declined) the appointment;
 *   `rescheduled`: the practice moved the appointment to another time (a new link was e-mailed);
 *   `revoked`: the practice sent a new link, which replaces this one.
 */
export type EndReason = 'local-hang-up' | 'remote-hang-up' | 'declined' | SessionEndReason;

/** The typed events of a `Consultation`, beside its state store. */
export interface ConsultationEvents {
  /** Another participant arrived in the waiting room (seen by the clinician). */
  'participant-waiting': { peerId: string; role: Role };
  /** The patient was admitted (on both sides). */
  admitted: { peerId: string };
  /** Media flows with the other participant. */
  'call-started': { remotePeerId: string };
  /** The media path was lost; recovering. */
  reconnecting: { remotePeerId: string };
  /** The media path is back. */
  reconnected: { remotePeerId: string };
  /** The other participant left without hanging up; back to `waiting`. */
  'remote-left': { remotePeerId: string };
  /** The consultation ended. */
  ended: { reason: EndReason; message?: string };
  /** Something failed; also reflected in `state.error` when it is fatal. */
  error: ConsultKitError;
}
