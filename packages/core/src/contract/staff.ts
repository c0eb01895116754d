/**
 * Named staff (docs/staff.md): who a member of staff is once signed in through OpenID Connect, or
 * as a vendor backend names them with the staff key. Written once for the server and core.
 */

/** What a member of staff may do, mapped from their identity provider's claims. */
export const STAFF_ROLES = ['receptionist', 'clinician', 'practice-admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** A signed-in member of staff. */
export interface StaffPerson {
  /** Their FHIR `Practitioner` id at this practice (stable across sign-ins). */
  id: string;
  /** The name to show and to put in the audit. */
  name: string;
  roles: StaffRole[];
}
