import { migrate } from './migrate.js';
import { PGliteStorage } from './pglite.js';
import { PostgresStorage } from './postgres.js';
import type { Storage } from './storage.js';

export type { Storage, SqlExecutor, StorageKind } from './storage.js';
export { migrate } from './migrate.js';

/** Opens PostgreSQL when `databaseUrl` is given, else PGlite in `dataDir`; then migrates. */
export async function openStorage(options: { databaseUrl?: string | undefined; dataDir: string }): Promise<Storage> {
  const storage = options.databaseUrl
    ? await PostgresStorage.open(options.databaseUrl)
    : await PGliteStorage.open(options.dataDir);
  try {
    await migrate(storage);
  } catch (error) {
    await storage.close();
    throw error;
  }
  return storage;
}
