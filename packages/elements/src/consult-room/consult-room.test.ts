import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import './define.js';
import type { ConsultRoom } from './consult-room.js';
import {
  consultations as useConsultations,
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
    expect((part(el, 'hang-up') as HTMLButtonElement).disabled).to.equal(true);
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
});
