import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { Consultation, ConsultationState, Participant } from '@consultkit/core';
import { ConsultKitElement } from '../internal/consultkit-element.js';
import { callEndedNextStep, sessionEndedMessage } from '../internal/end-reason.js';
import { hasLeft, isPending, participantLabel } from '../internal/participant.js';
import { StoreController } from '../internal/store-controller.js';
import { isolate } from '../internal/words.js';
import { baseStyles } from '../internal/tokens.styles.js';
import { waitingRoomStyles } from './waiting-room.styles.js';

/**
 * The waiting room of a consultation. For the patient (and a guest): that they are waiting and the clinician
 * will let them in (and the clinician's message if they were turned away). For the clinician: who
 * is waiting, with "Let in" and "Decline" (with a message).
 *
 * @summary Waiting room: the patient waits; the clinician admits or declines.
 * @tagname waiting-room
 *
 * @fires ck-participant-admitted - The clinician let a patient in. `detail: { peerId }`
 * @fires ck-participant-declined - The clinician declined a patient. `detail: { peerId, message }`
 *
 * @csspart heading - The heading.
 * @csspart message - What the patient is told.
 * @csspart list - The clinician's list of people waiting.
 * @csspart admit - A "Let in" button.
 * @csspart decline - A "Decline" button.
 * @csspart decline-form - The form for the message to a declined patient.
 *
 * @cssproperty --ck-waiting-room-background - Background of the room.
 * @cssproperty --ck-waiting-room-border - Its border colour.
 */
@localized()
export class WaitingRoom extends ConsultKitElement {
  static override styles = [baseStyles, waitingRoomStyles];

  /** The consultation whose waiting room to show. Not an attribute. */
  @property({ attribute: false })
  consultation: Consultation | undefined;

  /** The peer id whose decline form is open. */
  @state()
  private declining: string | null = null;

  readonly #state = new StoreController<ConsultationState>(this);

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('consultation')) this.#state.store = this.consultation?.state;
  }

  #admit(participant: Participant, busy: boolean): void {
    if (busy) return;
    this.consultation?.admit(participant.peerId);
    this.emit('ck-participant-admitted', { peerId: participant.peerId });
  }

  async #openDecline(participant: Participant): Promise<void> {
    this.declining = participant.peerId;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLTextAreaElement>('textarea')?.focus();
  }

  #decline(event: SubmitEvent, participant: Participant): void {
    event.preventDefault();
    const message = new FormData(event.target as HTMLFormElement).get('message')?.toString().trim() ?? '';
    this.consultation?.decline(participant.peerId, message);
    this.declining = null;
    this.emit('ck-participant-declined', { peerId: participant.peerId, message });
  }

  #patientView(state: ConsultationState) {
    if (hasLeft(state)) {
      return html`<h2 part="heading">${msg('You left the consultation')}</h2>
        <p part="message">
          ${msg('You can close this page. To come back, open your link again while the appointment lasts.')}
        </p>`;
    }
    const ended = state.status === 'ended' ? sessionEndedMessage(state.endReason, state.role) : null;
    if (ended) {
      return html`<h2 part="heading">${msg('This video appointment has closed here')}</h2>
        <p part="message">${ended}</p>`;
    }
    if (state.status === 'ended' && state.endReason === 'declined') {
      return html`<h2 part="heading">${msg('The clinician cannot see you now')}</h2>
        ${
          state.declineMessage
            ? html`<p part="message">${msg(str`Their message: “${isolate(state.declineMessage)}”`)}</p>`
            : html`<p part="message">${msg('Please contact the practice.')}</p>`
        }`;
    }
    if (state.status === 'ended' && state.endReason === 'removed') {
      return html`<h2 part="heading">${msg('The clinician removed you from the consultation')}</h2>
        ${
          state.declineMessage
            ? html`<p part="message">${msg(str`Their message: “${isolate(state.declineMessage)}”`)}</p>`
            : html`<p part="message">${msg('Please contact the practice if you need to be seen.')}</p>`
        }`;
    }
    if (state.status === 'ended' || state.status === 'failed') {
      return html`<h2 part="heading">${msg('The consultation has ended')}</h2>
        <p part="message">
          ${state.status === 'failed' ? msg('Could not join the consultation. Please contact the practice.') : callEndedNextStep(state.role)}
        </p>`;
    }
    if (state.status === 'in-call') {
      return html`<h2 part="heading">${msg('You are in the consultation')}</h2>
        <p part="message">${msg('The clinician can see and hear you.')}</p>`;
    }
    if (state.status === 'reconnecting') {
      return html`<h2 part="heading">${msg('You are in the consultation')}</h2>
        <p part="message">${msg('The connection was lost. Reconnecting…')}</p>`;
    }
    if (state.status === 'admitted') {
      return html`<h2 part="heading">${msg('You have been let in')}</h2>
        <p part="message">${msg('The video is starting.')}</p>`;
    }
    return html`<h2 part="heading">${msg('You are in the waiting room')}</h2>
      <p part="message">
        ${msg(
          'Please stay on this page. The clinician will let you in when they are ready; you will not be seen or heard until then.',
        )}
      </p>`;
  }

  #clinicianView(state: ConsultationState) {
    const waiting = state.participants.filter((p) => p.presence === 'waiting');
    if (waiting.length === 0) {
      return html`<h2 part="heading">${msg('Waiting room')}</h2>
        <p part="message">${msg('Nobody is waiting.')}</p>`;
    }
    // Each is listed as "name, role"; a pending admit keeps its button from being pressed twice.
    const { pending } = state;
    return html`<h2 part="heading">${msg('Waiting room')}</h2>
      <ul part="list">
        ${waiting.map((participant, i) => {
          const busy = isPending(pending, 'admit', participant.peerId);
          return html`<li>
            <span class="who" id="who-${i}">${participantLabel(participant)}</span>
            <button
              part="admit"
              type="button"
              aria-describedby="who-${i}"
              aria-disabled=${busy ? 'true' : 'false'}
              aria-busy=${busy ? 'true' : 'false'}
              @click=${() => this.#admit(participant, busy)}
            >
              ${busy ? msg('Letting in…') : msg('Let in')}
            </button>
            <button
              part="decline"
              type="button"
              aria-describedby="who-${i}"
              aria-expanded=${this.declining === participant.peerId ? 'true' : 'false'}
              @click=${() => this.#openDecline(participant)}
            >
              ${msg('Decline')}
            </button>
            ${
              this.declining === participant.peerId
                ? html`<form part="decline-form" @submit=${(e: SubmitEvent) => this.#decline(e, participant)}>
                    <label for="ck-decline-message"
                      >${
                        participant.role === 'patient'
                          ? msg('Message for the patient (optional)')
                          : msg('Message for them (optional)')
                      }</label
                    >
                    <textarea id="ck-decline-message" name="message" maxlength="500"></textarea>
                    <div class="buttons">
                      <button type="submit">${msg('Send and decline')}</button>
                      <button type="button" @click=${() => (this.declining = null)}>${msg('Cancel')}</button>
                    </div>
                  </form>`
                : nothing
            }
          </li>`;
        })}
      </ul>`;
  }

  protected override render() {
    const state = this.#state.value;
    if (!state) return html`<p part="message">${msg('Not connected yet.')}</p>`;
    return html`<section aria-live="polite">
      ${state.role === 'clinician' ? this.#clinicianView(state) : this.#patientView(state)}
    </section>`;
  }
}
