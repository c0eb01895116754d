import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { SqlStorage, type SqlExecutor } from './storage.js';

/** At most this many statements kept prepared by {@link PGliteStorage.queryPlanned}. */
const MAX_PLANNED = 64;

/**
 * A parameter as SQL literal text for `EXECUTE`, or `undefined` when it is not one of the plain
 * kinds below: only numbers and text that need no escaping at all (ISO instants, codes) are
 * written into the statement; anything else goes the ordinary way, as a bound parameter.
 */
function literal(value: unknown): string | undefined {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'string') return /^[\w:.+\- ]*$/.test(value) ? `'${value}'` : undefined;
  if (Array.isArray(value)) {
    const items = value.map((item) =>
      typeof item === 'string' || typeof item === 'number' ? literal(item) : undefined,
    );
    return items.every((item) => item !== undefined && item !== 'NULL') ? `ARRAY[${items.join(', ')}]` : undefined;
  }
  return undefined;
}

/** The embedded engine: PostgreSQL compiled to WebAssembly, data in a local folder. */
export class PGliteStorage extends SqlStorage {
  readonly kind = 'pglite' as const;
  /** Statement text → the name it is prepared under (or being prepared). */
  readonly #planned = new Map<string, Promise<string>>();
  #plannedCount = 0;

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

  /**
   * `query`, planned once: the statement is `PREPARE`d on first use and then run with `EXECUTE`
   * under a generic plan, so a hot search is not planned again at every run (PGlite runs in the
   * server's thread, where planning was ~0.5 ms of CPU per picker search; decision 0048). The
   * parameters go in as literals, numbers and plain text only (see {@link literal}); a statement
   * with any other parameter runs as `query` does. Not in a transaction (PGlite runs this after
   * any transaction under way, as it does `query`).
   */
  async queryPlanned<Row extends object>(sql: string, params: unknown[] = []): Promise<Row[]> {
    const literals = params.map(literal);
    if (literals.some((text) => text === undefined)) return this.query<Row>(sql, params);
    const name = await this.#prepared(sql);
    try {
      // SET is undone with the implicit transaction if EXECUTE fails; RESET when it does not.
      const results = await this.db.exec(
        `SET plan_cache_mode = force_generic_plan; EXECUTE ${name}(${literals.join(', ')}); RESET plan_cache_mode`,
      );
      return results[1]!.rows as Row[];
    } catch (error) {
      // Prepared statements last as long as the session; one gone (DEALLOCATE) is made again.
      if ((error as { code?: string }).code === '26000') {
        this.#planned.delete(sql);
        return this.queryPlanned<Row>(sql, params);
      }
      throw error;
    }
  }

  #prepared(sql: string): Promise<string> {
    let name = this.#planned.get(sql);
    if (!name) {
      if (this.#planned.size >= MAX_PLANNED) {
        this.#planned.clear();
        void this.db.exec('DEALLOCATE ALL').catch(() => undefined);
      }
      const prepared = (async () => {
        const statement = `ck_planned_${++this.#plannedCount}`;
        await this.db.exec(`PREPARE ${statement} AS ${sql}`);
        return statement;
      })();
      prepared.catch(() => this.#planned.delete(sql));
      this.#planned.set(sql, prepared);
      name = prepared;
    }
    return name;
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
