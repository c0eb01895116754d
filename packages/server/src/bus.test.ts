import assert from 'node:assert/strict';
import { describe } from 'node:test';
import pg from 'pg';
import { LocalBus, PostgresBus, type Bus } from './bus.js';
import { openStorage } from './storage/index.js';
import { freshPostgresDatabase, skippable } from './test-helpers.js';

/** Resolves with the first `count` messages `bus` delivers on `channel`. */
function collect(bus: Bus, channel: string, count: number): { done: Promise<unknown[]>; stop(): void } {
  const seen: unknown[] = [];
  let stop = () => {};
  const done = new Promise<unknown[]>((resolve) => {
    stop = bus.subscribe(channel, (message) => {
      seen.push(message);
      if (seen.length === count) resolve(seen);
    });
  });
  return { done, stop: () => stop() };
}

describe('LocalBus', () => {
  const { it } = skippable(false);
  it('delivers a copy of each message to every subscriber of its channel, in order, and none to others', async () => {
    const bus = new LocalBus();
    const a = collect(bus, 'room', 3);
    const b = collect(bus, 'room', 3);
    const other = collect(bus, 'other', 1);
    const sent = { n: 1 };
    await bus.publish('room', sent);
    sent.n = 99;
    await bus.publish('room', { n: 2 });
    await bus.publish('room', { n: 3 });
    assert.deepEqual(await a.done, [{ n: 1 }, { n: 2 }, { n: 3 }]);
    assert.deepEqual(await b.done, [{ n: 1 }, { n: 2 }, { n: 3 }]);
    // The sentinel: a message on `other` published after those on `room` arrives, so nothing else did.
    await bus.publish('other', 'sentinel');
    assert.deepEqual(await other.done, ['sentinel']);
    await bus.close();
  });

  it('refuses a channel name PostgreSQL could not carry', async () => {
    const bus = new LocalBus();
    assert.throws(() => bus.subscribe('Room; DROP', () => {}), /expected \[a-z0-9_-\]/);
    await assert.rejects(bus.publish('x'.repeat(41), {}), /expected/);
    await bus.close();
  });
});

const DATABASE_URL = process.env['DATABASE_URL'];
describe('PostgresBus', () => {
  const { it, before, after } = skippable(
    DATABASE_URL ? false : 'DATABASE_URL is not set: the PostgreSQL bus is not tested (.ci/run provides one)',
  );
  let database: { url: string; dispose(): Promise<void> };
  let one: PostgresBus;
  let two: PostgresBus;
  before(async () => {
    database = (await freshPostgresDatabase())!;
    const storage = await openStorage({ databaseUrl: database.url, dataDir: 'unused' });
    await storage.close();
    one = await PostgresBus.open({ connectionString: database.url, reconnectMs: 100 });
    two = await PostgresBus.open({ connectionString: database.url, reconnectMs: 100 });
  });
  after(async () => {
    await one?.close();
    await two?.close();
    await database?.dispose();
  });

  it('carries messages between two instances in the order one published, its own included', async () => {
    const there = collect(two, 'signal-x', 50);
    const here = collect(one, 'signal-x', 50);
    await Promise.all([one.ready(), two.ready()]);
    await Promise.all(Array.from({ length: 50 }, (_, i) => one.publish('signal-x', { i })));
    const expected = Array.from({ length: 50 }, (_, i) => ({ i }));
    assert.deepEqual(await there.done, expected);
    assert.deepEqual(await here.done, expected);
    there.stop();
    here.stop();
  });

  it('delivers identical messages published together each once (PostgreSQL would fold them)', async () => {
    const there = collect(two, 'same', 3);
    await two.ready();
    await Promise.all([one.publish('same', { candidate: 'a' }), one.publish('same', { candidate: 'a' })]);
    await one.publish('same', 'sentinel');
    assert.deepEqual(await there.done, [{ candidate: 'a' }, { candidate: 'a' }, 'sentinel']);
    there.stop();
  });

  it('sends a message over the NOTIFY limit through the table, and sweeps nothing still fresh', async () => {
    const there = collect(two, 'big', 2);
    await two.ready();
    const offer = { type: 'OFFER', sdp: 'a=candidate '.repeat(2_000) }; // ~24 kB, three times NOTIFY's limit
    await one.publish('big', offer);
    await one.publish('big', { small: true });
    const [first, second] = await there.done;
    assert.deepEqual(first, offer);
    assert.deepEqual(second, { small: true });
    assert.equal(one.stats.large, 1);
    there.stop();
  });

  it('listens again after its connection is cut, and receives what is published afterwards', async () => {
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    const before = collect(two, 'after-cut', 1);
    await two.ready();
    // Cut every connection but this one: both buses' listeners and publishers.
    await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    await admin.end();
    // Publish until one arrives: messages sent while the listener was down are lost by design.
    let delivered = false;
    void before.done.then(() => (delivered = true));
    for (let i = 0; !delivered && i < 200; i++) {
      await one.publish('after-cut', { i }).catch(() => undefined);
      await Promise.race([before.done, new Promise((resolve) => setTimeout(resolve, 100))]);
    }
    assert.ok(delivered, 'a message published after the cut reached the other instance');
    before.stop();
  });
});
