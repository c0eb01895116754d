/**
 * Recording a consultation with everyone's consent (docs/recording.md): the consent messages on
 * the signalling socket, the recording's state as the server tells every page, and the wire types
 * of the recording API, written once for the server and core.
 *
 * The server is the one authority, as for the roster: a clinician asks, every other participant
 * who has been let in answers, and the recording runs only while every one of them has agreed.
 * Anyone may withdraw, which stops it at once. Someone let in while it runs is asked, and is left
 * out of the recording (their picture and voice) until they agree; declining stops it.
 */

/** Page (a clinician) → server: ask everyone to agree to recording. */
export const RECORD_ASK = 'CK-RECORD-ASK';
/** Page (anyone let in) → server: my answer to the current request (`agree: false` declines). */
export const RECORD_ANSWER = 'CK-RECORD-ANSWER';
/** Page (anyone let in) → server: I withdraw my consent; the recording stops at once. */
export const RECORD_WITHDRAW = 'CK-RECORD-WITHDRAW';
/** Page (a clinician) → server: stop recording (the file is finished and kept). */
export const RECORD_STOP = 'CK-RECORD-STOP';

export type RecordCommand =
  | { type: typeof RECORD_ASK }
  | { type: typeof RECORD_ANSWER; payload: { requestId: string; agree: boolean } }
  | { type: typeof RECORD_WITHDRAW }
  | { type: typeof RECORD_STOP };

export const RECORD_COMMAND_TYPES: readonly string[] = [RECORD_ASK, RECORD_ANSWER, RECORD_WITHDRAW, RECORD_STOP];

/** One participant's answer, as the server keeps it. */
export type ConsentAnswer = 'asked' | 'agreed' | 'declined' | 'withdrawn';

/**
 * Where a request to record stands:
 * - `asking`: waiting for answers; nothing is recorded.
 * - `recording`: everyone asked has agreed; the capture runs.
 * - `declined`: someone said no before it started; nothing was recorded.
 * - `stopped`: it ran and ended (a clinician stopped it, someone withdrew or declined, the call ended).
 */
export type RecordingStatus = 'asking' | 'recording' | 'declined' | 'stopped';

/** Why a recording (or a request) ended. */
export type RecordingEndReason = 'declined' | 'withdrawn' | 'stopped' | 'ended';

/** How the recording is made: composited in the clinician's page (a mesh), or by Janus (the SFU). */
export type RecordingCapture = 'composite' | 'janus';

/**
 * Server → page: the recording state of the consultation, after the page's socket opens and after
 * every change (absent from the roster when nobody has asked). It travels in `CK-ROSTER`'s payload
 * as `recording`, so a reload, a late joiner and another instance see it as they see the roster.
 */
export interface RecordingState {
  /** This request's id (a new one for each ask): answers name it, so a stale answer is refused. */
  requestId: string;
  status: RecordingStatus;
  /** The peer id of the clinician who asked. */
  askedBy: string;
  /** Every participant asked, by peer id (the clinician who asked counts as agreed). */
  consents: Record<string, ConsentAnswer>;
  /** Set once it runs: the recording's id in the recording API. */
  recordingId?: string;
  capture?: RecordingCapture;
  /** When it started running (ISO 8601). */
  startedAt?: string;
  /** When it ended and why. */
  endedAt?: string;
  reason?: RecordingEndReason;
  /** Peer id of whoever declined or withdrew (when `reason` is `declined` or `withdrawn`). */
  endedBy?: string;
}

/** A participant is in the recording (picture and voice) only while their answer is `agreed`. */
export function isRecorded(state: RecordingState | undefined, peerId: string): boolean {
  return state?.status === 'recording' && state.consents[peerId] === 'agreed';
}

// --- The recording API (HTTP) ---------------------------------------------------------------

/** Composite chunks: the page sends one every this many milliseconds (`MediaRecorder` timeslice). */
export const RECORDING_TIMESLICE_MS = 2_000;
/** The largest chunk the server takes (bytes). */
export const RECORDING_CHUNK_MAX = 8 * 1024 * 1024;
/** The types a composite recording may have (`MediaRecorder`'s choice). */
export const RECORDING_TYPES = ['video/mp4', 'video/webm'] as const;
export type RecordingType = (typeof RECORDING_TYPES)[number];

/**
 * `PUT /api/recordings/:id/chunks/:seq` (the clinician's page that captures; body: the chunk's
 * bytes; `Content-Type` one of {@link RECORDING_TYPES}) answers this. Sending the same chunk again
 * answers the same (idempotent); different bytes for a stored `seq` are refused (409).
 * `GET /api/recordings/:id/chunks` answers it too, so a reloaded page knows what is stored.
 */
export interface ChunkReceipt {
  recordingId: string;
  /** Every sequence number stored so far, ascending (0-based). */
  received: number[];
}

/** `POST /api/recordings/:id/finish` body: how many chunks there are (all must be stored). */
export interface FinishRecording {
  chunks: number;
}

/** Where a recording's file stands on the server. */
export type RecordingFileStatus = 'capturing' | 'processing' | 'ready' | 'failed' | 'deleted';

/** `GET /api/recordings/:id` (and each item of `GET /api/recordings?consultation=|patient=`). */
export interface RecordingInfo {
  id: string;
  consultationId: string;
  appointmentId: number;
  capture: RecordingCapture;
  status: RecordingFileStatus;
  startedAt: string;
  endedAt?: string;
  /** Once `ready`: the finished file (seekable; remuxed by ffmpeg). */
  contentType?: string;
  durationSeconds?: number;
  size?: number;
  /** SHA-256 of the finished file, hex. */
  sha256?: string;
  /** Short-lived signed link to the media (range requests), for `<video src>`. */
  url?: string;
  /** When it will be deleted under the practice's retention period. */
  deleteAfter?: string;
  /** Once `failed`, why (for the practice's staff only: `GET /api/recordings`). */
  failure?: string;
}

/** One access to a recording, as staff list it (`GET /api/recordings/:id/audit`). */
export interface RecordingAccess {
  at: string;
  /** `staff`, `clinician`, `patient` or `retrieval-link` (the patient through a link). */
  by: string;
  /** The person, when known (a named member of staff, the patient's name). */
  who?: string;
  /** `view` (media), `download`, `metadata`, `export-fhir`, `export-cda`, `delete`, `refused`. */
  action: string;
  /** The client address. */
  from: string;
}
