/**
 * Recording consent on the server, from outside (docs/recording.md, "Consent"): bare `ws` clients
 * speaking PeerJS's socket protocol and the consent commands, with tickets from the real join
 * endpoints; what every page's roster says, what the database holds (`recording_consent`,
 * `recording`), and the server-side events a capture hooks on. Two instances on one PostgreSQL
 * see the same state (skipped without DATABASE_URL).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Appointment, Bundle, Consent } from 'fhir/r4.js';
import { isRecorded, type RecordingState } from '@consultkit/core/contract';
import type { ConsultKitServer } from '../app.js';
import { Api, until } from '../notify/test-support.js';
import {
  freshPostgresDatabase,
  seedBookingFixture,
  skippable,
  STAFF,
  startTestServer,
  TEST_NOW,
  type BookingFixture,
} from '../test-helpers.js';
import type { RecordingEventMap } from './recording.js';
import { openSignalling, refused, type SignalPage } from './test-support.js';

interface Ticket {
  token: string;
  peerId: string;
  appointmentId: string;
  consultationId: string;
  role: string;
  name?: string;
}

interface Page extends SignalPage<Ticket> {
  /** The newest roster's `recording`. */
  recording(): RecordingState | undefined;
  /** Waits for a newest roster whose `recording` satisfies `check`, and returns it. */
  recordingWhere(what: string, check: (state: RecordingState) => boolean): Promise<RecordingState>;
}

async function open(url: string, ticket: Ticket): Promise<Page> {
  const page = await openSignalling(url, ticket);
  return {
    ...page,
    recording: () => page.roster()?.recording,
    recordingWhere: (what, check) =>
      until(what, () => {
        const state = page.roster()?.recording;
        return state && check(state) ? state : undefined;
      }),
  };
}

/** A sentinel: a `CK-MEDIA` change from `page` that `other` sees proves earlier messages were handled. */
async function sentinel(page: Page, other: Page): Promise<void> {
  const muted = !(other.received.filter((m) => m.type === 'CK-ROSTER').length % 2);
  page.send({ type: 'CK-MEDIA', payload: { muted, cameraOff: false, audioOnly: false } });
  await other.rosterWhere('the sentinel media change', (r) =>
    r.participants.some((p) => p.peerId === page.ticket.peerId && p.media.muted === muted),
  );
}

class Setup {
  api!: Api;
  constructor(
    readonly url: string,
    readonly server: ConsultKitServer,
  ) {}

  async json<T>(method: string, path: string, body?: unknown) {
    return this.api.call<T>(method, path, { body, headers: STAFF });
  }

  async appointment(): Promise<string> {
    return (await this.api.book('2026-03-02')).appointment.id!;
  }

  async clinician(appointmentId: string, body?: object): Promise<Ticket> {
    const answer = await this.json<Ticket>('POST', `/api/consultations/${appointmentId}/clinician-token`, body);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body;
  }

  async redeem(url: string): Promise<Ticket> {
    const token = /\/join\/(\S+)$/.exec(url)?.[1];
    const answer = await this.api.call<Ticket>('POST', '/api/join/redeem', { body: { token } });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body;
  }

  async patient(appointmentId: string): Promise<Ticket> {
    const link = await this.json<{ url: string }>('POST', `/api/consultations/${appointmentId}/invitations`);
    assert.equal(link.status, 201, JSON.stringify(link.body));
    return this.redeem(link.body.url);
  }

  async guest(appointmentId: string, name = 'Ana Interpreter'): Promise<Ticket> {
    const invited = await this.json<{ url: string }>('POST', `/api/consultations/${appointmentId}/guests`, {
      name,
      kind: 'interpreter',
    });
    assert.equal(invited.status, 201, JSON.stringify(invited.body));
    return this.redeem(invited.body.url);
  }

  /** Admits `page` from `gp`'s page, and waits until `page` sees it. */
  async admit(gp: Page, page: Page): Promise<void> {
    await gp.rosterWhere('the participant connected', (r) =>
      r.participants.some((p) => p.peerId === page.ticket.peerId && p.connected),
    );
    gp.send({ type: 'CK-ADMIT', payload: { peerId: page.ticket.peerId } });
    await page.rosterWhere('admitted', (r) =>
      r.participants.some((p) => p.peerId === page.ticket.peerId && p.admitted),
    );
  }

