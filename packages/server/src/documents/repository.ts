/**
 * Documents of consultations: rows in `consultation_document` (migration 0011) through the storage
 * interface, bytes in files under the configured folder, named by the document's id. An upload's
 * offset is its file's size, so an upload survives a restart of the server with nothing else kept.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DocumentInfo, DocumentType } from '@consultkit/core/contract';
import type { SqlExecutor } from '../storage/index.js';

export interface DocumentRow {
  id: string;
  appointment_id: number;
  name: string;
  size: number;
  content_type: DocumentType | null;
  status: DocumentInfo['status'];
  sha256: string | null;
  sha1: string | null;
  uploader_role: DocumentInfo['from']['role'];
  uploader_name: string;
  uploader_session: string | null;
  created_at: Date;
  completed_at: Date | null;
  filed_at: Date | null;
  filed_by: string | null;
}

const ID = /^[0-9a-f]{32}$/;

/** A patient's filed documents, as one arm of the DocumentReference search's union (`$1`: the patient id). */
const DOCUMENT_LISTING = `SELECT d.id, d.filed_at AS at, 'document' AS kind
  FROM consultation_document d JOIN appointment a ON a.id = d.appointment_id
 WHERE a.patient_id = $1 AND d.filed_at IS NOT NULL`;

export class Documents {
  constructor(
    private readonly storage: SqlExecutor,
    readonly dir: string,
  ) {}

  async ready(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  /** The file of a document (its id is checked: never a path of the caller's choosing). */
  path(id: string): string {
    if (!ID.test(id)) throw new Error('not a document id');
    return join(this.dir, id);
  }

  async create(row: Omit<DocumentRow, 'id' | 'status' | 'sha256' | 'sha1' | 'completed_at' | 'filed_at' | 'filed_by'>) {
    const id = randomBytes(16).toString('hex');
    await (await open(this.path(id), 'wx', 0o600)).close();
    const [created] = await this.storage.query<DocumentRow>(
      `INSERT INTO consultation_document (id, appointment_id, name, size, content_type, status, uploader_role,
         uploader_name, uploader_session, created_at)
       VALUES ($1, $2, $3, $4, $5, 'uploading', $6, $7, $8, $9) RETURNING *`,
      [
        id,
        row.appointment_id,
        row.name,
        row.size,
        row.content_type,
        row.uploader_role,
        row.uploader_name,
        row.uploader_session,
        row.created_at,
      ],
    );
    return created!;
  }

  async get(appointmentId: number, id: string): Promise<DocumentRow | undefined> {
    if (!ID.test(id)) return undefined;
    const [row] = await this.storage.query<DocumentRow>(
      'SELECT * FROM consultation_document WHERE id = $1 AND appointment_id = $2',
      [id, appointmentId],
    );
    return row;
  }

  async byId(id: string): Promise<DocumentRow | undefined> {
    if (!ID.test(id)) return undefined;
    const [row] = await this.storage.query<DocumentRow>('SELECT * FROM consultation_document WHERE id = $1', [id]);
    return row;
  }

  async list(appointmentId: number): Promise<DocumentRow[]> {
    return this.storage.query<DocumentRow>(
      'SELECT * FROM consultation_document WHERE appointment_id = $1 ORDER BY created_at, id LIMIT 500',
      [appointmentId],
    );
  }

  /**
   * One page of a patient's DocumentReferences, newest first: their filed documents and the rows of
   * `more` (other kinds' listings: `SELECT id, at, kind … WHERE <patient> = $1`), in one ordered
   * union, so paging and the total cover every kind. `count + 1` rows tell whether more follow.
   */
  async referencesForPatient(
    patientId: number,
    more: readonly string[],
    page: { count: number; offset: number; total: boolean },
  ): Promise<{ rows: { kind: string; id: string }[]; total?: number; more: boolean }> {
    const union = [DOCUMENT_LISTING, ...more].map((listing) => `(${listing})`).join(' UNION ALL ');
    const rows = await this.storage.query<{ kind: string; id: string }>(
      `SELECT kind, id FROM (${union}) refs ORDER BY at DESC, id LIMIT $2 OFFSET $3`,
      [patientId, page.count + 1, page.offset],
    );
    let total: number | undefined;
    if (page.total) {
      const [counted] = await this.storage.query<{ n: number | string }>(`SELECT count(*) AS n FROM (${union}) refs`, [
        patientId,
      ]);
      total = Number(counted?.n ?? 0);
    }
    return {
      rows: rows.slice(0, page.count),
      ...(total !== undefined ? { total } : {}),
      more: rows.length > page.count,
    };
  }

  /** Bytes received so far (the size of its file; 0 when the file is gone). */
  async received(id: string): Promise<number> {
    try {
      return (await stat(this.path(id))).size;
    } catch {
      return 0;
    }
  }

  async firstBytes(id: string, count: number): Promise<Uint8Array> {
    const handle = await open(this.path(id), 'r');
    try {
      const buffer = Buffer.alloc(count);
      const { bytesRead } = await handle.read(buffer, 0, count, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  async setType(id: string, type: DocumentType): Promise<void> {
    await this.storage.query('UPDATE consultation_document SET content_type = $2 WHERE id = $1', [id, type]);
  }

  /** The last byte arrived: its digests (as computed on the way, else from the file) are kept. */
  async complete(id: string, at: Date, digests?: { sha256: string; sha1: string }): Promise<DocumentRow> {
    let sums = digests;
    if (!sums) {
      const sha256 = createHash('sha256');
      const sha1 = createHash('sha1');
      for await (const chunk of createReadStream(this.path(id))) {
        sha256.update(chunk as Buffer);
        sha1.update(chunk as Buffer);
      }
      sums = { sha256: sha256.digest('hex'), sha1: sha1.digest('base64') };
    }
    const [row] = await this.storage.query<DocumentRow>(
      `UPDATE consultation_document SET status = 'complete', sha256 = $2, sha1 = $3, completed_at = $4
        WHERE id = $1 RETURNING *`,
      [id, sums.sha256, sums.sha1, at],
    );
    return row!;
  }

  /** Cancelled by its sender, or refused: the bytes go at once, the row says what happened. */
  async cancel(id: string): Promise<DocumentRow | undefined> {
    await rm(this.path(id), { force: true });
    const [row] = await this.storage.query<DocumentRow>(
      `UPDATE consultation_document SET status = 'cancelled' WHERE id = $1 RETURNING *`,
      [id],
    );
    return row;
  }

  /** Files the document to the patient's record (once: a second filing returns the first). */
  async file(id: string, by: string, at: Date): Promise<DocumentRow> {
    const [row] = await this.storage.query<DocumentRow>(
      `UPDATE consultation_document SET filed_at = COALESCE(filed_at, $2), filed_by = COALESCE(filed_by, $3)
        WHERE id = $1 RETURNING *`,
      [id, at, by],
    );
    return row!;
  }
}

/** A row as the wire shows it. */
export function documentInfo(row: DocumentRow, received: number): DocumentInfo {
  return {
    id: row.id,
    name: row.name,
    type: row.content_type,
    size: row.size,
    received: row.status === 'complete' ? row.size : received,
    status: row.status,
    sha256: row.sha256,
    from: { role: row.uploader_role, name: row.uploader_name },
    createdAt: new Date(row.created_at).toISOString(),
    filed: row.filed_at ? row.id : null,
  };
}
