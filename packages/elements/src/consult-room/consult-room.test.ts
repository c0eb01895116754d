import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { executeServerCommand, setViewport } from '@web/test-runner-commands';
import { Chat, createStore, type Consultation, type JoinTicket } from '@consultkit/core';
import './define.js';
import '../waiting-room/define.js';
import type { ConsultRoom } from './consult-room.js';
import type { WaitingRoom } from '../waiting-room/waiting-room.js';
import { fakeParticipant, fakeRoomState, stopCanvasCameras } from '../internal/fake-participants.js';
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
  const tiles = (el: ConsultRoom) => [
    ...el.shadowRoot!.querySelector('participant-grid')!.shadowRoot!.querySelectorAll('participant-tile'),
  ];
  const selfVideo = (el: ConsultRoom) =>
    tiles(el)
      .find((t) => t.participant?.isLocal)!
      .shadowRoot!.querySelector('video')!;
  const otherVideos = (el: ConsultRoom) =>
    tiles(el)
      .filter((t) => !t.participant?.isLocal)
      .map((t) => t.shadowRoot!.querySelector('video')!);
  const settled = async (el: ConsultRoom) => {
    await el.updateComplete;
    const grid = el.shadowRoot!.querySelector('participant-grid');
    await grid?.updateComplete;
    for (const tile of tiles(el)) await tile.updateComplete;
  };

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
    await settled(el);
    const local = selfVideo(el);
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
    await settled(el);
    expect(part(el, 'status').textContent).to.contain('waiting room');
    expect(otherVideos(el), 'nobody else shown before admission').to.have.length(0);
    await expect(el).to.be.accessible();
    clinician.admit();
    await untilStatus(patient, 'in-call');
    await settled(el);
    const [remote] = otherVideos(el);
    expect(remote!.srcObject).to.equal(patient.state.get().remoteStream);
    await until(() => remote!.videoWidth > 0, 'remote video to play');
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
    await until(() => log.textContent!.includes('joined the call.'), 'the patient announced');
    expect(log.textContent, 'one announcement per event').not.to.contain('You let the patient in.');
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
    // A patient's hang-up is leaving: they may come back (see the real three-party tests for Rejoin).
    expect(part(el, 'status').textContent).to.contain('You left the consultation.');
    expect(part(el, 'controls').hidden, 'the call controls go once the call is over').to.equal(true);
    expect(part(el, 'hang-up').checkVisibility()).to.equal(false);
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
    expect(part(patientRoom, 'status').textContent).to.contain('The clinician ended the consultation for everyone.');
    expect(part(patientRoom, 'status').textContent).to.contain('You can close this page');
    expect(part(clinicianRoom, 'status').textContent).to.contain('open the next appointment');
    for (const room of [patientRoom, clinicianRoom]) {
      expect(part(room, 'controls').hidden).to.equal(true);
      expect(part(room, 'announcements').textContent).to.contain('The consultation has ended');
      await expect(room).to.be.accessible();
    }
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
    await settled(el);
    const local = selfVideo(el);
    expect(local.muted).to.equal(true);
    await until(() => !local.paused && local.currentTime > 0, 'the self-view to play');
  });
});

/**
 * A stand-in consultation: core's state in a real core store with real canvas `MediaStream`s, for
 * what the real core cannot easily be made to show here (six participants without Janus, a vetoed
 * or pending command at a chosen moment, a scripted sequence of arrivals); records its commands.
 */
function roomConsultation(overrides: Record<string, unknown> = {}) {
  const calls: string[] = [];
  const state = createStore(fakeRoomState(overrides));
  const consultation = {
    state,
    on: () => () => undefined,
    admit: (peerId: string) => calls.push(`admit ${peerId}`),
    remove: (peerId: string) => calls.push(`remove ${peerId}`),
    decline: (peerId: string) => calls.push(`decline ${peerId}`),
    join: async () => {
      calls.push('join');
    },
    leave: () => calls.push('leave'),
    hangUp: () => calls.push('hang-up'),
  } as unknown as Consultation;
  return { consultation, state, calls };
}

