/**
 * Presence across two instances on one PostgreSQL (decision 0035, 0042): a member of staff whose
 * live stream is on instance one shows online, then busy, then offline to a colleague watching on
 * instance two.
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { ConsultKitServer } from '../app.js';
import { BookingRepository } from '../booking/repository.js';
import { until } from '../notify/test-support.js';
import { EventStreamClient } from '../sse-test-support.js';
import { skippable, STAFF, TEST_NOW, twoInstances } from '../test-helpers.js';
import { StaffAccounts } from './accounts.js';
import { ACTING_HEADER } from './acting.js';
import { addPractitionerRole } from './directory.js';

const DATABASE_URL = process.env['DATABASE_URL'];
const { it, before, after } = skippable(
  DATABASE_URL ? false : 'DATABASE_URL is not set: several instances need PostgreSQL (.ci/run provides one)',
);

/** A staff live stream on instance `url`; fails unless it opens. */
async function stream(url: string, headers: Record<string, string>): Promise<EventStreamClient> {
  const opened = await EventStreamClient.open(`${url}/api/presence/events`, headers);
  assert.equal(opened.status, 200);
  return opened;
}

describe('presence across two instances on one PostgreSQL', () => {
  let servers: ConsultKitServer[] = [];
  let urls: string[] = [];
  let close = async () => undefined;
  const ids = { gp: '', colleague: '' };

  before(async () => {
    ({ servers, urls, close } = await twoInstances());
    const repo = new BookingRepository(servers[0]!.storage);
    const accounts = new StaffAccounts(servers[0]!.storage, () => TEST_NOW);
    for (const [key, family] of [
      ['gp', 'Khan'],
      ['colleague', 'Adeyemi'],
    ] as const) {
      const id = await repo.createPractitioner({ name: { prefix: ['Dr'], given: ['A'], family } });
      await addPractitionerRole(servers[0]!.storage, { practitionerId: id, code: 'doctor', display: 'Doctor' });
      await accounts.setRoles(id, ['clinician']);
      ids[key] = String(id);
    }
  });
  after(async () => {
    await close();
  });

  it('online, busy and offline on instance one are seen live on instance two', async () => {
    const watcher = await stream(urls[1]!, { ...STAFF, [ACTING_HEADER]: ids.colleague });
    await until('the snapshot on instance two', () => watcher.presenceOf(ids.gp)?.state === 'offline');
    const gp = await stream(urls[0]!, { ...STAFF, [ACTING_HEADER]: ids.gp });
    await until('online, seen on instance two', () => watcher.presenceOf(ids.gp)?.state === 'available');
    const set = await fetch(`${urls[0]}/api/presence`, {
      method: 'PUT',
      headers: { ...STAFF, [ACTING_HEADER]: ids.gp, 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'busy' }),
    });
    assert.equal(set.status, 200);
    await until('busy, seen on instance two', () => watcher.presenceOf(ids.gp)?.state === 'busy');
    gp.close();
    await until('offline, seen on instance two', () => watcher.presenceOf(ids.gp)?.state === 'offline');
    watcher.close();
  });
});
