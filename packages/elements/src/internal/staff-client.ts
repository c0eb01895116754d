import { StaffClient } from '@consultkit/core/booking';

/** The request header naming the acting practitioner when the staff key is used (docs/staff.md). */
const ACTING_HEADER = 'consultkit-acting-practitioner';

/**
 * The `StaffClient` of an element that acts for one member of staff (`<clinician-directory>`,
 * `<staff-chat>`), at its `fhir-base` (none without one): with the staff key, the key as a bearer
 * token and `me` as the acting practitioner (when given); without it, the staff session cookie
 * (`include`).
 */
export function actingStaffClient(fhirBase: string, staffKey: string | undefined, me: string): StaffClient | undefined {
  if (!fhirBase) return undefined;
  return new StaffClient({
    baseUrl: fhirBase,
    ...(staffKey
      ? { headers: () => ({ authorization: `Bearer ${staffKey}`, ...(me ? { [ACTING_HEADER]: me } : {}) }) }
      : { credentials: 'include' as const }),
  });
}
