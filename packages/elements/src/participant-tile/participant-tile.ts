import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { localized, msg } from '@lit/localize';
import { ConsultKitElement } from '../internal/consultkit-element.js';
import type { ParticipantState, PendingCommand } from '@consultkit/core';
import { isPending, participantLabel } from '../internal/participant.js';
import { baseStyles } from '../internal/tokens.styles.js';
import { participantTileStyles } from './participant-tile.styles.js';

/**
 * One participant of a consultation: their video (never cropped), their name and role, markers
 * for a muted microphone, a camera turned off and a poor connection, and for a clinician the
 * controls to let a guest in or remove them. A thin view: it reads a `ParticipantState` given as
 * a property and calls nothing; its buttons fire events the room turns into core commands.
 *
 * @summary One participant: video, "name, role", markers, and a clinician's admit and remove.
 * @tagname participant-tile
 *
 * @fires ck-request-admit - The clinician pressed "Admit". `detail: { peerId }`. Cancelable.
 * @fires ck-request-remove - The clinician pressed "Remove". `detail: { peerId }`. Cancelable.
 *
 * @csspart tile - The tile (a labelled group).
 * @csspart video - The video, letterboxed (`object-fit: contain`), mirrored for this page's own.
 * @csspart placeholder - Shown over the video when there is no picture (initials).
 * @csspart label - The "name, role" caption.
 * @csspart markers - The list of markers.
 * @csspart marker - Each marker; also `marker-muted`, `marker-camera-off`, `marker-poor-network`, `marker-speaking`.
 * @csspart actions - The clinician's tile controls.
 * @csspart admit - The "Admit" button.
 * @csspart remove - The "Remove" button.
 * @csspart sound - "Turn on sound", when the browser would not play their sound before a click.
 *
 * @cssproperty --ck-tile-background - Behind the letterboxed video.
 * @cssproperty --ck-tile-color - Text on the tile.
 * @cssproperty --ck-tile-active-color - The active speaker's outline.
 * @cssproperty --ck-tile-marker-background - Behind a marker.
 */
@localized()
export class ParticipantTile extends ConsultKitElement {
  static override styles = [baseStyles, participantTileStyles];

  /** The participant to show (a core `ParticipantState`). Not an attribute. */
  @property({ attribute: false })
  participant: ParticipantState | null = null;

  /** The commands at work (core's `pending`): Admit and Remove wait while theirs is pending. */
  @property({ attribute: false })
  pending: readonly PendingCommand[] = [];

  /** Show the clinician's tile controls (Admit, Remove) for guests. */
  @property({ type: Boolean, attribute: 'can-manage' })
  canManage = false;

  /**
   * The active speaker, as the grid chose (reflected, for styling): a thick outline, a shape and
   * not only a colour. The "Speaking" marker follows the participant's own `speaking`.
   */
  @property({ type: Boolean, reflect: true })
  active = false;

  /** The browser refused to play this participant's sound without a click: played muted meanwhile. */
  @state()
  private soundBlocked = false;

  protected override updated(): void {
    // Done here, not in the template: the <video> is created once and never replaced, and a
    // stream is only (re)assigned when it changed, so a re-render never restarts playback.
    const video = this.renderRoot.querySelector('video');
    if (!video) return;
    const stream = this.participant?.stream ?? null;
    video.muted = !!this.participant?.isLocal || this.soundBlocked; // the property: never hear yourself
    if (video.srcObject !== stream) video.srcObject = stream;
    // Chromium does not start a muted autoplay video while it is off screen, nor (without a click
    // on the page first, as after a reload) one with sound: ask it to play whenever it has a
    // stream and is paused. Refused for its sound, it plays muted and offers "Turn on sound".
    if (stream && video.paused) {
      video.play().catch((error: unknown) => {
        if ((error as DOMException)?.name !== 'NotAllowedError' || video.muted) return;
        this.soundBlocked = true;
        video.muted = true;
        void video.play().catch(() => undefined);
      });
    }
  }

