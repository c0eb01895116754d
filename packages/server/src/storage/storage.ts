/**
 * The one storage interface every server plugin uses. Two engines implement it with the same SQL
 * and the same migrations: PGlite (embedded, the default) and PostgreSQL (`DATABASE_URL`).
 */

/** Runs parameterised SQL (`$1`, `$2`, …) and returns the rows. */
export interface SqlExecutor {
  query<Row extends object = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /**
   * Optional: `query` for a hot statement run again and again with other parameters, planned once
   * (a prepared statement with a generic plan) instead of at every run. PGlite has it (planning
   * was a third of a picker search's query there, decision 0048); elsewhere use `query`.
   */
  queryPlanned?<Row extends object = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}

export type StorageKind = 'pglite' | 'postgres';

export interface Storage extends SqlExecutor {
  readonly kind: StorageKind;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** A value the server keeps (JSON), or `undefined`. */
  getSetting<T>(key: string): Promise<T | undefined>;
  /** Stores `value` under `key` unless a value is there already; returns the value kept. */
  putSettingOnce<T>(key: string, value: T): Promise<T>;
  close(): Promise<void>;
}

/** Settings and migrations, written once over any engine's `query` and `transaction`. */
export abstract class SqlStorage implements Storage {
  abstract readonly kind: StorageKind;
  abstract query<Row extends object = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  abstract transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  abstract close(): Promise<void>;

  async getSetting<T>(key: string): Promise<T | undefined> {
    const rows = await this.query<{ value: T }>('SELECT value FROM consultkit_setting WHERE key = $1', [key]);
    return rows[0]?.value;
  }

  async putSettingOnce<T>(key: string, value: T): Promise<T> {
    await this.query('INSERT INTO consultkit_setting (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [
      key,
      JSON.stringify(value),
    ]);
    return (await this.getSetting<T>(key)) as T;
  }
}