describe('<consult-room> on the real core: clinician, patient and an interpreter', () => {
  const consultations = useConsultations();
  after(() => setViewport({ width: 800, height: 600 }));

  const part = (el: Element, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
  const tiles = (el: ConsultRoom) => [
    ...(el.shadowRoot!.querySelector('participant-grid')?.shadowRoot!.querySelectorAll('participant-tile') ?? []),
  ];
  const labels = (el: ConsultRoom) =>
    tiles(el).map((t) => t.shadowRoot!.querySelector('[part~="tile"]')!.getAttribute('aria-label'));
  const tileOf = (el: ConsultRoom, peerId: string) => tiles(el).find((t) => t.participant?.peerId === peerId);
  const status = (el: ConsultRoom) => part(el, 'status')!.textContent!.replace(/\s+/g, ' ').trim();
  const settled = async (el: ConsultRoom) => {
    await el.updateComplete;
    await el.shadowRoot!.querySelector('participant-grid')?.updateComplete;
    for (const tile of tiles(el)) await tile.updateComplete;
  };
  /** Until `check` holds of the room, re-rendered. */
  const untilRoom = (el: ConsultRoom, check: () => boolean, what: string, timeoutMs = 20_000) =>
    until(
      async () => {
        await settled(el);
        return check();
      },
      what,
      timeoutMs,
    );

  /** A fresh consultation with the three of them joined, each in a room, the clinician's waiting room too. */
  async function three() {
    const id = consultationId();
    const ticketOf = async (role: 'patient' | 'clinician' | 'guest', who: string, name: string, kind?: string) =>
      (await executeServerCommand('ck-ticket', { consultation: id, role, who, name, kind })) as JoinTicket;
    const guestTicket = await ticketOf('guest', 'g1', 'Amira Haddad', 'interpreter');
    const clinician = await consultations.create(id, 'clinician', {
      ticket: await ticketOf('clinician', 'dr-smith', 'Dr Jane Smith'),
    });
    const patient = await consultations.create(id, 'patient');
    const guest = await consultations.create(id, 'guest', { ticket: guestTicket });
    const box = await fixture<HTMLDivElement>(
      html`<div>
        <waiting-room .consultation=${clinician}></waiting-room>
        <consult-room data-who="clinician" .consultation=${clinician}></consult-room>
        <consult-room data-who="patient" .consultation=${patient}></consult-room>
        <consult-room
          data-who="guest"
          .consultation=${guest}
          .rejoin=${() => consultations.create(id, 'guest', { ticket: guestTicket })}
        ></consult-room>
      </div>`,
    );
    const room = (who: string) => box.querySelector<ConsultRoom>(`consult-room[data-who="${who}"]`)!;
    await clinician.join();
    await patient.join();
    await guest.join();
    const ids = {
      clinician: clinician.state.get().self!.peerId,
      patient: patient.state.get().self!.peerId,
      guest: guestTicket.peerId,
    };
    return {
      clinician,
      patient,
      guest,
      ids,
      desk: box.querySelector<WaitingRoom>('waiting-room')!,
      rooms: { clinician: room('clinician'), patient: room('patient'), guest: room('guest') },
    };
  }

  /** Admits both from the clinician's side: the patient from <waiting-room>, the guest from their tile. */
  async function admitted(t: Awaited<ReturnType<typeof three>>) {
    const { clinician, ids, desk, rooms } = t;
    await untilRoom(
      rooms.clinician,
      () => !!tileOf(rooms.clinician, ids.guest)?.shadowRoot!.querySelector('[part~="admit"]'),
      'the waiting guest’s tile with Admit',
    );
    await until(() => desk.shadowRoot!.querySelectorAll('[part~="admit"]').length === 2, 'both in the waiting room');
    const rows = [...desk.shadowRoot!.querySelectorAll('li')].map((li) =>
      li.querySelector('.who')!.textContent!.trim(),
    );
    expect(rows).to.include('Amira Haddad, interpreter');
    await expect(desk).to.be.accessible();
    await expect(rooms.clinician).to.be.accessible();
    const patientRow = [...desk.shadowRoot!.querySelectorAll('li')].find((li) => !li.textContent!.includes('Amira'))!;
    patientRow.querySelector<HTMLButtonElement>('[part~="admit"]')!.click();
    tileOf(rooms.clinician, ids.guest)!.shadowRoot!.querySelector<HTMLButtonElement>('[part~="admit"]')!.click();
    for (const page of [t.clinician, t.patient, t.guest]) await untilStatus(page, 'in-call', 30_000);
    expect(clinician.state.get().participants.filter((p) => p.admitted && p.presence === 'admitted')).to.have.length(2);
  }

  it('three: admitted from <waiting-room> and from the tile; every tile "name, role" with video; accessible', async function () {
    this.timeout(120_000);
    await setViewport({ width: 1280, height: 800 });
    const t = await three();
    await admitted(t);
    const { rooms, patient } = t;
    // The demo patient has no name of their own: the server lists them by their role.
    expect(patient.state.get().self!.name).to.equal('patient');
    const asPatient = 'Patient';
    const expected = {
      clinician: ['Dr Jane Smith (you), clinician', asPatient, 'Amira Haddad, interpreter'],
      patient: ['Dr Jane Smith, clinician', 'You, patient', 'Amira Haddad, interpreter'],
      guest: ['Dr Jane Smith, clinician', asPatient, 'Amira Haddad (you), interpreter'],
    };
    for (const [who, room] of Object.entries(rooms)) {
      await untilRoom(
        room,
        () =>
          tiles(room).length === 3 &&
          tiles(room).every((tile) => tile.shadowRoot!.querySelector('video')!.videoWidth > 0),
        `${who}: three tiles playing`,
        30_000,
      );
      expect(labels(room), who).to.have.members(expected[who as keyof typeof expected]);
      expect(status(room)).to.contain('In the call.');
      await expect(room).to.be.accessible();
    }
    // One announcement per event: the clinician hears each arrival once.
    const said = [...part(rooms.clinician, 'announcements')!.querySelectorAll('p')].map((p) => p.textContent!.trim());
    expect(said.filter((line) => line === 'Amira Haddad, interpreter joined the call.')).to.have.length(1);
    expect(said.join(' ')).not.to.contain('You let the patient in.');
  });

  it('removing the guest: their page says they were removed, with the message; the others carry on; accessible', async function () {
    this.timeout(120_000);
    const t = await three();
    await admitted(t);
    const { rooms, ids, guest, patient } = t;
    await untilRoom(
      rooms.clinician,
      () => !!tileOf(rooms.clinician, ids.guest)?.shadowRoot!.querySelector('[part~="remove"]'),
      'Remove',
    );
    // A host that asks for a message first takes the command over (preventDefault) and removes with it.
    const message = 'Thank you, we have what we need.';
    rooms.clinician.addEventListener(
      'ck-request-remove',
      (e) => {
        e.preventDefault();
        t.clinician.remove(e.detail.peerId, message);
      },
      { once: true },
    );
    tileOf(rooms.clinician, ids.guest)!.shadowRoot!.querySelector<HTMLButtonElement>('[part~="remove"]')!.click();
    await untilStatus(guest, 'ended', 20_000);
    expect(guest.state.get()).to.include({ endReason: 'removed', declineMessage: message });
    await settled(rooms.guest);
    expect(status(rooms.guest)).to.contain('The clinician removed you from the consultation.');
    expect(status(rooms.guest)).to.contain(message);
    expect(part(rooms.guest, 'rejoin'), 'a removed guest cannot rejoin').to.equal(null);
    expect(part(rooms.guest, 'controls')!.hidden).to.equal(true);
    expect(part(rooms.guest, 'announcements')!.textContent).to.contain('The clinician removed you');
    await expect(rooms.guest).to.be.accessible();
    await untilRoom(rooms.patient, () => tiles(rooms.patient).length === 2, 'the guest gone from the patient’s grid');
    expect(part(rooms.patient, 'announcements')!.textContent).to.contain('Amira Haddad, interpreter left the call.');
    expect(patient.state.get().status).to.equal('in-call');
  });

  it('the guest leaves and rejoins: Rejoin makes a new consultation, back in the call for everyone', async function () {
    this.timeout(120_000);
    const t = await three();
    await admitted(t);
    const { rooms, ids, guest, clinician } = t;
    part(rooms.guest, 'hang-up')!.click();
    expect(guest.state.get()).to.include({ status: 'ended', endReason: 'local-hang-up' });
    await settled(rooms.guest);
    expect(status(rooms.guest)).to.contain('You left the consultation. You can rejoin');
    expect(part(rooms.guest, 'controls')!.hidden).to.equal(true);
    await expect(rooms.guest).to.be.accessible();
    await untilRoom(
      rooms.clinician,
      () => !tileOf(rooms.clinician, ids.guest),
      'the guest gone from the clinician’s grid',
    );
    expect(clinician.state.get().participants.find((p) => p.peerId === ids.guest)?.presence).to.equal('left');

    part(rooms.guest, 'rejoin')!.click();
    await until(() => rooms.guest.consultation !== guest, 'a new consultation');
    const back = rooms.guest.consultation!;
    await untilStatus(back, 'in-call', 30_000);
    await untilRoom(rooms.guest, () => tiles(rooms.guest).length === 3, 'three tiles again');
    expect(status(rooms.guest)).to.contain('In the call.');
    await untilRoom(
      rooms.clinician,
      () => !!tileOf(rooms.clinician, ids.guest),
      'the guest back on the clinician’s grid',
    );
    await expect(rooms.guest).to.be.accessible();
  });

  it('the patient leaves: the clinician is told plainly and can end for everyone; all see it ended, in words', async function () {
    this.timeout(120_000);
    const t = await three();
    await admitted(t);
    const { rooms, ids, clinician, guest } = t;
    part(rooms.patient, 'hang-up')!.click();
    await untilRoom(rooms.clinician, () => !tileOf(rooms.clinician, ids.patient), 'the patient gone from the grid');
    expect(part(rooms.clinician, 'notice')!.textContent).to.contain('The patient has left.');
    expect(part(rooms.clinician, 'hang-up')!.textContent!.trim()).to.equal('End for everyone');
    expect(clinician.state.get().status).to.equal('in-call'); // with the interpreter
    await expect(rooms.clinician).to.be.accessible();

    part(rooms.clinician, 'hang-up')!.click();
    await untilStatus(guest, 'ended', 20_000);
    await settled(rooms.guest);
    await settled(rooms.clinician);
    expect(status(rooms.guest)).to.contain('The clinician ended the consultation for everyone.');
    expect(part(rooms.guest, 'rejoin'), 'nothing to rejoin').to.equal(null);
    expect(status(rooms.clinician)).to.contain('open the next appointment');
    for (const room of [rooms.guest, rooms.clinician]) {
      expect(part(room, 'controls')!.hidden).to.equal(true);
      await expect(room).to.be.accessible();
    }
  });

  it('Leave beside End for everyone only while another clinician is in: a vetoed request keeps the call; Leave leaves, the others carry on; End ends', async function () {
    this.timeout(120_000);
    const id = consultationId();
    const ticketOf = async (who: string, name: string) =>
      (await executeServerCommand('ck-ticket', { consultation: id, role: 'clinician', who, name })) as JoinTicket;
    const gp = await consultations.create(id, 'clinician', { ticket: await ticketOf('dr-smith', 'Dr Jane Smith') });
    const patient = await consultations.create(id, 'patient');
    const colleague = await consultations.create(id, 'clinician', {
      ticket: await ticketOf('dr-jones', 'Dr Rhys Jones'),
    });
    const box = await fixture<HTMLDivElement>(
      html`<div>
        <consult-room data-who="gp" shortcuts="off" .consultation=${gp}></consult-room>
        <consult-room data-who="patient" shortcuts="off" .consultation=${patient}></consult-room>
        <consult-room data-who="colleague" shortcuts="off" .consultation=${colleague}></consult-room>
      </div>`,
    );
    const room = (who: string) => box.querySelector<ConsultRoom>(`consult-room[data-who="${who}"]`)!;
    await gp.join();
    await patient.join();
    await until(() => gp.state.get().participants.some((p) => p.presence === 'waiting'), 'the patient waiting');
    gp.admit(patient.state.get().self!.peerId);
    await untilStatus(gp, 'in-call', 30_000);
    await settled(room('gp'));
    // A clinician alone with the patient: only End for everyone, as before.
    expect(part(room('gp'), 'hang-up')!.textContent!.trim()).to.equal('End for everyone');
    expect(part(room('gp'), 'leave'), 'no Leave alone with the patient').to.equal(null);

    await colleague.join();
    const colleagueId = colleague.state.get().self!.peerId;
    await untilRoom(room('gp'), () => !!part(room('gp'), 'leave'), 'Leave on the GP’s page', 30_000);
    await untilRoom(
      room('colleague'),
      () => !!part(room('colleague'), 'leave'),
      'Leave on the colleague’s page',
      30_000,
    );
    expect(part(room('colleague'), 'leave')!.textContent!.trim()).to.equal('Leave');
    expect(part(room('patient'), 'leave'), 'a patient has only Hang up').to.equal(null);
    await expect(room('colleague')).to.be.accessible();

    await untilStatus(colleague, 'in-call', 30_000);
    // The host may keep the call: the same cancelable ck-request-leave as hang-up.
    const requests: Event[] = [];
    const veto = (e: Event) => {
      requests.push(e);
      e.preventDefault();
    };
    room('colleague').addEventListener('ck-request-leave', veto);
    part(room('colleague'), 'leave')!.click();
    expect(requests).to.have.length(1);
    expect(colleague.state.get().status).to.equal('in-call');
    room('colleague').removeEventListener('ck-request-leave', veto);

    setTimeout(() => part(room('colleague'), 'leave')!.click());
    const ended = await oneEvent(room('colleague'), 'ck-ended');
    expect(ended.detail).to.deep.equal({ reason: 'local-hang-up' });
    await settled(room('colleague'));
    expect(status(room('colleague'))).to.equal('You left the call. The others carry on without you.');
    expect(part(room('colleague'), 'controls')!.hidden).to.equal(true);
    expect(part(room('colleague'), 'rejoin'), 'no Rejoin without a way back').to.equal(null);
    await expect(room('colleague')).to.be.accessible();

    // The others carry on: the GP sees the colleague go (and Leave with them), still in the call with the patient.
    await untilRoom(room('gp'), () => !tileOf(room('gp'), colleagueId), 'the colleague gone from the GP’s grid');
    await untilRoom(room('gp'), () => !part(room('gp'), 'leave'), 'Leave gone with the colleague');
    expect(gp.state.get().participants.find((p) => p.peerId === colleagueId)?.presence).to.equal('left');
    expect(gp.state.get().status).to.equal('in-call');
    expect(patient.state.get().status).to.equal('in-call');
    await untilRoom(
      room('patient'),
      () => part(room('patient'), 'announcements')!.textContent!.includes('Dr Rhys Jones, clinician left the call.'),
      'the patient told the colleague left',
    );
    const before = await framesDecoded(patient.peerConnection);
    await until(
      async () => (await framesDecoded(patient.peerConnection)) > before,
      'the patient still decoding the GP',
    );

    // End for everyone still ends it for everyone.
    part(room('gp'), 'hang-up')!.click();
    await untilStatus(patient, 'ended', 20_000);
    expect(patient.state.get().endReason).to.equal('remote-hang-up');
    await settled(room('gp'));
    expect(status(room('gp'))).to.contain('The consultation has ended.');
  });
});

describe('<consult-room> with a stand-in consultation: one and six participants, tile commands, announcements', () => {
  afterEach(stopCanvasCameras);
  after(() => setViewport({ width: 800, height: 600 }));

  const part = (el: Element, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`)!;
  const grid = (el: ConsultRoom) => el.shadowRoot!.querySelector('participant-grid')!;
  const labels = (el: ConsultRoom) =>
    [...grid(el).shadowRoot!.querySelectorAll('participant-tile')].map((t) =>
      t.shadowRoot!.querySelector('[part~="tile"]')!.getAttribute('aria-label'),
    );

  // Three on the real core: below. One and six here, with canvas cameras (six needs Janus).
  for (const count of [1, 6]) {
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

  it('imports the chat panel when the chat is first opened; offline, it says so and the next opening tries again; accessible', async () => {
    const Room = customElements.get('consult-room') as typeof ConsultRoom;
    const importChat = Room._importChat;
    let answer!: (module: Awaited<ReturnType<typeof importChat>> | Error) => void;
    let asked = 0;
    Room._importChat = () => {
      asked++;
      return new Promise((resolve, reject) => {
        answer = (module) => (module instanceof Error ? reject(module) : resolve(module));
      });
    };
    try {
      sessionStorage.clear();
      const chat = new Chat({ peerId: 'ck-me', name: 'Dr Jane Smith', role: 'clinician' }, () => true);
      chat.setOnline(true);
      const { consultation } = roomConsultation({ participants: [fakeParticipant(0)] });
      Object.assign(consultation, { chat });
      const el = await fixture<ConsultRoom>(html`<consult-room .consultation=${consultation}></consult-room>`);
      const toggle = part(el, 'chat-toggle');
      const panel = () => el.shadowRoot!.querySelector<HTMLElement>('consult-chat')!;
      // The room shows the toggle (with its count) without the panel's module.
      expect(asked).to.equal(0);
      expect(panel().hidden).to.equal(true);

      toggle.click();
      await el.updateComplete;
      expect(asked).to.equal(1);
      expect(toggle.getAttribute('aria-expanded')).to.equal('true');
      expect(panel().hidden).to.equal(false);
      expect(panel().getAttribute('aria-busy')).to.equal('true');
      await expect(el).to.be.accessible();

      answer(new TypeError('Failed to fetch dynamically imported module'));
      await until(() => toggle.getAttribute('aria-expanded') === 'false', 'the chat closed again');
      await el.updateComplete;
      expect(panel().hidden).to.equal(true);
      expect(panel().getAttribute('aria-busy')).to.equal('false');
      expect(part(el, 'announcements').textContent).to.contain(
        "We could not reach the practice's service. Check your internet connection and try again.",
      );
      await expect(el).to.be.accessible();

      toggle.click();
      await el.updateComplete;
      expect(asked).to.equal(2);
      answer(await importChat());
      await until(() => customElements.get('consult-chat') !== undefined, '<consult-chat> defined');
      await until(() => !!panel().shadowRoot?.querySelector('[part~="log"]'), 'the chat panel rendered');
      await el.updateComplete;
      expect(panel().getAttribute('aria-busy')).to.equal('false');
      expect(panel().hidden).to.equal(false);
      // Closing and opening again imports nothing more.
      toggle.click();
      toggle.click();
      await el.updateComplete;
      expect(asked).to.equal(2);
      await expect(el).to.be.accessible();
    } finally {
      Room._importChat = importChat;
    }
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
  it('the hang-up shortcut offers Leave beside End for everyone only while another clinician is in; each confirmed button does its own', async () => {
    const hangUpKey = () =>
      document.dispatchEvent(new KeyboardEvent('keydown', { code: 'KeyH', key: 'H', altKey: true, shiftKey: true }));
    const dialog = (el: ConsultRoom) => el.shadowRoot!.querySelector<HTMLDialogElement>('dialog')!;
    // Alone with the patient: the confirmation has only End for everyone.
    const alone = roomConsultation({ participants: [fakeParticipant(0)] });
    const el = await fixture<ConsultRoom>(html`<consult-room .consultation=${alone.consultation}></consult-room>`);
    hangUpKey();
    await until(() => dialog(el)?.open === true, 'the confirmation');
    await el.updateComplete;
    expect(dialog(el).textContent).to.contain('End the consultation for everyone?');
    expect(el.shadowRoot!.querySelector('[part~="confirm-leave-button"]')).to.equal(null);
    (dialog(el).querySelector('[value="hang-up"]') as HTMLButtonElement).click();
    await until(() => alone.calls.length > 0, 'the hang-up');
    expect(alone.calls).to.deep.equal(['hang-up']);
    el.remove();

    // With another clinician: Leave too, and choosing it leaves (after ck-request-leave).
    const withColleague = roomConsultation({ participants: [fakeParticipant(0), fakeParticipant(2)] });
    const other = await fixture<ConsultRoom>(
      html`<consult-room .consultation=${withColleague.consultation}></consult-room>`,
    );
    expect(part(other, 'leave').textContent!.trim()).to.equal('Leave');
    const requests: Event[] = [];
    other.addEventListener('ck-request-leave', (e) => requests.push(e));
    hangUpKey();
    await until(() => dialog(other)?.open === true, 'the confirmation with Leave');
    await other.updateComplete;
    expect(dialog(other).textContent).to.contain('Leave the call, or end it for everyone?');
    await expect(other).to.be.accessible();
    part(other, 'confirm-leave-button').click();
    await until(() => withColleague.calls.length > 0, 'the leave');
    expect(withColleague.calls).to.deep.equal(['leave']);
    expect(requests).to.have.length(1);
  });
});