  #turnOnSound(): void {
    this.soundBlocked = false; // a click: the browser now lets it play with sound
    const video = this.renderRoot.querySelector('video');
    if (video) {
      video.muted = false;
      void video.play().catch(() => undefined);
    }
  }

  /** Back in a page (moved by the grid): its picture again (`disconnectedCallback` let the stream go). */
  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    const video = this.renderRoot.querySelector('video');
    if (video) video.srcObject = null;
  }

  #request(name: 'ck-request-admit' | 'ck-request-remove', command: 'admit' | 'remove'): void {
    const peerId = this.participant?.peerId;
    if (!peerId || isPending(this.pending, command, peerId)) return;
    this.emit(name, { peerId }, { cancelable: true });
  }

  #markers(p: ParticipantState) {
    const markers: [string, string][] = [];
    if (p.presence === 'waiting') markers.push(['waiting', msg('Waiting to be let in')]);
    if (p.speaking) markers.push(['speaking', msg('Speaking')]);
    if (p.muted) markers.push(['muted', msg('Microphone muted')]);
    if (p.audioOnly) markers.push(['camera-off', msg('Audio only')]);
    else if (p.cameraOff) markers.push(['camera-off', msg('Camera off')]);
    if (p.networkQuality === 'poor') markers.push(['poor-network', msg('Poor connection')]);
    if (markers.length === 0) return nothing;
    return html`<ul part="markers">
      ${markers.map(
        ([name, text]) =>
          html`<li part="marker marker-${name}">
            <span aria-hidden="true" class="icon"></span><span class="text">${text}</span>
          </li>`,
      )}
    </ul>`;
  }

  #actions(p: ParticipantState) {
    // A clinician lets in anyone waiting; removes a guest (a patient is declined in <waiting-room>).
    const guest = p.role === 'guest';
    if (!this.canManage || p.isLocal || p.role === 'clinician' || (!guest && p.admitted)) return nothing;
    const admitBusy = isPending(this.pending, 'admit', p.peerId);
    const removeBusy = isPending(this.pending, 'remove', p.peerId);
    return html`<div part="actions">
      ${
        p.admitted
          ? nothing
          : html`<button
              part="admit"
              type="button"
              aria-disabled=${admitBusy ? 'true' : 'false'}
              aria-busy=${admitBusy ? 'true' : 'false'}
              @click=${() => this.#request('ck-request-admit', 'admit')}
            >
              ${admitBusy ? msg('Admitting…') : msg('Admit')}
            </button>`
      }
      ${
        guest
          ? html`<button
              part="remove"
              type="button"
              aria-disabled=${removeBusy ? 'true' : 'false'}
              aria-busy=${removeBusy ? 'true' : 'false'}
              @click=${() => this.#request('ck-request-remove', 'remove')}
            >
              ${removeBusy ? msg('Removing…') : msg('Remove')}
            </button>`
          : nothing
      }
    </div>`;
  }

  protected override render() {
    const p = this.participant;
    const label = p ? participantLabel(p) : msg('Nobody');
    const picture = !!p?.stream && !p.cameraOff && !p.audioOnly;
    const initials = (p?.name ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((word) => word.charAt(0).toLocaleUpperCase())
      .join('');
    return html`<div part="tile" class="tile" role="group" aria-label=${label} ?data-local=${!!p?.isLocal}>
      <div class="picture">
        <video part="video" autoplay playsinline aria-hidden="true" ?data-mirror=${!!p?.isLocal}></video>
        ${picture ? nothing : html`<div part="placeholder" aria-hidden="true"><span>${initials}</span></div>`}
      </div>
      <div class="caption">
        <span part="label">${label}</span>
        ${p ? this.#markers(p) : nothing}
        ${
          this.soundBlocked
            ? html`<button part="sound" type="button" @click=${this.#turnOnSound}>${msg('Turn on sound')}</button>`
            : nothing
        }
        ${p ? this.#actions(p) : nothing}
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'participant-tile': ParticipantTile;
  }
}
