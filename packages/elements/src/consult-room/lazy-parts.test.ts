/**
 * `<consult-room>` defines `<screen-share>`, `<file-share>` and `<consult-recorder>` when it first
 * needs them (decision 47). This file's page registers the room alone (each test file has its own
 * page), so the three are undefined until the room imports them through its `_importParts` seam.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { createStore, type Consultation } from '@consultkit/core';
import './define.js';
import type { ConsultRoom } from './consult-room.js';
import { fakeParticipant, fakeRoomState, fakeSelf, stopCanvasCameras } from '../internal/fake-participants.js';
import { until } from '../../../../test-support/browser.js';

type Part = 'screen-share' | 'file-share' | 'consult-recorder';

/** A stand-in consultation (a store with chosen values), with `files` made on `loadFiles()`. */
function roomConsultation(overrides: Record<string, unknown> = {}) {
  const state = createStore(
    fakeRoomState({
      status: 'waiting',
      role: 'patient',
      admitted: false,
      self: fakeSelf({ role: 'patient', name: 'Sam Patel', presence: 'waiting', admitted: false }),
      screenShare: { presenter: null, local: false, stream: null, pending: false, supported: true },
      recording: null,
      ...overrides,
    }),
  );
  const filesState = createStore({ documents: [], sending: false, error: null });
  const files = { state: filesState, refresh: async () => undefined, close: () => undefined };
  let loadFiles = 0;
  const consultation = {
    state,
    files: null as unknown,
    on: () => () => undefined,
    join: async () => undefined,
    loadFiles: async () => {
      loadFiles++;
      (consultation as { files: unknown }).files = files;
      return files;
    },
  };
  return { consultation: consultation as unknown as Consultation, state, loadFilesCalls: () => loadFiles };
}

describe('<consult-room> defines its parts on first need', () => {
  const Room = () => customElements.get('consult-room') as typeof ConsultRoom;
  let imports: typeof ConsultRoom._importParts;
  /** Each part's imports asked for, and how to answer the latest (the real module, or a failure). */
  const asked: Record<Part, number> = { 'screen-share': 0, 'file-share': 0, 'consult-recorder': 0 };
  let failNext: Part | null = null;

  beforeEach(() => {
    imports = { ...Room()._importParts };
    for (const part of Object.keys(asked) as Part[]) {
      asked[part] = 0;
      Room()._importParts[part] = () => {
        asked[part]++;
        if (failNext === part) {
          failNext = null;
          return Promise.reject(new TypeError('Failed to fetch dynamically imported module'));
        }
        return imports[part]();
      };
    }
  });
  afterEach(() => {
    Object.assign(Room()._importParts, imports);
    stopCanvasCameras();
  });

  const standIn = (el: ConsultRoom) => el.shadowRoot!.querySelector<HTMLButtonElement>('.screen-share-stand-in');

  it('a browser that cannot share: no stand-in', async () => {
    const { consultation } = roomConsultation({
      screenShare: { presenter: null, local: false, stream: null, pending: false, supported: false },
    });
    const el = await fixture<ConsultRoom>(html`<consult-room .consultation=${consultation}></consult-room>`);
    await el.updateComplete;
    // Sentinel: the room rendered its controls (and <screen-share> is not defined yet: no element either).
    expect(el.shadowRoot!.querySelector('[part~="hang-up"]')).to.not.equal(null);
    expect(el.shadowRoot!.querySelector('screen-share')).to.not.equal(null);
    expect(customElements.get('screen-share')).to.equal(undefined);
    expect(standIn(el)).to.equal(null);
  });

  it('a patient in the waiting room: a disabled stand-in for the share button, nothing imported; let in, the parts come (a failed import is tried again); accessible in each', async () => {
    const { consultation, state, loadFilesCalls } = roomConsultation();
    failNext = 'screen-share';
    const el = await fixture<ConsultRoom>(html`<consult-room .consultation=${consultation}></consult-room>`);
    await el.updateComplete;
    // Waiting: the stand-in, as the element itself shows it before admission.
    const button = standIn(el)!;
    expect(button, 'the stand-in').to.not.equal(null);
    expect(button.disabled).to.equal(true);
    expect(button.textContent!.trim()).to.equal('Share your screen');
    expect(button.getBoundingClientRect().width).to.be.greaterThan(0);
    expect(asked).to.deep.equal({ 'screen-share': 0, 'file-share': 0, 'consult-recorder': 0 });
    expect(loadFilesCalls()).to.equal(0);
    expect(customElements.get('screen-share')).to.equal(undefined);
    await expect(el).to.be.accessible();

    // Let in, the call starting: <screen-share> is asked for (this first import fails), not yet the documents.
    const admitted = fakeSelf({ role: 'patient', name: 'Sam Patel', presence: 'admitted', admitted: true });
    state.update({ status: 'admitted', self: admitted, participants: [fakeParticipant(0)] });
    await until(() => asked['screen-share'] === 1, 'the share button asked for');
    await el.updateComplete;
    expect(customElements.get('screen-share')).to.equal(undefined);
    expect(standIn(el), 'the stand-in stays while the import failed').to.not.equal(null);
    expect(asked['file-share']).to.equal(0);
    expect(asked['consult-recorder']).to.equal(0);

    // The first frame: the share button again (imported now), and the documents.
    state.update({ status: 'in-call' });
    await until(() => !!customElements.get('screen-share'), '<screen-share> defined');
    await until(() => !!customElements.get('file-share'), '<file-share> defined');
    await until(() => !!el.shadowRoot!.querySelector('file-share'), 'the documents shown');
    await el.updateComplete;
    expect(asked['screen-share']).to.equal(2);
    expect(loadFilesCalls()).to.equal(1);
    expect(standIn(el), 'the stand-in gone').to.equal(null);
    const screenShare = el.shadowRoot!.querySelector('screen-share')!;
    await screenShare.updateComplete;
    const toggle = screenShare.shadowRoot!.querySelector<HTMLButtonElement>('[part~="toggle"]')!;
    expect(toggle.disabled, 'the real button, enabled').to.equal(false);
    expect(asked['consult-recorder'], 'no recorder before a recording is asked for').to.equal(0);
    await expect(el).to.be.accessible();

    // A clinician asks to record: the recorder comes.
    state.update({
      recording: {
        requestId: 'r1',
        status: 'asking',
        askedBy: 'peer-0',
        consents: { 'peer-0': 'agreed', self: 'asked' },
      },
    });
    await until(() => !!customElements.get('consult-recorder'), '<consult-recorder> defined');
    expect(asked['consult-recorder']).to.equal(1);
    expect(asked['screen-share'], 'each part imported once').to.equal(2);
    expect(loadFilesCalls(), 'the documents made once').to.equal(1);
  });
});
