/**
 * Registration (decision 32): `define(tagName)` from an element's `index.js` registers it under a
 * tag the host chooses; a second name gets a subclass; another version holding a tag is kept with
 * a warning naming both versions; the same version is a silent no-op; elements that render others
 * by their default names define those too.
 */
import { expect, fixture, oneEvent } from '@open-wc/testing';
import { LitElement } from 'lit';
import { unsafeStatic, html as staticHtml } from 'lit/static-html.js';
import type { BookableSlot } from '@consultkit/core/booking';
import { define as defineSlotPicker, SlotPicker } from '../slot-picker/index.js';
import { define as defineConsultRoom } from '../consult-room/index.js';
import { define as defineParticipantGrid } from '../participant-grid/index.js';
import { ParticipantTile } from '../participant-tile/index.js';
import { fakeParticipant, fakeSelf, stopCanvasCameras } from './fake-participants.js';
import { defineElement } from './define.js';
import { until } from '../../../../test-support/browser.js';

/** Runs `action` with `console.warn` recorded (and still printed). */
async function warnings(action: () => unknown): Promise<string[]> {
  const seen: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => {
    seen.push(args.map(String).join(' '));
    original.apply(console, args);
  };
  try {
    await action();
  } finally {
    console.warn = original;
  }
  return seen;
}

const part = (el: Element, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);

describe('define(tagName)', () => {
  afterEach(stopCanvasCameras);

  it('carries the package version on every element class', async () => {
    const pkg = (await (await fetch('/packages/elements/package.json')).json()) as { version: string };
    expect(pkg.version).to.match(/^\d+\.\d+\.\d+/);
    expect(SlotPicker.version).to.equal(pkg.version);
    expect(ParticipantTile.version).to.equal(pkg.version);
  });

  it('importing an index module registers nothing', () => {
    // This file imports slot-picker/index.js and others, never a define.js.
    expect(customElements.get('slot-picker')).to.equal(undefined);
    expect(customElements.get('consult-room')).to.equal(undefined);
  });

  it('registers <slot-picker> under a host-chosen name: it lists the free times of the server and fires its events', async () => {
    const held = await warnings(() => defineSlotPicker('practice-picker'));
    expect(held, 'no warning for a free tag').to.deep.equal([]);
    expect(customElements.get('practice-picker')).to.equal(SlotPicker);
    const tag = unsafeStatic('practice-picker');
    const el = await fixture<SlotPicker>(
      staticHtml`<${tag} fhir-base="/fhir" practitioner="Practitioner/2" days="2"></${tag}>`,
    );
    expect(el).to.be.instanceOf(SlotPicker);
    await until(() => part(el, 'status')?.textContent?.includes('Free times are listed') ?? false, 'free times');
    await el.updateComplete;
    const time = el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="time"]:enabled');
    expect(time, 'a free time offered').to.not.equal(null);
    const selected = oneEvent(el, 'ck-slot-selected');
    time!.click();
    const event = (await selected) as CustomEvent<{ slot: BookableSlot }>;
    expect(event.detail.slot.start).to.be.a('string');
    expect(event.target).to.equal(el);
    await expect(el).to.be.accessible();
  });

  it('registers the same class under a second name as a subclass, and the default name after that', async () => {
    const second = defineSlotPicker('second-picker');
    expect(second).to.not.equal(SlotPicker);
    expect(second.prototype).to.be.instanceOf(SlotPicker);
    const el = document.createElement('second-picker');
    expect(el).to.be.instanceOf(SlotPicker);
    const byDefault = defineSlotPicker();
    expect(customElements.get('slot-picker')).to.equal(byDefault);
    // Asked again: the same class answers, silently.
    expect(await warnings(() => expect(defineSlotPicker()).to.equal(byDefault))).to.deep.equal([]);
  });

  it('warns naming both versions when another version holds the tag, and keeps that one', async () => {
    class OlderPicker extends SlotPicker {
      static override readonly version = '0.0.1-older';
    }
    customElements.define('older-picker', OlderPicker);
    const seen = await warnings(() => expect(defineSlotPicker('older-picker')).to.equal(OlderPicker));
    expect(seen).to.have.length(1);
    expect(seen[0]).to.include('<older-picker>').and.include('0.0.1-older').and.include(SlotPicker.version);
    expect(customElements.get('older-picker')).to.equal(OlderPicker);
  });

  it('is silent when the same version (another copy of it) holds the tag', async () => {
    class SameVersionCopy extends LitElement {
      static readonly version = SlotPicker.version;
    }
    customElements.define('copied-picker', SameVersionCopy);
    expect(await warnings(() => defineSlotPicker('copied-picker'))).to.deep.equal([]);
    expect(customElements.get('copied-picker')).to.equal(SameVersionCopy);
  });

  it('warns when an element that is not ConsultKit holds the tag', async () => {
    class SomeoneElses extends HTMLElement {}
    customElements.define('someone-picker', SomeoneElses);
    const seen = await warnings(() => defineElement('someone-picker', SlotPicker));
    expect(seen).to.have.length(1);
    expect(seen[0]).to.include('<someone-picker>').and.include('not ConsultKit').and.include(SlotPicker.version);
  });

  it('an element that renders others defines them by their default names, whatever its own', async () => {
    defineConsultRoom('host-room');
    expect(customElements.get('host-room')).to.not.equal(undefined);
    expect(customElements.get('participant-grid')).to.not.equal(undefined);
    expect(customElements.get('participant-tile')).to.equal(ParticipantTile);

    defineParticipantGrid('host-grid');
    const tag = unsafeStatic('host-grid');
    const grid = await fixture(staticHtml`<${tag} .participants=${[fakeParticipant(0)]} .self=${fakeSelf()}></${tag}>`);
    await until(() => grid.shadowRoot!.querySelectorAll('participant-tile').length === 2, 'two tiles');
    for (const tile of grid.shadowRoot!.querySelectorAll('participant-tile')) {
      expect(tile).to.be.instanceOf(ParticipantTile);
      await until(() => !!tile.shadowRoot?.querySelector('[part~="tile"]'), 'the tile rendered');
    }
  });
});
