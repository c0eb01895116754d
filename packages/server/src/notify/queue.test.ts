/**
 * The job queue on each engine (PGlite always; PostgreSQL when DATABASE_URL is set): claims,
 * backoff with a cap, giving up, a stuck claim that expires, and a message whose worker stopped
 * mid-send that is never sent again. Then two server instances on one PostgreSQL: every message
 * is delivered once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createServer, type ConsultKitServer } from '../app.js';
import { BookingRepository } from '../booking/repository.js';
import { loadConfig } from '../config.js';
import { openStorage, type Storage } from '../storage/index.js';
import { freshPostgresDatabase, seedBookingFixture, TEST_NOW, TEST_SECRET, TEST_STAFF_KEY } from '../test-helpers.js';
import { loadNotifyConfig } from './config.js';
import { Notifier } from './index.js';
import { backoffMs, enqueue, JobQueue } from './queue.js';
import { Api, SmtpSink, until } from './test-support.js';

const SECOND = 1000;
const retry = { baseMs: 10 * SECOND, capMs: 60 * SECOND };

const engines = [
  { name: 'PGlite', skip: false as const, open: async () => ({ url: undefined, dispose: async () => {} }) },
  {
    name: 'PostgreSQL',
    skip: process.env['DATABASE_URL'] ? (false as const) : 'DATABASE_URL is not set',
    open: async () => (await freshPostgresDatabase())!,
  },
];

describe('backoff', () => {
  it('doubles from the base and stops at the cap', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 30].map((n) => backoffMs(n, retry)),
      [10_000, 20_000, 40_000, 60_000, 60_000, 60_000, 60_000],
    );
  });
});

for (const engine of engines) {
  describe(`the job queue on ${engine.name}`, { skip: engine.skip }, () => {
    let storage: Storage;
    let database: { url: string | undefined; dispose(): Promise<void> };
    const at = (ms: number) => new Date(TEST_NOW + ms);

    before(async () => {
      database = await engine.open();
      storage = await openStorage({ databaseUrl: database.url, dataDir: 'memory://' });
    });
    after(async () => {
      await storage?.close();
      await database?.dispose();
    });

    it('claims a due job once, retries it with backoff, and gives up after the last attempt', async () => {
      const a = new JobQueue(storage, { leaseMs: 60 * SECOND, retry });
      const b = new JobQueue(storage, { leaseMs: 60 * SECOND, retry });
      const id = await enqueue(storage, { kind: 'test-retry', runAt: at(0), maxAttempts: 3 }, at(0));
      assert.equal(await a.claim(at(-1), ['test-retry']), undefined, 'not due yet');
      const first = await a.claim(at(0), ['test-retry']);
      assert.equal(first?.id, id);
      assert.equal(first?.attempts, 1);
      assert.equal(await b.claim(at(0), ['test-retry']), undefined, 'claimed: nobody else gets it');
      assert.deepEqual(await a.fail(storage, first!, 'down', at(0)), { state: 'queued', runAt: at(10 * SECOND) });
      assert.equal(await b.claim(at(9 * SECOND), ['test-retry']), undefined, 'waits for the backoff');
      const second = await b.claim(at(10 * SECOND), ['test-retry']);
      assert.equal(second?.attempts, 2);
      assert.equal((await b.fail(storage, second!, 'down', at(10 * SECOND)))?.state, 'queued');
      const third = await a.claim(at(30 * SECOND), ['test-retry']);
      assert.equal(third?.attempts, 3);
      assert.deepEqual(await a.fail(storage, third!, 'still down', at(30 * SECOND)), { state: 'failed' });
      const [row] = await storage.query<{ state: string; last_error: string }>(
        'SELECT state, last_error FROM job WHERE id = $1',
        [id],
      );
      assert.deepEqual({ ...row }, { state: 'failed', last_error: 'still down' });
      assert.equal(await a.claim(at(3600 * SECOND), ['test-retry']), undefined);
    });

    it('a stuck claim expires and is taken again; the first worker can no longer finish it', async () => {
      const a = new JobQueue(storage, { leaseMs: 60 * SECOND, retry });
      const b = new JobQueue(storage, { leaseMs: 60 * SECOND, retry });
      await enqueue(storage, { kind: 'test-stuck', runAt: at(0) }, at(0));
      const stuck = await a.claim(at(0), ['test-stuck']);
      assert.ok(stuck);
      assert.equal(await b.claim(at(59 * SECOND), ['test-stuck']), undefined, 'the lease holds');
      const taken = await b.claim(at(61 * SECOND), ['test-stuck']);
      assert.equal(taken?.id, stuck.id);
      assert.equal(taken?.attempts, 2);
      assert.equal(await JobQueue.complete(storage, stuck, at(62 * SECOND)), false);
      assert.equal(await JobQueue.complete(storage, taken!, at(62 * SECOND)), true);
    });

    it('a message whose worker stopped mid-send is not sent again: failed, and staff see why', async () => {
      const smtp = new SmtpSink();
      await smtp.start();
      let clock = TEST_NOW;
      const notifier = new Notifier({
        storage,
        config: loadNotifyConfig({
          CONSULTKIT_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
          CONSULTKIT_MAIL_FROM: 'surgery@riverside.example',
        }),
        now: () => clock,
        leaseMs: 60 * SECOND,
        retry,
      });
      try {
        const id = await new BookingRepository(storage).queueMail({
          appointmentId: null,
          to: 'crash@example.org',
          subject: 'x',
          body: 'x',
          now: new Date(clock),
        });
        // A worker claimed the job and marked the message sending, then died.
        const dead = new JobQueue(storage, { leaseMs: 60 * SECOND, retry });
        assert.ok(await dead.claim(new Date(clock), ['deliver']));
        await storage.query(`UPDATE mail_outbox SET status = 'sending', attempts = 1 WHERE id = $1`, [id]);
        assert.equal(await notifier.worker.drain(), 0, 'the claim holds until its lease ends');
        clock += 61 * SECOND;
        assert.equal(await notifier.worker.drain(), 1);
        const [row] = await storage.query<{ status: string; last_error: string }>(
          'SELECT status, last_error FROM mail_outbox WHERE id = $1',
          [id],
        );
        assert.equal(row!.status, 'failed');
        assert.match(row!.last_error, /stopped while sending: it may or may not have arrived/);
        assert.equal(smtp.received.length, 0);
      } finally {
        await notifier.stop();
        await smtp.stop();
      }
    });
  });
}

describe(
  'two server instances on one PostgreSQL',
  { skip: process.env['DATABASE_URL'] ? false : 'DATABASE_URL is not set' },
  () => {
    const smtp = new SmtpSink();
    const servers: ConsultKitServer[] = [];
    let clock = TEST_NOW;
    let database: { url: string; dispose(): Promise<void> };

    before(async () => {
      await smtp.start();
      database = (await freshPostgresDatabase())!;
      const config = loadConfig({
        PORT: '0',
        LOG_LEVEL: 'silent',
        DATABASE_URL: database.url,
        CONSULTKIT_SECRET: TEST_SECRET,
        CONSULTKIT_STAFF_KEY: TEST_STAFF_KEY,
        CONSULTKIT_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        CONSULTKIT_MAIL_FROM: 'Riverside Surgery <appointments@riverside.example>',
      });
      for (let i = 0; i < 2; i++) {
        servers.push(await createServer(config, {}, { now: () => clock, notify: { pollMs: 10, concurrency: 4 } }));
      }
    });

    after(async () => {
      for (const server of servers) await server.close();
      await smtp.stop();
      await database?.dispose();
    });

    it('send each message once', async () => {
      const count = 200;
      // All queued in one transaction, so both instances find them at the same moment.
      await servers[0]!.storage.transaction(async (tx) => {
        const repo = new BookingRepository(tx);
        for (let i = 0; i < count; i++) {
          await repo.queueMail({
            appointmentId: null,
            to: `patient${i}@example.org`,
            subject: `Message ${i}`,
            body: `Message ${i}`,
            now: new Date(TEST_NOW),
          });
        }
      });
      await until('every message is sent', async () => {
        const [row] = await servers[0]!.storage.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM mail_outbox WHERE status = 'sent'`,
        );
        return row!.n === count;
      });
      for (const server of servers) {
        await server.notifier.worker.nextPass();
        await server.notifier.worker.nextPass();
      }
      const ids = smtp.received.map((r) => r.mail.messageId);
      assert.equal(ids.length, count);
      assert.equal(new Set(ids).size, count, 'no message twice');
      const workers = await servers[0]!.storage.query<{ locked_by: string; n: number }>(
        `SELECT locked_by, count(*)::int AS n FROM job WHERE kind = 'deliver' GROUP BY locked_by`,
      );
      assert.equal(
        workers.reduce((sum, w) => sum + w.n, 0),
        count,
      );
      assert.ok(workers.length >= 1);
      console.log(`deliveries per instance: ${workers.map((w) => w.n).join(', ')}`);
    });

    it('send each reminder once', async () => {
      const fixture = await seedBookingFixture(servers[0]!.storage);
      const urls = [await servers[0]!.listen(), await servers[1]!.listen()];
      // Booked through both instances.
      const apis = urls.map((url) => new Api(url, fixture.gp.scheduleId));
      const slots = await apis[0]!.freeSlots('2026-03-10');
      const emails: string[] = [];
      for (let i = 0; i < 10; i++) emails.push((await apis[i % 2]!.book('2026-03-10', { slot: slots[i]! })).email);
      const to = (email: string) => smtp.received.filter((r) => r.to.includes(email));
      await until('the confirmations arrive', () => emails.every((email) => to(email).length === 1));
      clock = Date.parse('2026-03-09T12:00:00Z'); // past every 24 h reminder, before the 1 h ones
      await until('the reminders arrive', () => emails.every((email) => to(email).length === 2));
      for (const server of servers) {
        await server.notifier.worker.nextPass();
        await server.notifier.worker.nextPass();
      }
      for (const email of emails) {
        assert.deepEqual(
          to(email).map((r) => r.mail.subject?.split(':')[0]),
          ['Appointment confirmed', 'Reminder'],
        );
      }
    });
  },
);
