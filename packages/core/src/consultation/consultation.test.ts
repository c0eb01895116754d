import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { Consultation, ConsultKitError, LinkError } from '@consultkit/core';
import {
  consultations as useConsultations,
  consultationId,
  framesDecoded,
  restartServer,
  selectedCandidateType,
  sentTrack,
  ticket,
  turnServers,
  udpOutage,
  udpThrottle,
  until,
  untilStatus,
} from '../../../../test-support/browser.js';

/** Frames the local camera produced, as the sending connection saw them (`media-source` stats). */
async function cameraFrames(pc: RTCPeerConnection | null): Promise<number> {
  let frames = 0;
  (await pc!.getStats()).forEach((r: { type: string; kind?: string; frames?: number }) => {
    if (r.type === 'media-source' && r.kind === 'video') frames = Math.max(frames, r.frames ?? 0);
  });
  return frames;
}

/** RTP packets received on `pc`, by kind. */
async function packetsReceived(pc: RTCPeerConnection | null): Promise<{ audio: number; video: number }> {
  const packets = { audio: 0, video: 0 };
  (await pc!.getStats()).forEach((r: { type: string; kind?: 'audio' | 'video'; packetsReceived?: number }) => {
    if (r.type === 'inbound-rtp' && r.kind) packets[r.kind] += r.packetsReceived ?? 0;
  });
  return packets;
}

