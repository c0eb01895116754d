/**
 * Calls between clinicians with no patient, and the audit of admitting (docs/staff.md, "Calling a
 * colleague"; decision 0045), over HTTP and bare signalling sockets against the real server on
 * PGlite with the demo practice. Staff act as named people with the staff key and the
 * acting-practitioner header, and once through a real sign-in (the development identity provider).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import {
  PRESENCE_EVENT,
  type CallInNotice,
  type JoinTicket,
  type Presence,
  type RosterMessage,
  type StaffCallAnswer,
  type StaffCallDeclined,
} from '@consultkit/core/contract';
import { StaffDirectory } from '@consultkit/core';
import { FhirError, StaffClient } from '@consultkit/core/booking';
import type { ConsultKitServer } from '../app.js';
import { BookingRepository } from '../booking/repository.js';
import { until } from '../notify/test-support.js';
import { ACTING_HEADER } from '../staff/acting.js';
import { StaffAccounts } from '../staff/accounts.js';
import { caller, joinProblem, STAFF, TEST_NOW } from '../test-helpers.js';
import { EventStreamClient } from '../sse-test-support.js';
import { demoStaffServer } from '../staff/test-support.js';
import { startJanus, type RunningJanus } from '../../../../scripts/janus.mjs';

/** The staff live stream of one person, as raw `event`/`data` pairs. */
/** The staff live stream of `headers`' person, open (200) and heard from as it comes. */
async function listen(url: string, headers: Record<string, string>): Promise<EventStreamClient> {
  const stream = await EventStreamClient.open(`${url}/api/presence/events`, headers);
  assert.equal(stream.status, 200);
  return stream;
}

