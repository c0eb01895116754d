import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { createStore, DeviceCheck, type DeviceCheckState } from '@consultkit/core';
import './define.js';
import type { DeviceCheckElement, DeviceCheckLike } from './device-check.js';
import { until } from '../../../../test-support/browser.js';

const part = (el: DeviceCheckElement, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);

describe('<device-check>', () => {
  const checks: DeviceCheck[] = [];
  afterEach(() => {
    for (const check of checks.splice(0)) check.stop();
  });
  const check = () => {
    const c = new DeviceCheck();
    checks.push(c);
    return c;
  };

  it('invites a check before it starts, and is accessible', async () => {
    const el = await fixture<DeviceCheckElement>(html`<device-check .check=${check()}></device-check>`);
    expect(part(el, 'status')!.textContent).to.contain('Check your camera and microphone');
    expect(part(el, 'start')).to.not.equal(null);
    await expect(el).to.be.accessible();
  });

  it('shows the preview, devices and a moving microphone level; accessible when ready', async () => {
    const c = check();
    const el = await fixture<DeviceCheckElement>(html`<device-check .check=${c}></device-check>`);
    part(el, 'start')!.click();
    await until(() => c.state.get().status === 'ready', 'camera and microphone');
    await el.updateComplete;
    const preview = part(el, 'preview') as HTMLVideoElement;
    await until(() => preview.videoWidth > 0, 'the preview to play');
    const microphones = part(el, 'microphone') as HTMLSelectElement;
    expect(microphones.options.length, 'the fake devices offer three microphones').to.be.greaterThan(1);
    await until(() => c.state.get().level > 0, 'the microphone level to move', 8000);
    await el.updateComplete;
    expect((part(el, 'level') as HTMLMeterElement).value).to.be.greaterThan(0);
    await expect(el).to.be.accessible();
  });

  it('switches microphone when another is chosen', async () => {
    const c = check();
    const el = await fixture<DeviceCheckElement>(html`<device-check .check=${c} auto-start></device-check>`);
    await until(() => c.state.get().status === 'ready', 'ready');
    // The devices are listed once the browser names them, which may come after the stream.
    await until(() => c.state.get().microphones.length > 1, 'the microphones listed');
    await el.updateComplete;
    const select = part(el, 'microphone') as HTMLSelectElement;
    const other = [...select.options].find((o) => o.value !== c.state.get().microphoneId)!;
    select.value = other.value;
    select.dispatchEvent(new Event('change'));
    // The chosen id and the new stream may land in either order: wait for both.
    await until(
      () =>
        c.state.get().microphoneId === other.value &&
        c.state.get().stream?.getAudioTracks()[0]?.getSettings().deviceId === other.value,
      'the new microphone, in the state and in the stream',
    );
    expect(c.state.get().stream!.getAudioTracks()[0]!.readyState).to.equal('live');
  });

  it('hands the stream over on continue', async () => {
    const c = check();
    const el = await fixture<DeviceCheckElement>(html`<device-check .check=${c} auto-start></device-check>`);
    await until(() => c.state.get().status === 'ready', 'ready');
    await el.updateComplete;
    setTimeout(() => part(el, 'continue')!.click());
    const { detail } = await oneEvent(el, 'ck-devices-ready');
    expect(detail.stream.getTracks().map((t: MediaStreamTrack) => t.readyState)).to.deep.equal(['live', 'live']);
    expect(c.state.get().stream, 'the check let go of it').to.equal(null);
    for (const track of detail.stream.getTracks()) track.stop();
  });

  it('says plainly when no camera can be found, with a way to try again; accessible', async () => {
    const c = check();
    const el = await fixture<DeviceCheckElement>(html`<device-check .check=${c}></device-check>`);
    await c.start({ audio: true, video: { deviceId: { exact: 'no-such-camera' } } });
    await el.updateComplete;
    expect(c.state.get().status).to.equal('no-device');
    expect(part(el, 'help')!.textContent).to.contain('No camera or microphone could be found');
    expect(part(el, 'help')!.querySelector('button')!.textContent).to.contain('Try again');
    await expect(el).to.be.accessible();
  });

  it('explains how to allow the camera when permission was refused; accessible', async () => {
    // The browser here always grants permission (fake media UI), so the refused state comes from
    // a check whose store says so: the element is a view of whatever state it is given.
    const refused: DeviceCheckLike = {
      state: createStore<DeviceCheckState>({
        ...new DeviceCheck().state.get(),
        status: 'permission-denied',
      }),
      start: async () => undefined,
      selectCamera: async () => undefined,
      selectMicrophone: async () => undefined,
      selectSpeaker: () => undefined,
      playTestSound: async () => undefined,
      takeStream: () => null,
    };
    const el = await fixture<DeviceCheckElement>(html`<device-check .check=${refused}></device-check>`);
    expect(part(el, 'status')!.textContent).to.contain('were not allowed');
    expect(part(el, 'help')!.textContent).to.contain('allow the camera and microphone for this site');
    await expect(el).to.be.accessible();
  });
});
