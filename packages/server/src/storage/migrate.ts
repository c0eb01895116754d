import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Storage } from './storage.js';

/** The SQL migrations shipped with the server, applied in file-name order. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

/** Any number: every instance sharing a database takes this lock while it migrates. */
const MIGRATION_LOCK = 4_211_337;

/**
 * Applies the migrations not yet applied, each in its own transaction, under an advisory lock so
 * that several server instances starting together on one PostgreSQL migrate once.
 * Returns the ids it applied.
 */
export async function migrate(storage: Storage, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  await storage.query(
    'CREATE TABLE IF NOT EXISTS consultkit_migration (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  const applied: string[] = [];
  for (const file of files) {
    const id = file.replace(/\.sql$/, '');
    const sql = await readFile(new URL(file, `file://${dir.endsWith('/') ? dir : `${dir}/`}`), 'utf8');
    const done = await storage.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const seen = await tx.query('SELECT 1 FROM consultkit_migration WHERE id = $1', [id]);
      if (seen.length > 0) return false;
      for (const statement of splitStatements(sql)) await tx.query(statement);
      await tx.query('INSERT INTO consultkit_migration (id) VALUES ($1)', [id]);
      return true;
    });
    if (done) applied.push(id);
  }
  return applied;
}

/** Splits a migration into statements on `;` at line ends (migrations keep one statement per `;`). */
function splitStatements(sql: string): string[] {
  return sql
    .replace(/^\s*--.*$/gm, '')
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
