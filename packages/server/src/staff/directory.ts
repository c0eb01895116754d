/**
 * The staff directory (docs/staff.md, "Directory"): each practitioner's roles at the practice as
 * FHIR R4 `PractitionerRole` (UK Core), searchable by name, role and specialty. Staff only: it
 * carries contact details and availability.
 */
import type { CapabilityStatementRestResource, PractitionerRole } from 'fhir/r4.js';
import { DIRECTORY_ROLE_SYSTEM, SNOMED_SYSTEM, type StaffPerson, type StaffRole } from '@consultkit/core/contract';
import type { HumanNameJson } from '../booking/repository.js';
import { DEMO_PRACTICE_NAME } from '../booking/seed.js';
import type { SqlExecutor, Storage } from '../storage/index.js';

export const UK_CORE_PRACTITIONER_ROLE = 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-PractitionerRole';
/** The practice, as the directory's `organization` names it (one practice per server). */
export const PRACTICE_ORGANIZATION = { reference: 'Organization/practice', display: DEMO_PRACTICE_NAME };

export interface PractitionerRoleRow {
  id: number;
  practitioner_id: number;
  practitioner_name: HumanNameJson;
  role_code: string;
  role_display: string;
  occupation_code: string | null;
  occupation_display: string | null;
  specialty_code: string | null;
  specialty_display: string | null;
  phone: string | null;
  email: string | null;
  available_time: PractitionerRole['availableTime'];
  active: boolean;
}

export function displayName(name: HumanNameJson): string {
  return [...(name.prefix ?? []), ...(name.given ?? []), name.family].filter(Boolean).join(' ');
}

/** A directory role that acts as a clinician (may call a colleague in, shows "in a consultation"). */
const CLINICAL_ROLES = new Set(['doctor', 'nurse', 'pharmacist']);

export function practitionerRoleResource(row: PractitionerRoleRow): PractitionerRole {
  const code = [
    {
      coding: [
        { system: DIRECTORY_ROLE_SYSTEM, code: row.role_code, display: row.role_display },
        ...(row.occupation_code
          ? [{ system: SNOMED_SYSTEM, code: row.occupation_code, display: row.occupation_display ?? undefined }]
          : []),
      ],
      text: row.occupation_display ?? row.role_display,
    },
  ];
  const telecom = [
    ...(row.phone ? [{ system: 'phone' as const, value: row.phone, use: 'work' as const }] : []),
    ...(row.email ? [{ system: 'email' as const, value: row.email, use: 'work' as const }] : []),
  ];
  return {
    resourceType: 'PractitionerRole',
    id: String(row.id),
    meta: { profile: [UK_CORE_PRACTITIONER_ROLE] },
    active: row.active,
    practitioner: { reference: `Practitioner/${row.practitioner_id}`, display: displayName(row.practitioner_name) },
    organization: PRACTICE_ORGANIZATION,
    code,
    ...(row.specialty_code
      ? {
          specialty: [
            {
              coding: [
                { system: SNOMED_SYSTEM, code: row.specialty_code, display: row.specialty_display ?? undefined },
              ],
              text: row.specialty_display ?? undefined,
            },
          ],
        }
      : {}),
    ...(telecom.length ? { telecom } : {}),
    ...(row.available_time && row.available_time.length ? { availableTime: row.available_time } : {}),
  };
}

/** A token search value: `code` or `system|code`; the system, when given, must be one we use. */
function token(value: string): { system?: string; code: string } {
  const bar = value.indexOf('|');
  if (bar < 0) return { code: value };
  return { system: value.slice(0, bar), code: value.slice(bar + 1) };
}

export interface DirectoryQueryRows {
  name?: string | undefined;
  role?: string[] | undefined;
  specialty?: string[] | undefined;
  practitioner?: number[] | undefined;
  count: number;
  offset: number;
}

