import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import {
  Consultation,
  ConsultKitError,
  Recording,
  recordingTransitions,
  type ConsultationEvents,
  type JoinTicket,
} from '@consultkit/core';
import type { RecordCommand, RecordingState } from '../contract/recording.js';
import {
  consultations as useConsultations,
  consultationId,
  until,
  untilStatus,
} from '../../../../test-support/browser.js';

const REQ = '0123456789abcdef0123456789abcdef';
const REC = 'fedcba9876543210fedcba9876543210';

function state(patch: Partial<RecordingState> = {}): RecordingState {
  return {
    requestId: REQ,
    status: 'asking',
    askedBy: 'ck-gp',
    consents: { 'ck-gp': 'agreed', 'ck-me': 'asked' },
    ...patch,
  };
}

describe('recording consent in core: transitions (pure)', () => {
  it('asked once per request; started once; stopped with the reason and who', () => {
    expect(recordingTransitions(null, state(), 'ck-me')).to.deep.equal([
      ['recording-asked', { requestId: REQ, askedBy: 'ck-gp' }],
    ]);
    // The same request again (another roster): nothing new.
    expect(recordingTransitions(state(), state(), 'ck-me')).to.deep.equal([]);
    // The clinician who asked is not asked.
    expect(recordingTransitions(null, state(), 'ck-gp')).to.deep.equal([]);
    const running = state({
      status: 'recording',
      recordingId: REC,
      capture: 'composite',
      consents: { 'ck-gp': 'agreed', 'ck-me': 'agreed' },
    });
    expect(recordingTransitions(state(), running, 'ck-me')).to.deep.equal([
      ['recording-started', { requestId: REQ, recordingId: REC, capture: 'composite' }],
    ]);
    const stopped = { ...running, status: 'stopped' as const, reason: 'withdrawn' as const, endedBy: 'ck-me' };
    expect(recordingTransitions(running, stopped, 'ck-gp')).to.deep.equal([
      ['recording-stopped', { requestId: REQ, reason: 'withdrawn', endedBy: 'ck-me', started: true }],
    ]);
    const declined = state({ status: 'declined', reason: 'declined', endedBy: 'ck-me' });
    expect(recordingTransitions(state(), declined, 'ck-gp')).to.deep.equal([
      ['recording-stopped', { requestId: REQ, reason: 'declined', endedBy: 'ck-me', started: false }],
    ]);
    // A page that arrives while it runs and has not answered: asked; the recording runs already.
    const late = { ...running, consents: { ...running.consents, 'ck-late': 'asked' as const } };
    expect(recordingTransitions(null, late, 'ck-late').map(([type]) => type)).to.deep.equal([
      'recording-asked',
      'recording-started',
    ]);
  });
});

describe('recording consent in core: the piece, with a fake socket', () => {
  function piece(role: 'clinician' | 'patient' = 'patient') {
    const sent: RecordCommand[] = [];
    const events: [string, unknown][] = [];
    const recording = new Recording({
      you: role === 'clinician' ? 'ck-gp' : 'ck-me',
      role,
      send: (command) => (sent.push(command), true),
      emit: (type, detail) => events.push([type, detail]),
      live: () => true,
    });
    return { recording, sent, events };
  }

  it('answerRecording sends the request id, is pending until the roster shows the answer, then resolves', async () => {
    const { recording, sent, events } = piece();
    recording.fromServer(state());
    expect(events.map(([type]) => type)).to.deep.equal(['recording-changed', 'recording-asked']);
    const answered = recording.answer(true);
    expect(sent).to.deep.equal([{ type: 'CK-RECORD-ANSWER', payload: { requestId: REQ, agree: true } }]);
    expect(recording.state.get().pending).to.equal('CK-RECORD-ANSWER');
    recording.fromServer(state({ consents: { 'ck-gp': 'agreed', 'ck-me': 'agreed' } }));
    await answered;
    expect(recording.state.get().pending).to.equal(null);
  });

  it('a refusal rejects the command with a ConsultKitError; nothing to answer rejects at once', async () => {
    const { recording } = piece();
    let error: unknown = await recording.answer(true).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ConsultKitError);
    expect((error as ConsultKitError).code).to.equal('invalid-state');
    recording.fromServer(state());
    const answered = recording.answer(false);
    expect(recording.refused('CK-RECORD-ANSWER', 'not the current request to record')).to.equal(true);
    error = await answered.catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ConsultKitError);
    expect((error as ConsultKitError).message).to.contain('not the current request');
    expect(recording.refused('CK-ADMIT', 'x')).to.equal(false);
    error = await recording.ask().catch((e: unknown) => e);
    expect((error as ConsultKitError).message).to.contain('for a clinician');
  });
});

