import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { createStore, ConsultKitError, type Consultation } from '@consultkit/core';
import './define.js';
import '../consult-room/define.js';
import type { ConsultRoom } from '../consult-room/consult-room.js';
import type { ScreenShareElement } from './screen-share.js';
import { fakeSelf } from '../internal/fake-participants.js';
import { consultations as useConsultations, framesDecoded, until } from '../../../../test-support/browser.js';

/**
 * `<screen-share>` over real consultations (a clinician and a patient in one page, the run's
 * server, real RTCPeerConnections, Chromium's fake screen), and over a stand-in for what a browser
 * cannot do here (no `getDisplayMedia`; a picker cancelled).
 */
describe('<screen-share>', () => {
  const consultations = useConsultations();
  const part = (el: ScreenShareElement, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
  /** Its text as read, without the marks that isolate a name's direction. */
  const text = (el: ScreenShareElement, name: string) =>
    part(el, name)
      ?.textContent?.replace(/[\u2068\u2069]/g, '')
      .replace(/\s+/g, ' ')
      .trim();
  const toggle = (el: ScreenShareElement) => part(el, 'toggle') as HTMLButtonElement;

  it('idle, presenting, someone else presenting, taken over, stopped: the right words and control; accessible in each', async () => {
    const { patient, clinician } = await consultations.pair();
    const gp = await fixture<ScreenShareElement>(html`<screen-share .consultation=${clinician}></screen-share>`);
    const pt = await fixture<ScreenShareElement>(html`<screen-share .consultation=${patient}></screen-share>`);

    // Idle: nobody shares, the control offers to.
    expect(text(gp, 'state')).to.equal('Nobody is sharing their screen.');
    expect(text(gp, 'toggle')).to.equal('Share your screen');
    expect(toggle(gp).disabled).to.equal(false);
    expect(toggle(gp).getAttribute('aria-pressed')).to.equal('false');
    await expect(gp).to.be.accessible();

    // The clinician shares: pressed, said, and the event tells the host.
    setTimeout(() => toggle(gp).click());
    const { detail } = await oneEvent(gp, 'ck-screen-share-change');
    expect(detail).to.deep.equal({ presenter: clinician.state.get().self!.peerId, local: true });
    await gp.updateComplete;
    expect(text(gp, 'state')).to.equal('You are sharing your screen. Everyone in the call can see it.');
    expect(text(gp, 'toggle')).to.equal('Stop sharing');
    expect(toggle(gp).getAttribute('aria-pressed')).to.equal('true');
    expect(text(gp, 'announcements')).to.equal('You are sharing your screen.');
    expect(part(gp, 'screen'), 'the presenter is not shown their own screen').to.equal(null);
    await expect(gp).to.be.accessible();

    // The patient sees who shares, and the screen itself, its frames decoded.
    await until(() => !!part(pt, 'screen'), "the clinician's screen on the patient's side");
    const video = part(pt, 'screen') as HTMLVideoElement;
    // The run's tickets carry no names: the server lists the clinician under their role, and the
    // sentence says what they are there as.
    expect(patient.state.get().participants.find((p) => p.role === 'clinician')!.name).to.equal('clinician');
    expect(text(pt, 'state')).to.equal('Clinician is sharing their screen.');
    expect(text(pt, 'toggle')).to.equal('Share your screen instead');
    expect(video.srcObject).to.equal(patient.state.get().screenShare.stream);
    await until(() => video.videoWidth > 0, 'the shared screen to play');
    await until(async () => (await framesDecoded(patient.screenShareConnection)) > 10, 'screen frames decoded');
    expect(video.getAttribute('aria-label')).to.equal('Clinician’s shared screen');
    await expect(pt).to.be.accessible();

    // The patient takes over: the clinician is told, in words, and no longer shares.
    toggle(pt).click();
    await until(() => patient.state.get().screenShare.local, 'the patient shares');
    await until(() => toggle(gp).getAttribute('aria-pressed') === 'false', "the clinician's control released");
    await gp.updateComplete;
    expect(text(gp, 'announcements')).to.match(/is sharing their screen now\. Yours is no longer shared\.$/);
    await until(() => !!part(gp, 'screen'), "the patient's screen on the clinician's side");
    await expect(gp).to.be.accessible();

    // The patient stops: nobody shares on either side.
    toggle(pt).click();
    await until(() => clinician.state.get().screenShare.presenter === null, 'the clinician sees the end');
    await gp.updateComplete;
    await pt.updateComplete;
    expect(text(gp, 'state')).to.equal('Nobody is sharing their screen.');
    expect(text(gp, 'announcements')).to.equal('Screen sharing has stopped.');
    expect(part(gp, 'screen')).to.equal(null);
    expect(text(pt, 'state')).to.equal('Nobody is sharing their screen.');
    await expect(pt).to.be.accessible();
  });

  it('in <consult-room>: the shared screen large with who shares, the cameras small beside it; accessible; gone when it stops', async () => {
    const { patient, clinician } = await consultations.pair();
    const room = await fixture<ConsultRoom>(html`<consult-room .consultation=${patient}></consult-room>`);
    const inRoom = (name: string) => room.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
    const control = room.shadowRoot!.querySelector('screen-share')!;
    expect(control.controlsOnly, 'the room shows the screen itself').to.equal(true);
    expect(inRoom('screen')).to.equal(null);
    await clinician.startScreenShare();
    await until(() => !!inRoom('screen'), 'the screen on the stage');
    const video = inRoom('screen') as HTMLVideoElement;
    await until(() => video.videoWidth > 0, 'the screen plays');
    expect(inRoom('screen-caption')!.textContent!.trim()).to.equal('Clinician is sharing their screen.');
    expect(video.getAttribute('aria-label')).to.equal('Clinician’s shared screen');
    const grid = room.shadowRoot!.querySelector('participant-grid')!;
    await grid.updateComplete;
    const tiles = [...grid.shadowRoot!.querySelectorAll('participant-tile')];
    expect(tiles.length).to.be.greaterThan(0);
    for (const tile of tiles)
      expect(tile.getBoundingClientRect().width * 2).to.be.lessThan(video.getBoundingClientRect().width);
    // The control's sentence is for screen readers here; the button offers to take over.
    expect(control.shadowRoot!.querySelector('[part~="state"]')!.classList.contains('visually-hidden')).to.equal(true);
    expect(control.shadowRoot!.querySelector('[part~="toggle"]')!.textContent!.trim()).to.equal(
      'Share your screen instead',
    );
    await expect(room).to.be.accessible();
    clinician.stopScreenShare();
    await until(() => !inRoom('screen'), 'the screen gone from the stage');
    expect(inRoom('screen-caption')).to.equal(null);
    await expect(room).to.be.accessible();
  });

  it('before the call the control is disabled', async () => {
    const consultation = await consultations.create(`screen-${Date.now()}`, 'patient');
    const el = await fixture<ScreenShareElement>(html`<screen-share .consultation=${consultation}></screen-share>`);
    expect(toggle(el).disabled).to.equal(true);
    await expect(el).to.be.accessible();
  });

  /** A stand-in consultation in the call, whose screen sharing does what `start` does. */
  function standIn(supported: boolean, start: () => Promise<void>) {
    const state = createStore({
      status: 'in-call',
      role: 'patient',
      self: fakeSelf(),
      participants: [],
      screenShare: { presenter: null, local: false, stream: null, pending: false, supported },
    });
    return { state, on: () => () => undefined, startScreenShare: start, stopScreenShare: () => undefined };
  }

  it('not supported: says so, offers no button; accessible', async () => {
    const c = standIn(false, () => Promise.reject(new Error('not called')));
    const el = await fixture<ScreenShareElement>(
      html`<screen-share .consultation=${c as unknown as Consultation}></screen-share>`,
    );
    expect(text(el, 'state')).to.equal('This browser cannot share a screen.');
    expect(part(el, 'toggle')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('the picker cancelled: a visible, announced message; accessible', async () => {
    const c = standIn(true, () =>
      Promise.reject(new ConsultKitError('media-permission-denied', 'Screen sharing was cancelled or refused.')),
    );
    const el = await fixture<ScreenShareElement>(
      html`<screen-share .consultation=${c as unknown as Consultation}></screen-share>`,
    );
    toggle(el).click();
    await until(() => !!part(el, 'error'), 'the message');
    expect(part(el, 'error')!.getAttribute('role')).to.equal('alert');
    expect(text(el, 'error')).to.equal(
      'Your screen was not shared: choosing a screen was cancelled, or the browser did not allow it.',
    );
    await expect(el).to.be.accessible();
  });
});