  async consents(appointmentId: string) {
    await this.server.rooms.recordingWritten();
    return this.server.storage.query<{
      request_id: string;
      peer_id: string;
      role: string;
      name: string;
      answer: string;
    }>('SELECT request_id, peer_id, role, name, answer FROM recording_consent WHERE appointment_id = $1 ORDER BY id', [
      Number(appointmentId),
    ]);
  }

  async recordings(appointmentId: string) {
    await this.server.rooms.recordingWritten();
    return this.server.storage.query<{
      id: string;
      request_id: string;
      capture: string;
      status: string;
      asked_by: string;
      started_at: Date | string;
      ended_at: Date | string | null;
      end_reason: string | null;
    }>('SELECT * FROM recording WHERE appointment_id = $1 ORDER BY started_at', [Number(appointmentId)]);
  }

  /** Every recording event from now on. */
  events() {
    const seen: { type: keyof RecordingEventMap; detail: Record<string, unknown> }[] = [];
    const emitter = this.server.rooms.recordingEvents;
    for (const type of ['started', 'recorded-changed', 'stopped'] as const)
      emitter.on(type, (detail: Record<string, unknown>) => seen.push({ type, detail }));
    return seen;
  }
}

describe('recording consent on the server', () => {
  let setup: Setup;
  const pages: Page[] = [];
  const open1 = async (ticket: Ticket) => {
    const page = await open(setup.url, ticket);
    pages.push(page);
    return page;
  };
  let fixture: BookingFixture;

  before(async () => {
    const { server, url } = await startTestServer(
      { CONSULTKIT_SEED_DEMO: 'false', CONSULTKIT_JOIN_EARLY_MINUTES: '1440' },
      {},
      { now: () => TEST_NOW },
    );
    setup = new Setup(url, server);
    fixture = await seedBookingFixture(server.storage);
    setup.api = new Api(url, fixture.gp.scheduleId);
  });
  after(async () => {
    for (const page of pages) page.close();
    await setup?.server.close();
  });

  /** A clinician and an admitted patient in the call of a new appointment. */
  async function call() {
    const id = await setup.appointment();
    const gp = await open1(await setup.clinician(id));
    const pt = await open1(await setup.patient(id));
    await setup.admit(gp, pt);
    return { id, gp, pt };
  }

  it('a patient or guest cannot ask or stop; malformed commands are refused; a demo consultation cannot be recorded', async () => {
    const { id, gp, pt } = await call();
    assert.match(await refused(pt, { type: 'CK-RECORD-ASK' }), /only a clinician/);
    assert.match(await refused(pt, { type: 'CK-RECORD-STOP' }), /only a clinician/);
    assert.match(await refused(pt, { type: 'CK-RECORD-WITHDRAW' }), /nothing to withdraw/);
    assert.match(await refused(gp, { type: 'CK-RECORD-ASK', payload: { now: true } }), /alone/);
    for (const payload of [
      undefined,
      [],
      { requestId: 'x', agree: true },
      { requestId: '0'.repeat(32) },
      { requestId: '0'.repeat(32), agree: 'yes' },
      { requestId: '0'.repeat(32), agree: true, extra: 1 },
    ])
      assert.ok(
        await refused(pt, { type: 'CK-RECORD-ANSWER', ...(payload === undefined ? {} : { payload }) } as never),
      );
    // Nothing changed: no request, no row.
    await sentinel(pt, gp);
    assert.equal(gp.recording(), undefined);
    assert.deepEqual(await setup.consents(id), []);

    const { token, claims } = setup.server.tokens.issue('demo-record', 'clinician');
    const demo = await open1({ token, peerId: claims.pid } as Ticket);
    assert.match(await refused(demo, { type: 'CK-RECORD-ASK' }), /appointment/);
  });

  it('nobody is recorded until everyone has agreed; then one row, and every page sees it run', async () => {
    const { id, gp, pt } = await call();
    const guest = await open1(await setup.guest(id));
    await setup.admit(gp, guest);
    const events = setup.events();
    gp.send({ type: 'CK-RECORD-ASK' });
    const asked = await pt.recordingWhere('the patient is asked', (s) => s.status === 'asking');
    assert.match(asked.requestId, /^[0-9a-f]{32}$/);
    assert.equal(asked.askedBy, gp.ticket.peerId);
    assert.deepEqual(asked.consents, {
      [gp.ticket.peerId]: 'agreed',
      [pt.ticket.peerId]: 'asked',
      [guest.ticket.peerId]: 'asked',
    });
    // A clinician cannot ask again while one is at work.
    assert.match(await refused(gp, { type: 'CK-RECORD-ASK' }), /already asking/);

    pt.send({ type: 'CK-RECORD-ANSWER', payload: { requestId: asked.requestId, agree: true } });
    const half = await guest.recordingWhere('the patient agreed', (s) => s.consents[pt.ticket.peerId] === 'agreed');
    assert.equal(half.status, 'asking');
    assert.equal(half.recordingId, undefined);
    assert.deepEqual(await setup.recordings(id), []);
    assert.equal(isRecorded(half, pt.ticket.peerId), false);
    // Answering twice is refused.
    assert.match(
      await refused(pt, { type: 'CK-RECORD-ANSWER', payload: { requestId: asked.requestId, agree: true } }),
      /already answered/,
    );

    guest.send({ type: 'CK-RECORD-ANSWER', payload: { requestId: asked.requestId, agree: true } });
    const running = await pt.recordingWhere('it runs', (s) => s.status === 'recording');
    for (const page of [gp, guest]) await page.recordingWhere('it runs there too', (s) => s.status === 'recording');
    assert.match(running.recordingId!, /^[0-9a-f]{32}$/);
    assert.equal(running.capture, 'composite');
    assert.equal(running.startedAt, new Date(TEST_NOW).toISOString());
    for (const page of [gp, pt, guest]) assert.ok(isRecorded(running, page.ticket.peerId));
    const [row, ...more] = await setup.recordings(id);
    assert.equal(more.length, 0);
    assert.equal(row!.id, running.recordingId);
    assert.equal(row!.request_id, running.requestId);
    assert.equal(row!.capture, 'composite');
    assert.equal(row!.status, 'capturing');
    assert.equal(row!.asked_by, gp.ticket.peerId);
    assert.equal(row!.ended_at, null);
    const started = await until('the started event', () => events.find((e) => e.type === 'started'));
    assert.deepEqual(started.detail, {
      cid: `appt-${id}`,
      appointmentId: Number(id),
      recordingId: running.recordingId,
      capture: 'composite',
      recorded: [gp.ticket.peerId, pt.ticket.peerId, guest.ticket.peerId],
    });

    // A clinician stops it: the row is ended, everyone sees why.
    gp.send({ type: 'CK-RECORD-STOP' });
    const stopped = await pt.recordingWhere('stopped', (s) => s.status === 'stopped');
    assert.equal(stopped.reason, 'stopped');
    assert.equal(stopped.endedBy, undefined);
    const [ended] = await setup.recordings(id);
    assert.equal(ended!.end_reason, 'stopped');
    assert.ok(ended!.ended_at);
    assert.deepEqual((await until('the stopped event', () => events.find((e) => e.type === 'stopped'))).detail, {
      cid: `appt-${id}`,
      appointmentId: Number(id),
      recordingId: running.recordingId,
      reason: 'stopped',
    });
  });

  it('a decline ends the request before it runs: declined, no recording row; every ask and answer is stored', async () => {
    const { id, gp, pt } = await call();
    gp.send({ type: 'CK-RECORD-ASK' });
    const asked = await pt.recordingWhere('asked', (s) => s.status === 'asking');
    pt.send({ type: 'CK-RECORD-ANSWER', payload: { requestId: asked.requestId, agree: false } });
    const declined = await gp.recordingWhere('declined', (s) => s.status === 'declined');
    assert.equal(declined.reason, 'declined');
    assert.equal(declined.endedBy, pt.ticket.peerId);
    assert.equal(declined.consents[pt.ticket.peerId], 'declined');
    assert.equal(declined.recordingId, undefined);
    assert.deepEqual(await setup.recordings(id), []);
    assert.deepEqual(
      (await setup.consents(id)).map((r) => [r.request_id, r.peer_id, r.role, r.name, r.answer]),
      [
        [asked.requestId, gp.ticket.peerId, 'clinician', 'Dr Ada Test', 'asked'],
        [asked.requestId, gp.ticket.peerId, 'clinician', 'Dr Ada Test', 'agreed'],
        [asked.requestId, pt.ticket.peerId, 'patient', 'Grace Hopper', 'asked'],
        [asked.requestId, pt.ticket.peerId, 'patient', 'Grace Hopper', 'declined'],
      ],
    );
    // The declined request is over: answering it now is refused, and a new one may be asked.
    assert.match(
      await refused(pt, { type: 'CK-RECORD-ANSWER', payload: { requestId: asked.requestId, agree: true } }),
      /declined/,
    );
    gp.send({ type: 'CK-RECORD-ASK' });
    const again = await pt.recordingWhere('asked again', (s) => s.status === 'asking');
    assert.notEqual(again.requestId, asked.requestId);
    // A stale request id (the first one) is refused; the current one is not.
    assert.match(
      await refused(pt, { type: 'CK-RECORD-ANSWER', payload: { requestId: asked.requestId, agree: true } }),
      /not the current request/,
    );
    pt.send({ type: 'CK-RECORD-ANSWER', payload: { requestId: again.requestId, agree: true } });
    await gp.recordingWhere('the second runs', (s) => s.status === 'recording');
  });

  it('a withdrawal stops it at once, for everyone: stopped, withdrawn, by whom; the row is ended', async () => {
    const { id, gp, pt } = await call();
    const events = setup.events();
    gp.send({ type: 'CK-RECORD-ASK' });
    const asked = await pt.recordingWhere('asked', (s) => s.status === 'asking');
    pt.send({ type: 'CK-RECORD-ANSWER', payload: { requestId: asked.requestId, agree: true } });
    const running = await gp.recordingWhere('runs', (s) => s.status === 'recording');
    pt.send({ type: 'CK-RECORD-WITHDRAW' });
    const stopped = await gp.recordingWhere('stopped', (s) => s.status === 'stopped');
    assert.equal(stopped.reason, 'withdrawn');
    assert.equal(stopped.endedBy, pt.ticket.peerId);
    assert.equal(stopped.consents[pt.ticket.peerId], 'withdrawn');
    assert.equal(isRecorded(stopped, gp.ticket.peerId), false);
    const [row] = await setup.recordings(id);
    assert.equal(row!.id, running.recordingId);
    assert.equal(row!.end_reason, 'withdrawn');
    assert.ok(row!.ended_at);
    assert.deepEqual(
      (await setup.consents(id)).filter((r) => r.peer_id === pt.ticket.peerId).map((r) => r.answer),
      ['asked', 'agreed', 'withdrawn'],
    );
    const stop = await until('the stopped event', () => events.find((e) => e.type === 'stopped'));
    assert.equal(stop.detail['reason'], 'withdrawn');
    assert.equal(stop.detail['endedBy'], pt.ticket.peerId);
  });

  it('someone let in while it runs is asked, not recorded until they agree; their decline stops it', async () => {
    const { id, gp, pt } = await call();
    const events = setup.events();
    gp.send({ type: 'CK-RECORD-ASK' });
    const asked = await pt.recordingWhere('asked', (s) => s.status === 'asking');
    pt.send({ type: 'CK-RECORD-ANSWER', payload: { requestId: asked.requestId, agree: true } });
    await gp.recordingWhere('runs', (s) => s.status === 'recording');

    // A guest waiting is not asked; let in, they are.
    const guest = await open1(await setup.guest(id, 'Carl Carer'));
    await gp.rosterWhere('the guest waits', (r) => r.participants.some((p) => p.peerId === guest.ticket.peerId));
    assert.equal(gp.recording()?.consents[guest.ticket.peerId], undefined);
    await setup.admit(gp, guest);
    const late = await guest.recordingWhere(
      'the late joiner is asked',
      (s) => s.consents[guest.ticket.peerId] === 'asked',
    );
    assert.equal(late.status, 'recording');
    assert.equal(isRecorded(late, guest.ticket.peerId), false);
    assert.equal(isRecorded(late, pt.ticket.peerId), true);
    guest.send({ type: 'CK-RECORD-ANSWER', payload: { requestId: late.requestId, agree: true } });
    const now = await gp.recordingWhere('the late joiner agreed', (s) => s.consents[guest.ticket.peerId] === 'agreed');
    assert.equal(isRecorded(now, guest.ticket.peerId), true);
    const changed = await until('recorded-changed', () => events.find((e) => e.type === 'recorded-changed'));
    assert.deepEqual(changed.detail['recorded'], [gp.ticket.peerId, pt.ticket.peerId, guest.ticket.peerId]);

    // A second late joiner declines: it stops at once.
    const second = await open1(await setup.guest(id, 'Nia Nurse'));
    await setup.admit(gp, second);
    const asking = await second.recordingWhere('asked', (s) => s.consents[second.ticket.peerId] === 'asked');
    second.send({ type: 'CK-RECORD-ANSWER', payload: { requestId: asking.requestId, agree: false } });
    const stopped = await pt.recordingWhere('stopped', (s) => s.status === 'stopped');
    assert.equal(stopped.reason, 'declined');
    assert.equal(stopped.endedBy, second.ticket.peerId);
    assert.equal((await setup.recordings(id))[0]!.end_reason, 'declined');
  });

  it('the asking clinician leaving, or the end of the consultation, stops it: ended', async () => {
    {
      const { id, gp, pt } = await call();
      gp.send({ type: 'CK-RECORD-ASK' });
      const asked = await pt.recordingWhere('asked', (s) => s.status === 'asking');
      pt.send({ type: 'CK-RECORD-ANSWER', payload: { requestId: asked.requestId, agree: true } });
      await pt.recordingWhere('runs', (s) => s.status === 'recording');
      gp.send({ type: 'CK-LEAVE' });
      const stopped = await pt.recordingWhere('stopped', (s) => s.status === 'stopped');
      assert.equal(stopped.reason, 'ended');
      assert.equal((await setup.recordings(id))[0]!.end_reason, 'ended');
    }
    {
      const { id, gp, pt } = await call();
      gp.send({ type: 'CK-RECORD-ASK' });
      const asked = await pt.recordingWhere('asked', (s) => s.status === 'asking');
      pt.send({ type: 'CK-RECORD-ANSWER', payload: { requestId: asked.requestId, agree: true } });
      await pt.recordingWhere('runs', (s) => s.status === 'recording');
      gp.send({ type: 'CK-END' });
      const [row] = await until('the row ended', async () => {
        const rows = await setup.recordings(id);
        return rows[0]?.ended_at ? rows : undefined;
      });
      assert.equal(row!.end_reason, 'ended');
    }
  });

  it('GET /fhir/Consent?patient=: each participant’s answer per request as a FHIR R4 Consent, staff only', async () => {
    const { id, gp, pt } = await call();
    gp.send({ type: 'CK-RECORD-ASK' });
    const first = await pt.recordingWhere('asked', (s) => s.status === 'asking');
    pt.send({ type: 'CK-RECORD-ANSWER', payload: { requestId: first.requestId, agree: false } });
    await gp.recordingWhere('declined', (s) => s.status === 'declined');
    gp.send({ type: 'CK-RECORD-ASK' });
    const second = await pt.recordingWhere(
      'asked again',
      (s) => s.status === 'asking' && s.requestId !== first.requestId,
    );
    pt.send({ type: 'CK-RECORD-ANSWER', payload: { requestId: second.requestId, agree: true } });
    await gp.recordingWhere('runs', (s) => s.status === 'recording');
    pt.send({ type: 'CK-RECORD-WITHDRAW' });
    await gp.recordingWhere('stopped', (s) => s.status === 'stopped');
    await setup.server.rooms.recordingWritten();

    const appointment = (await setup.json<Appointment>('GET', `/fhir/Appointment/${id}`)).body;
    const patientRef = appointment.participant.find((p) => p.actor?.reference?.startsWith('Patient/'))!.actor!
      .reference!;
    const answer = await setup.json<Bundle<Consent>>('GET', `/fhir/Consent?patient=${patientRef}`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.resourceType, 'Bundle');
    assert.equal(answer.body.type, 'searchset');
    const consents = answer.body.entry!.map((e) => e.resource!);
    const of = (requestId: string, peerId: string) =>
      consents.find((c) => c.identifier?.[0]?.value === `${requestId}/${peerId}`);
    // Newest request first; one Consent per participant asked.
    assert.equal(consents.length, 4);
    assert.equal(consents[0]!.identifier![0]!.value!.split('/')[0], second.requestId);
    const withdrawn = of(second.requestId, pt.ticket.peerId)!;
    assert.equal(withdrawn.status, 'inactive');
    assert.equal(withdrawn.scope.coding![0]!.code, 'patient-privacy');
    assert.equal(withdrawn.scope.coding![0]!.system, 'http://terminology.hl7.org/CodeSystem/consentscope');
    assert.deepEqual(withdrawn.category[0]!.coding![0], {
      system: 'http://loinc.org',
      code: '59284-0',
      display: 'Patient Consent',
    });
    assert.equal(withdrawn.patient!.reference, patientRef);
    assert.deepEqual(withdrawn.performer, [{ reference: patientRef, display: 'Grace Hopper' }]);
    assert.equal(withdrawn.policyRule!.coding![0]!.code, 'OPTIN');
    assert.equal(withdrawn.provision!.type, 'permit');
    assert.equal(withdrawn.provision!.action![0]!.coding![0]!.code, 'collect');
    assert.ok(withdrawn.provision!.period?.start && withdrawn.provision.period.end);
    assert.equal(of(second.requestId, gp.ticket.peerId)!.status, 'active');
    assert.deepEqual(of(second.requestId, gp.ticket.peerId)!.performer, [{ display: 'Dr Ada Test (clinician)' }]);
    const declined = of(first.requestId, pt.ticket.peerId)!;
    assert.equal(declined.status, 'rejected');
    assert.equal(declined.provision!.type, 'deny');
    assert.equal(declined.provision!.period, undefined);

    // Who may call it: staff only. A stranger and a patient's session get a 401 OperationOutcome.
    const stranger = await setup.api.call<{ resourceType: string }>('GET', `/fhir/Consent?patient=${patientRef}`);
    assert.equal(stranger.status, 401);
    assert.equal(stranger.body.resourceType, 'OperationOutcome');
    const withPatientToken = await setup.api.call<{ resourceType: string }>(
      'GET',
      `/fhir/Consent?patient=${patientRef}`,
      {
        headers: { authorization: `Bearer ${pt.ticket.token}` },
      },
    );
    assert.ok([401, 403].includes(withPatientToken.status), String(withPatientToken.status));
    // Odd parameters: a 400 OperationOutcome each, never a 5xx.
    for (const query of [
      '',
      'patient=',
      'patient=Patient/x',
      `patient=${patientRef}&patient=${patientRef}`,
      `patient=${patientRef}&status=active`,
      `patient=${patientRef}&_count=-1`,
      `patient=${patientRef}&_count=1&_count=2`,
      'patient=Patient/99999999999',
    ]) {
      const odd = await setup.json<{ resourceType: string }>('GET', `/fhir/Consent?${query}`);
      assert.equal(odd.status, 400, query);
      assert.equal(odd.body.resourceType, 'OperationOutcome', query);
    }
    // Another patient's consents are not theirs.
    const other = await setup.json<Bundle>('GET', '/fhir/Consent?patient=Patient/999999');
    assert.equal(other.status, 200);
    assert.equal(other.body.entry?.length ?? 0, 0);
    const one = await setup.json<Bundle>('GET', `/fhir/Consent?patient=${patientRef}&_count=1`);
    assert.equal(one.body.entry?.length, 2);
  });

  it('a patient who leaves while asked no longer holds the request up', async () => {
    const { gp, pt, id } = await call();
    const guest = await open1(await setup.guest(id));
    await setup.admit(gp, guest);
    gp.send({ type: 'CK-RECORD-ASK' });
    const asked = await guest.recordingWhere('asked', (s) => s.status === 'asking');
    guest.send({ type: 'CK-RECORD-ANSWER', payload: { requestId: asked.requestId, agree: true } });
    await gp.recordingWhere('the guest agreed', (s) => s.consents[guest.ticket.peerId] === 'agreed');
    pt.send({ type: 'CK-LEAVE' });
    const running = await gp.recordingWhere('runs', (s) => s.status === 'recording');
    assert.equal(isRecorded(running, pt.ticket.peerId), false);
  });
});