/**
 * A booked video appointment: the patient's ticket (its link redeemed) and a clinician's (staff),
 * through the test page's same-origin proxy.
 */
async function appointmentTickets(): Promise<{ patient: JoinTicket; clinician: JoinTicket }> {
  const { id, link } = (await executeServerCommand('ck-video-appointment')) as { id: string; link: string };
  const { key } = (await executeServerCommand('ck-staff-key')) as { key: string };
  const response = await fetch(`/api/consultations/${id}/clinician-token`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}` },
  });
  expect(response.status).to.equal(200);
  const clinician = (await response.json()) as JoinTicket;
  const patient = await Consultation.redeem(location.origin, link);
  return { patient, clinician };
}

function record<K extends keyof ConsultationEvents>(consultation: Consultation, type: K): ConsultationEvents[K][] {
  const seen: ConsultationEvents[K][] = [];
  consultation.on(type, (detail) => seen.push(detail));
  return seen;
}

describe('recording consent in core, with the real server and real peers', () => {
  const consultations = useConsultations();
  const open: Consultation[] = [];
  afterEach(() => {
    for (const consultation of open.splice(0)) consultation.hangUp();
  });

  it('the clinician asks, the patient is asked and agrees: it runs on both sides; the patient withdraws: stopped on both', async () => {
    const server = consultations.server;
    const tickets = await appointmentTickets();
    const patient = new Consultation({ server, ticket: tickets.patient });
    const clinician = new Consultation({ server, ticket: tickets.clinician });
    open.push(patient, clinician);
    await patient.join();
    await clinician.join();
    await until(() => clinician.state.get().participants.some((p) => p.presence === 'waiting'), 'the patient waiting');
    clinician.admit(tickets.patient.peerId);
    await untilStatus(patient, 'in-call', 20_000);

    // A patient cannot ask.
    const notClinician = await patient.askToRecord().catch((e: unknown) => e);
    expect(notClinician).to.be.instanceOf(ConsultKitError);

    const asked = record(patient, 'recording-asked');
    const started = [record(patient, 'recording-started'), record(clinician, 'recording-started')];
    const stopped = [record(patient, 'recording-stopped'), record(clinician, 'recording-stopped')];
    const changed = record(clinician, 'recording-changed');
    await clinician.askToRecord();
    expect(clinician.state.get().recording?.status).to.equal('asking');
    await until(() => asked.length === 1, 'the patient asked');
    expect(asked[0]!.askedBy).to.equal(tickets.clinician.peerId);
    expect(patient.state.get().recording?.consents[tickets.patient.peerId]).to.equal('asked');
    // Asking again while one is at work is refused here.
    expect(await clinician.askToRecord().catch((e: unknown) => e)).to.be.instanceOf(ConsultKitError);

    await patient.answerRecording(true);
    await until(() => started.every((list) => list.length === 1), 'recording-started on both sides');
    const running = clinician.state.get().recording!;
    expect(running.status).to.equal('recording');
    expect(running.recordingId).to.match(/^[0-9a-f]{32}$/);
    expect(started[0]![0]!.recordingId).to.equal(running.recordingId);
    expect(started[1]![0]!.capture).to.equal('composite');
    expect(changed.at(-1)?.status).to.equal('recording');

    await patient.withdrawRecordingConsent();
    await until(() => stopped.every((list) => list.length === 1), 'recording-stopped on both sides');
    for (const list of stopped)
      expect(list[0]).to.deep.equal({
        requestId: running.requestId,
        reason: 'withdrawn',
        endedBy: tickets.patient.peerId,
        started: true,
      });
    expect(patient.state.get().recording?.status).to.equal('stopped');
  });

  it('a refusal from the server rejects the command with a ConsultKitError (a demo consultation cannot be recorded)', async () => {
    const id = consultationId();
    const clinician = await consultations.create(id, 'clinician');
    await clinician.join();
    const errors = record(clinician, 'error');
    const error = await clinician.askToRecord().catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ConsultKitError);
    expect((error as ConsultKitError).message).to.contain('appointment');
    expect(errors).to.deep.equal([]);
  });
});