/** A signalling socket for a ticket, as a bare `ws` client: every message it got. */
async function socket(url: string, ticket: JoinTicket) {
  const query = new URLSearchParams({ key: 'consultkit', id: ticket.peerId, token: ticket.token });
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/signal/peerjs?${query}`);
  const got: { type: string; payload?: unknown }[] = [];
  ws.on('message', (data) => got.push(JSON.parse(String(data)) as { type: string }));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
  });
  await until('OPEN', () => got.some((m) => m.type === 'OPEN'));
  const roster = () => (got.filter((m) => m.type === 'CK-ROSTER').at(-1) as RosterMessage | undefined)?.payload;
  return { ws, got, roster, send: (message: object) => ws.send(JSON.stringify(message)) };
}

describe('calls between clinicians, and the audit of admitting', () => {
  /** Monday 2 March 2026, 14:00 London: the demo practice is open. A test may move it on. */
  const opening = TEST_NOW + 6 * 60 * 60_000;
  let clock = opening;
  let server: ConsultKitServer;
  let url = '';
  let ids: Record<string, string> = {};
  let receptionist = '';
  const call = caller(() => url);
  const closers: (() => void)[] = [];
  const as = (who: string) => ({ ...STAFF, [ACTING_HEADER]: ids[who]! });

  before(async () => {
    ({ server, url, ids } = await demoStaffServer(() => clock));
    const desk = await new BookingRepository(server.storage).createPractitioner({
      name: { given: ['Jo'], family: 'Bennett' },
    });
    await new StaffAccounts(server.storage, () => clock).setRoles(desk, ['receptionist']);
    receptionist = String(desk);
  });

  after(async () => {
    for (const close of closers) close();
    await server?.close();
  });

  const start = async (from: string, to: string, extra: Record<string, string> = {}) => {
    const answer = await call<StaffCallAnswer>('POST', '/api/staff-calls', {
      headers: as(from),
      body: { practitioner: ids[to]!, ...extra },
    });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    return answer.body;
  };
  const stream = async (who: string) => {
    const opened = await listen(url, as(who));
    closers.push(() => opened.close());
    return opened;
  };
  const noticeFor = async (events: { event: string; data: unknown }[], callId: string) =>
    (await until('the call notice', () =>
      events.find((e) => e.event === PRESENCE_EVENT.callIn && (e.data as CallInNotice).consultation === callId),
    ))!.data as CallInNotice;

  /** The attendance report of March 2026 (video consultations attended, …). */
  const attendance = async () => {
    const report = await call<object>('GET', '/api/reports/attendance?from=2026-03&to=2026-03', { headers: STAFF });
    assert.equal(report.status, 200, JSON.stringify(report.body));
    return report.body;
  };

  it('a clinician calls a colleague: a ticket for the caller, a notice without a patient for the colleague, both in at once', async () => {
    const reportBefore = await attendance();
    const evans = await stream('Evans');
    const shah = await stream('Shah');
    const answer = await start('Khan', 'Evans');
    assert.equal(answer.notified, true);
    assert.equal(answer.practitioner, ids['Evans']);
    assert.equal(answer.ticket?.role, 'clinician');
    assert.equal(answer.ticket?.consultationId, `appt-${answer.call}`);

    const notice = await noticeFor(evans.events, answer.call);
    assert.equal(notice.patient, undefined, 'no patient: a call between clinicians');
    assert.deepEqual(notice.from, { practitioner: ids['Khan'], name: 'Dr Amina Khan' });
    // Nobody else hears it (the sentinel: a presence change everyone hears, after the call).
    await call('PUT', '/api/presence', { headers: as('Evans'), body: { state: 'busy' } });
    await until('the sentinel', () =>
      shah.events.some(
        (e) =>
          e.event === PRESENCE_EVENT.change &&
          (e.data as Presence).practitioner === ids['Evans'] &&
          (e.data as Presence).state === 'busy',
      ),
    );
    assert.ok(!shah.events.some((e) => e.event === PRESENCE_EVENT.callIn));

    // The staff call is no FHIR Appointment: it belongs to no booking.
    const read = await call('GET', `/fhir/Appointment/${answer.call}`, { headers: STAFF });
    assert.equal(read.status, 404);

    const joined = await call<JoinTicket>('POST', `/api/staff-calls/${answer.call}/join`, {
      headers: as('Evans'),
      body: { token: notice.url },
    });
    assert.equal(joined.status, 200, JSON.stringify(joined.body));
    assert.equal(joined.body.role, 'clinician');
    assert.equal(joined.body.name, 'Dr Tom Evans');
    assert.notEqual(joined.body.peerId, answer.ticket!.peerId);

    // Both in the call at once, nobody waiting; presence shows both in a consultation.
    const khan = await socket(url, answer.ticket!);
    const tom = await socket(url, joined.body);
    const both = await until('both in the roster, admitted', () => {
      const roster = tom.roster();
      return roster && roster.participants.filter((p) => p.admitted && p.connected).length === 2 ? roster : undefined;
    });
    assert.deepEqual(both!.participants.map((p) => p.role).sort(), ['clinician', 'clinician']);
    for (const who of ['Khan', 'Evans']) {
      await until(`${who} in a consultation`, () =>
        shah.events.some(
          (e) =>
            e.event === PRESENCE_EVENT.change &&
            (e.data as Presence).practitioner === ids[who] &&
            (e.data as Presence).state === 'in-consultation',
        ),
      );
    }

    // A third colleague into the running call (group calls): only someone in it may ask.
    const priya = await call<StaffCallAnswer>('POST', '/api/staff-calls', {
      headers: as('Eze'),
      body: { practitioner: ids['Shah']!, call: answer.call },
    });
    assert.equal(priya.status, 403, 'Dr Eze is not in this call');
    const third = await start('Evans', 'Shah', { call: answer.call });
    assert.equal(third.ticket, undefined, 'the caller is in the call already');
    const shahNotice = await noticeFor(shah.events, answer.call);
    assert.deepEqual(shahNotice.from, { practitioner: ids['Evans'], name: 'Dr Tom Evans' });

    // The last one out ends it: sessions ended, the call refuses new joins.
    khan.send({ type: 'CK-LEAVE' });
    tom.send({ type: 'CK-LEAVE' });
    await until(
      'the call ended',
      async () =>
        (
          await server.storage.query<{ ended_at: Date | null }>(
            'SELECT ended_at FROM staff_call WHERE appointment_id = $1',
            [Number(answer.call)],
          )
        )[0]?.ended_at,
      30_000,
    );
    const late = await call('POST', `/api/staff-calls/${answer.call}/join`, {
      headers: as('Shah'),
      body: { token: shahNotice.url },
    });
    assert.equal(late.status, 410);
    // A call between clinicians is no attended consultation.
    assert.deepEqual(await attendance(), reportBefore);
    const search = await call<{ total?: number; entry?: unknown[] }>(
      'GET',
      '/fhir/Appointment?date=2026-03-02&_total=accurate',
      { headers: STAFF },
    );
    assert.equal(search.status, 200, JSON.stringify(search.body));
    assert.equal(search.body.total, (search.body.entry ?? []).length, 'the total counts no staff call');
    // Audited with the person.
    const audited = await server.storage.query<{ action: string; practitioner_id: number }>(
      `SELECT action, practitioner_id FROM staff_audit WHERE action LIKE 'staff-call.%' ORDER BY id`,
    );
    assert.deepEqual(audited.map((row) => [row.action, String(row.practitioner_id)]).slice(0, 3), [
      ['staff-call.call-colleague', ids['Khan']],
      ['staff-call.join', ids['Evans']],
      ['staff-call.call-colleague', ids['Eze']],
    ]);
  });

  it('the link lets only that colleague in, once: a stranger, another clinician and the patient route are refused', async () => {
    const evans = await stream('Evans');
    const answer = await start('Khan', 'Evans');
    const notice = await noticeFor(evans.events, answer.call);
    const token = notice.url.split('/').pop()!;
    const path = `/api/staff-calls/${answer.call}/join`;

    assert.equal((await call('POST', path, { body: { token } })).status, 401, 'nobody');
    assert.equal((await call('POST', path, { headers: as('Shah'), body: { token } })).status, 403, 'another clinician');
    const desk = await call('POST', path, { headers: { ...STAFF, [ACTING_HEADER]: receptionist }, body: { token } });
    assert.equal(desk.status, 403, 'a receptionist');
    const system = await call('POST', path, { headers: STAFF, body: { token } });
    assert.equal(system.status, 403, 'the staff key naming nobody');
    // As a patient or guest would open a link: refused, and not consumed.
    const redeem = await call('POST', '/api/join/redeem', { body: { token } });
    assert.equal(redeem.status, 403);
    assert.equal(joinProblem(redeem), 'wrong-role');
    const tampered = await call('POST', path, { headers: as('Evans'), body: { token: `${token.slice(0, -4)}AAAA` } });
    assert.equal(tampered.status, 401);

    const first = await call<JoinTicket>('POST', path, { headers: as('Evans'), body: { token } });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const twice = await call('POST', path, { headers: as('Evans'), body: { token } });
    assert.equal(twice.status, 410);
    assert.equal(joinProblem(twice), 'used');
    // Another call's id with this link.
    const other = await call('POST', `/api/staff-calls/${Number(answer.call) + 1000}/join`, {
      headers: as('Evans'),
      body: { token },
    });
    assert.ok([400, 404].includes(other.status), String(other.status));
  });

  it('an unanswered link stops working after two minutes', async () => {
    const evans = await stream('Evans');
    const answer = await start('Khan', 'Evans');
    const notice = await noticeFor(evans.events, answer.call);
    assert.equal(Date.parse(answer.expiresAt) - clock, 120_000);
    clock = opening + 121_000;
    try {
      const late = await call('POST', `/api/staff-calls/${answer.call}/join`, {
        headers: as('Evans'),
        body: { token: notice.url },
      });
      assert.equal(late.status, 422);
      assert.equal(joinProblem(late), 'expired');
    } finally {
      clock = opening;
    }
  });

  it('core StaffDirectory calls, answers and declines; refusals are typed FhirErrors in the store', async () => {
    const directoryAs = (headers: Record<string, string>) => {
      const directory = new StaffDirectory({
        client: new StaffClient({ baseUrl: `${url}/fhir`, headers: () => headers }),
      });
      closers.push(() => directory.stop());
      return directory;
    };
    const khan = directoryAs(as('Khan'));
    const evans = directoryAs(as('Evans'));
    khan.start();
    evans.start();
    await until('both streaming', () =>
      khan.state.get().live === 'streaming' && evans.state.get().live === 'streaming' ? true : undefined,
    );

    const answer = await khan.callColleague(ids['Evans']!);
    assert.equal(answer.ticket?.role, 'clinician');
    assert.deepEqual(khan.state.get().staffCalls[ids['Evans']!]?.call, answer.call);
    const notice = await until('the notice in core', () =>
      evans.state.get().callIns.find((c) => c.consultation === answer.call),
    );
    const ticket = await evans.joinStaffCall(notice!);
    assert.equal(ticket.role, 'clinician');
    assert.ok(!evans.state.get().callIns.some((c) => c.id === notice!.id), 'put away once joined');
    await assert.rejects(evans.joinStaffCall(notice!), (error) => error instanceof FhirError && error.status === 410);
    assert.equal(evans.state.get().error?.status, 410);

    const desk = directoryAs({ ...STAFF, [ACTING_HEADER]: receptionist });
    await assert.rejects(
      desk.callColleague(ids['Evans']!),
      (error) =>
        error instanceof FhirError && error.status === 403 && error.outcome?.resourceType === 'OperationOutcome',
    );
    assert.deepEqual(desk.state.get().calling, [], 'no call left on its way');

    const second = await khan.callColleague(ids['Evans']!);
    const again = await until('the second notice', () =>
      evans.state.get().callIns.find((c) => c.consultation === second.call),
    );
    await evans.declineStaffCall(again!);
    const declined = await until('the caller told', () =>
      khan.state.get().declined.find((d) => d.call === second.call),
    );
    assert.equal(declined!.name, 'Dr Tom Evans');
  });

  it('a declined call tells the caller live and the link stops working', async () => {
    const khan = await stream('Khan');
    const evans = await stream('Evans');
    const answer = await start('Khan', 'Evans');
    const notice = await noticeFor(evans.events, answer.call);
    const declined = await call('POST', `/api/staff-calls/${answer.call}/decline`, { headers: as('Evans') });
    assert.equal(declined.status, 200);
    const told = (await until('the caller told', () =>
      khan.events.find((e) => e.event === PRESENCE_EVENT.staffCallDeclined),
    ))!.data as StaffCallDeclined;
    assert.deepEqual(told, { call: answer.call, practitioner: ids['Evans'], name: 'Dr Tom Evans' });
    const join = await call('POST', `/api/staff-calls/${answer.call}/join`, {
      headers: as('Evans'),
      body: { token: notice.url },
    });
    assert.equal(join.status, 410);
    const again = await call('POST', `/api/staff-calls/${answer.call}/decline`, { headers: as('Evans') });
    assert.equal(again.status, 404, 'nothing left to decline');
  });

  it('who may call: clinicians only; odd input is a 4xx OperationOutcome', async () => {
    const body = { practitioner: ids['Evans']! };
    const nobody = await call<{ resourceType: string }>('POST', '/api/staff-calls', { body });
    assert.equal(nobody.status, 401);
    const desk = await call<{ resourceType: string }>('POST', '/api/staff-calls', {
      headers: { ...STAFF, [ACTING_HEADER]: receptionist },
      body,
    });
    assert.equal(desk.status, 403);
    assert.equal(desk.body.resourceType, 'OperationOutcome');
    assert.equal((await call('POST', '/api/staff-calls', { headers: STAFF, body })).status, 403, 'the system');
    // A patient's credentials (a booking reference as bearer).
    const booked = await call<{ id: string }>('POST', '/api/consultations/ad-hoc', {
      headers: STAFF,
      body: { schedule: `Schedule/${await videoSchedule()}`, minutes: 15, patient: patientBody() },
    });
    assert.equal(booked.status, 201, JSON.stringify(booked.body));
    const [row] = await server.storage.query<{ booking_reference: string }>(
      'SELECT booking_reference FROM appointment WHERE id = $1',
      [Number(booked.body.id)],
    );
    const patient = await call('POST', '/api/staff-calls', {
      headers: { authorization: `Bearer ${row!.booking_reference}` },
      body,
    });
    assert.equal(patient.status, 403);

    for (const odd of [
      { practitioner: ids['Khan'] },
      { practitioner: '999999' },
      { practitioner: 12 },
      { practitioner: ids['Evans'], call: 'x' },
      { practitioner: ids['Evans'], call: '999999' },
      { practitioner: ids['Evans'], extra: 1 },
      [],
      'text',
    ]) {
      const refused = await call<{ resourceType: string }>('POST', '/api/staff-calls', {
        headers: as('Khan'),
        body: typeof odd === 'string' ? odd : (odd as object),
      });
      assert.ok(refused.status >= 400 && refused.status < 500, `${JSON.stringify(odd)}: ${refused.status}`);
      assert.equal(refused.body.resourceType, 'OperationOutcome');
    }
    for (const [path, payload] of [
      ['/api/staff-calls/abc/join', { token: 'x' }],
      ['/api/staff-calls/1/join', {}],
      ['/api/staff-calls/1/join', { token: 'x'.repeat(5000) }],
      ['/api/staff-calls/1/join', { token: 'not.a.jwt' }],
      ['/api/staff-calls/1/decline', { no: 1 }],
    ] as const) {
      const refused = await call<{ resourceType: string }>('POST', path, { headers: as('Khan'), body: payload });
      assert.ok(refused.status >= 400 && refused.status < 500, `${path} ${JSON.stringify(payload)}: ${refused.status}`);
      assert.equal(refused.body.resourceType, 'OperationOutcome');
    }
  });

  it('a named clinician admits a patient, and removes a guest: the audit names them', async () => {
    const booked = await call<{ id: string }>('POST', '/api/consultations/ad-hoc', {
      headers: STAFF,
      body: { schedule: `Schedule/${await videoSchedule('Evans')}`, minutes: 15, patient: patientBody() },
    });
    assert.equal(booked.status, 201, JSON.stringify(booked.body));
    const id = booked.body.id;
    const gp = await call<JoinTicket>('POST', `/api/consultations/${id}/clinician-token`, { headers: as('Evans') });
    assert.equal(gp.status, 200, JSON.stringify(gp.body));
    const link = await call<{ url: string }>('POST', `/api/consultations/${id}/invitations`, { headers: STAFF });
    const patient = await call<JoinTicket>('POST', '/api/join/redeem', {
      body: { token: link.body.url.split('/').pop() },
    });
    assert.equal(patient.status, 200, JSON.stringify(patient.body));
    const guest = await call<{ url: string }>('POST', `/api/consultations/${id}/guests`, {
      headers: STAFF,
      body: { name: 'Ana Interpreter', kind: 'interpreter' },
    });
    const guestTicket = await call<JoinTicket>('POST', '/api/join/redeem', {
      body: { token: guest.body.url.split('/').pop() },
    });

    const clinician = await socket(url, gp.body);
    await socket(url, patient.body);
    await socket(url, guestTicket.body);
    await until('both waiting', () =>
      clinician.roster()?.participants.filter((p) => p.role !== 'clinician' && p.connected).length === 2
        ? true
        : undefined,
    );
    clinician.send({ type: 'CK-ADMIT', payload: { peerId: patient.body.peerId } });
    clinician.send({ type: 'CK-REMOVE', payload: { peerId: guestTicket.body.peerId } });
    const audited = await until('admitting and declining audited', async () => {
      const rows = await server.storage.query<{
        action: string;
        practitioner_id: number;
        person_name: string;
        via: string;
      }>(
        `SELECT action, practitioner_id, person_name, via FROM staff_audit
          WHERE resource = $1 AND action IN ('consultation.admit-patient', 'consultation.decline-guest') ORDER BY id`,
        [`Appointment/${id}`],
      );
      return rows.length === 2 ? rows : undefined;
    });
    assert.deepEqual(
      audited!.map((row) => [row.action, String(row.practitioner_id), row.person_name, row.via]),
      [
        ['consultation.admit-patient', ids['Evans'], 'Dr Tom Evans', 'key'],
        ['consultation.decline-guest', ids['Evans'], 'Dr Tom Evans', 'key'],
      ],
    );
    // …listed by GET /api/audit for a practice admin.
    const [admin] = await server.storage.query<{ id: number }>(
      `SELECT id FROM practitioner WHERE name->>'family' = 'Khan'`,
    );
    await new StaffAccounts(server.storage, () => clock).setRoles(admin!.id, ['clinician', 'practice-admin']);
    const list = await call<{ entries: { action: string; name: string }[] }>(
      'GET',
      `/api/audit?resource=Appointment/${id}&action=consultation.admit-patient`,
      { headers: as('Khan') },
    );
    assert.equal(list.status, 200, JSON.stringify(list.body));
    assert.deepEqual(
      list.body.entries.map((e) => [e.action, e.name]),
      [['consultation.admit-patient', 'Dr Tom Evans']],
    );
  });

  async function videoSchedule(who = 'Khan'): Promise<number> {
    const [row] = await server.storage.query<{ id: number }>(
      `SELECT s.id FROM schedule s WHERE s.practitioner_id = $1 AND s.channels::text LIKE '%Video%' ORDER BY s.id LIMIT 1`,
      [Number(ids[who])],
    );
    return row!.id;
  }
});

const janusStart = await startJanus();

describe('a staff call past four moves to Janus like any room', { skip: janusStart.skip }, () => {
  const janus = janusStart as RunningJanus;
  let server: ConsultKitServer;
  let url = '';
  let ids: Record<string, string> = {};
  const call = caller(() => url);
  const as = (who: string) => ({ ...STAFF, [ACTING_HEADER]: ids[who]! });
  const closers: (() => void)[] = [];

  before(async () => {
    ({ server, url, ids } = await demoStaffServer(() => TEST_NOW + 6 * 60 * 60_000, {
      CONSULTKIT_JANUS_URL: janus.wsUrl,
      CONSULTKIT_JANUS_ADMIN_URL: janus.adminUrl,
      CONSULTKIT_JANUS_ADMIN_SECRET: janus.adminSecret,
      CONSULTKIT_JANUS_ROOM_KEY: janus.roomAdminKey,
    }));
  });
  after(async () => {
    for (const close of closers) close();
    await server?.close();
    await janus.stop();
  });

  it('five clinicians in one call: the room is on the SFU, each gets the Janus room; ended, it is gone', async () => {
    const colleagues = ['Evans', 'Shah', 'Eze', 'Morgan'];
    const streams = new Map<string, EventStreamClient>();
    for (const who of colleagues) {
      const opened = await listen(url, as(who));
      closers.push(() => opened.close());
      streams.set(who, opened);
    }
    const first = await call<StaffCallAnswer>('POST', '/api/staff-calls', {
      headers: as('Khan'),
      body: { practitioner: ids['Evans']! },
    });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const id = first.body.call;
    const tickets: JoinTicket[] = [first.body.ticket!];
    for (const who of colleagues) {
      if (who !== 'Evans') {
        const more = await call('POST', '/api/staff-calls', {
          headers: as('Khan'),
          body: { practitioner: ids[who]!, call: id },
        });
        assert.equal(more.status, 201, JSON.stringify(more.body));
      }
      const notice = (await until(`${who} told`, () =>
        streams
          .get(who)!
          .events.find((e) => e.event === PRESENCE_EVENT.callIn && (e.data as CallInNotice).consultation === id),
      ))!.data as CallInNotice;
      const joined = await call<JoinTicket>('POST', `/api/staff-calls/${id}/join`, {
        headers: as(who),
        body: { token: notice.url },
      });
      assert.equal(joined.status, 200, JSON.stringify(joined.body));
      tickets.push(joined.body);
    }
    const sockets = [];
    for (const ticket of tickets) sockets.push(await socket(url, ticket));
    const roster = await until('five in the call, on the SFU', () => {
      const now = sockets[0]!.roster();
      return now && now.participants.filter((p) => p.connected && p.admitted).length === 5 && now.mode === 'sfu'
        ? now
        : undefined;
    });
    assert.equal(new Set(roster!.participants.map((p) => p.peerId)).size, 5, 'a peer id each');
    const sfu = (ticket: JoinTicket) =>
      call<{ room?: number; resourceType?: string }>('POST', `/api/consultations/${id}/sfu`, {
        headers: { authorization: `Bearer ${ticket.token}` },
      });
    const rooms = new Set<number>();
    for (const ticket of tickets) {
      const access = await sfu(ticket);
      assert.equal(access.status, 200, JSON.stringify(access.body));
      rooms.add(access.body.room!);
    }
    assert.equal(rooms.size, 1, 'one Janus room for the call');
    sockets[0]!.send({ type: 'CK-END' });
    await until('the call ended', async () => {
      const [row] = await server.storage.query<{ ended_at: Date | null }>(
        'SELECT ended_at FROM staff_call WHERE appointment_id = $1',
        [Number(id)],
      );
      return row?.ended_at ?? undefined;
    });
    const after = await sfu(tickets[1]!);
    assert.ok([401, 410].includes(after.status), `after the end: ${after.status}`);
  });
});

function patientBody() {
  return {
    resourceType: 'Patient',
    name: [{ given: ['Ada'], family: 'Lovelace' }],
    birthDate: '1970-05-06',
    telecom: [{ system: 'email', value: `ada.${Date.now()}@example.org` }],
  };
}
