/**
 * Roles from an identity provider's claims (docs/staff.md, "Roles"). A claim (named by
 * `CONSULTKIT_OIDC_ROLES_CLAIM`, `roles` by default) may be a list of strings, one string of
 * names separated by spaces or commas, or NHS CIS2's `nhsid_nrbac_roles` (objects with a
 * `role_code` such as `S8000:G8000:R8000`, the last part of which is the national role). Each
 * value is mapped through the role map (`CONSULTKIT_OIDC_ROLE_MAP`); a value that already is one of
 * ours (`receptionist`, `clinician`, `practice-admin`) stands for itself. Unknown values give nothing.
 */
import { STAFF_ROLES, type StaffRole } from '@consultkit/core/contract';

/**
 * CIS2's national RBAC roles a GP practice commonly gives its staff, mapped to ours: a starting
 * point to check against the practice's own role assignments (docs/staff.md).
 */
export const CIS2_ROLE_MAP: Readonly<Record<string, StaffRole>> = {
  R8000: 'clinician', // Clinical Practitioner Access Role
  R8001: 'clinician', // Nurse Access Role
  R8003: 'clinician', // Health Professional Access Role
  R8008: 'receptionist', // Admin/Clinical Support Access Role
  R8010: 'receptionist', // Clerical Access Role
  R8013: 'practice-admin', // Health Records Manager Access Role
};

export interface RoleMapping {
  /** The claim holding the roles. */
  claim: string;
  /** Claim value (or CIS2 role code) → our role. */
  map: Readonly<Record<string, StaffRole>>;
  /** CIS2: only roles at this organisation (ODS code) count. */
  orgCode?: string | undefined;
}

const isRole = (value: string): value is StaffRole => (STAFF_ROLES as readonly string[]).includes(value);

/** Our roles from the claims, without duplicates, in {@link STAFF_ROLES} order. */
export function rolesFromClaims(claims: Record<string, unknown>, mapping: RoleMapping): StaffRole[] {
  const found = new Set<StaffRole>();
  const add = (value: string) => {
    const mapped = mapping.map[value] ?? (isRole(value) ? value : undefined);
    if (mapped) found.add(mapped);
  };
  const raw = claims[mapping.claim];
  // CIS2: when the person chose a role at sign-in (`selected_roleid`), only that one counts.
  const selected = typeof claims['selected_roleid'] === 'string' ? claims['selected_roleid'] : undefined;
  const values = typeof raw === 'string' ? raw.split(/[\s,]+/) : Array.isArray(raw) ? raw : [];
  for (const value of values.slice(0, 200)) {
    if (typeof value === 'string') {
      if (value.length <= 200) add(value);
    } else if (value && typeof value === 'object') {
      const entry = value as Record<string, unknown>;
      if (selected !== undefined && entry['person_roleid'] !== selected) continue;
      if (mapping.orgCode !== undefined && entry['org_code'] !== mapping.orgCode) continue;
      const code = typeof entry['role_code'] === 'string' ? entry['role_code'] : '';
      const national = code.split(':').pop() ?? '';
      if (national) add(national);
    }
  }
  return STAFF_ROLES.filter((role) => found.has(role));
}

/**
 * `CONSULTKIT_OIDC_ROLE_MAP`: `value=role` pairs separated by commas
 * (`R8000=clinician,GP=clinician,Reception=receptionist`). Throws a message naming the bad pair.
 */
export function parseRoleMap(raw: string): Record<string, StaffRole> {
  const map: Record<string, StaffRole> = {};
  for (const pair of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [value, role, extra] = pair.split('=').map((p) => p.trim());
    if (!value || !role || extra !== undefined || !isRole(role)) {
      throw new Error(`expected value=role pairs with a role of ${STAFF_ROLES.join(', ')}, got "${pair}"`);
    }
    map[value] = role;
  }
  return map;
}
