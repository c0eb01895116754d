import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { Consultation, ConsultationState, ConsultKitError, ParticipantState } from '@consultkit/core';
import { ConsultKitElement } from '../internal/consultkit-element.js';
import { presenterName } from '../internal/participant.js';
import { StoreController } from '../internal/store-controller.js';
import { baseStyles } from '../internal/tokens.styles.js';
import { screenShareStyles } from './screen-share.styles.js';

// Where it lives now (the room needs it without this module: decision 47).
export { presenterName };

/**
 * Screen share in a consultation: the control to share your screen (or stop), and who is sharing.
 * One person shares at a time: sharing while someone else does takes over from them, and they are
 * told. A thin view over a core `Consultation` (`startScreenShare()`, `stopScreenShare()`,
 * `state.screenShare`): set its `consultation` property. On its own it also shows the shared screen
 * (with `controls-only`, as in `<consult-room>`, the button alone shows: the host shows the screen
 * and who shares; the sentence stays for screen readers).
 *
 * @summary Share your screen in a consultation; who is sharing; the shared screen.
 * @tagname screen-share
 *
 * @fires ck-screen-share-change - Who shares changed. `detail: { presenter, local }` (`presenter` null: nobody).
 *
 * @csspart toggle - The "Share your screen" / "Stop sharing" button.
 * @csspart state - The sentence saying who is sharing.
 * @csspart screen - The shared screen (a video), when someone else shares and `controls-only` is not set.
 * @csspart error - Why sharing did not start (cancelled, not allowed).
 * @csspart announcements - The live region telling when sharing starts, stops or is taken over.
 *
 * @cssproperty --ck-screen-share-on-background - The button while you share.
 * @cssproperty --ck-screen-share-max-block-size - Tallest the shared screen may grow (70vh).
 * @cssproperty --ck-screen-share-error-color - The error's text.
 */
@localized()
export class ScreenShareElement extends ConsultKitElement {
  static override styles = [baseStyles, screenShareStyles];

  /** The consultation. Not an attribute: set it from script. */
  @property({ attribute: false })
  consultation: Consultation | undefined;

  /** Show only the control and who shares, not the shared screen (a host shows it). */
  @property({ type: Boolean, attribute: 'controls-only' })
  controlsOnly = false;

  @state()
  private error: string | null = null;

  @state()
  private announcement = '';

  readonly #state = new StoreController<ConsultationState>(this, (now, before) => this.#changed(now, before));
  #offs: (() => void)[] = [];

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('consultation')) {
      this.#unlisten();
      this.#listen();
      this.#state.store = this.consultation?.state;
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.#offs.length === 0) this.#listen();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unlisten();
  }

  #listen(): void {
    const c = this.consultation;
    if (!c) return;
    this.#offs = [
      c.on('screen-share-taken-over', ({ by }) => {
        const who = this.#name(by);
        this.announcement = msg(str`${who} is sharing their screen now. Yours is no longer shared.`);
      }),
      c.on('screen-share-stopped', ({ local, reason }) => {
        if (local && reason === 'ended') this.announcement = msg('You stopped sharing your screen.');
      }),
    ];
  }

  #unlisten(): void {
    for (const off of this.#offs.splice(0)) off();
  }

  #changed(now: ConsultationState, before: ConsultationState | undefined): void {
    const share = now.screenShare;
    const was = before?.screenShare;
    if (!share || (was && share.presenter === was.presenter && share.local === was.local)) return;
    this.emit('ck-screen-share-change', { presenter: share.presenter, local: share.local });
    if (share.local) this.announcement = msg('You are sharing your screen.');
    else if (share.presenter) {
      const who = this.#name(share.presenter);
      if (!was?.local) this.announcement = msg(str`${who} is sharing their screen.`);
    } else if (was?.presenter && !was.local) this.announcement = msg('Screen sharing has stopped.');
  }

  #name(peerId: string): string {
    const p = this.#state.value?.participants.find((x: ParticipantState) => x.peerId === peerId);
    return p ? presenterName(p) : msg('Someone');
  }

  async #toggle(): Promise<void> {
    const c = this.consultation;
    if (!c) return;
    this.error = null;
    if (this.#state.value?.screenShare.local) {
      c.stopScreenShare();
      this.announcement = msg('You stopped sharing your screen.');
      return;
    }
    try {
      await c.startScreenShare();
    } catch (error) {
      this.error = this.#failure(error as ConsultKitError);
    }
  }

  #failure(error: ConsultKitError): string {
    switch (error?.code) {
      case 'media-permission-denied':
        return msg('Your screen was not shared: choosing a screen was cancelled, or the browser did not allow it.');
      case 'webrtc-unsupported':
        return msg(
          'This browser cannot share a screen. Please use an up-to-date Chrome, Edge or Firefox on a computer.',
        );
      case 'invalid-state':
        return msg('You can share your screen once you are in the call.');
      default:
        return msg('Your screen could not be shared. Please try again.');
    }
  }

  protected override render() {
    const s = this.#state.value;
    const share = s?.screenShare;
    const inCall =
      !!s && !!s.self?.admitted && !['idle', 'checking', 'connecting', 'ended', 'failed'].includes(s.status);
    const supported = share?.supported ?? true;
    const other = share && share.presenter && !share.local ? share.presenter : null;
    const who = other ? this.#name(other) : '';
    let sentence: string;
    if (!supported) sentence = msg('This browser cannot share a screen.');
    else if (share?.local) sentence = msg('You are sharing your screen. Everyone in the call can see it.');
    else if (other) sentence = msg(str`${who} is sharing their screen.`);
    else if (share?.pending) sentence = msg('Choose what to share in the window your browser opened.');
    else sentence = msg('Nobody is sharing their screen.');
    const label = share?.local
      ? msg('Stop sharing')
      : other
        ? msg('Share your screen instead')
        : msg('Share your screen');
    return html`<div class="row">
        ${
          supported
            ? html`<button
                part="toggle"
                type="button"
                aria-pressed=${share?.local ? 'true' : 'false'}
                ?disabled=${!inCall || !!share?.pending}
                @click=${this.#toggle}
              >
                ${label}
              </button>`
            : nothing
        }
        <p part="state" class=${this.controlsOnly ? 'visually-hidden' : ''}>${sentence}</p>
        ${this.error ? html`<p part="error" role="alert">${this.error}</p>` : nothing}
      </div>
      ${
        other && share?.stream && !this.controlsOnly
          ? html`<video
              part="screen"
              aria-label=${msg(str`${who}’s shared screen`)}
              .srcObject=${share.stream}
              .muted=${true}
              autoplay
              playsinline
            ></video>`
          : nothing
      }
      <div part="announcements" class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'screen-share': ScreenShareElement;
  }
}
