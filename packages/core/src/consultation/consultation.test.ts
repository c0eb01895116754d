import { expect } from '@open-wc/testing';
import { Consultation, ConsultKitError } from '@consultkit/core';
import {
  consultations as useConsultations,
  consultationId,
  framesDecoded,
  selectedCandidateType,
  sentTrack,
  ticket,
  turnServers,
  until,
  untilStatus,
} from '../../../../test-support/browser.js';

describe('Consultation (real signalling server, real WebRTC)', () => {
  const consultations = useConsultations();
  const pair = consultations.pair;

  it('connects two participants and the receiving side decodes frames', async () => {
    const { patient, clinician } = await pair();
    expect(patient.state.get().remoteStream?.getVideoTracks()).to.have.length(1);
    expect(clinician.state.get().remoteStream?.getAudioTracks()).to.have.length(1);

    await until(async () => (await framesDecoded(patient.peerConnection)) > 0, 'a first decoded frame');
    const before = await framesDecoded(patient.peerConnection);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = await framesDecoded(patient.peerConnection);
    expect(after, 'framesDecoded rises over one second').to.be.greaterThan(before);
    // The clinician receives the patient's video too.
    await until(async () => (await framesDecoded(clinician.peerConnection)) > 0, 'clinician decoding');
  });

  it('connects whichever side arrives first', async () => {
    const id = consultationId();
    const clinician = await consultations.create(id, 'clinician');
    const patient = await consultations.create(id, 'patient');
    await clinician.join();
    expect(clinician.state.get().status).to.equal('waiting');
    await patient.join();
    await untilStatus(clinician, 'in-call');
    await untilStatus(patient, 'in-call');
  });

  it('connects when the patient arrives after the server has expired the clinician’s first call', async function () {
    this.timeout(30_000);
    const id = consultationId();
    const clinician = await consultations.create(id, 'clinician');
    await clinician.join();
    // The PeerJS server holds an offer for an absent peer for 5 s, then expires it.
    await new Promise((resolve) => setTimeout(resolve, 7000));
    expect(clinician.state.get().status).to.equal('waiting');
    const patient = await consultations.create(id, 'patient');
    await patient.join();
    await untilStatus(patient, 'in-call');
    await untilStatus(clinician, 'in-call');
    await until(async () => (await framesDecoded(clinician.peerConnection)) > 0, 'clinician decoding');
  });

  it('calls through our TURN relay when the ticket says relay only', async function () {
    const turn = await turnServers();
    if (!turn.iceServers) {
      console.log(`skipped: ${turn.skip}`);
      this.skip();
    }
    const { patient, clinician } = await pair({
      ticket: { iceServers: turn.iceServers!, iceTransportPolicy: 'relay' },
    });
    await until(async () => (await framesDecoded(patient.peerConnection)) > 0, 'frames through the relay');
    expect(await selectedCandidateType(patient.peerConnection)).to.equal('relay');
    expect(await selectedCandidateType(clinician.peerConnection)).to.equal('relay');
  });

  it('mute disables the sent audio track, and unmute enables it', async () => {
    const { clinician } = await pair();
    const audio = sentTrack(clinician.peerConnection, 'audio');
    expect(audio?.enabled).to.equal(true);
    clinician.setMuted(true);
    expect(clinician.state.get().muted).to.equal(true);
    expect(sentTrack(clinician.peerConnection, 'audio')?.enabled).to.equal(false);
    clinician.setMuted(false);
    expect(sentTrack(clinician.peerConnection, 'audio')?.enabled).to.equal(true);
  });

  it('camera off disables the sent video track', async () => {
    const { patient } = await pair();
    patient.setCameraOff(true);
    expect(sentTrack(patient.peerConnection, 'video')?.enabled).to.equal(false);
    expect(patient.state.get().cameraOff).to.equal(true);
  });

  it('hang up ends the remote side’s call', async () => {
    const { patient, clinician } = await pair();
    const reasons: string[] = [];
    patient.on('ended', ({ reason }) => reasons.push(reason));
    clinician.hangUp();
    expect(clinician.state.get().status).to.equal('ended');
    await untilStatus(patient, 'ended');
    expect(reasons).to.deep.equal(['remote-hang-up']);
    expect(patient.state.get().remoteStream).to.equal(null);
    expect(patient.state.get().localStream).to.equal(null);
  });

  it('fails with a typed error when the server refuses the token', async () => {
    const good = await ticket(consultationId(), 'patient');
    const consultation = await consultations.create(consultationId(), 'patient', {
      ticket: { ...good, token: `${good.token.split('.')[0]}.AAAA` },
      options: { signallingTimeoutMs: 5000 },
    });
    const error = await consultation.join().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ConsultKitError);
    expect((error as ConsultKitError).code).to.equal('signalling-unreachable');
    expect(consultation.state.get().status).to.equal('failed');
    expect(consultation.state.get().localStream).to.equal(null);
  });

  it('refuses a malformed ticket with a typed error', () => {
    expect(() => new Consultation({ server: consultations.server, ticket: { role: 'patient' } as never }))
      .to.throw(ConsultKitError)
      .with.property('code', 'invalid-argument');
  });

  it('refuses join() twice', async () => {
    const { patient } = await pair();
    const error = await patient.join().then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as ConsultKitError).code).to.equal('invalid-state');
  });
});
