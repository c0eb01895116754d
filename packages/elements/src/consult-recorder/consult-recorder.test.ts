import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { createStore, type Consultation, type ConsultationState, type WritableStore } from '@consultkit/core';
import type { RecordingState } from '@consultkit/core/contract';
import './define.js';
import type { ConsultRecorder } from './consult-recorder.js';
import { fakeParticipant, fakeSelf } from '../internal/fake-participants.js';

/**
 * `<consult-recorder>` over a consultation's state in a real core store (what the server's roster
 * would make of it), its commands recorded: what each person sees and can press in each state,
 * the dialog's focus and keyboard, the announcements, and axe in every state. The real path
 * (server, two browsers) is e2e/recording-consent.test.ts.
 */
const REQ = '0123456789abcdef0123456789abcdef';

function fake(role: 'clinician' | 'patient', recording: RecordingState | null = null) {
  const store = createStore({
    status: 'in-call',
    role,
    admitted: true,
    self: fakeSelf({ role }),
    participants: [
      fakeParticipant(0, { name: 'Sam Patel', role: role === 'clinician' ? 'patient' : 'clinician' }),
      fakeParticipant(1, { name: 'Jo Evans', role: 'guest', kind: 'interpreter' }),
    ],
    recording,
  } as unknown as ConsultationState) as WritableStore<ConsultationState>;
  const calls: string[] = [];
  const consultation = {
    state: store,
    on: () => () => undefined,
    askToRecord: async () => void calls.push('ask'),
    answerRecording: async (agree: boolean) => void calls.push(agree ? 'agree' : 'decline'),
    withdrawRecordingConsent: async () => void calls.push('withdraw'),
    stopRecording: async () => void calls.push('stop'),
  } as unknown as Consultation;
  return { store, calls, consultation, set: (r: RecordingState | null) => store.update({ recording: r }) };
}

