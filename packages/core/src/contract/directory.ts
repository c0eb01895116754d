/**
 * The staff directory and presence (docs/staff.md, "Directory", "Presence", "Calling a colleague
 * in"; docs/decisions/0042-directory-and-presence.md): the presence wire types the server and core
 * share. The directory itself is FHIR `PractitionerRole` (`GET /fhir/PractitionerRole`).
 */
import type { JoinTicket } from './join.js';

/** What a member of staff's presence can be. */
export const PRESENCE_STATES = ['available', 'busy', 'in-consultation', 'away', 'offline'] as const;
export type PresenceState = (typeof PRESENCE_STATES)[number];

/**
 * What a person may set themselves (`PUT /api/presence`). "In a consultation" and "offline" are
 * derived: from a live join session in a call, and from having no staff connection open.
 */
export const SETTABLE_PRESENCE = ['available', 'busy', 'away'] as const;
export type SettablePresence = (typeof SETTABLE_PRESENCE)[number];

export function isSettablePresence(value: unknown): value is SettablePresence {
  return typeof value === 'string' && (SETTABLE_PRESENCE as readonly string[]).includes(value);
}

/** One person's presence. */
export interface Presence {
  /** Their FHIR `Practitioner` id. */
  practitioner: string;
  state: PresenceState;
  /** When they were last seen connected or in a call (ISO 8601); absent if never. */
  lastSeen?: string;
}

/** The body of `PUT /api/presence`. */
export interface PresenceUpdate {
  state: SettablePresence;
}

/**
 * The staff live stream, `GET /api/presence/events` (`text/event-stream`): these are its event
 * names; each `data` is JSON.
 */
export const PRESENCE_EVENT = {
  /** `{ "people": Presence[] }`: everyone's presence, first on every (re)connection. */
  snapshot: 'presence-snapshot',
  /** A {@link Presence}: one person's changed. */
  change: 'presence',
  /** A {@link CallInNotice}: a colleague asks the signed-in person to join a consultation. */
  callIn: 'call-in',
  /** A {@link StaffCallDeclined}: a colleague the signed-in person called said no. */
  staffCallDeclined: 'staff-call-declined',
} as const;

/** The body of `POST /api/consultations/{id}/call-in`. */
export interface CallInRequest {
  /** The colleague's FHIR `Practitioner` id. */
  practitioner: string;
}

/** What the colleague is told, live on their staff stream. */
export interface CallInNotice {
  /** The invitation's id (the guest's id in the consultation). */
  id: string;
  /** The appointment's id. */
  consultation: string;
  /** Who asks. */
  from: { practitioner: string; name: string };
  /** Whom the consultation is with: the patient's name, or absent for a call between clinicians. */
  patient?: string;
  /**
   * The single-use join link: into a consultation with a patient, it opens the room as a guest of
   * kind `specialist`; into a call between clinicians (no `patient`), it is bound to the person
   * told, who joins as a clinician through `POST /api/staff-calls/{consultation}/join` with their
   * own staff credentials (anyone else is refused).
   */
  url: string;
  /** When the link opens (ISO 8601). */
  opensAt: string;
}

/** The answer to `POST /api/consultations/{id}/call-in`. */
export interface CallInAnswer {
  id: string;
  consultation: string;
  practitioner: string;
  /** Whether the colleague had a staff connection open to be told on (else: offline). */
  notified: boolean;
}

/**
 * The body of `POST /api/staff-calls`: call a colleague with no patient. Without `call`, a new call
 * starts (the caller gets a ticket to it); with `call`, the colleague is asked into that running
 * call, which the caller is in.
 */
export interface StaffCallRequest {
  /** The colleague's FHIR `Practitioner` id. */
  practitioner: string;
  /** A running staff call's id (its consultation's appointment id), to ask one more colleague in. */
  call?: string;
}

/** The answer to `POST /api/staff-calls`. */
export interface StaffCallAnswer {
  /** The call's id: the id of its consultation (`appt-{call}`), as tickets and the SFU name it. */
  call: string;
  /** The colleague asked. */
  practitioner: string;
  /** Whether the colleague had a staff connection open to be told on (else: offline). */
  notified: boolean;
  /** When the colleague's link stops working, unanswered (ISO 8601). */
  expiresAt: string;
  /** A new call only: the caller's own clinician ticket to open `<consult-room>` with. */
  ticket?: JoinTicket;
}

/** The body of `POST /api/staff-calls/{call}/join`. */
export interface StaffCallJoinRequest {
  /** The link's token (the last path segment of the notice's `url`), or the whole `url`. */
  token: string;
}

/** What the caller is told, live, when a colleague declines (`staff-call-declined`). */
export interface StaffCallDeclined {
  call: string;
  /** Who declined. */
  practitioner: string;
  name: string;
}

/** Directory search parameters (`GET /fhir/PractitionerRole`). */
export interface DirectoryQuery {
  /** Part of a name: given, family or prefix. */
  name?: string;
  /** A role code (`doctor`, `nurse`, `pharmacist`, or a SNOMED CT occupation code). */
  role?: string;
  /** A specialty code (SNOMED CT, UK Core practice setting). */
  specialty?: string;
}

/** The roles the directory knows, as the FHIR practitioner-role code system names them. */
export const DIRECTORY_ROLE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/practitioner-role';
export const SNOMED_SYSTEM = 'http://snomed.info/sct';
