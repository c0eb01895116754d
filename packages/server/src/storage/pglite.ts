import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { SqlStorage, type SqlExecutor } from './storage.js';

/** The embedded engine: PostgreSQL compiled to WebAssembly, data in a local folder. */
export class PGliteStorage extends SqlStorage {
  readonly kind = 'pglite' as const;

  private constructor(private readonly db: PGlite) {
    super();
  }

  /** Opens (creating on first use) the database in `dataDir`; `memory://` keeps it in memory. */
  static async open(dataDir: string): Promise<PGliteStorage> {
    if (!dataDir.startsWith('memory://')) await mkdir(dataDir, { recursive: true });
    const db = await PGlite.create(dataDir);
    return new PGliteStorage(db);
  }

  async query<Row extends object>(sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.db.query<Row>(sql, params)).rows;
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.db.transaction((tx: Transaction) =>
      work({
        query: async <Row extends object>(sql: string, params: unknown[] = []) =>
          (await tx.query<Row>(sql, params)).rows,
      }),
    );
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}