const DATABASE_URL = process.env['DATABASE_URL'];
const several = skippable(DATABASE_URL ? false : 'DATABASE_URL is not set: two instances need PostgreSQL');

describe('recording consent across two instances on one PostgreSQL', () => {
  let database: { url: string; dispose(): Promise<void> } | undefined;
  const setups: Setup[] = [];
  const pages: Page[] = [];

  several.before(async () => {
    database = await freshPostgresDatabase();
    const env = { DATABASE_URL: database!.url, CONSULTKIT_SEED_DEMO: 'false', CONSULTKIT_JOIN_EARLY_MINUTES: '1440' };
    for (const name of ['one', 'two']) {
      const { server, url } = await startTestServer(env, {}, { instance: name, now: () => TEST_NOW });
      setups.push(new Setup(url, server));
    }
    const fixture = await seedBookingFixture(setups[0]!.server.storage);
    for (const setup of setups) setup.api = new Api(setup.url, fixture.gp.scheduleId);
  });
  several.after(async () => {
    for (const page of pages) page.close();
    for (const setup of setups) await setup.server.close().catch(() => undefined);
    await database?.dispose();
  });

  several.it(
    'a clinician on one and a patient and guest on the other: the same state everywhere, one row',
    async () => {
      const [one, two] = setups as [Setup, Setup];
      const id = await one.appointment();
      const gp = await open(one.url, await one.clinician(id));
      const pt = await open(two.url, await two.patient(id));
      const guest = await open(two.url, await two.guest(id));
      pages.push(gp, pt, guest);
      await one.admit(gp, pt);
      await one.admit(gp, guest);
      const events = one.events();
      gp.send({ type: 'CK-RECORD-ASK' });
      const asked = await pt.recordingWhere('asked on instance two', (s) => s.status === 'asking');
      // Both answer at once on instance two: both count, and instance one (the asker's) starts it.
      pt.send({ type: 'CK-RECORD-ANSWER', payload: { requestId: asked.requestId, agree: true } });
      guest.send({ type: 'CK-RECORD-ANSWER', payload: { requestId: asked.requestId, agree: true } });
      const there = await pt.recordingWhere('runs on instance two', (s) => s.status === 'recording');
      const here = await gp.recordingWhere('runs on instance one', (s) => s.status === 'recording');
      assert.deepEqual(here, there);
      await until('the started event on the asker’s instance', () => events.find((e) => e.type === 'started'));
      const rows = await one.recordings(id);
      assert.deepEqual(
        rows.map((r) => r.id),
        [here.recordingId],
      );
      // A withdrawal on instance two stops it on instance one at once.
      pt.send({ type: 'CK-RECORD-WITHDRAW' });
      const stopped = await gp.recordingWhere('stopped on instance one', (s) => s.status === 'stopped');
      assert.equal(stopped.reason, 'withdrawn');
      assert.equal(stopped.endedBy, pt.ticket.peerId);
      // Instance one, where a Janus capture of it would run, hears the stop as an event too.
      const heard = await until('the stopped event on the asker’s instance', () =>
        events.find((e) => e.type === 'stopped'),
      );
      assert.deepEqual(heard.detail, {
        cid: `appt-${id}`,
        appointmentId: Number(id),
        recordingId: here.recordingId,
        reason: 'withdrawn',
        endedBy: pt.ticket.peerId,
      });
      await until('the row ended', async () => (await two.recordings(id))[0]?.end_reason === 'withdrawn');
    },
  );
});