describe('Consultation (real signalling server, real WebRTC)', () => {
  const consultations = useConsultations();
  const pair = consultations.pair;

  it('connects two participants and the receiving side decodes frames', async () => {
    const { patient, clinician } = await pair();
    expect(patient.state.get().remoteStream?.getVideoTracks()).to.have.length(1);
    expect(clinician.state.get().remoteStream?.getAudioTracks()).to.have.length(1);

    await until(async () => (await framesDecoded(patient.peerConnection)) > 0, 'a first decoded frame');
    const before = await framesDecoded(patient.peerConnection);
    await until(async () => (await framesDecoded(patient.peerConnection)) > before, 'framesDecoded keeps rising');
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
    await until(() => clinician.state.get().participants[0]?.presence === 'waiting', 'the patient waiting');
    clinician.admit();
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
    await until(() => clinician.state.get().participants[0]?.presence === 'waiting', 'the patient waiting');
    clinician.admit();
    await untilStatus(patient, 'in-call');
    await untilStatus(clinician, 'in-call');
    await until(async () => (await framesDecoded(clinician.peerConnection)) > 0, 'clinician decoding');
  });

  it('cannot reach a participant of another consultation: the server drops the signalling', async () => {
    const victimTicket = await ticket(consultationId(), 'patient');
    const victim = await consultations.create(victimTicket.consultationId, 'patient', { ticket: victimTicket });
    await victim.join();
    // A clinician of another consultation, aimed at the victim's peer id.
    const intruder = await consultations.create(consultationId(), 'clinician', {
      ticket: { remotePeerId: victimTicket.peerId },
    });
    await intruder.join();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(victim.peerConnection, 'no call reached the victim').to.equal(null);
    expect(victim.state.get().participants[0]!.presence).to.equal('absent');
    expect(intruder.state.get().participants[0]!.presence).to.equal('absent');
  });

  describe('join links', () => {
    // The page is served by the test runner, which passes /api to the ConsultKit server: the
    // page's origin stands for the server, as it does on the join page.
    it('redeems a link once into a ticket; a second time says it was used', async () => {
      const { link } = (await executeServerCommand('ck-join-link')) as { link: string };
      const ticket = await Consultation.redeem(location.origin, link, 'patient');
      expect(ticket.role).to.equal('patient');
      expect(ticket.consultationId).to.match(/^appt-\d+$/);
      expect(ticket.appointmentId).to.match(/^\d+$/);
      const again = await Consultation.redeem(location.origin, link).then(
        () => null,
        (e: unknown) => e,
      );
      expect(again).to.be.instanceOf(LinkError);
      expect((again as LinkError).code).to.equal('link-used');
      expect((again as LinkError).status).to.equal(410);
      expect((again as LinkError).opensAt).to.equal(null);
      expect((again as ConsultKitError).message).to.contain('already been used');
    });

    it('refuses a changed link with link-invalid, and a patient link opened as the clinician', async () => {
      const { link } = (await executeServerCommand('ck-join-link')) as { link: string };
      const changed = `${link.slice(0, -3)}${link.endsWith('AAA') ? 'BBB' : 'AAA'}`;
      const invalid = await Consultation.redeem(location.origin, changed).catch((e: ConsultKitError) => e);
      expect((invalid as ConsultKitError).code).to.equal('link-invalid');
      const wrong = await Consultation.redeem(location.origin, link, 'clinician').catch((e: ConsultKitError) => e);
      expect((wrong as ConsultKitError).code).to.equal('link-wrong-role');
    });
  });

  describe('waiting room', () => {
    it('keeps the patient waiting, unseen and unheard, on a warm connection until admitted', async () => {
      const { patient, clinician } = await consultations.waiting();
      const events: string[] = [];
      patient.on('admitted', () => events.push('patient admitted'));
      expect(patient.state.get().status).to.equal('waiting');
      expect(patient.state.get().admitted).to.equal(false);
      // The connection is up already, camera and microphone attached to it…
      await until(() => clinician.peerConnection?.iceConnectionState === 'connected', 'the warm connection');
      expect(sentTrack(patient.peerConnection, 'video')).to.not.equal(null);
      // …but their encodings are inactive: while the camera makes 20 more frames (which an active
      // sender would have sent), no video or audio packet reaches either side.
      const start = await cameraFrames(patient.peerConnection);
      await until(async () => (await cameraFrames(patient.peerConnection)) > start + 20, '20 camera frames');
      for (const pc of [patient.peerConnection, clinician.peerConnection]) {
        expect(await packetsReceived(pc)).to.deep.equal({ audio: 0, video: 0 });
        expect(await framesDecoded(pc)).to.equal(0);
      }
      clinician.admit();
      expect(clinician.state.get().participants[0]?.presence).to.equal('admitted');
      await untilStatus(patient, 'in-call');
      await untilStatus(clinician, 'in-call');
      await until(async () => (await framesDecoded(clinician.peerConnection)) > 0, 'the patient seen');
      await until(async () => (await framesDecoded(patient.peerConnection)) > 0, 'the clinician seen');
      expect(events).to.deep.equal(['patient admitted']);
    });

    it('tells the patient the clinician’s message when declined', async () => {
      const { patient, clinician } = await consultations.waiting();
      const ended: unknown[] = [];
      patient.on('ended', (detail) => ended.push(detail));
      clinician.decline(undefined, 'Please call the surgery to rebook.');
      await untilStatus(patient, 'ended');
      expect(patient.state.get().endReason).to.equal('declined');
      expect(patient.state.get().declineMessage).to.equal('Please call the surgery to rebook.');
      expect(ended).to.deep.equal([{ reason: 'declined', message: 'Please call the surgery to rebook.' }]);
      // The clinician hears of it by the roster, which may come a moment after the patient's end.
      await until(
        () => clinician.state.get().participants[0]?.presence === 'left',
        'the patient gone for the clinician',
      );
    });

    it('only the clinician admits, and only someone who is waiting', async () => {
      const id = consultationId();
      const clinician = await consultations.create(id, 'clinician');
      const patient = await consultations.create(id, 'patient');
      await clinician.join();
      expect(() => clinician.admit())
        .to.throw(ConsultKitError)
        .with.property('code', 'invalid-state');
      await patient.join();
      expect(() => patient.admit())
        .to.throw(ConsultKitError)
        .with.property('code', 'invalid-state');
    });
  });

  describe('in the call', () => {
    it('reports network quality from getStats: good on loopback', async function () {
      this.timeout(20_000);
      const { patient } = await pair({ options: { qualityIntervalMs: 500 } });
      await until(() => patient.state.get().quality !== null, 'a quality sample', 10_000);
      await until(() => patient.state.get().quality?.quality === 'good', 'good quality', 10_000);
      const quality = patient.state.get().quality!;
      expect(quality.rttMs ?? 0).to.be.below(150);
      expect(quality.lossPercent).to.be.below(2);
      expect(quality.receiveKbps).to.be.above(0);
    });

    it('sends audio only on request, tells the other side, and restores video', async () => {
      const { patient, clinician } = await pair();
      patient.setAudioOnly(true);
      await until(() => sentTrack(patient.peerConnection, 'video') === null, 'no video sent');
      expect(patient.state.get().audioOnlyReason).to.equal('chosen');
      expect(sentTrack(patient.peerConnection, 'audio')).to.not.equal(null);
      await until(() => clinician.state.get().remoteAudioOnly, 'the clinician told');
      patient.setAudioOnly(false);
      await until(() => sentTrack(patient.peerConnection, 'video') !== null, 'video sent again');
      await until(() => !clinician.state.get().remoteAudioOnly, 'the clinician told again');
    });

    it('switches microphone mid-call by replacing the sent track', async () => {
      const { patient } = await pair();
      const microphones = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audioinput');
      const current = sentTrack(patient.peerConnection, 'audio')!.getSettings().deviceId;
      const other = microphones.find((m) => m.deviceId && m.deviceId !== 'default' && m.deviceId !== current);
      expect(other, 'the fake devices include a second microphone').to.not.equal(undefined);
      await patient.switchMicrophone(other!.deviceId);
      await until(
        () => sentTrack(patient.peerConnection, 'audio')?.getSettings().deviceId === other!.deviceId,
        'the new microphone on the wire',
      );
      expect(patient.state.get().localStream!.getAudioTracks()[0]!.getSettings().deviceId).to.equal(other!.deviceId);
      patient.setSpeaker('speaker-2');
      expect(patient.state.get().speakerId).to.equal('speaker-2');
    });
  });

  describe('network trouble', () => {
    it('recovers from a 30-second outage by itself', async function () {
      // The longest outage the product promises to ride out: UDP starved for 30 s (as below). Past
      // ICE's own timeout the connection may be closed; then the clinician places a fresh call.
      this.timeout(120_000);
      const { patient, clinician } = await pair();
      await until(async () => (await framesDecoded(patient.peerConnection)) > 0, 'frames');
      const outage = await udpOutage(30);
      if (outage.skip) {
        console.log(`skipped: ${outage.skip}`);
        this.skip();
      }
      await untilStatus(clinician, 'reconnecting', 20_000);
      await new Promise((resolve) => setTimeout(resolve, 25_000));
      await untilStatus(clinician, 'in-call', 45_000);
      await untilStatus(patient, 'in-call', 15_000);
      const before = await framesDecoded(patient.peerConnection);
      await until(async () => (await framesDecoded(patient.peerConnection)) > before + 15, 'frames again', 20_000);
      expect(patient.state.get().participants[0]!.presence).to.equal('admitted');
    });

    it('degrades under a poor network (lower video, then audio only) and restores video after', async function () {
      // How the poor network is made: `tc` throttles all UDP on loopback to 150 kbit/s with a short
      // queue for 14 s, inside the test run's own network namespace; video at 640×480 loses
      // packets and the bandwidth estimate falls. Samples every 500 ms make the ladder quick.
      // Video comes back after three good samples in a row: on a loaded machine the browser's own
      // jitter can keep the line "fair" for a while after the throttle lifts, hence the long waits.
      this.timeout(180_000);
      const { patient, clinician } = await pair({ options: { qualityIntervalMs: 500 } });
      await until(() => patient.state.get().quality?.quality === 'good', 'good quality first', 10_000);
      const throttle = await udpThrottle(14, 150);
      if (throttle.skip) {
        console.log(`skipped: ${throttle.skip}`);
        this.skip();
      }
      await until(() => patient.state.get().quality?.quality === 'poor', 'poor quality', 15_000);
      await until(() => patient.state.get().audioOnlyReason === 'network', 'audio only for the network', 15_000);
      expect(patient.state.get().audioOnly).to.equal(true);
      await until(() => sentTrack(patient.peerConnection, 'video') === null, 'no video sent');
      await until(() => clinician.state.get().remoteAudioOnly, 'the clinician told');
      // The throttle lifts: video comes back by itself, and the clinician is told.
      await until(() => !patient.state.get().audioOnly, 'video restored', 120_000);
      expect(patient.state.get().audioOnlyReason).to.equal(null);
      await until(() => sentTrack(patient.peerConnection, 'video') !== null, 'video sent again');
      await until(() => !clinician.state.get().remoteAudioOnly, 'the clinician told again');
      expect(patient.state.get().status).to.equal('in-call');
    });

    it('carries on when the signalling server restarts mid-call, and reconnects to it', async function () {
      this.timeout(30_000);
      const { patient, clinician } = await pair();
      await until(async () => (await framesDecoded(patient.peerConnection)) > 0, 'frames');
      // What the patient's page goes through: never the waiting room, never admitted a second time.
      const statuses = new Set<string>();
      const stopWatching = patient.state.subscribe(({ status }) => statuses.add(status));
      let admittedAgain = 0;
      patient.on('admitted', () => admittedAgain++);
      let readmitting = false;
      const stopReadmitting = clinician.state.subscribe(({ pending }) => {
        readmitting ||= pending.some((p) => p.command === 'admit');
      });
      await restartServer();
      await until(() => patient.state.get().signalling === 'reconnecting', 'signalling to drop');
      // Media carries on over the same connection while signalling is away (no new call).
      const connection = patient.peerConnection;
      const before = await framesDecoded(connection);
      await until(async () => (await framesDecoded(connection)) > before, 'frames advance meanwhile', 15_000);
      expect(patient.peerConnection, 'the same connection').to.equal(connection);
      expect(patient.state.get().status).to.equal('in-call');
      await until(() => patient.state.get().signalling === 'connected', 'patient signalling back', 15_000);
      await until(() => clinician.state.get().signalling === 'connected', 'clinician signalling back', 15_000);
      // The restarted server's empty roster: the clinician's page admits the patient again.
      await until(() => readmitting && clinician.state.get().pending.length === 0, 'the admission given again', 15_000);
      stopReadmitting();
      const seen = clinician.state.get().participants.find((p) => p.role === 'patient');
      expect(seen).to.include({ admitted: true, presence: 'admitted' });
      const frames = await framesDecoded(connection);
      await until(async () => (await framesDecoded(connection)) > frames, 'frames advance after', 15_000);
      stopWatching();
      expect([...statuses]).not.to.include('waiting');
      expect(admittedAgain).to.equal(0);
      expect(patient.state.get().status).to.equal('in-call');
      // Signalling works again: a hang-up still reaches the other side.
      clinician.hangUp();
      await untilStatus(patient, 'ended');
    });

    it('recovers from a media outage by itself (ICE restart), frames advancing after', async function () {
      // How the outage is forced: `tc` drops every UDP packet on loopback, inside the test run's
      // own network namespace, for 8 s. Signalling (TCP) stays up, so ICE restarts can be
      // negotiated; the media path is lost until the restart finds a working pair.
      this.timeout(60_000);
      const { patient, clinician } = await pair();
      await until(async () => (await framesDecoded(patient.peerConnection)) > 0, 'frames');
      const seen: string[] = [];
      clinician.on('reconnecting', () => seen.push('reconnecting'));
      clinician.on('reconnected', () => seen.push('reconnected'));
      const outage = await udpOutage(8);
      if (outage.skip) {
        console.log(`skipped: ${outage.skip}`);
        this.skip();
      }
      await untilStatus(clinician, 'reconnecting', 20_000);
      await untilStatus(clinician, 'in-call', 40_000);
      await untilStatus(patient, 'in-call', 10_000);
      // Frames flow again once the outage is over (ICE may report connected a little earlier,
      // on the odd packet the outage lets through).
      const before = await framesDecoded(patient.peerConnection);
      await until(
        async () => (await framesDecoded(patient.peerConnection)) > before + 15,
        'frames to advance after recovery',
        20_000,
      );
      expect(seen).to.include.members(['reconnecting', 'reconnected']);
    });
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
    // Refused, not unreachable: retrying will not help (the server was asked why the socket failed).
    expect((error as ConsultKitError).code).to.equal('signalling-refused');
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
