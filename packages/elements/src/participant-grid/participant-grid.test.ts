import { expect, fixture, html } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import './define.js';
import type { ParticipantGrid } from './participant-grid.js';
import type { ParticipantTile } from '../participant-tile/participant-tile.js';
import { gridShape } from './participant-grid.js';
import type { ParticipantState } from '@consultkit/core';
import { fakeParticipant, fakeSelf, stopCanvasCameras } from '../internal/fake-participants.js';
import { until } from '../../../../test-support/browser.js';

const tiles = (el: ParticipantGrid) => [...el.shadowRoot!.querySelectorAll('participant-tile')];
const label = (tile: Element) => tile.shadowRoot!.querySelector('[part~="tile"]')!.getAttribute('aria-label');
/** Distinct left edges of the grid's tiles: its columns as laid out. */
const columns = (el: ParticipantGrid) =>
  new Set(
    [...el.shadowRoot!.querySelectorAll('.grid > participant-tile')].map((t) =>
      Math.round(t.getBoundingClientRect().left),
    ),
  ).size;
const others = (n: number, overrides: Partial<ParticipantState> = {}) =>
  Array.from({ length: n }, (_, i) => fakeParticipant(i, overrides));

async function grid(participants: ParticipantState[], self: ParticipantState | null, width?: number) {
  return fixture<ParticipantGrid>(
    html`<participant-grid
      style=${width ? `inline-size: ${width}px` : ''}
      .participants=${participants}
      .self=${self}
    ></participant-grid>`,
  );
}

/** Every tile's video has painted a frame. */
async function allPlaying(el: ParticipantGrid) {
  for (const tile of tiles(el)) {
    const video = tile.shadowRoot!.querySelector('video')!;
    await until(() => video.videoWidth > 0 && !video.paused, `${label(tile)} to play`);
  }
}

