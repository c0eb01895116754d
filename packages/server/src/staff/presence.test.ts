/**
 * The presence service's viewers: what is told to a person reaches a connection from the moment
 * it opens, before the connection's row is written (the stream's headers are already sent, and the
 * page acts on them: it catches up and may start a conversation, whose notice must not be lost).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PRESENCE_EVENT } from '@consultkit/core/contract';
import { LocalBus } from '../bus.js';
import { BookingRepository } from '../booking/repository.js';
import { until } from '../notify/test-support.js';
import { openStorage, type Storage } from '../storage/index.js';
import { PresenceService } from './presence.js';

describe('presence: a viewer', () => {
  it('hears a notice told while its connection row is still being written', async () => {
    const storage = await openStorage({ dataDir: 'memory://' });
    const bus = new LocalBus();
    // The real storage, with the connection's INSERT held until the test lets it go (a busy database).
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let insertAsked = false;
    const slow: Storage = Object.create(storage, {
      query: {
        value: async (sql: string, params?: unknown[]) => {
          if (sql.startsWith('INSERT INTO staff_presence_socket')) {
            insertAsked = true;
            await held;
          }
          return storage.query(sql, params);
        },
      },
    });
    const presence = new PresenceService({
      storage: slow,
      bus,
      instance: 'one',
      now: () => Date.now(),
      liveSessions: () => [],
      clustered: false,
      log: { error: () => undefined },
    });
    try {
      const person = await new BookingRepository(storage).createPractitioner({
        name: { prefix: ['Dr'], given: ['Ada'], family: 'Viewer' },
      });
      const heard: [string, unknown][] = [];
      const opening = presence.open({ person, send: (event, data) => heard.push([event, data]) });
      await until('the connection row asked for', () => insertAsked);
      await presence.notify(person, 'staff-message', { text: 'told while opening' });
      await until('the notice heard before the row is written', () => heard.length > 0);
      assert.deepEqual(heard, [['staff-message', { text: 'told while opening' }]]);
      release();
      const close = await opening;
      assert.equal(heard.at(-1)?.[0], PRESENCE_EVENT.snapshot);
      await close();
    } finally {
      release();
      presence.stop();
      await bus.close();
      await storage.close();
    }
  });
});
