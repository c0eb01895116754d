/**
 * The staff directory and presence (docs/staff.md, "Directory", "Presence", "Calling a colleague
 * in"; docs/decisions/0042-directory-and-presence.md): the presence wire types the server and core
 * share. The directory itself is FHIR `PractitionerRole` (`GET /fhir/PractitionerRole`).
 */

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
  /** The single-use join link that opens the room as a guest of kind `specialist`. */
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
