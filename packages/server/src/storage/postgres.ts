import pg from 'pg';
import { SqlStorage, type SqlExecutor } from './storage.js';

/** PostgreSQL through a connection pool, for many instances and larger practices. */
export class PostgresStorage extends SqlStorage {
  readonly kind = 'postgres' as const;

  private constructor(private readonly pool: pg.Pool) {
    super();
  }

  static async open(connectionString: string): Promise<PostgresStorage> {
    const pool = new pg.Pool({ connectionString, max: 10 });
    // Fail at start, with the driver's reason, rather than on the first request.
    const client = await pool.connect();
    client.release();
    return new PostgresStorage(pool);
  }

  async query<Row extends object>(sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.pool.query(sql, params)).rows as Row[];
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work({
        query: async <Row extends object>(sql: string, params: unknown[] = []) =>
          (await client.query(sql, params)).rows as Row[],
      });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
