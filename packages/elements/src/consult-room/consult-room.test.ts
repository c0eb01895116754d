import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { createStore, type Consultation } from '@consultkit/core';
import './define.js';
import type { ConsultRoom } from './consult-room.js';
import type { ParticipantView, PendingView } from '../internal/participant.js';
import { fakeParticipant, fakeSelf, stopCanvasCameras } from '../internal/fake-participants.js';
import {
  consultations as useConsultations,
  udpOutage,
  consultationId,
  framesDecoded,
  until,
  untilStatus,
} from '../../../../test-support/browser.js';

describe('<consult-room>', () => {
  const consultations = useConsultations();
  const consultation = (id: string, role: 'patient' | 'clinician') => consultations.create(id, role);

  const part = (el: ConsultRoom, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`)!;

  it('is accessible before a consultation is set, with its controls disabled', async () => {
    const el = await fixture<ConsultRoom>(html`<consult-room></consult-room>`);
    expect(part(el, 'status').textContent).to.contain('Not connected yet');
    expect((part(el, 'mute') as HTMLButtonElement).disabled).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('renders the local preview once joined, and is accessible while waiting', async () => {
    const patient = await consultation(consultationId(), 'patient');
    const el = await fixture<ConsultRoom>(html`<consult-room .consultation=${patient}></consult-room>`);
    const statuses: string[] = [];
    el.addEventListener('ck-status-change', (e) => statuses.push(e.detail.status));
    await patient.join();
    await el.updateComplete;
    const local = part(el, 'local-video') as HTMLVideoElement;
    expect(local.srcObject).to.equal(patient.state.get().localStream);
    expect(local.muted, 'own preview is muted').to.equal(true);
    await until(() => local.videoWidth > 0, 'the local preview to play');
    expect(part(el, 'status').textContent).to.contain('You are in the waiting room');
    expect(statuses).to.deep.equal(['checking', 'connecting', 'waiting']);
    await expect(el).to.be.accessible();
  });

  it('hides the other participant until admitted, then shows them; accessible in each state', async () => {
    const { patient, clinician } = await consultations.waiting();
    const el = await fixture<ConsultRoom>(html`<consult-room .consultation=${patient}></consult-room>`);
    expect(part(el, 'status').textContent).to.contain('waiting room');
    expect((part(el, 'remote-video') as HTMLVideoElement).hidden, 'not shown before admission').to.equal(true);
    await expect(el).to.be.accessible();
    clinician.admit();
    await untilStatus(patient, 'in-call');
    await el.updateComplete;
    const remote = part(el, 'remote-video') as HTMLVideoElement;
    expect(remote.hidden).to.equal(false);
    expect(remote.srcObject).to.equal(patient.state.get().remoteStream);
    await until(() => remote.videoWidth > 0, 'remote video to play');
    await until(async () => (await framesDecoded(patient.peerConnection)) > 0, 'decoded frames');
    expect(part(el, 'status').textContent).to.contain('In the call');
    await expect(el).to.be.accessible();
  });

  it('announces arrival and admission in its live region, and shows the network quality', async () => {
    const { clinician } = await consultations.waiting({ options: { qualityIntervalMs: 500 } });
    const room = await fixture<ConsultRoom>(html`<consult-room .consultation=${clinician}></consult-room>`);
    const log = part(room, 'announcements');
    expect(log.getAttribute('role')).to.equal('log');
    expect(part(room, 'status').textContent).to.contain('The patient is waiting');
    clinician.admit();
    await untilStatus(clinician, 'in-call');
    await room.updateComplete;
    expect(log.textContent).to.contain('You let the patient in.');
    await until(() => !!room.shadowRoot!.querySelector('[part~="network"]'), 'the network indicator', 10_000);
    expect(part(room, 'network').textContent).to.match(/Connection: (good|fair|poor)/);
    await expect(room).to.be.accessible();
  });

  it('audio only: a pressed toggle, video stops, the other side is told; accessible', async () => {
    const { patient, clinician } = await consultations.pair();
    const room = await fixture<ConsultRoom>(html`<consult-room .consultation=${patient}></consult-room>`);
    const other = await fixture<ConsultRoom>(html`<consult-room .consultation=${clinician}></consult-room>`);
    const toggle = part(room, 'audio-only') as HTMLButtonElement;
    expect(toggle.getAttribute('aria-pressed')).to.equal('false');
    toggle.click();
    await room.updateComplete;
    expect(toggle.getAttribute('aria-pressed')).to.equal('true');
    await until(() => !patient.peerConnection!.getSenders().some((s) => s.track?.kind === 'video'), 'no video sent');
    await until(() => clinician.state.get().remoteAudioOnly, 'the clinician told');
    await other.updateComplete;
    expect(part(other, 'notice').textContent).to.contain('audio only');
    await expect(other).to.be.accessible();
  });

  it('shows a reconnecting banner through an outage and announces the recovery', async function () {
    this.timeout(60_000);
    const { patient } = await consultations.pair();
    const room = await fixture<ConsultRoom>(html`<consult-room .consultation=${patient}></consult-room>`);
    const outage = await udpOutage(8);
    if (outage.skip) {
      console.log(`skipped: ${outage.skip}`);
      this.skip();
    }
    await untilStatus(patient, 'reconnecting', 20_000);
    await room.updateComplete;
    expect(part(room, 'banner').textContent).to.contain('Reconnecting');
    expect(part(room, 'announcements').textContent).to.contain('Connection lost');
    await expect(room).to.be.accessible();
    await untilStatus(patient, 'in-call', 40_000);
    await room.updateComplete;
    expect(room.shadowRoot!.querySelector('[part~="banner"]')).to.equal(null);
    expect(part(room, 'announcements').textContent).to.contain('Reconnected');
  });

  it('mute toggles the microphone track and aria-pressed', async () => {
    const patient = await consultation(consultationId(), 'patient');
    const el = await fixture<ConsultRoom>(html`<consult-room .consultation=${patient}></consult-room>`);
    await patient.join();
    await el.updateComplete;
    const mute = part(el, 'mute') as HTMLButtonElement;
    const track = patient.state.get().localStream!.getAudioTracks()[0]!;
    expect(mute.getAttribute('aria-pressed')).to.equal('false');

    setTimeout(() => mute.click());
    const event = await oneEvent(el, 'ck-mute-change');
    expect(event.detail).to.deep.equal({ muted: true });
    expect(event.composed && event.bubbles).to.equal(true);
    await el.updateComplete;
    expect(mute.getAttribute('aria-pressed')).to.equal('true');
    expect(track.enabled).to.equal(false);

    mute.click();
    await el.updateComplete;
    expect(mute.getAttribute('aria-pressed')).to.equal('false');
    expect(track.enabled).to.equal(true);
  });

  it('camera toggle disables the video track and sets aria-pressed', async () => {
    const patient = await consultation(consultationId(), 'patient');
    const el = await fixture<ConsultRoom>(html`<consult-room .consultation=${patient}></consult-room>`);
    await patient.join();
    await el.updateComplete;
    const camera = part(el, 'camera') as HTMLButtonElement;
    camera.click();
    await el.updateComplete;
    expect(camera.getAttribute('aria-pressed')).to.equal('true');
    expect(patient.state.get().localStream!.getVideoTracks()[0]!.enabled).to.equal(false);
  });

  it('hang up asks the host first: a cancelled ck-request-leave keeps the call', async () => {
    const patient = await consultation(consultationId(), 'patient');
    const el = await fixture<ConsultRoom>(html`<consult-room .consultation=${patient}></consult-room>`);
    await patient.join();
    await el.updateComplete;
    const veto = (e: Event) => e.preventDefault();
    el.addEventListener('ck-request-leave', veto);
    part(el, 'hang-up').click();
    expect(patient.state.get().status).to.equal('waiting');

    el.removeEventListener('ck-request-leave', veto);
    setTimeout(() => part(el, 'hang-up').click());
    const ended = await oneEvent(el, 'ck-ended');
    expect(ended.detail).to.deep.equal({ reason: 'local-hang-up' });
    await el.updateComplete;
    expect(part(el, 'status').textContent).to.contain('has ended');
    expect(part(el, 'controls').hidden, 'the call controls go once the call is over').to.equal(true);
    expect(part(el, 'hang-up').checkVisibility()).to.equal(false);
    expect(part(el, 'ended').textContent).to.contain('no longer available');
    await expect(el).to.be.accessible();
  });

  it('announces a failure in an alert, and stays accessible', async () => {
    const forged = await consultations.create(consultationId(), 'patient', {
      ticket: { token: 'not.valid' },
      options: { signallingTimeoutMs: 5000 },
    });
    const el = await fixture<ConsultRoom>(html`<consult-room .consultation=${forged}></consult-room>`);
    await forged.join().catch(() => undefined);
    await el.updateComplete;
    expect(part(el, 'status').textContent).to.contain('Could not join');
    expect(part(el, 'error').getAttribute('role')).to.equal('alert');
    await expect(el).to.be.accessible();
  });

  it('when the call ends, both sides are told what happens next and the controls go; accessible', async () => {
    const { patient, clinician } = await consultations.pair();
    const patientRoom = await fixture<ConsultRoom>(html`<consult-room .consultation=${patient}></consult-room>`);
    const clinicianRoom = await fixture<ConsultRoom>(html`<consult-room .consultation=${clinician}></consult-room>`);
    expect(part(patientRoom, 'controls').hidden).to.equal(false);
    // The clinician's hang-up ends it for everyone (a patient's would only be leaving).
    clinician.hangUp();
    await untilStatus(patient, 'ended');
    await patientRoom.updateComplete;
    await clinicianRoom.updateComplete;
    expect(part(patientRoom, 'status').textContent).to.contain('You can close this page');
    expect(part(clinicianRoom, 'status').textContent).to.contain('open the next appointment');
    for (const room of [patientRoom, clinicianRoom]) {
      expect(part(room, 'controls').hidden).to.equal(true);
      expect(part(room, 'announcements').textContent).to.contain('The consultation has ended');
      await expect(room).to.be.accessible();
    }
  });

  it('never crops the other person: the whole remote picture is shown on a neutral background', async () => {
    const el = await fixture<ConsultRoom>(html`<consult-room></consult-room>`);
    const remote = part(el, 'remote-video');
    expect(getComputedStyle(remote).objectFit).to.equal('contain');
    expect(getComputedStyle(remote).backgroundColor).not.to.equal('rgba(0, 0, 0, 0)');
  });

  it('plays the self-view when the room was given its consultation while hidden (as in the vendor console)', async () => {
    const patient = await consultation(consultationId(), 'patient');
    const box = await fixture<HTMLDivElement>(
      html`<div hidden><consult-room .consultation=${patient}></consult-room></div>`,
    );
    const el = box.querySelector('consult-room')!;
    await patient.join();
    await el.updateComplete;
    box.hidden = false;
    await el.updateComplete;
    const local = part(el, 'local-video') as HTMLVideoElement;
    expect(local.muted).to.equal(true);
    await until(() => !local.paused && local.currentTime > 0, 'the self-view to play');
  });
});

/**
 * The room state of the core being rebuilt around participants (`self`, `participants` of
 * `ParticipantState`, `pending`), in a real core store with real canvas `MediaStream`s. Until that
 * core is merged its `Consultation` cannot produce this state, so these tests give the room a
 * stand-in with the same store and commands, and record the commands it is asked for.
 */
function roomConsultation(overrides: Record<string, unknown> = {}) {
  const calls: string[] = [];
  const state = createStore({
    status: 'in-call',
    role: 'clinician',
    admitted: true,
    signalling: 'connected',
    localStream: null,
    remoteStream: null,
    muted: false,
    cameraOff: false,
    audioOnly: false,
    audioOnlyReason: null,
    remoteAudioOnly: false,
    quality: null,
    speakerId: null,
    endReason: null,
    declineMessage: null,
    error: null,
    mode: 'mesh',
    self: fakeSelf(),
    participants: [] as ParticipantView[],
    pending: [] as PendingView[],
    ...overrides,
  });
  const consultation = {
    state,
    on: () => () => undefined,
    admit: (peerId: string) => calls.push(`admit ${peerId}`),
    remove: (peerId: string) => calls.push(`remove ${peerId}`),
    decline: (peerId: string) => calls.push(`decline ${peerId}`),
    join: async () => {
      calls.push('join');
    },
  } as unknown as Consultation;
  return { consultation, state, calls };
}

describe('<consult-room> with a room of any number of participants', () => {
  afterEach(stopCanvasCameras);
  after(() => setViewport({ width: 800, height: 600 }));

  const part = (el: Element, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`)!;
  const grid = (el: ConsultRoom) => el.shadowRoot!.querySelector('participant-grid')!;
  const labels = (el: ConsultRoom) =>
    [...grid(el).shadowRoot!.querySelectorAll('participant-tile')].map((t) =>
      t.shadowRoot!.querySelector('[part~="tile"]')!.getAttribute('aria-label'),
    );

  for (const count of [1, 3, 6]) {
    it(`${count} participant${count > 1 ? 's' : ''}: a tile each, labelled "name, role"; your own view paints frames; accessible`, async () => {
      await setViewport({ width: 1280, height: 800 });
      const others = Array.from({ length: count - 1 }, (_, i) => fakeParticipant(i));
      const { consultation } = roomConsultation({ participants: others });
      const el = await fixture<ConsultRoom>(html`<consult-room .consultation=${consultation}></consult-room>`);
      await grid(el).updateComplete;
      expect(labels(el)).to.have.members([
        'Dr Jane Smith (you), clinician',
        ...others.map((p) => `${p.name}, ${p.kind ?? p.role}`),
      ]);
      expect(el.shadowRoot!.querySelector('[part~="remote-video"]'), 'no two-party video').to.equal(null);
      const selfTile = [...grid(el).shadowRoot!.querySelectorAll('participant-tile')].find(
        (t) => t.participant?.isLocal,
      )!;
      const video = selfTile.shadowRoot!.querySelector('video')!;
      await new Promise((resolve) => video.requestVideoFrameCallback(resolve));
      expect(video.getVideoPlaybackQuality().totalVideoFrames).to.be.greaterThan(0);
      expect(selfTile.getBoundingClientRect().bottom, 'your own view above the fold at 1280×800').to.be.at.most(800);
      await expect(el).to.be.accessible();
    });
  }

  it('does not show participants still waiting, and a waiting page sees only itself', async () => {
    const waiting = fakeParticipant(1, { presence: 'waiting', admitted: false });
    const { consultation } = roomConsultation({ participants: [fakeParticipant(0), waiting] });
    const el = await fixture<ConsultRoom>(html`<consult-room .consultation=${consultation}></consult-room>`);
    await grid(el).updateComplete;
    expect(labels(el)).to.deep.equal(['Sam Patel, patient', 'Dr Jane Smith (you), clinician']);
    expect(part(el, 'status').textContent).to.contain('In the call');

    const guestPage = roomConsultation({
      role: 'guest',
      status: 'waiting',
      self: fakeSelf({
        name: 'Amira Haddad',
        role: 'guest',
        kind: 'interpreter',
        admitted: false,
        presence: 'waiting',
      }),
      participants: [fakeParticipant(0), fakeParticipant(2)],
    });
    const room = await fixture<ConsultRoom>(
      html`<consult-room .consultation=${guestPage.consultation}></consult-room>`,
    );
    await grid(room).updateComplete;
    expect(labels(room)).to.deep.equal(['Amira Haddad (you), interpreter']);
    await expect(room).to.be.accessible();
  });

  it("turns a tile's Admit and Remove into core commands, unless the host prevents them; pending disables Admit", async () => {
    const guest = fakeParticipant(1, { admitted: false });
    const { consultation, state, calls } = roomConsultation({ participants: [fakeParticipant(0), guest] });
    const el = await fixture<ConsultRoom>(html`<consult-room .consultation=${consultation}></consult-room>`);
    await grid(el).updateComplete;
    const tile = [...grid(el).shadowRoot!.querySelectorAll('participant-tile')].find(
      (t) => t.participant?.peerId === guest.peerId,
    )!;
    const button = (name: string) => tile.shadowRoot!.querySelector<HTMLButtonElement>(`[part~="${name}"]`)!;
    const veto = (e: Event) => e.preventDefault();
    el.addEventListener('ck-request-admit', veto, { once: true });
    button('admit').click();
    button('admit').click();
    button('remove').click();
    await until(() => calls.length === 2, 'two commands');
    expect(calls, 'the vetoed admit is not sent').to.deep.equal([`admit ${guest.peerId}`, `remove ${guest.peerId}`]);

    state.update({ pending: [{ command: 'admit', peerId: guest.peerId }] });
    await el.updateComplete;
    await grid(el).updateComplete;
    await tile.updateComplete;
    expect(button('admit').getAttribute('aria-disabled')).to.equal('true');
    button('admit').click();
    button('remove').click(); // the sentinel: this one goes through
    await until(() => calls.length === 3, 'the remove');
    expect(calls[2]).to.equal(`remove ${guest.peerId}`);
    await expect(el).to.be.accessible();
  });

  it('tells a participant who left how to come back, with a Rejoin button in place of the controls; accessible', async () => {
    const { consultation, calls } = roomConsultation({
      role: 'patient',
      status: 'waiting',
      self: fakeSelf({ name: 'Sam Patel', role: 'patient', presence: 'left', admitted: true }),
      participants: [fakeParticipant(2)],
    });
    const el = await fixture<ConsultRoom>(html`<consult-room .consultation=${consultation}></consult-room>`);
    expect(part(el, 'status').textContent).to.contain(
      'You left the consultation. You can rejoin with the button below while the appointment lasts.',
    );
    expect(part(el, 'controls').hidden).to.equal(true);
    expect(el.shadowRoot!.querySelector('participant-grid'), 'no videos after leaving').to.equal(null);
    await expect(el).to.be.accessible();
    part(el, 'rejoin').click();
    await until(() => calls.includes('join'), 'join called');
  });

  it('leaving is not ending: "ended" by your own leaving offers Rejoin; ended for everyone after does not', async () => {
    const { consultation, state } = roomConsultation({
      role: 'guest',
      status: 'ended',
      endReason: 'local-hang-up',
      self: fakeSelf({ name: 'Amira Haddad', role: 'guest', kind: 'interpreter', presence: 'left' }),
      participants: [fakeParticipant(0), fakeParticipant(2)],
    });
    const el = await fixture<ConsultRoom>(html`<consult-room .consultation=${consultation}></consult-room>`);
    expect(part(el, 'status').textContent).to.contain('You left the consultation.');
    expect(el.shadowRoot!.querySelector('[part~="rejoin"]')).to.not.equal(null);
    state.update({ endReason: 'remote-hang-up' });
    await el.updateComplete;
    expect(part(el, 'status').textContent).to.contain('The consultation has ended.');
    expect(el.shadowRoot!.querySelector('[part~="rejoin"]'), 'nothing to rejoin').to.equal(null);
    expect(part(el, 'controls').hidden).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('when the consultation ends: what happens next, no tiles, no controls; accessible', async () => {
    const { consultation } = roomConsultation({
      role: 'patient',
      status: 'ended',
      endReason: 'remote-hang-up',
      self: fakeSelf({ name: 'Sam Patel', role: 'patient' }),
      participants: [fakeParticipant(2)],
    });
    const el = await fixture<ConsultRoom>(html`<consult-room .consultation=${consultation}></consult-room>`);
    expect(part(el, 'status').textContent).to.contain('The consultation has ended. You can close this page.');
    expect(part(el, 'controls').hidden).to.equal(true);
    expect(el.shadowRoot!.querySelector('participant-grid')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('says who joins, waits and leaves in its live region', async () => {
    const patient = fakeParticipant(0);
    const guest = fakeParticipant(1, { presence: 'waiting', admitted: false });
    const { consultation, state } = roomConsultation({ participants: [patient] });
    const el = await fixture<ConsultRoom>(html`<consult-room .consultation=${consultation}></consult-room>`);
    state.update({ participants: [patient, guest] });
    state.update({ participants: [patient, { ...guest, presence: 'admitted', admitted: true }] });
    state.update({
      participants: [
        { ...patient, presence: 'left' },
        { ...guest, presence: 'admitted', admitted: true },
      ],
    });
    await el.updateComplete;
    expect([...part(el, 'announcements').querySelectorAll('p')].map((p) => p.textContent!.trim())).to.deep.equal([
      'Amira Haddad, interpreter is waiting to be let in.',
      'Amira Haddad, interpreter joined the call.',
      'Sam Patel, patient left the call.',
    ]);
    await expect(el).to.be.accessible();
  });
});
