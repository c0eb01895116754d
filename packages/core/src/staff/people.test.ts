import { expect, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { BookingClient } from '../booking/booking-client.js';
import { FhirError } from '../booking/fhir-error.js';
import { StaffMessages } from './messages.js';
import { StaffPeople } from './people.js';

// The run's real ConsultKit server: members of staff of each test's own (a receptionist has a staff
// account and no role in the directory), acting through the staff key and the acting-practitioner header.

const LONG = { timeout: 30_000, interval: 20 };

async function colleagues(families: string[], roles?: string[]): Promise<{ ids: string[]; key: string }> {
  return (await executeServerCommand('ck-staff-colleagues', { families, ...(roles ? { roles } : {}) })) as {
    ids: string[];
    key: string;
  };
}

const staffClient = (key: string, practitioner: string) =>
  new BookingClient({
    baseUrl: '/fhir',
    headers: () => ({ authorization: `Bearer ${key}`, 'consultkit-acting-practitioner': practitioner }),
  });

/** A family name no other test makes. */
const unique = (word: string) =>
  `${word}${crypto
    .randomUUID()
    .slice(0, 8)
    .replace(/[0-9-]/g, 'x')}`;

describe('staff: StaffPeople', () => {
  it('finds a receptionist (no role in the directory) by name, with their role; a conversation with them starts', async function () {
    this.timeout(60_000);
    const family = unique('Desk');
    const {
      ids: [gp],
      key,
    } = await colleagues([unique('Gp')]);
    const {
      ids: [desk],
    } = await colleagues([family], ['receptionist']);
    const client = staffClient(key, gp!);
    const people = new StaffPeople({ client });
    expect(people.state.get().status).to.equal('idle');
    const seen: string[] = [];
    const off = people.state.subscribe((s) => seen.push(s.status));
    const searching = people.search({ name: `  ${family.toLowerCase()} ` });
    expect(people.state.get().status).to.equal('loading');
    await searching;
    off();
    const state = people.state.get();
    expect(state.status).to.equal('ready');
    expect(state.query.name?.trim()).to.equal(family.toLowerCase());
    expect(state.more).to.equal(false);
    expect(state.error).to.equal(null);
    expect(state.entries).to.deep.equal([{ practitioner: desk, name: `Test ${family}`, roles: ['receptionist'] }]);
    expect(seen).to.include('loading');
    // The directory has no such person; the messages accept them as a member.
    const messages = new StaffMessages({ client });
    const conversation = await messages.startConversation({ members: [state.entries[0]!.practitioner] });
    expect(conversation.members.map((m) => m.practitioner).sort()).to.deep.equal([gp, desk].sort());
  });

  it('gives at most `count`, says more match, and leaves the asker out', async function () {
    this.timeout(60_000);
    const stem = unique('Many');
    const { ids, key } = await colleagues([`${stem}a`, `${stem}b`, `${stem}c`]);
    const people = new StaffPeople({ client: staffClient(key, ids[0]!), count: 1 });
    await people.search({ name: stem });
    expect(people.state.get().entries.length).to.equal(1);
    expect(people.state.get().more).to.equal(true);
    const all = new StaffPeople({ client: staffClient(key, ids[0]!) });
    await all.search({ name: stem });
    expect(
      all.state
        .get()
        .entries.map((e) => e.practitioner)
        .sort(),
    ).to.deep.equal([ids[1], ids[2]].sort());
    expect(all.state.get().more).to.equal(false);
  });

  it('a refusal is the state’s error (a FhirError with its status); the entries held stay', async function () {
    this.timeout(60_000);
    const family = unique('Kept');
    const { ids, key } = await colleagues([unique('Asker'), family]);
    let wrong = false;
    const client = new BookingClient({
      baseUrl: '/fhir',
      headers: () => ({
        authorization: `Bearer ${wrong ? 'not-the-key' : key}`,
        'consultkit-acting-practitioner': ids[0]!,
      }),
    });
    const people = new StaffPeople({ client });
    await people.search({ name: family });
    expect(people.state.get().entries.map((e) => e.practitioner)).to.deep.equal([ids[1]]);
    wrong = true;
    await people.search({ name: 'anyone' });
    const state = people.state.get();
    expect(state.status).to.equal('error');
    expect(state.error).to.be.instanceOf(FhirError);
    expect(state.error?.status).to.equal(401);
    expect(state.entries.map((e) => e.practitioner)).to.deep.equal([ids[1]]);
  });

  it('a newer search wins over one still on its way', async function () {
    this.timeout(60_000);
    const first = unique('First');
    const second = unique('Second');
    const { ids, key } = await colleagues([unique('Asker'), first, second]);
    const people = new StaffPeople({ client: staffClient(key, ids[0]!) });
    const a = people.search({ name: first });
    const b = people.search({ name: second });
    await Promise.all([a, b]);
    await waitUntil(() => people.state.get().status === 'ready', 'the second search answered', LONG);
    expect(people.state.get().query.name).to.equal(second);
    expect(people.state.get().entries.map((e) => e.practitioner)).to.deep.equal([ids[2]]);
  });
});
