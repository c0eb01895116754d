import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import type { Consultation, JoinTicket, Role } from '@consultkit/core';
import {
  consultations as useConsultations,
  consultationId,
  framesDecoded,
  until,
  untilStatus,
} from '../../../../test-support/browser.js';

/** A ticket of its own for a guest or a further clinician (`who` makes their peer id). */
async function ticketFor(id: string, role: Role, who: string, kind?: string): Promise<JoinTicket> {
  const name = `${role} ${who}`;
  return (await executeServerCommand('ck-ticket', { consultation: id, role, who, name, kind })) as JoinTicket;
}

/** Plays a received stream, muted, as a view would. */
function play(stream: MediaStream): void {
  const audio = document.createElement('audio');
  audio.muted = true;
  audio.srcObject = stream;
  document.body.append(audio);
  void audio.play();
  after(() => audio.remove());
}

/** Resolves once `page` decodes frames from every one of `others`. */
async function decodesEveryone(page: Consultation, others: Consultation[], timeoutMs = 20_000): Promise<void> {
  for (const other of others) {
    const peerId = other.state.get().self!.peerId;
    await until(
      async () => (await framesDecoded(page.peerConnectionWith(peerId))) > 0,
      `${page.state.get().role} decoding ${other.state.get().role} ${peerId}`,
      timeoutMs,
    );
  }
}