const part = (el: ConsultRecorder, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const text = (el: ConsultRecorder, name: string) =>
  part(el, name)
    ?.textContent?.replace(/[\u2068\u2069]/g, '')
    .replace(/\s+/g, ' ')
    .trim();

function deepActive(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

const asking = (consents: RecordingState['consents'], askedBy = 'peer-0'): RecordingState => ({
  requestId: REQ,
  status: 'asking',
  askedBy,
  consents,
});

describe('<consult-recorder>', () => {
  it('clinician: Record asks; who answered what while asking; Stop recording while it runs; announced; accessible in each', async () => {
    const { calls, consultation, set } = fake('clinician');
    const el = await fixture<ConsultRecorder>(
      html`<consult-recorder .consultation=${consultation}></consult-recorder>`,
    );
    expect(text(el, 'record')).to.equal('Record this consultation');
    expect(part(el, 'indicator')).to.equal(null);
    await expect(el).to.be.accessible();
    part(el, 'record')!.click();
    expect(calls).to.deep.equal(['ask']);

    setTimeout(() => set(asking({ self: 'agreed', 'peer-0': 'agreed', 'peer-1': 'asked' }, 'self')));
    expect((await oneEvent(el, 'ck-recording-change')).detail).to.deep.equal({ status: 'asking', recordingId: null });
    await el.updateComplete;
    expect(text(el, 'stop')).to.equal('Cancel the request to record');
    expect(text(el, 'asking')).to.equal('Waiting for everyone to agree. Nothing is recorded yet.');
    const answers = [...part(el, 'answers')!.querySelectorAll('li')].map((li) =>
      li.textContent!.replace(/[\u2068\u2069]/g, '').trim(),
    );
    expect(answers).to.deep.equal(['Sam Patel agreed.', 'Jo Evans has not answered yet.']);
    expect(part(el, 'dialog')).to.equal(null);
    await expect(el).to.be.accessible();

    set({
      ...asking({ self: 'agreed', 'peer-0': 'agreed', 'peer-1': 'agreed' }, 'self'),
      status: 'recording',
      recordingId: 'f'.repeat(32),
    });
    await el.updateComplete;
    expect(text(el, 'announcements')).to.equal('Recording started.');
    expect(text(el, 'indicator')).to.equal('Recording');
    expect(text(el, 'stop')).to.equal('Stop recording');
    expect(part(el, 'withdraw')).to.equal(null);
    await expect(el).to.be.accessible();
    part(el, 'stop')!.click();
    expect(calls).to.deep.equal(['ask', 'stop']);

    set({
      ...asking({ self: 'agreed', 'peer-0': 'withdrawn', 'peer-1': 'agreed' }, 'self'),
      status: 'stopped',
      reason: 'withdrawn',
      endedBy: 'peer-0',
    });
    await el.updateComplete;
    expect(text(el, 'announcements')).to.equal('Recording stopped: Sam Patel withdrew consent.');
    expect(part(el, 'indicator')).to.equal(null);
    expect(text(el, 'record')).to.equal('Record this consultation');
  });

  it('patient: a modal dialog takes focus, says what, who and how long; Escape declines and gives focus back', async () => {
    const { calls, consultation, set } = fake('patient');
    const wrapper = await fixture<HTMLDivElement>(
      html`<div>
        <button id="before">Something else</button>
        <consult-recorder retention-days="30" .consultation=${consultation}></consult-recorder>
      </div>`,
    );
    const el = wrapper.querySelector('consult-recorder')!;
    wrapper.querySelector<HTMLButtonElement>('#before')!.focus();
    set(asking({ 'peer-0': 'agreed', self: 'asked' }));
    await el.updateComplete;
    const dialog = part(el, 'dialog') as HTMLDialogElement;
    expect(dialog.open).to.equal(true);
    expect(dialog.matches(':modal')).to.equal(true);
    expect(deepActive()?.id).to.equal('ck-recorder-title');
    const words = dialog.textContent!.replace(/[\u2068\u2069]/g, '').replace(/\s+/g, ' ');
    expect(words).to.contain('May we record this consultation?');
    expect(words).to.contain('Sam Patel would like to record this video consultation.');
    expect(words).to.contain('picture and sound of everyone who agrees');
    expect(words).to.contain('Only you and the clinicians at the practice can watch it.');
    expect(words).to.contain('The practice keeps it for 30 days, then deletes it.');
    expect(words).to.contain('You can stop the recording at any time');
    await expect(el).to.be.accessible();

    const closed = oneEvent(dialog, 'close');
    await sendKeys({ press: 'Escape' });
    await closed;
    await el.updateComplete;
    expect(dialog.open).to.equal(false);
    expect(calls).to.deep.equal(['decline']);
    expect(deepActive()?.id).to.equal('before');
  });

  it('patient: agree, then the indicator with "Stop my consent", which withdraws; stopped is announced', async () => {
    const { calls, consultation, set } = fake('patient');
    const el = await fixture<ConsultRecorder>(
      html`<consult-recorder .consultation=${consultation}></consult-recorder>`,
    );
    set(asking({ 'peer-0': 'agreed', self: 'asked' }));
    await el.updateComplete;
    expect(text(el, 'dialog')).to.contain('The practice can tell you how long it keeps recordings.');
    const closed = oneEvent(part(el, 'dialog')!, 'close');
    part(el, 'agree')!.click();
    await closed;
    await el.updateComplete;
    expect(calls).to.deep.equal(['agree']);
    expect((part(el, 'dialog') as HTMLDialogElement).open).to.equal(false);

    set({ ...asking({ 'peer-0': 'agreed', self: 'agreed' }), status: 'recording', recordingId: 'f'.repeat(32) });
    await el.updateComplete;
    expect(text(el, 'announcements')).to.equal('Recording started.');
    expect(text(el, 'indicator')).to.equal('Recording Stop my consent');
    expect(part(el, 'record')).to.equal(null);
    await expect(el).to.be.accessible();
    part(el, 'withdraw')!.click();
    expect(calls).to.deep.equal(['agree', 'withdraw']);
    set({
      ...asking({ 'peer-0': 'agreed', self: 'withdrawn' }),
      status: 'stopped',
      reason: 'withdrawn',
      endedBy: 'self',
    });
    await el.updateComplete;
    expect(text(el, 'announcements')).to.equal('Recording stopped: you withdrew your consent.');
    expect(part(el, 'indicator')).to.equal(null);
  });

  it('a guest let in while it runs: the indicator says they are not recorded yet, and the dialog asks them', async () => {
    const { consultation, set } = fake('patient');
    const el = await fixture<ConsultRecorder>(
      html`<consult-recorder .consultation=${consultation}></consult-recorder>`,
    );
    set({ ...asking({ 'peer-0': 'agreed', self: 'asked' }), status: 'recording', recordingId: 'f'.repeat(32) });
    await el.updateComplete;
    expect((part(el, 'dialog') as HTMLDialogElement).open).to.equal(true);
    expect(text(el, 'indicator')).to.equal('Recording. You are not recorded until you agree.');
    await expect(el).to.be.accessible();
  });
});
