/**
 * The room: who is in a consultation of any number of participants, as the server tells every
 * page, and what a page may ask of the server about it (docs/decisions/0022-the-room.md).
 *
 * The server is the one authority on the roster: who holds a signalling socket, who has been let
 * in, and whether the call runs as a mesh or through the SFU. Pages send it commands on their
 * signalling socket and receive the whole roster back after every change; the server refuses a
 * command a role may not give (only a clinician admits, declines, removes and ends).
 */
import type { Role } from './join.js';
import type { RecordingState } from './recording.js';

/** What a guest is there as. */
export const GUEST_KINDS = ['interpreter', 'carer', 'specialist', 'nurse', 'social-worker'] as const;
export type GuestKind = (typeof GUEST_KINDS)[number];

/** How the media of a consultation travels: peer to peer between every pair, or through Janus. */
export type RoomMode = 'mesh' | 'sfu';

/** Up to this many participants connect as a mesh; from one more the room moves to the SFU. */
export const MESH_LIMIT = 4;

/** One participant of a consultation, as the server sees them. */
export interface RosterEntry {
  /** Their peer id: stable for their session (a reload keeps it), unique in the consultation. */
  peerId: string;
  role: Role;
  /** For a guest: what they are there as. */
  kind?: GuestKind;
  /** The name to show (the patient's name, the clinician's, the guest's as invited). */
  name: string;
  /** Holds a signalling socket now. */
  connected: boolean;
  /** Let in by a clinician (a clinician is always in). Kept across a reload of their page. */
  admitted: boolean;
  /** Said goodbye (`CK-LEAVE`) and has not come back; a participant may leave and rejoin. */
  left: boolean;
  /** What they send, as they last told the server (`CK-MEDIA`); all false until they do. */
  media: MediaFlags;
  /**
   * Their publisher id in the room's Janus VideoRoom (derived from their session, as
   * `POST /api/consultations/:id/sfu` answers it): how a subscriber knows whose feed is whose.
   * Absent for a participant without a join session (demo tickets).
   */
  sfuId?: number;
  /**
   * Shares their screen now (`CK-SCREEN`): at most one participant of a room at a time, the server
   * deciding (a second presenter takes over). Absent from servers before screen share: not sharing.
   */
  presenting?: boolean;
  /**
   * The publisher id their shared screen uses in the room's Janus VideoRoom (a second publisher of
   * theirs, `SfuAccess.screenPublisherId`): how a subscriber knows which feed is the screen.
   */
  screenSfuId?: number;
}

/** What a participant sends: the same in a mesh and through the SFU, so it travels via the server. */
export interface MediaFlags {
  /** Microphone muted. */
  muted: boolean;
  /** Camera turned off (black frames or none). */
  cameraOff: boolean;
  /** No video at all: chosen, or forced by a poor network. */
  audioOnly: boolean;
}

/** Server → page: the whole roster, after the page's socket opens and after every change. */
export const ROSTER = 'CK-ROSTER';
export interface RosterMessage {
  type: typeof ROSTER;
  payload: {
    /** The receiving page's own peer id (its entry is in `participants` too). */
    you: string;
    mode: RoomMode;
    participants: RosterEntry[];
    /** Recording consent and state, once a clinician has asked (contract/recording.ts). */
    recording?: RecordingState;
  };
}

/** Page (a clinician) → server: let `peerId` in. */
export const ADMIT = 'CK-ADMIT';
/** Page (a clinician) → server: not now (a waiting participant), or out (an admitted guest). */
export const REMOVE = 'CK-REMOVE';
/** Page → server: I am leaving; the others carry on, and I may come back. */
export const LEAVE = 'CK-LEAVE';
/** Page (a clinician) → server: the consultation is over, for everyone. */
export const END = 'CK-END';
/** Page → server: what I send now (the server puts it in my roster entry). */
export const MEDIA = 'CK-MEDIA';
/**
 * Page (let in) → server: I share my screen now (`sharing: true`: anyone else sharing stops being
 * the presenter, and sees so in the roster), or no longer (`false`). Docs: docs/collaboration.md.
 */
export const SCREEN = 'CK-SCREEN';

export type RoomCommand =
  | { type: typeof ADMIT; payload: { peerId: string } }
  | { type: typeof REMOVE; payload: { peerId: string; message?: string } }
  | { type: typeof LEAVE }
  | { type: typeof END }
  | { type: typeof MEDIA; payload: MediaFlags }
  | { type: typeof SCREEN; payload: { sharing: boolean } };

export const ROOM_COMMAND_TYPES: readonly string[] = [ADMIT, REMOVE, LEAVE, END, MEDIA, SCREEN];

/** The longest message a clinician may give with `CK-REMOVE`. */
export const REMOVE_MESSAGE_MAX = 500;

/**
 * Server → page, when a command was refused (not a clinician, no such participant): the command's
 * `type` and why. The page's state is unchanged.
 */
export const REFUSED = 'CK-REFUSED';
export interface RefusedMessage {
  type: typeof REFUSED;
  payload: { command: string; reason: string };
}

/**
 * Server → page: you were declined or removed by a clinician (`message` is theirs, maybe empty).
 * The socket closes next with `SESSION_ENDED_CLOSE_CODE`; the session cannot signal again.
 */
export const REMOVED = 'CK-REMOVED';
export interface RemovedMessage {
  type: typeof REMOVED;
  payload: { message: string };
}
