/**
 * Everyone a member of staff may message (docs/staff.md, "Messages"; decision 0049): people with a
 * staff account (`staff_member`, their roles from sign-in) or an active role in the directory.
 * The directory (`PractitionerRole`) lists only those with a clinical or bookable role, so
 * reception and the practice manager are found here, not there. The same people
 * `StaffMessages.start` accepts as members.
 */
import {
  STAFF_PEOPLE_DEFAULT,
  STAFF_PEOPLE_MAX,
  STAFF_ROLES,
  type StaffPeopleList,
  type StaffPerson,
  type StaffRole,
} from '@consultkit/core/contract';
import type { HumanNameJson } from '../booking/repository.js';
import { HttpError } from '../errors.js';
import type { SqlExecutor } from '../storage/index.js';
import { displayName } from './directory.js';

/** The longest name search (UTF-16 code units): longer is no one's name. */
export const STAFF_PEOPLE_NAME_MAX = 100;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A directory role that acts as a clinician, as `Directory.person`. */
const CLINICAL_ROLES = new Set(['doctor', 'nurse', 'pharmacist']);

interface PersonRow {
  id: number;
  name: HumanNameJson;
  roles: unknown;
  role_codes: string[];
  job: string | null;
}

/** The query's `name` and `count`, checked (400 OperationOutcome for anything else). */
export function peopleQuery(raw: Record<string, string>): { name?: string; count: number } {
  const out: { name?: string; count: number } = { count: STAFF_PEOPLE_DEFAULT };
  if (raw['name'] !== undefined) {
    const name = raw['name'].trim();
    if (name.length > STAFF_PEOPLE_NAME_MAX) {
      throw new HttpError(400, 'value', `name: at most ${STAFF_PEOPLE_NAME_MAX} characters`);
    }
    if (CONTROL.test(name) || LONE_SURROGATE.test(name)) {
      throw new HttpError(400, 'value', 'name: expected text (no control characters)');
    }
    if (name !== '') out.name = name;
  }
  if (raw['count'] !== undefined) {
    const count = /^[0-9]{1,3}$/.test(raw['count']) ? Number(raw['count']) : NaN;
    if (!(count >= 1 && count <= STAFF_PEOPLE_MAX)) {
      throw new HttpError(400, 'value', `count: expected a whole number from 1 to ${STAFF_PEOPLE_MAX}`);
    }
    out.count = count;
  }
  return out;
}

/** Up to `count` people `me` may message whose name contains `name`, by family name. */
export async function searchPeople(
  db: SqlExecutor,
  me: StaffPerson,
  query: { name?: string; count: number },
): Promise<StaffPeopleList> {
  const args: unknown[] = [Number(me.id)];
  const where = [
    'p.active',
    'p.id <> $1',
    `(m.practitioner_id IS NOT NULL
      OR EXISTS (SELECT 1 FROM practitioner_role r WHERE r.practitioner_id = p.id AND r.active))`,
  ];
  if (query.name !== undefined) {
    args.push(`%${query.name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    where.push(
      `(concat_ws(' ', p.name->'prefix'->>0, p.name->'given'->>0, p.name->'given'->>1, p.name->>'family') ILIKE $2
        OR p.name->>'family' ILIKE $2)`,
    );
  }
  args.push(query.count + 1);
  const rows = await db.query<PersonRow>(
    `SELECT p.id, p.name, m.roles,
            ARRAY(SELECT r.role_code FROM practitioner_role r
                   WHERE r.practitioner_id = p.id AND r.active ORDER BY r.id) AS role_codes,
            (SELECT coalesce(r.occupation_display, r.role_display) FROM practitioner_role r
              WHERE r.practitioner_id = p.id AND r.active ORDER BY r.id LIMIT 1) AS job
       FROM practitioner p LEFT JOIN staff_member m ON m.practitioner_id = p.id
      WHERE ${where.join(' AND ')}
      ORDER BY p.name->>'family', p.name->'given'->>0, p.id
      LIMIT $${args.length}`,
    args,
  );
  return {
    people: rows.slice(0, query.count).map((row) => {
      const held = new Set<StaffRole>(
        Array.isArray(row.roles) ? STAFF_ROLES.filter((role) => (row.roles as unknown[]).includes(role)) : [],
      );
      for (const code of row.role_codes ?? []) {
        if (CLINICAL_ROLES.has(code)) held.add('clinician');
        if (code === 'receptionist' || code === 'practice-admin') held.add(code);
      }
      return {
        practitioner: String(row.id),
        name: displayName(row.name),
        roles: STAFF_ROLES.filter((role) => held.has(role)),
        ...(row.job ? { job: row.job } : {}),
      };
    }),
    more: rows.length > query.count,
  };
}
