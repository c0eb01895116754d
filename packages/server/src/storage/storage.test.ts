import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe } from 'node:test';
import pg from 'pg';
import { skippable } from '../test-helpers.js';
import { migrate, openStorage, type Storage } from './index.js';

/**
 * The storage contract, run against every engine: PGlite always; PostgreSQL when DATABASE_URL is
 * set (each run in a database of its own, dropped afterwards).
 */
const DATABASE_URL = process.env['DATABASE_URL'];

interface Engine {
  name: string;
  skip: string | false;
  open(): Promise<{ storage: Storage; dispose(): Promise<void> }>;
}

const engines: Engine[] = [
  {
    name: 'PGlite',
    skip: false,
    async open() {
      const storage = await openStorage({ dataDir: 'memory://' });
      return { storage, dispose: () => storage.close() };
    },
  },
  {
    name: 'PostgreSQL',
    skip: DATABASE_URL ? false : 'DATABASE_URL is not set: PostgreSQL storage tests skipped (.ci/run provides one)',
    async open() {
      const name = `consultkit_test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: DATABASE_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(DATABASE_URL!);
      url.pathname = `/${name}`;
      const storage = await openStorage({ databaseUrl: url.toString(), dataDir: '' });
      return {
        storage,
        async dispose() {
          await storage.close();
          await admin.query(`DROP DATABASE IF EXISTS ${name}`);
          await admin.end();
        },
      };
    },
  },
];

for (const engine of engines) {
  // Skipped test by test without DATABASE_URL, so each counts in the summary.
  const { it, before, after } = skippable(engine.skip);
  describe(`storage on ${engine.name}`, () => {
    let storage: Storage;
    let dispose: () => Promise<void>;

    before(async () => {
      ({ storage, dispose } = await engine.open());
    });
    after(() => dispose?.());

    it('reports its engine', () => {
      assert.equal(storage.kind, engine.name === 'PGlite' ? 'pglite' : 'postgres');
    });

    it('has applied the migrations, and applying them again changes nothing', async () => {
      const rows = await storage.query<{ id: string }>('SELECT id FROM consultkit_migration ORDER BY id');
      assert.ok(rows.some((row) => row.id === '0001_init'));
      assert.deepEqual(await migrate(storage), []);
    });

    it('keeps the first value of a setting', async () => {
      assert.equal(await storage.getSetting('missing'), undefined);
      assert.deepEqual(await storage.putSettingOnce('key', { a: 1 }), { a: 1 });
      assert.deepEqual(await storage.putSettingOnce('key', { a: 2 }), { a: 1 });
      assert.deepEqual(await storage.getSetting('key'), { a: 1 });
    });

    it('rolls a transaction back when its work throws, and commits when it resolves', async () => {
      await assert.rejects(
        storage.transaction(async (tx) => {
          await tx.query(`INSERT INTO consultkit_setting (key, value) VALUES ('rolled-back', '1')`);
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await storage.getSetting('rolled-back'), undefined);
      await storage.transaction((tx) => tx.query(`INSERT INTO consultkit_setting (key, value) VALUES ('kept', '2')`));
      assert.equal(await storage.getSetting('kept'), 2);
    });

    it('passes parameters as values, never as SQL', async () => {
      const hostile = "x'); DROP TABLE consultkit_setting; --";
      await storage.putSettingOnce(hostile, 'ok');
      assert.equal(await storage.getSetting(hostile), 'ok');
    });

    // PGlite plans a hot statement once (decision 0048); PostgreSQL has no queryPlanned.
    it('answers a planned query as query does, parameters as values, and prepares again what is gone', async () => {
      const planned = storage.queryPlanned?.bind(storage);
      assert.equal(planned !== undefined, engine.name === 'PGlite');
      if (!planned) return;
      await storage.query('CREATE TABLE planned_test (key text PRIMARY KEY, value int NOT NULL)');
      for (const [key, value] of [
        ['plain-key', 1],
        ["it's", 2],
        ['back\\slash', 3],
        ['', 4],
      ] as const) {
        await storage.query('INSERT INTO planned_test (key, value) VALUES ($1, $2)', [key, value]);
      }
      const sql = 'SELECT key, value FROM planned_test WHERE key = ANY($1::text[]) AND value >= $2 ORDER BY key';
      const run = (keys: string[], least: number) => planned<{ key: string; value: number }>(sql, [keys, least]);
      const expected = (keys: string[], least: number) => storage.query(sql, [keys, least]);
      for (const [keys, least] of [
        [['plain-key', 'missing'], 0],
        [['plain-key', "it's"], 1],
        [['back\\slash', ''], 0],
        [["x'); DROP TABLE planned_test; --", 'plain-key'], 1],
        [['plain-key'], 2],
      ] as const) {
        assert.deepEqual(
          await run([...keys], least),
          await expected([...keys], least),
          `${keys.join(' | ')} ≥ ${least}`,
        );
      }
      assert.deepEqual(await run(['plain-key'], 0), [{ key: 'plain-key', value: 1 }]);
      // Prepared once, under one name, for this statement's text.
      const prepared = await storage.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE $1',
        ['%planned_test WHERE key = ANY%'],
      );
      assert.equal(prepared[0]!.n, 1);
      await storage.query('DEALLOCATE ALL');
      assert.deepEqual(await run(['plain-key'], 0), [{ key: 'plain-key', value: 1 }]);
      // Errors are the statement's own, as with query.
      await assert.rejects(planned('SELECT no_such_column FROM planned_test', []), /no_such_column/);
    });
  });
}
