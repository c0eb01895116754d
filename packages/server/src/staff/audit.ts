/**
 * The staff audit (docs/staff.md, "Audit"): one row per staff request that changes something or
 * reads clinical content, written before the answer leaves (an action the audit missed is never
 * reported as done). Who: the person (session, or the staff key naming them), else "the system"
 * (the staff key alone).
 */
import type { StaffPerson } from '@consultkit/core/contract';
import type { Storage } from '../storage/index.js';

export type AuditVia = 'session' | 'key' | 'system';

export interface AuditEntry {
  person: StaffPerson | undefined;
  via: AuditVia;
  action: string;
  resource: string | undefined;
  status: number;
  from: string;
}

export interface AuditRow {
  id: string;
  at: string;
  practitioner: string | null;
  name: string;
  via: AuditVia;
  action: string;
  resource: string | null;
  status: number;
  from: string;
}

export interface AuditFilter {
  practitioner?: number | undefined;
  action?: string | undefined;
  resource?: string | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
  /** Rows before this id (the next page). */
  before?: number | undefined;
  count: number;
}

/** The name the audit gives the staff key acting alone. */
export const SYSTEM_NAME = 'System (staff key)';

export class StaffAudit {
  constructor(
    private readonly storage: Storage,
    private readonly now: () => number,
  ) {}

  async write(entry: AuditEntry): Promise<void> {
    await this.storage.query(
      `INSERT INTO staff_audit (at, practitioner_id, person_name, via, action, resource, status, from_address)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        new Date(this.now()),
        entry.person ? Number(entry.person.id) : null,
        entry.person?.name ?? SYSTEM_NAME,
        entry.via,
        entry.action.slice(0, 200),
        entry.resource?.slice(0, 300) ?? null,
        entry.status,
        entry.from.slice(0, 64),
      ],
    );
  }

  /** Newest first; `count + 1` rows are read to know whether there is a next page. */
  async list(filter: AuditFilter): Promise<{ rows: AuditRow[]; more: boolean }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.practitioner !== undefined) add('practitioner_id = ?', filter.practitioner);
    if (filter.action !== undefined) add('action = ?', filter.action);
    if (filter.resource !== undefined) add('resource = ?', filter.resource);
    if (filter.since !== undefined) add('at >= ?', filter.since);
    if (filter.until !== undefined) add('at < ?', filter.until);
    if (filter.before !== undefined) add('id < ?', filter.before);
    params.push(filter.count + 1);
    const rows = await this.storage.query<{
      id: string | number;
      at: Date;
      practitioner_id: number | null;
      person_name: string;
      via: AuditVia;
      action: string;
      resource: string | null;
      status: number;
      from_address: string;
    }>(
      `SELECT id, at, practitioner_id, person_name, via, action, resource, status, from_address FROM staff_audit
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    return {
      more: rows.length > filter.count,
      rows: rows.slice(0, filter.count).map((row) => ({
        id: String(row.id),
        at: new Date(row.at).toISOString(),
        practitioner: row.practitioner_id === null ? null : String(row.practitioner_id),
        name: row.person_name,
        via: row.via,
        action: row.action,
        resource: row.resource,
        status: row.status,
        from: row.from_address,
      })),
    };
  }
}
