import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import './define.js';
import type { ParticipantTile } from './participant-tile.js';
import { fakeParticipant, fakeSelf, stopCanvasCameras } from '../internal/fake-participants.js';
import { until } from '../../../../test-support/browser.js';

const part = (el: Element, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);

/** Resolves once `video` has painted a frame (a frame presented to the compositor). */
function framePainted(video: HTMLVideoElement): Promise<VideoFrameCallbackMetadata> {
  return new Promise((resolve) => video.requestVideoFrameCallback((_now, metadata) => resolve(metadata)));
}

describe('<participant-tile>', () => {
  afterEach(stopCanvasCameras);

  it('shows a guest as "name, kind", which is also what a screen reader hears; plays their video; accessible', async () => {
    const amira = fakeParticipant(1);
    const el = await fixture<ParticipantTile>(
      html`<participant-tile style="inline-size: 400px; block-size: 300px" .participant=${amira}></participant-tile>`,
    );
    const tile = part(el, 'tile')!;
    expect(part(el, 'label')!.textContent!.trim()).to.equal('Amira Haddad, interpreter');
    expect(tile.getAttribute('role')).to.equal('group');
    expect(tile.getAttribute('aria-label')).to.equal('Amira Haddad, interpreter');
    const video = part(el, 'video') as HTMLVideoElement;
    expect(video.srcObject).to.equal(amira.stream);
    expect(video.muted, 'a remote participant is heard').to.equal(false);
    const painted = await framePainted(video);
    expect(painted.width).to.equal(640);
    expect(part(el, 'markers'), 'no markers for someone with nothing to mark').to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('labels the patient and the clinician by role, and this page\'s own as "(you)", muted to itself', async () => {
    const patient = await fixture<ParticipantTile>(
      html`<participant-tile .participant=${fakeParticipant(0)}></participant-tile>`,
    );
    expect(part(patient, 'label')!.textContent!.trim()).to.equal('Sam Patel, patient');
    const self = await fixture<ParticipantTile>(html`<participant-tile .participant=${fakeSelf()}></participant-tile>`);
    expect(part(self, 'tile')!.getAttribute('aria-label')).to.equal('Dr Jane Smith (you), clinician');
    const video = part(self, 'video') as HTMLVideoElement;
    expect(video.muted, 'never hear yourself').to.equal(true);
    expect(getComputedStyle(video).transform, 'a mirror').to.not.equal('none');
    await framePainted(video);
    await expect(self).to.be.accessible();
  });

  it('marks muted, camera off and a poor network with text, and the speaker by more than colour; accessible', async () => {
    const el = await fixture<ParticipantTile>(
      html`<participant-tile
        active
        .participant=${fakeParticipant(0, { muted: true, cameraOff: true, networkQuality: 'poor', speaking: true })}
      ></participant-tile>`,
    );
    const markers = [...el.shadowRoot!.querySelectorAll('[part~="marker"]')].map((m) => m.textContent!.trim());
    expect(markers).to.deep.equal(['Speaking', 'Microphone muted', 'Camera off', 'Poor connection']);
    expect(part(el, 'placeholder'), 'initials in place of a black picture').to.not.equal(null);
    expect(part(el, 'placeholder')!.textContent!.trim()).to.equal('SP');
    const outline = getComputedStyle(el);
    expect(outline.outlineStyle, 'the active speaker has an outline: a shape, not only a colour').to.equal('solid');
    expect(parseFloat(outline.outlineWidth)).to.be.at.least(3);
    await expect(el).to.be.accessible();
  });

  it('never crops: object-fit contain, the video box inside the tile, a 640×480 picture in a wide tile', async () => {
    const el = await fixture<ParticipantTile>(
      html`<participant-tile
        style="inline-size: 800px; block-size: 300px"
        .participant=${fakeParticipant(0)}
      ></participant-tile>`,
    );
    const video = part(el, 'video') as HTMLVideoElement;
    await framePainted(video);
    expect(getComputedStyle(video).objectFit).to.equal('contain');
    const box = video.getBoundingClientRect();
    const tile = part(el, 'tile')!.getBoundingClientRect();
    expect(box.width).to.be.at.most(tile.width + 0.5);
    expect(box.height).to.be.at.most(tile.height + 0.5);
    // The picture as `contain` draws it: scaled by the smaller ratio, so all of it is inside the box.
    const scale = Math.min(box.width / video.videoWidth, box.height / video.videoHeight);
    const drawn = { width: video.videoWidth * scale, height: video.videoHeight * scale };
    expect(drawn.height).to.be.closeTo(box.height, 1);
    expect(drawn.width / drawn.height).to.be.closeTo(640 / 480, 0.01);
  });

  it('gives a clinician Admit and Remove for a waiting guest; a pending admit disables Admit with aria-disabled and busy', async () => {
    const guest = fakeParticipant(1, { admitted: false, presence: 'waiting' });
    const el = await fixture<ParticipantTile>(
      html`<participant-tile can-manage .participant=${guest}></participant-tile>`,
    );
    const admit = part(el, 'admit') as HTMLButtonElement;
    expect(admit.textContent!.trim()).to.equal('Admit');
    setTimeout(() => admit.click());
    const { detail } = await oneEvent(el, 'ck-request-admit');
    expect(detail).to.deep.equal({ peerId: guest.peerId });
    await expect(el).to.be.accessible();

    el.pending = [{ command: 'admit', peerId: guest.peerId }];
    await el.updateComplete;
    expect(admit.getAttribute('aria-disabled')).to.equal('true');
    expect(admit.getAttribute('aria-busy')).to.equal('true');
    expect(admit.textContent!.trim()).to.equal('Admitting…');
    let fired = 0;
    el.addEventListener('ck-request-admit', () => fired++);
    admit.click();
    // The sentinel: Remove still fires, so an admit event would have arrived by now.
    setTimeout(() => part(el, 'remove')!.click());
    await oneEvent(el, 'ck-request-remove');
    expect(fired, 'no admit while one is pending').to.equal(0);
    expect(part(el, 'remove')!.getAttribute('aria-disabled')).to.equal('false');
    await expect(el).to.be.accessible();
  });

  it("offers no tile controls for the patient, for a clinician's own tile, or without can-manage", async () => {
    for (const [p, manage] of [
      [fakeParticipant(0), true],
      [fakeSelf(), true],
      [fakeParticipant(1), false],
    ] as const) {
      const el = await fixture<ParticipantTile>(
        html`<participant-tile ?can-manage=${manage} .participant=${p}></participant-tile>`,
      );
      expect(part(el, 'actions')).to.equal(null);
    }
    const admitted = await fixture<ParticipantTile>(
      html`<participant-tile can-manage .participant=${fakeParticipant(1)}></participant-tile>`,
    );
    expect(part(admitted, 'admit'), 'an admitted guest is not admitted again').to.equal(null);
    expect(part(admitted, 'remove')).to.not.equal(null);
  });

  it('plays muted when the browser refuses sound before a click, and offers "Turn on sound"; accessible', async () => {
    // The browser's autoplay policy, as a page opened without a click meets it (this test browser
    // runs with --autoplay-policy=no-user-gesture-required): play() with sound is refused once.
    const play = HTMLMediaElement.prototype.play;
    let refused = 0;
    HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
      if (!this.muted && refused === 0) {
        refused++;
        return Promise.reject(new DOMException('play() needs a user gesture', 'NotAllowedError'));
      }
      return play.call(this);
    };
    try {
      const el = await fixture<ParticipantTile>(
        html`<participant-tile .participant=${fakeParticipant(0)}></participant-tile>`,
      );
      const video = part(el, 'video') as HTMLVideoElement;
      await until(() => !!part(el, 'sound'), 'the Turn on sound button');
      await framePainted(video);
      expect(video.muted, 'plays muted meanwhile').to.equal(true);
      expect(part(el, 'sound')!.textContent!.trim()).to.equal('Turn on sound');
      await expect(el).to.be.accessible();
      part(el, 'sound')!.click();
      await el.updateComplete;
      expect(video.muted).to.equal(false);
      expect(part(el, 'sound')).to.equal(null);
      await until(() => !video.paused, 'playing with sound');
    } finally {
      HTMLMediaElement.prototype.play = play;
    }
  });
});