const SELECT = `SELECT r.id, r.practitioner_id, p.name AS practitioner_name, r.role_code, r.role_display,
       r.occupation_code, r.occupation_display, r.specialty_code, r.specialty_display, r.phone, r.email,
       r.available_time, r.active
  FROM practitioner_role r JOIN practitioner p ON p.id = r.practitioner_id`;

export class Directory {
  constructor(private readonly db: SqlExecutor) {}

  /** One page of roles (`count + 1` rows asked for, to know whether there is a next page). */
  async search(query: DirectoryQueryRows): Promise<{ rows: PractitionerRoleRow[]; more: boolean }> {
    const args: unknown[] = [];
    const add = (value: unknown) => {
      args.push(value);
      return `$${args.length}`;
    };
    const where = ['r.active', 'p.active'];
    if (query.name !== undefined) {
      const pattern = `%${query.name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const p = add(pattern);
      where.push(
        `(concat_ws(' ', p.name->'prefix'->>0, p.name->'given'->>0, p.name->'given'->>1, p.name->>'family') ILIKE ${p}
          OR p.name->>'family' ILIKE ${p})`,
      );
    }
    if (query.role) {
      const ors = query.role.map((value) => {
        const { system, code } = token(value);
        const c = add(code);
        if (system === DIRECTORY_ROLE_SYSTEM) return `r.role_code = ${c}`;
        if (system === SNOMED_SYSTEM) return `r.occupation_code = ${c}`;
        if (system !== undefined && system !== '') return 'false';
        return `(r.role_code = ${c} OR r.occupation_code = ${c})`;
      });
      where.push(`(${ors.join(' OR ')})`);
    }
    if (query.specialty) {
      const ors = query.specialty.map((value) => {
        const { system, code } = token(value);
        if (system !== undefined && system !== '' && system !== SNOMED_SYSTEM) return 'false';
        return `r.specialty_code = ${add(code)}`;
      });
      where.push(`(${ors.join(' OR ')})`);
    }
    if (query.practitioner) where.push(`r.practitioner_id = ANY(${add(query.practitioner)}::int[])`);
    const rows = await this.db.query<PractitionerRoleRow>(
      `${SELECT} WHERE ${where.join(' AND ')} ORDER BY p.name->>'family', r.id LIMIT ${add(query.count + 1)} OFFSET ${add(query.offset)}`,
      args,
    );
    return { rows: rows.slice(0, query.count), more: rows.length > query.count };
  }

  async read(id: number): Promise<PractitionerRoleRow | undefined> {
    return (await this.db.query<PractitionerRoleRow>(`${SELECT} WHERE r.id = $1`, [id]))[0];
  }

  /**
   * The member of staff a practitioner id names, with their ConsultKit roles from the directory
   * (a doctor, nurse or pharmacist is a clinician); undefined if no active practitioner has it.
   */
  async person(practitionerId: number): Promise<StaffPerson | undefined> {
    const rows = await this.db.query<{ name: HumanNameJson; role_code: string | null }>(
      `SELECT p.name, r.role_code FROM practitioner p LEFT JOIN practitioner_role r
          ON r.practitioner_id = p.id AND r.active
        WHERE p.id = $1 AND p.active`,
      [practitionerId],
    );
    if (rows.length === 0) return undefined;
    const roles = new Set<StaffRole>();
    for (const row of rows) {
      if (row.role_code && CLINICAL_ROLES.has(row.role_code)) roles.add('clinician');
      if (row.role_code === 'receptionist') roles.add('receptionist');
      if (row.role_code === 'practice-admin') roles.add('practice-admin');
    }
    return { id: String(practitionerId), name: displayName(rows[0]!.name), roles: [...roles] };
  }

  /** Every practitioner id in the directory (for the presence snapshot). */
  async practitionerIds(): Promise<number[]> {
    const rows = await this.db.query<{ id: number }>(
      'SELECT DISTINCT practitioner_id AS id FROM practitioner_role WHERE active ORDER BY 1',
    );
    return rows.map((row) => row.id);
  }
}

export const DIRECTORY_CAPABILITIES: CapabilityStatementRestResource[] = [
  {
    type: 'PractitionerRole',
    profile: UK_CORE_PRACTITIONER_ROLE,
    documentation:
      'The staff directory (docs/staff.md): staff only (the staff key, or a staff session); a patient is ' +
      'answered 403 and anyone else 401.',
    interaction: [{ code: 'read' }, { code: 'search-type' }],
    searchInclude: ['PractitionerRole:practitioner'],
    searchParam: [
      {
        name: 'name',
        type: 'string',
        documentation: "part of the practitioner's name (prefix, given or family), any case",
      },
      {
        name: 'role',
        type: 'token',
        documentation: `${DIRECTORY_ROLE_SYSTEM}|doctor, nurse, pharmacist; or ${SNOMED_SYSTEM}|<occupation>`,
      },
      { name: 'specialty', type: 'token', documentation: `${SNOMED_SYSTEM}|<practice setting> (UK Core)` },
      { name: 'practitioner', type: 'reference', documentation: 'Practitioner/<id>' },
      { name: '_count', type: 'number', documentation: 'page size' },
      { name: '_offset', type: 'number', documentation: 'where the page starts (the Bundle links page for you)' },
    ],
  },
];

// The demo practice's directory -------------------------------------------------------------------

interface DemoRole {
  name: HumanNameJson;
  /** Created when the demo practice has no practitioner of this name (colleagues without a diary). */
  qualification: string;
  role: [string, string];
  occupation: [string, string];
  specialty: [string, string];
  phone: string;
  email: string;
  availableTime: NonNullable<PractitionerRole['availableTime']>;
}

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri'] as ('mon' | 'tue' | 'wed' | 'thu' | 'fri')[];
const GENERAL_PRACTICE: [string, string] = ['394814009', 'General practice'];

/**
 * The demo practice's staff in the directory: the four clinicians with diaries (seed.ts) and two
 * colleagues without one, whom a GP may call into a consultation. Phone numbers are in Ofcom's
 * drama range (01632 960xxx), addresses at example.org: none reaches anyone.
 */
export const DEMO_DIRECTORY: readonly DemoRole[] = [
  {
    name: { prefix: ['Dr'], given: ['Amina'], family: 'Khan' },
    qualification: 'General practitioner',
    role: ['doctor', 'Doctor'],
    occupation: ['62247001', 'General practitioner'],
    specialty: GENERAL_PRACTICE,
    phone: '01632 960101',
    email: 'amina.khan@riverside.example.org',
    availableTime: [{ daysOfWeek: WEEKDAYS, availableStartTime: '08:00:00', availableEndTime: '18:30:00' }],
  },
  {
    name: { prefix: ['Dr'], given: ['Tom'], family: 'Evans' },
    qualification: 'General practitioner',
    role: ['doctor', 'Doctor'],
    occupation: ['62247001', 'General practitioner'],
    specialty: GENERAL_PRACTICE,
    phone: '01632 960102',
    email: 'tom.evans@riverside.example.org',
    availableTime: [
      { daysOfWeek: WEEKDAYS, availableStartTime: '08:00:00', availableEndTime: '18:30:00' },
      { daysOfWeek: ['sat'], availableStartTime: '09:00:00', availableEndTime: '12:00:00' },
    ],
  },
  {
    name: { prefix: ['Nurse'], given: ['Priya'], family: 'Shah' },
    qualification: 'Practice nurse',
    role: ['nurse', 'Nurse'],
    occupation: ['224535009', 'Registered nurse'],
    specialty: GENERAL_PRACTICE,
    phone: '01632 960103',
    email: 'priya.shah@riverside.example.org',
    availableTime: [{ daysOfWeek: WEEKDAYS, availableStartTime: '08:30:00', availableEndTime: '17:30:00' }],
  },
  {
    name: { prefix: ['Mr'], given: ['Sam'], family: 'Okafor' },
    qualification: 'Clinical pharmacist',
    role: ['pharmacist', 'Pharmacist'],
    occupation: ['46255001', 'Pharmacist'],
    specialty: GENERAL_PRACTICE,
    phone: '01632 960104',
    email: 'sam.okafor@riverside.example.org',
    availableTime: [
      { daysOfWeek: ['mon', 'wed', 'fri'], availableStartTime: '09:00:00', availableEndTime: '12:30:00' },
    ],
  },
  {
    name: { prefix: ['Dr'], given: ['Nkechi'], family: 'Eze' },
    qualification: 'GP with an extended role in dermatology',
    role: ['doctor', 'Doctor'],
    occupation: ['18803008', 'Dermatologist'],
    specialty: ['394582007', 'Dermatology'],
    phone: '01632 960105',
    email: 'nkechi.eze@riverside.example.org',
    availableTime: [{ daysOfWeek: ['tue', 'thu'], availableStartTime: '09:00:00', availableEndTime: '17:00:00' }],
  },
  {
    name: { prefix: ['Dr'], given: ['Rhys'], family: 'Morgan' },
    qualification: 'Consultant paediatrician (community)',
    role: ['doctor', 'Doctor'],
    occupation: ['309343006', 'Physician'],
    specialty: ['394537008', 'Paediatric specialty'],
    phone: '01632 960106',
    email: 'rhys.morgan@riverside.example.org',
    availableTime: [{ daysOfWeek: ['wed'], availableStartTime: '13:30:00', availableEndTime: '18:00:00' }],
  },
];

/**
 * Fills the directory of the demo practice once (when it has no role yet): roles for the
 * practitioners that exist by name, and the colleagues without a diary created. Returns whether it did.
 */
export async function seedDemoDirectory(storage: Storage): Promise<boolean> {
  return storage.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [4_211_339]);
    const [{ n }] = (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM practitioner_role')) as [
      { n: number },
    ];
    if (n > 0) return false;
    for (const person of DEMO_DIRECTORY) {
      const found = await tx.query<{ id: number }>(
        `SELECT id FROM practitioner WHERE name->>'family' = $1 AND name->'given'->>0 = $2 ORDER BY id LIMIT 1`,
        [person.name.family, person.name.given?.[0]],
      );
      const id =
        found[0]?.id ??
        (
          await tx.query<{ id: number }>(
            'INSERT INTO practitioner (name, qualification) VALUES ($1, $2) RETURNING id',
            [JSON.stringify(person.name), person.qualification],
          )
        )[0]!.id;
      await tx.query(
        `INSERT INTO practitioner_role (practitioner_id, role_code, role_display, occupation_code, occupation_display,
                                        specialty_code, specialty_display, phone, email, available_time)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          id,
          ...person.role,
          ...person.occupation,
          ...person.specialty,
          person.phone,
          person.email,
          JSON.stringify(person.availableTime),
        ],
      );
    }
    return true;
  });
}

/** Adds a role for a practitioner (tests, and practices filling their own directory). */
export async function addPractitionerRole(
  db: SqlExecutor,
  role: {
    practitionerId: number;
    code: string;
    display: string;
    specialty?: [string, string];
    occupation?: [string, string];
  },
): Promise<number> {
  const rows = await db.query<{ id: number }>(
    `INSERT INTO practitioner_role (practitioner_id, role_code, role_display, occupation_code, occupation_display,
                                    specialty_code, specialty_display)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [
      role.practitionerId,
      role.code,
      role.display,
      role.occupation?.[0] ?? null,
      role.occupation?.[1] ?? null,
      role.specialty?.[0] ?? null,
      role.specialty?.[1] ?? null,
    ],
  );
  return rows[0]!.id;
}
