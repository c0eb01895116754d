import type { Role, SessionEndReason } from '../contract/join.js';
import type { RoomMode } from '../contract/room.js';
import type { ConsultKitError } from '../errors.js';
import type { QualitySample } from '../media/quality.js';
import type { ParticipantState, PendingCommand } from './participant.js';
import type { ScreenShareEvents, ScreenShareState } from './screen.js';
import type { MediaTransport, TransportContext } from './transport.js';
import type { JoinTicket } from '../contract/join.js';
import type { RecordingState } from '../contract/recording.js';
import type { RecordingEvents } from './recording.js';
import type { RecorderEvents } from '../recording/composite-recorder.js';

export type { JoinTicket, Role } from '../contract/join.js';

/**
 * - `idle`: created; nothing opened yet.
 * - `checking`: camera and microphone being opened (the device check).
 * - `connecting`: connecting to signalling.
 * - `waiting`: in the room, with nobody to talk to yet. A patient or guest waits to be admitted
 *   (or, admitted, for someone else admitted to be there); a clinician waits for someone to admit
 *   (see `participants`).
 * - `admitted`: this page is let in and someone else let in is there; the call is completing.
 * - `in-call`: media flows with at least one other participant let in (the first frames follow
 *   within a frame interval or two).
 * - `reconnecting`: the media path to a participant in the call was lost; recovering on its own
 *   (ICE restart, then a new call).
 * - `ended`: left, ended, removed or declined. Terminal; `endReason` says which.
 * - `failed`: could not join; `error` says why. Terminal.
 */
export type ConsultationStatus =
  'idle' | 'checking' | 'connecting' | 'waiting' | 'admitted' | 'in-call' | 'reconnecting' | 'ended' | 'failed';

export type { Presence } from './participant.js';

/** A participant as the state lists them (the name of earlier versions). */
export type Participant = ParticipantState;

export interface ConsultationState {
  status: ConsultationStatus;
  role: Role;
  /** This page's own participant (null before the roster is known). */
  self: ParticipantState | null;
  /**
   * The others in the consultation, in the server's order (the ticket's counterpart is listed,
   * `absent`, until the server knows them).
   */
  participants: readonly ParticipantState[];
  /** How the media travels: a mesh of connections, or through the SFU. */
  mode: RoomMode;
  /** Commands still at work (admit, remove, leave, end, join, switching a device…). */
  pending: readonly PendingCommand[];
  /**
   * This page is let in and someone else let in is there (for a clinician: they have admitted
   * someone who is there).
   */
  admitted: boolean;
  /** The signalling socket: media keeps flowing while it reconnects. */
  signalling: 'offline' | 'connected' | 'reconnecting';
  localStream: MediaStream | null;
  /** The first other participant in the call's stream (for two-party views; see `participants`). */
  remoteStream: MediaStream | null;
  /** The microphone is muted (its track disabled: the remote side hears silence). */
  muted: boolean;
  /** The camera is off (its track disabled: the remote side sees black). */
  cameraOff: boolean;
  /** No video is sent: chosen by the person, or forced by a poor network. */
  audioOnly: boolean;
  /** Why video is not sent: `chosen` by the person, or `network` (poor quality). */
  audioOnlyReason: 'chosen' | 'network' | null;
  /** The first other participant in the call sends no video. */
  remoteAudioOnly: boolean;
  /** The last network-quality sample of the link with the first other in the call, or null. */
  quality: QualitySample | null;
  /** The audio output chosen for the call (apply with `setSinkId`), or null for the default. */
  speakerId: string | null;
  /** Why the consultation ended, when `status` is `ended` (see `EndReason`). */
  endReason: EndReason | null;
  /** The clinician's message when they declined the patient. */
  declineMessage: string | null;
  /** Why the consultation failed, when `status` is `failed`. */
  error: ConsultKitError | null;
  /** Who shares their screen (one at a time), and the shared screen's stream (`startScreenShare()`). */
  screenShare: ScreenShareState;
  /**
   * Recording consent and state as the server tells it (`contract/recording.ts`), or null before a
   * clinician asks. `askToRecord()`, `answerRecording()`, `withdrawRecordingConsent()`,
   * `stopRecording()` act on it; `recording-changed` follows it.
   */
  recording: RecordingState | null;
}

/**
 * Why a consultation ended.
 * - `local-hang-up`: this page left (`leave()`), or ended it (`end()`): `hangUp()`.
 * - `remote-hang-up`: a clinician ended the consultation for everyone.
 * - `declined`: a clinician declined this waiting participant (`declineMessage` holds their words).
 * - `removed`: a clinician removed this participant after admitting them (`declineMessage` too).
 * - The server ended this side's session (its signalling socket was closed with the reason):
 *   `replaced`: the same session was opened again elsewhere (another tab, or this page reloaded);
 *   `cancelled`: the practice cancelled (or declined) the appointment;
 *   `rescheduled`: the practice moved the appointment to another time (a new link was e-mailed);
 *   `revoked`: the practice sent a new link, which replaces this one.
 */
export type EndReason = 'local-hang-up' | 'remote-hang-up' | 'declined' | SessionEndReason;

/** The typed events of a `Consultation`, beside its state store. */
export interface ConsultationEvents extends ScreenShareEvents, RecordingEvents, RecorderEvents {
  /** Another participant arrived in the waiting room (seen by a clinician). */
  'participant-waiting': { peerId: string; role: Role };
  /** A participant was admitted: this page (a patient's or guest's), or one a clinician sees. */
  admitted: { peerId: string };
  /** Media flows with someone (status `in-call`). */
  'call-started': { remotePeerId: string };
  /** The media path to someone in the call was lost; recovering. */
  reconnecting: { remotePeerId: string };
  /** The media path is back. */
  reconnected: { remotePeerId: string };
  /** A participant who was in the call left, or was lost for good; the others carry on. */
  'remote-left': { remotePeerId: string };
  /** The consultation ended. */
  ended: { reason: EndReason; message?: string };
  /** Something failed; also reflected in `state.error` when it is fatal. */
  error: ConsultKitError;
  /**
   * A part made on first use (decision 47) is here: `files` (`consultation.files`), `recording`
   * (`consultation.recorder`, and the consent state in `state.recording`), `chat`
   * (`consultation.chat`).
   */
  'part-loaded': { part: 'files' | 'recording' | 'chat' };
}

export interface ConsultationOptions {
  /** Base URL of the ConsultKit server, e.g. `https://consult.example.nhs.uk`. */
  server: string | URL;
  ticket: JoinTicket;
  /** Camera and microphone constraints; default: both, the browser's default devices. */
  media?: MediaStreamConstraints;
  /** A stream already open (from a `DeviceCheck`), used instead of opening camera and microphone. */
  localStream?: MediaStream;
  /** How long to wait for signalling to open before failing, in ms. Default 15 000. */
  signallingTimeoutMs?: number;
  /** Lower the video, then fall back to audio only, under a poor network, and restore it. Default true. */
  adaptToNetwork?: boolean;
  /** How often to sample network quality, in ms. Default 2 000. */
  qualityIntervalMs?: number;
  /**
   * The transport of a room in `sfu` mode: the consultation moves its media to it when the roster's
   * `mode` becomes `sfu`, keeping the mesh until it carries every participant. By default the SFU
   * session (`sfuTransport`, `sfu/transport.ts`) when the ticket has an `appointmentId`; without
   * one (a demo ticket) the room stays a mesh.
   */
  sfu?: (context: TransportContext) => MediaTransport;
}
