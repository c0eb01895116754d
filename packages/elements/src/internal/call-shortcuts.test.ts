import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../consult-room/define.js';
import type { ConsultRoom } from '../consult-room/consult-room.js';
import { CallShortcuts, parseCombo, SHORTCUTS_OFF_KEY } from './call-shortcuts.js';
import { consultations as useConsultations, until, untilStatus } from '../../../../test-support/browser.js';

const part = (el: ConsultRoom, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const said = (el: ConsultRoom) => el.shadowRoot!.querySelector('.ck-shortcuts ~ [role="status"]')?.textContent ?? '';
/** Presses `keys` together, as a person does: modifiers down, the key, modifiers up. */
async function press(keys: string): Promise<void> {
  const parts = keys.split('+');
  const key = parts.pop()!;
  for (const modifier of parts) await sendKeys({ down: modifier });
  await sendKeys({ press: key });
  for (const modifier of parts.reverse()) await sendKeys({ up: modifier });
}
const audioEnabled = (el: ConsultRoom) => el.consultation!.state.get().localStream!.getAudioTracks()[0]!.enabled;

describe('call shortcuts in <consult-room>', () => {
  const consultations = useConsultations();
  afterEach(() => localStorage.removeItem(SHORTCUTS_OFF_KEY));

  it('accepts only combinations with Control, Alt or Meta (a single key or Shift+key is refused)', () => {
    expect(parseCombo('Alt+Shift+M')?.text).to.equal('Alt+Shift+M');
    expect(parseCombo('shift+alt+m')?.text).to.equal('Alt+Shift+M');
    expect(parseCombo('Ctrl+K')?.text).to.equal('Control+K');
    expect(parseCombo('M')).to.equal(undefined);
    expect(parseCombo('Shift+M')).to.equal(undefined);
    expect(parseCombo('Hyper+M')).to.equal(undefined);
  });

  it('mutes, turns the camera off and hangs up after a confirmation, saying what each did; shown and accessible', async function () {
    this.timeout(60_000);
    const { patient } = await consultations.pair();
    const room = await fixture<ConsultRoom>(html`<consult-room .consultation=${patient}></consult-room>`);
    const leaves: Event[] = [];
    room.addEventListener('ck-request-leave', (e) => leaves.push(e));
    expect(part(room, 'mute')!.getAttribute('aria-keyshortcuts')).to.equal('Alt+Shift+M');
    expect(part(room, 'camera')!.getAttribute('aria-keyshortcuts')).to.equal('Alt+Shift+V');
    expect(part(room, 'hang-up')!.getAttribute('aria-keyshortcuts')).to.equal('Alt+Shift+H');
    // Shown: the panel lists each shortcut (its list comes with its module, on the first opening).
    const panel = part(room, 'shortcuts') as HTMLDetailsElement;
    panel.open = true;
    await until(() => !!panel.querySelector('dl'), 'the list of shortcuts');
    expect(panel.textContent!.replace(/\s+/g, ' ')).to.contain('Mute or unmute the microphone Alt+Shift+M');
    await expect(room).to.be.accessible();

    expect(audioEnabled(room)).to.equal(true);
    await press('Alt+Shift+KeyM');
    await until(() => !audioEnabled(room), 'the microphone track disabled');
    await room.updateComplete;
    expect(part(room, 'mute')!.getAttribute('aria-pressed')).to.equal('true');
    expect(said(room)).to.equal('Microphone muted.');
    await press('Alt+Shift+KeyM');
    await until(() => audioEnabled(room), 'the microphone track enabled again');
    await room.updateComplete;
    expect(said(room)).to.equal('Microphone on.');

    await press('Alt+Shift+KeyV');
    await until(() => patient.state.get().cameraOff, 'the camera off');
    await room.updateComplete;
    expect(part(room, 'camera')!.getAttribute('aria-pressed')).to.equal('true');
    expect(said(room)).to.equal('Camera off.');

    // Hang up asks first; "Stay in the call" is focused and keeps the call.
    (part(room, 'mute') as HTMLButtonElement).focus();
    await press('Alt+Shift+KeyH');
    const dialog = part(room, 'confirm-hang-up') as HTMLDialogElement;
    await until(() => dialog.open, 'the confirmation open');
    expect(room.shadowRoot!.activeElement?.textContent?.trim()).to.equal('Stay in the call');
    await expect(room).to.be.accessible();
    await sendKeys({ press: 'Enter' });
    await until(() => !dialog.open, 'the confirmation closed');
    expect(room.shadowRoot!.activeElement, 'focus back where it was').to.equal(part(room, 'mute'));
    expect(patient.state.get().status).to.equal('in-call');
    expect(leaves).to.have.length(0);

    // Escape keeps the call too.
    await press('Alt+Shift+KeyH');
    await until(() => dialog.open, 'the confirmation open again');
    await sendKeys({ press: 'Escape' });
    await until(() => !dialog.open, 'the confirmation closed by Escape');
    expect(patient.state.get().status).to.equal('in-call');

    // Confirmed: the call ends (through ck-request-leave, as the button does).
    await press('Alt+Shift+KeyH');
    await until(() => dialog.open, 'the confirmation open a third time');
    (dialog.querySelector('[value="hang-up"]') as HTMLButtonElement).focus();
    await sendKeys({ press: 'Enter' });
    await untilStatus(patient, 'ended');
    expect(leaves).to.have.length(1);
  });

  it('turned off by the host (`shortcuts="off"`): no panel, keys do nothing', async function () {
    this.timeout(60_000);
    const { patient } = await consultations.pair();
    const room = await fixture<ConsultRoom>(
      html`<consult-room shortcuts="off" .consultation=${patient}></consult-room>`,
    );
    expect(part(room, 'shortcuts')).to.equal(null);
    expect(part(room, 'mute')!.hasAttribute('aria-keyshortcuts')).to.equal(false);
    await press('Alt+Shift+KeyM');
    // Sentinel: a click after the key; once it has acted, the key would have too.
    (part(room, 'camera') as HTMLButtonElement).click();
    await until(() => patient.state.get().cameraOff, 'the camera button worked');
    expect(patient.state.get().muted, 'the key did not mute').to.equal(false);
  });

  it('remapped by the host: the new keys work and are shown, the old ones do nothing, `none` removes one', async function () {
    this.timeout(60_000);
    const { patient } = await consultations.pair();
    const room = await fixture<ConsultRoom>(html`<consult-room .consultation=${patient}></consult-room>`);
    // The attribute form (a page's HTML); the property takes `{ mute: 'Control+Alt+K', camera: null }`.
    room.setAttribute('shortcuts', 'mute:Control+Alt+K camera:none');
    await room.updateComplete;
    expect(room.shortcuts).to.deep.equal({ mute: 'Control+Alt+K', camera: null });
    expect(part(room, 'mute')!.getAttribute('aria-keyshortcuts')).to.equal('Control+Alt+K');
    expect(part(room, 'camera')!.hasAttribute('aria-keyshortcuts')).to.equal(false);
    expect(part(room, 'hang-up')!.getAttribute('aria-keyshortcuts')).to.equal('Alt+Shift+H');
    await press('Alt+Shift+KeyM');
    await press('Alt+Shift+KeyV');
    await press('Control+Alt+KeyK');
    await until(() => patient.state.get().muted, 'muted by the new keys');
    // The new keys were pressed after the old ones: had the old ones acted, this is where it shows.
    expect(patient.state.get().cameraOff, 'Alt+Shift+V removed').to.equal(false);
    await room.updateComplete;
    expect(said(room)).to.equal('Microphone muted.');
  });

  it('turned off by the person in the panel, remembered in this browser', async function () {
    this.timeout(60_000);
    const { patient } = await consultations.pair();
    const room = await fixture<ConsultRoom>(html`<consult-room .consultation=${patient}></consult-room>`);
    const panel = part(room, 'shortcuts') as HTMLDetailsElement;
    panel.open = true;
    await until(() => !!panel.querySelector('input[type="checkbox"]'), 'the switch, with the list');
    const box = panel.querySelector<HTMLInputElement>('input[type="checkbox"]')!;
    expect(box.checked).to.equal(true);
    box.click();
    await room.updateComplete;
    expect(localStorage.getItem(SHORTCUTS_OFF_KEY)).to.equal('1');
    expect(part(room, 'mute')!.hasAttribute('aria-keyshortcuts')).to.equal(false);
    await press('Alt+Shift+KeyM');
    (part(room, 'camera') as HTMLButtonElement).click(); // sentinel: a command after the key
    await until(() => patient.state.get().cameraOff, 'the camera button worked');
    expect(patient.state.get().muted, 'the key did not mute').to.equal(false);
    await expect(room).to.be.accessible();
  });

  it('imports the list and the confirmation on first use; offline, says so (the panel closes, the call stays) and the next use tries again; accessible', async function () {
    this.timeout(60_000);
    const importPanel = CallShortcuts._importPanel;
    let answer!: (module: Awaited<ReturnType<typeof importPanel>> | Error) => void;
    let asked = 0;
    CallShortcuts._importPanel = () => {
      asked++;
      return new Promise((resolve, reject) => {
        answer = (module) => (module instanceof Error ? reject(module) : resolve(module));
      });
    };
    try {
      const { patient } = await consultations.pair();
      const room = await fixture<ConsultRoom>(html`<consult-room .consultation=${patient}></consult-room>`);
      const panel = part(room, 'shortcuts') as HTMLDetailsElement;
      const offline = "We could not reach the practice's service. Check your internet connection and try again.";
      // In the call, with its summary and the keys on the buttons, without the module.
      expect(asked).to.equal(0);
      expect(panel.querySelector('summary')!.textContent).to.equal('Keyboard shortcuts');
      expect(part(room, 'confirm-hang-up')).to.equal(null);

      // Opened: busy while the module comes; offline, it closes again and says so.
      panel.open = true;
      await until(() => asked === 1, 'the module asked for');
      await room.updateComplete;
      expect(panel.getAttribute('aria-busy')).to.equal('true');
      await expect(room).to.be.accessible();
      answer(new TypeError('Failed to fetch dynamically imported module'));
      await until(() => !panel.open, 'the panel closed again');
      await until(() => said(room) === offline, 'the failure said');
      expect(panel.getAttribute('aria-busy')).to.equal('false');
      await expect(room).to.be.accessible();

      // The hang-up shortcut tries again; offline too: it says so and the call goes on.
      await press('Alt+Shift+KeyH');
      await until(() => asked === 2, 'the module asked for again');
      answer(new TypeError('Failed to fetch dynamically imported module'));
      await room.updateComplete;
      // Sentinel: the mute shortcut after it, acting once the failure has been handled.
      await press('Alt+Shift+KeyM');
      await until(() => said(room) === 'Microphone muted.', 'the mute shortcut acted');
      expect(part(room, 'confirm-hang-up')).to.equal(null);
      expect(patient.state.get().status).to.equal('in-call');

      // Online again: the hang-up shortcut brings the confirmation.
      await press('Alt+Shift+KeyH');
      await until(() => asked === 3, 'the module asked for a third time');
      answer(await importPanel());
      await until(
        () => (part(room, 'confirm-hang-up') as HTMLDialogElement | null)?.open === true,
        'the confirmation open',
      );
      expect(room.shadowRoot!.activeElement?.textContent?.trim()).to.equal('Stay in the call');
      // Its styles came with it (adopted by the room's shadow root).
      const hangUp = room.shadowRoot!.querySelector('[part~="confirm-hang-up-button"]')!;
      expect(getComputedStyle(hangUp).backgroundColor).to.equal('rgb(213, 40, 27)');
      await expect(room).to.be.accessible();
      await sendKeys({ press: 'Escape' });
      await until(() => !(part(room, 'confirm-hang-up') as HTMLDialogElement).open, 'the confirmation closed');
      // The list is here at once now, and nothing more is imported.
      panel.open = true;
      await until(() => !!panel.querySelector('dl'), 'the list');
      expect(asked).to.equal(3);
      expect(patient.state.get().status).to.equal('in-call');
      await expect(room).to.be.accessible();
    } finally {
      CallShortcuts._importPanel = importPanel;
    }
  });
});