describe('Consultation: a room of more than two (mesh)', () => {
  const consultations = useConsultations();

  /** A clinician and a patient in the call, and `guests` guests (interpreter, carer…) waiting. */
  async function room(id: string, extra: { role: Role; who: string; kind?: string }[]) {
    const clinician = await consultations.create(id, 'clinician');
    const patient = await consultations.create(id, 'patient');
    const others: Consultation[] = [];
    for (const { role, who, kind } of extra) {
      others.push(await consultations.create(id, role, { ticket: await ticketFor(id, role, who, kind) }));
    }
    await clinician.join();
    await patient.join();
    for (const other of others) await other.join();
    return { clinician, patient, others };
  }

  function waitingFor(clinician: Consultation, page: Consultation): Promise<void> {
    const peerId = page.state.get().self!.peerId;
    return until(
      () => clinician.state.get().participants.find((p) => p.peerId === peerId)?.presence === 'waiting',
      `${peerId} waiting`,
    );
  }

  it('three participants (clinician, patient, interpreter) each decode both others', async function () {
    this.timeout(60_000);
    const id = consultationId();
    const { clinician, patient, others } = await room(id, [{ role: 'guest', who: 'g1', kind: 'interpreter' }]);
    const guest = others[0]!;
    await waitingFor(clinician, patient);
    await waitingFor(clinician, guest);
    const entry = clinician.state.get().participants.find((p) => p.peerId === guest.state.get().self!.peerId)!;
    expect(entry).to.include({ role: 'guest', kind: 'interpreter', name: 'guest g1', presence: 'waiting' });
    clinician.admit(patient.state.get().self!.peerId);
    clinician.admit(guest.state.get().self!.peerId);
    for (const page of [clinician, patient, guest]) await untilStatus(page, 'in-call', 20_000);
    await decodesEveryone(clinician, [patient, guest]);
    await decodesEveryone(patient, [clinician, guest]);
    await decodesEveryone(guest, [clinician, patient]);
    for (const page of [clinician, patient, guest]) {
      expect(page.state.get().participants.filter((p) => p.presence === 'admitted')).to.have.length(2);
      expect(page.state.get().participants.every((p) => p.stream !== null)).to.equal(true);
    }
    // Each link is measured on its own: the clinician grades both others' networks…
    await until(
      () => clinician.state.get().participants.every((p) => p.networkQuality !== 'unknown'),
      'a network quality for each participant',
      15_000,
    );
    // …and hears each of them (the fake microphone beeps) as speaking at some point, once their
    // audio plays (as a view plays it; the browser measures levels only then).
    for (const { stream } of clinician.state.get().participants) play(stream!);
    const heard = new Set<string>();
    const stop = clinician.state.subscribe((s) => s.participants.forEach((p) => p.speaking && heard.add(p.peerId)));
    await until(() => heard.size === 2, 'both others heard speaking', 15_000);
    stop();
  });

  it('four participants (two clinicians, patient, carer) each decode all three others', async function () {
    this.timeout(90_000);
    const id = consultationId();
    const { clinician, patient, others } = await room(id, [
      { role: 'clinician', who: 'gp2' },
      { role: 'guest', who: 'g1', kind: 'carer' },
    ]);
    const [second, carer] = others as [Consultation, Consultation];
    await waitingFor(clinician, patient);
    await waitingFor(clinician, carer);
    clinician.admit(patient.state.get().self!.peerId);
    clinician.admit(carer.state.get().self!.peerId);
    const all = [clinician, second, patient, carer];
    for (const page of all) await untilStatus(page, 'in-call', 30_000);
    for (const page of all)
      await decodesEveryone(
        page,
        all.filter((p) => p !== page),
        30_000,
      );
    expect(clinician.state.get().mode).to.equal('mesh');
  });

  it('a waiting guest is connected to the clinician only, and sees and hears nobody', async function () {
    this.timeout(30_000);
    const id = consultationId();
    const { clinician, patient, others } = await room(id, [{ role: 'guest', who: 'g1', kind: 'nurse' }]);
    const guest = others[0]!;
    await waitingFor(clinician, patient);
    clinician.admit(patient.state.get().self!.peerId);
    await untilStatus(patient, 'in-call');
    await waitingFor(clinician, guest);
    // The guest's warm connection with the clinician is up (the sentinel)…
    const clinicianId = clinician.state.get().self!.peerId;
    await until(
      () => guest.peerConnectionWith(clinicianId)?.iceConnectionState === 'connected',
      'the guest’s warm connection',
    );
    // …and there is none with the patient, on either side; the guest is still waiting.
    expect(guest.peerConnectionWith(patient.state.get().self!.peerId)).to.equal(null);
    expect(patient.peerConnectionWith(guest.state.get().self!.peerId)).to.equal(null);
    expect(guest.state.get().status).to.equal('waiting');
    expect(guest.state.get().participants.every((p) => p.stream === null)).to.equal(true);
  });

  it('a guest admitted, leaving and rejoining: the others carry on', async function () {
    this.timeout(60_000);
    const id = consultationId();
    const guestTicket = await ticketFor(id, 'guest', 'g1', 'interpreter');
    const { clinician, patient } = await room(id, []);
    const guest = await consultations.create(id, 'guest', { ticket: guestTicket });
    await guest.join();
    await waitingFor(clinician, patient);
    await waitingFor(clinician, guest);
    const guestId = guestTicket.peerId;
    clinician.admit(patient.state.get().self!.peerId);
    clinician.admit(guestId);
    await untilStatus(guest, 'in-call', 20_000);
    await decodesEveryone(guest, [clinician, patient]);

    const left: string[] = [];
    patient.on('remote-left', ({ remotePeerId }) => left.push(remotePeerId));
    guest.hangUp(); // a guest's hang-up is leaving
    expect(guest.state.get()).to.include({ status: 'ended', endReason: 'local-hang-up' });
    for (const page of [clinician, patient]) {
      await until(
        () => page.state.get().participants.find((p) => p.peerId === guestId)?.presence === 'left',
        'the guest listed as left',
      );
    }
    expect(left).to.deep.equal([guestId]);
    // The clinician and the patient carry on.
    expect(patient.state.get().status).to.equal('in-call');
    const before = await framesDecoded(patient.peerConnection);
    await until(async () => (await framesDecoded(patient.peerConnection)) > before + 10, 'the patient still decoding');

    // The guest comes back (a new page, the same ticket): still admitted, straight into the call.
    const back = await consultations.create(id, 'guest', { ticket: guestTicket });
    await back.join();
    await untilStatus(back, 'in-call', 20_000);
    await decodesEveryone(back, [clinician, patient]);
    await decodesEveryone(patient, [back]);
    expect(clinician.state.get().participants.find((p) => p.peerId === guestId)?.presence).to.equal('admitted');
  });

  it('the patient leaving does not end it for the clinician; the clinician ending ends it for everyone', async function () {
    this.timeout(60_000);
    const id = consultationId();
    const { clinician, patient, others } = await room(id, [{ role: 'guest', who: 'g1', kind: 'carer' }]);
    const carer = others[0]!;
    await waitingFor(clinician, patient);
    await waitingFor(clinician, carer);
    clinician.admit(patient.state.get().self!.peerId);
    clinician.admit(carer.state.get().self!.peerId);
    for (const page of [clinician, patient, carer]) await untilStatus(page, 'in-call', 20_000);
    const patientId = patient.state.get().self!.peerId;
    patient.leave();
    await until(
      () => clinician.state.get().participants.find((p) => p.peerId === patientId)?.presence === 'left',
      'the patient listed as left',
    );
    expect(clinician.state.get().status).to.equal('in-call'); // with the carer
    expect(carer.state.get().status).to.equal('in-call');
    expect(() => carer.end())
      .to.throw()
      .with.property('code', 'invalid-state');
    clinician.end();
    expect(clinician.state.get()).to.include({ status: 'ended', endReason: 'local-hang-up' });
    await untilStatus(carer, 'ended');
    expect(carer.state.get().endReason).to.equal('remote-hang-up');
  });

  it('removes a guest from the call with a message; the others carry on', async function () {
    this.timeout(60_000);
    const id = consultationId();
    const { clinician, patient, others } = await room(id, [{ role: 'guest', who: 'g1', kind: 'social-worker' }]);
    const guest = others[0]!;
    await waitingFor(clinician, patient);
    await waitingFor(clinician, guest);
    const guestId = guest.state.get().self!.peerId;
    clinician.admit(patient.state.get().self!.peerId);
    clinician.admit(guestId);
    await untilStatus(guest, 'in-call', 20_000);
    clinician.remove(guestId, 'Thank you, we will carry on without you.');
    expect(clinician.state.get().pending).to.deep.include({ command: 'remove', peerId: guestId });
    await untilStatus(guest, 'ended');
    expect(guest.state.get()).to.include({
      endReason: 'removed',
      declineMessage: 'Thank you, we will carry on without you.',
    });
    await until(() => clinician.state.get().pending.length === 0, 'the removal done');
    expect(clinician.state.get().participants.find((p) => p.peerId === guestId)?.presence).to.equal('left');
    expect(patient.state.get().status).to.equal('in-call');
    // Only a clinician removes.
    expect(() => patient.remove(clinician.state.get().self!.peerId))
      .to.throw()
      .with.property('code', 'invalid-state');
  });

  it('commands report progress: admit is pending until the server confirms it', async () => {
    const { patient, clinician } = await consultations.waiting();
    const patientId = patient.state.get().self!.peerId;
    const seen: unknown[] = [];
    const stop = clinician.state.subscribe((s) => seen.push(...s.pending));
    clinician.admit(patientId);
    expect(clinician.state.get().pending).to.deep.equal([{ command: 'admit', peerId: patientId }]);
    await until(() => clinician.state.get().pending.length === 0, 'the admission confirmed');
    stop();
    expect(seen).to.deep.include({ command: 'admit', peerId: patientId });
    await untilStatus(patient, 'in-call');
  });

  it('commands report progress: switching camera is pending while the camera opens', async () => {
    const { patient } = await consultations.pair();
    const cameras = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput');
    const switching = patient.switchCamera(cameras[0]!.deviceId);
    expect(patient.state.get().pending).to.deep.equal([{ command: 'switch-camera' }]);
    await switching;
    expect(patient.state.get().pending).to.deep.equal([]);
  });
});
