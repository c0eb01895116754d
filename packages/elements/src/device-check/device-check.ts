import { html, nothing, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { localized, msg } from '@lit/localize';
import { DeviceCheck, type DeviceCheckState, type DeviceOption } from '@consultkit/core';
import { ConsultKitElement } from '../internal/consultkit-element.js';
import { StoreController } from '../internal/store-controller.js';
import { failureText, unnamedDevice } from '../internal/words.js';
import { baseStyles } from '../internal/tokens.styles.js';
import { deviceCheckStyles } from './device-check.styles.js';

/** The part of a `DeviceCheck` the element uses: any object with this shape will do. */
export type DeviceCheckLike = Pick<
  DeviceCheck,
  'state' | 'start' | 'selectCamera' | 'selectMicrophone' | 'selectSpeaker' | 'playTestSound' | 'takeStream'
>;

/**
 * The check before a consultation: a preview of your camera, a level meter for your microphone,
 * a test sound for your speaker, the devices to choose from, and plain help when the browser was
 * refused permission or no camera or microphone can be found.
 *
 * Give it a core `DeviceCheck` as `check` (or let it make its own). When the person presses
 * continue it fires `ck-devices-ready` with the stream, for `new Consultation({ localStream })`.
 *
 * @summary Camera, microphone and speaker check before joining.
 * @tagname device-check
 *
 * @fires ck-devices-ready - Devices work and the person pressed continue. `detail: { stream, speakerId }`
 *
 * @csspart preview - Your camera's preview.
 * @csspart camera - The camera choice.
 * @csspart microphone - The microphone choice.
 * @csspart speaker - The speaker choice.
 * @csspart level - The microphone level meter.
 * @csspart test-sound - The button that plays a test sound.
 * @csspart start - The button that asks for camera and microphone.
 * @csspart continue - The button that goes on to the consultation.
 * @csspart help - Help when permission was refused or no device was found.
 * @csspart status - The status line (announced to screen readers).
 *
 * @cssproperty --ck-device-check-max-inline-size - Widest the check grows.
 * @cssproperty --ck-device-check-preview-background - Behind the preview before video arrives.
 */
@localized()
export class DeviceCheckElement extends ConsultKitElement {
  static override styles = [baseStyles, deviceCheckStyles];

  /** The check to show; one is made when none is given. Not an attribute. */
  @property({ attribute: false })
  check: DeviceCheckLike | undefined;

  /** Start as soon as the element is on the page, rather than on a button press. */
  @property({ type: Boolean, attribute: 'auto-start' })
  autoStart = false;

  readonly #state = new StoreController<DeviceCheckState>(this);

  override connectedCallback(): void {
    super.connectedCallback();
    this.check ??= new DeviceCheck();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('check')) this.#state.store = this.check?.state;
  }

  protected override firstUpdated(): void {
    if (this.autoStart && this.#state.value?.status === 'idle') void this.check?.start();
  }

  protected override updated(): void {
    const video = this.renderRoot.querySelector<HTMLVideoElement>('[part~="preview"]');
    const stream = this.#state.value?.stream ?? null;
    if (video && video.srcObject !== stream) video.srcObject = stream;
  }

  #continue(): void {
    const speakerId = this.#state.value?.speakerId ?? null;
    const stream = this.check?.takeStream();
    if (stream) this.emit('ck-devices-ready', { stream, speakerId });
  }

  #select(
    id: string,
    label: string,
    part: string,
    options: DeviceOption[],
    value: string | null,
    choose: (deviceId: string) => unknown,
  ) {
    if (options.length === 0) return nothing;
    return html`<div>
      <label for=${id}>${label}</label>
      <select id=${id} part=${part} @change=${(e: Event) => choose((e.target as HTMLSelectElement).value)}>
        ${options.map(
          (option, index) =>
            html`<option value=${option.deviceId} ?selected=${option.deviceId === value}>
              ${option.label || unnamedDevice(part as 'camera' | 'microphone' | 'speaker', index + 1)}
            </option>`,
        )}
      </select>
    </div>`;
  }

  #help(state: DeviceCheckState) {
    switch (state.status) {
      case 'permission-denied':
        return html`<div part="help">
          <h3>${msg('Your browser is not allowed to use your camera and microphone')}</h3>
          <p>
            ${msg(
              'Select the camera or lock symbol in the address bar, allow the camera and microphone for this site, then try again.',
            )}
          </p>
          <button type="button" @click=${() => this.check?.start()}>${msg('Try again')}</button>
        </div>`;
      case 'no-device':
        return html`<div part="help">
          <h3>${msg('No camera or microphone could be found')}</h3>
          <p>
            ${msg(
              'Check that they are plugged in and not being used by another program, such as another video call, then try again. You can also join from a phone or tablet.',
            )}
          </p>
          <button type="button" @click=${() => this.check?.start()}>${msg('Try again')}</button>
        </div>`;
      case 'error':
        return html`<div part="help">
          <h3>${msg('Your camera or microphone did not start')}</h3>
          <p>${failureText(state.error)}</p>
          <button type="button" @click=${() => this.check?.start()}>${msg('Try again')}</button>
        </div>`;
      default:
        return nothing;
    }
  }

  #statusText(state: DeviceCheckState | undefined): string {
    switch (state?.status) {
      case undefined:
      case 'idle':
        return msg('Check your camera and microphone before you join.');
      case 'requesting':
        return msg('Allow your camera and microphone when your browser asks.');
      case 'ready':
        return msg('Your camera and microphone are working.');
      case 'permission-denied':
        return msg('Camera and microphone were not allowed.');
      case 'no-device':
        return msg('No camera or microphone found.');
      case 'error':
        return msg('Your camera or microphone did not start.');
    }
  }

  protected override render() {
    const state = this.#state.value;
    const ready = state?.status === 'ready';
    const percent = Math.round((state?.level ?? 0) * 100);
    return html`
      <p part="status" role="status" aria-live="polite">${this.#statusText(state)}</p>
      ${state ? this.#help(state) : nothing}
      ${
        state?.status === 'idle' || state === undefined
          ? html`<button part="start" type="button" @click=${() => this.check?.start()}>
              ${msg('Check my camera and microphone')}
            </button>`
          : nothing
      }
      <video
        part="preview"
        autoplay
        playsinline
        muted
        aria-label=${msg('Preview of your camera')}
        ?hidden=${!ready}
      ></video>
      ${
        ready
          ? html`<div class="fields">
                ${this.#select('ck-camera', msg('Camera'), 'camera', state.cameras, state.cameraId, (id) =>
                  this.check?.selectCamera(id),
                )}
                ${this.#select(
                  'ck-microphone',
                  msg('Microphone'),
                  'microphone',
                  state.microphones,
                  state.microphoneId,
                  (id) => this.check?.selectMicrophone(id),
                )}
                <div>
                  <span id="ck-level-label">${msg('Microphone level: speak to see it move')}</span>
                  <meter part="level" aria-labelledby="ck-level-label" min="0" max="100" .value=${percent}></meter>
                </div>
                ${this.#select('ck-speaker', msg('Speaker'), 'speaker', state.speakers, state.speakerId, (id) =>
                  this.check?.selectSpeaker(id),
                )}
              </div>
              <div class="actions">
                <button
                  part="test-sound"
                  type="button"
                  ?disabled=${state.testSoundPlaying}
                  @click=${() => this.check?.playTestSound()}
                >
                  ${state.testSoundPlaying ? msg('Playing a test sound…') : msg('Play a test sound')}
                </button>
                <button part="continue" type="button" @click=${this.#continue}>${msg('Continue')}</button>
              </div>`
          : nothing
      }
    `;
  }
}