describe('<participant-grid>', () => {
  afterEach(stopCanvasCameras);
  after(() => setViewport({ width: 800, height: 600 }));

  it('shapes: 1, 2, 3–4, 5–6 and more, wide and on a phone', () => {
    const shape = (n: number, narrow: boolean) => Object.values(gridShape(n, narrow)).join('x');
    expect([1, 2, 3, 4, 5, 6, 7, 10].map((n) => shape(n, false))).to.deep.equal([
      '1x1',
      '2x1',
      '2x2',
      '2x2',
      '3x2',
      '3x2',
      '3x3',
      '4x3',
    ]);
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => shape(n, true))).to.deep.equal([
      '1x1',
      '1x2',
      '2x2',
      '2x2',
      '2x3',
      '2x3',
      '2x4',
    ]);
  });

  it('one participant (alone): your own view is the stage; accessible', async () => {
    await setViewport({ width: 1280, height: 800 });
    const el = await grid([], fakeSelf());
    expect(tiles(el).map(label)).to.deep.equal(['Dr Jane Smith (you), clinician']);
    await allPlaying(el);
    await expect(el).to.be.accessible();
  });

  it('three participants at 1280×800: two side by side, your own view small beside them and above the fold; accessible', async () => {
    await setViewport({ width: 1280, height: 800 });
    const el = await grid(others(2), fakeSelf());
    await allPlaying(el);
    expect(tiles(el).map(label)).to.deep.equal([
      'Sam Patel, patient',
      'Amira Haddad, interpreter',
      'Dr Jane Smith (you), clinician',
    ]);
    expect(columns(el)).to.equal(2);
    const self = el.shadowRoot!.querySelector('[part~="self"]')!.getBoundingClientRect();
    const patient = tiles(el)[0]!.getBoundingClientRect();
    expect(self.width, 'your own view is small').to.be.below(patient.width);
    expect(self.bottom, 'your own view is above the fold').to.be.at.most(800);
    expect(el.getBoundingClientRect().bottom, 'the grid leaves room for the controls').to.be.at.most(800 * 0.75);
    await expect(el).to.be.accessible();
  });

  it('three participants at 360 px: stacked, your own view under them at the inline end', async () => {
    await setViewport({ width: 360, height: 740 });
    const el = await grid(others(2), fakeSelf());
    await allPlaying(el);
    expect(columns(el)).to.equal(1);
    const box = el.shadowRoot!.querySelector('[part~="grid"]')!.getBoundingClientRect();
    const self = el.shadowRoot!.querySelector('[part~="self"]')!.getBoundingClientRect();
    expect(self.top).to.be.at.least(box.bottom - 1);
    expect(self.right).to.be.closeTo(el.getBoundingClientRect().right, 1);
    expect(el.getBoundingClientRect().right, 'nothing wider than the phone').to.be.at.most(360);
    await expect(el).to.be.accessible();
  });

  it('six participants at 1280×800: three by two, you among them, the active speaker first and outlined; accessible', async () => {
    await setViewport({ width: 1280, height: 800 });
    const people = others(5);
    const el = await grid(people, fakeSelf());
    await allPlaying(el);
    expect(tiles(el)).to.have.length(6);
    expect(columns(el)).to.equal(3);
    expect(label(tiles(el)[5]!)).to.equal('Dr Jane Smith (you), clinician');
    expect(el.getBoundingClientRect().bottom).to.be.at.most(800);
    const tileOf = new Map(tiles(el).map((t) => [(t as ParticipantTile).participant!.peerId, t]));

    el.participants = people.map((p, i) => (i === 3 ? { ...p, speaking: true } : p));
    await el.updateComplete;
    expect(el.activeSpeaker).to.equal('peer-3');
    expect(label(tiles(el)[0]!)).to.equal('John Patel, carer');
    expect(tiles(el)[0]!.hasAttribute('active')).to.equal(true);
    // Stays the active speaker after a pause, until someone else speaks.
    el.participants = people;
    await el.updateComplete;
    expect(label(tiles(el)[0]!)).to.equal('John Patel, carer');
    await expect(el).to.be.accessible();
    // Reordering kept every video playing (the tiles moved, not re-created).
    await allPlaying(el);
    for (const tile of tiles(el)) expect(tileOf.get((tile as ParticipantTile).participant!.peerId)).to.equal(tile);
    // Someone leaves: their tile goes; everyone else keeps theirs (no video moves to another person).
    el.participants = people.filter((p) => p.peerId !== 'peer-1');
    await el.updateComplete;
    expect(tiles(el)).to.have.length(5);
    expect(tiles(el).map(label)).to.not.include(label(tileOf.get('peer-1')!));
    for (const tile of tiles(el)) expect(tileOf.get((tile as ParticipantTile).participant!.peerId)).to.equal(tile);
    expect(label(tiles(el)[0]!)).to.equal('John Patel, carer');
    await allPlaying(el);
    // Another speaker: they come first, the last one goes back to their place, pictures playing.
    const staying = people.filter((p) => p.peerId !== 'peer-1');
    el.participants = staying.map((p) => (p.peerId === 'peer-4' ? { ...p, speaking: true } : p));
    await el.updateComplete;
    expect(tiles(el).map((t) => (t as ParticipantTile).participant!.peerId)).to.deep.equal([
      'peer-4',
      'peer-0',
      'peer-2',
      'peer-3',
      'self',
    ]);
    for (const tile of tiles(el)) expect(tileOf.get((tile as ParticipantTile).participant!.peerId)).to.equal(tile);
    await allPlaying(el);
  });

  it('six participants at 360 px: two columns, within the width; with five tiles the speaker takes two cells', async () => {
    await setViewport({ width: 360, height: 740 });
    const el = await grid(others(5), fakeSelf());
    await allPlaying(el);
    expect(columns(el)).to.equal(2);
    for (const tile of tiles(el)) expect(tile.getBoundingClientRect().right).to.be.at.most(360);
    el.participants = others(4);
    el.self = fakeSelf();
    await el.updateComplete;
    const [first, second] = tiles(el).map((t) => t.getBoundingClientRect());
    expect(first!.width, 'the first takes the empty cell').to.be.greaterThan(second!.width * 1.5);
    await expect(el).to.be.accessible();
  });

  it('lays out right to left: your own view at the inline end is on the left in Urdu', async () => {
    await setViewport({ width: 1280, height: 800 });
    const box = await fixture<HTMLDivElement>(
      html`<div dir="rtl" lang="ur">
        <participant-grid .participants=${others(1)} .self=${fakeSelf()}></participant-grid>
      </div>`,
    );
    const el = box.querySelector('participant-grid')!;
    await el.updateComplete;
    const self = el.shadowRoot!.querySelector('[part~="self"]')!.getBoundingClientRect();
    const patient = tiles(el)[0]!.getBoundingClientRect();
    expect(self.right).to.be.at.most(patient.left);
    await expect(el).to.be.accessible();
  });
});
