import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { Consultation, ConsultationState, ParticipantState } from '@consultkit/core';
import type { ConsentAnswer, RecordingState } from '@consultkit/core/contract';
import { ConsultKitElement } from '../internal/consultkit-element.js';
import { plural } from '../internal/patient-words.js';
import { participantLabel } from '../internal/participant.js';
import { StoreController } from '../internal/store-controller.js';
import { baseStyles } from '../internal/tokens.styles.js';
import { isolate } from '../internal/words.js';
import { consultRecorderStyles } from './consult-recorder.styles.js';

const LIVE = new Set(['asking', 'recording']);

/** "It is kept for 30 days, then deleted.", in the shown language's plural forms. */
export function retentionText(days: number): string {
  return plural(days, {
    zero: () => msg(str`The practice keeps it for ${days} days, then deletes it.`, { id: 'recording-kept-zero' }),
    one: () => msg(str`The practice keeps it for ${days} day, then deletes it.`, { id: 'recording-kept-one' }),
    two: () => msg(str`The practice keeps it for ${days} days, then deletes it.`, { id: 'recording-kept-two' }),
    few: () => msg(str`The practice keeps it for ${days} days, then deletes it.`, { id: 'recording-kept-few' }),
    many: () => msg(str`The practice keeps it for ${days} days, then deletes it.`, { id: 'recording-kept-many' }),
    other: () => msg(str`The practice keeps it for ${days} days, then deletes it.`, { id: 'recording-kept-other' }),
  });
}

/**
 * Recording a consultation with everyone's consent (docs/recording.md). For a clinician: a
 * "Record" button that asks everyone in the call, who has answered what, and "Stop recording". For
 * everyone else: a modal consent dialog when asked (what is recorded, who can watch it, how long it
 * is kept, that they can stop it at any time; Escape means "do not record"), then, while it runs, a
 * persistent "Recording" indicator (a sentence, not a colour alone) with "Stop my consent". Changes
 * are announced in a live region ("Recording started", "Recording stopped: … withdrew consent").
 *
 * A thin view over a core `Consultation` (`state.recording`, `askToRecord()`,
 * `answerRecording()`, `withdrawRecordingConsent()`, `stopRecording()`): set its `consultation`.
 *
 * @summary Ask for, give and withdraw consent to record a consultation; the recording indicator.
 * @tagname consult-recorder
 *
 * @fires ck-recording-change - The recording's status changed. `detail: { status, recordingId }` (`status` null: nobody asked).
 *
 * @csspart record - The clinician's "Record this consultation" button.
 * @csspart stop - The clinician's "Stop recording" button (also cancels a request).
 * @csspart answers - The list of who has answered what (for a clinician, while asking or recording).
 * @csspart indicator - The persistent "Recording" indicator.
 * @csspart withdraw - The "Stop my consent" button, beside the indicator.
 * @csspart dialog - The consent dialog.
 * @csspart agree - The dialog's "I agree to recording" button.
 * @csspart decline - The dialog's "Do not record" button.
 * @csspart error - Why a command did not go through (an alert).
 * @csspart announcements - The live region telling when recording starts and stops.
 *
 * @cssproperty --ck-recorder-indicator-color - The indicator's dot and border (#d4351c).
 * @cssproperty --ck-recorder-color - The text of the indicator, the answers and the error (the theme's text colour).
 * @cssproperty --ck-recorder-background - Their background (the theme's surface: they sit on a room's dark controls too).
 */
@localized()
export class ConsultRecorder extends ConsultKitElement {
  static override styles = [baseStyles, consultRecorderStyles];

  /** The consultation. Not an attribute: set it from script. */
  @property({ attribute: false })
  consultation: Consultation | undefined;

  /** How many days the practice keeps a recording (said in the consent dialog); 0: not said. */
  @property({ type: Number, attribute: 'retention-days' })
  retentionDays = 0;

  @state() private announcement = '';
  @state() private error = '';
  @state() private busy = false;

  readonly #state = new StoreController<ConsultationState>(this, (now, before) => this.#changed(now, before));
  #returnFocus: HTMLElement | null = null;
  /** The request the dialog was answered for (so a closed dialog does not reopen for it). */
  #answered = '';

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('consultation')) this.#state.store = this.consultation?.state;
  }

  protected override updated(): void {
    const dialog = this.#dialog();
    if (!dialog) return;
    const must = this.#mustAnswer(this.#state.value);
    if (must && !dialog.open && this.isConnected) {
      this.#returnFocus = deepActiveElement();
      dialog.showModal();
      dialog.querySelector<HTMLElement>('[data-start]')?.focus();
    } else if (!must && dialog.open) dialog.close('gone');
  }

  #dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector('dialog');
  }

  /** This page must answer the current request (and has not, here). */
  #mustAnswer(s: ConsultationState | undefined): RecordingState | null {
    const r = s?.recording;
    if (!s || !r || !LIVE.has(r.status) || ['ended', 'failed'].includes(s.status)) return null;
    const you = s.self?.peerId;
    if (!you || r.consents[you] !== 'asked' || this.#answered === r.requestId) return null;
    return r;
  }

  #changed(now: ConsultationState, before: ConsultationState | undefined): void {
    const r = now.recording ?? null;
    const was = before?.recording ?? null;
    if (r?.status !== was?.status || r?.requestId !== was?.requestId)
      this.emit('ck-recording-change', { status: r?.status ?? null, recordingId: r?.recordingId ?? null });
    if (!r) return;
    const same = was?.requestId === r.requestId;
    if (r.status === 'recording' && !(same && was?.status === 'recording'))
      this.announcement = msg('Recording started.');
    else if (r.status === 'asking' && !same) {
      if (now.role === 'clinician') this.announcement = msg('Asking everyone to agree to recording.');
    } else if ((r.status === 'stopped' || r.status === 'declined') && same && LIVE.has(was?.status ?? ''))
      this.announcement = this.#why(r, now);
  }

  /** Why a request ended, as a sentence. */
  #why(r: RecordingState, s: ConsultationState): string {
    const ran = r.status === 'stopped';
    const mine = !!r.endedBy && r.endedBy === s.self?.peerId;
    const who = r.endedBy ? this.#name(r.endedBy, s) : null;
    switch (r.reason) {
      case 'withdrawn':
        if (mine)
          return ran
            ? msg('Recording stopped: you withdrew your consent.')
            : msg('Not recorded: you withdrew your consent.');
        if (!who)
          return ran ? msg('Recording stopped: consent was withdrawn.') : msg('Not recorded: consent was withdrawn.');
        return ran
          ? msg(str`Recording stopped: ${who} withdrew consent.`)
          : msg(str`Not recorded: ${who} withdrew consent.`);
      case 'declined':
        if (mine) return ran ? msg('Recording stopped: you did not agree.') : msg('Not recorded: you did not agree.');
        if (!who)
          return ran ? msg('Recording stopped: not everyone agreed.') : msg('Not recorded: not everyone agreed.');
        return ran ? msg(str`Recording stopped: ${who} did not agree.`) : msg(str`Not recorded: ${who} did not agree.`);
      case 'ended':
        return ran ? msg('Recording stopped: the consultation ended.') : msg('Not recorded: the consultation ended.');
      default:
        return ran ? msg('Recording stopped by the clinician.') : msg('The request to record was cancelled.');
    }
  }

  /** A participant's name for a sentence (isolated), or null when this page does not know them. */
  #name(peerId: string, s: ConsultationState | undefined): string | null {
    const p = s?.participants.find((x: ParticipantState) => x.peerId === peerId);
    if (!p) return null;
    const given = p.name.trim();
    return given && ![p.role, p.kind ?? ''].includes(given.toLowerCase()) ? isolate(given) : participantLabel(p);
  }

  /** Runs a command, busy meanwhile; a failure is shown (an alert). Resolves to whether it went through. */
  async #run(work: () => Promise<void>): Promise<boolean> {
    this.error = '';
    this.busy = true;
    try {
      await work();
      return true;
    } catch {
      this.error = msg('That did not go through. Please try again.');
      return false;
    } finally {
      this.busy = false;
    }
  }

  #ask = () => this.#run(() => this.consultation!.askToRecord());
  #stop = () => this.#run(() => this.consultation!.stopRecording());
  #withdraw = () => this.#run(() => this.consultation!.withdrawRecordingConsent());

  #closed = (): void => {
    const dialog = this.#dialog();
    const r = this.#state.value?.recording;
    const target = this.#returnFocus;
    this.#returnFocus = null;
    if (dialog && r && dialog.returnValue !== 'gone') {
      // Escape (cancel) is "not now", which is "do not record".
      const agree = dialog.returnValue === 'agree';
      this.#answered = r.requestId;
      void this.#run(() => this.consultation!.answerRecording(agree)).then((done) => {
        // Not sent (the socket was down): the question is asked again.
        if (!done && this.#answered === r.requestId) this.#answered = '';
      });
    }
    if (target?.isConnected) target.focus();
    this.requestUpdate();
  };

  /** Who answered what, as a sentence. */
  #answerText(peerId: string, answer: ConsentAnswer | undefined, s: ConsultationState): string {
    const who = this.#name(peerId, s) ?? msg('A participant who left');
    switch (answer) {
      case 'agreed':
        return msg(str`${who} agreed.`);
      case 'declined':
        return msg(str`${who} did not agree.`);
      case 'withdrawn':
        return msg(str`${who} withdrew consent.`);
      default:
        return msg(str`${who} has not answered yet.`);
    }
  }

  #clinician(s: ConsultationState, r: RecordingState | null, live: boolean) {
    const running = r?.status === 'recording';
    const asking = r?.status === 'asking';
    const others = r ? Object.keys(r.consents).filter((peerId) => peerId !== s.self?.peerId) : [];
    return html`
      ${
        running || asking
          ? html`<button part="stop" type="button" ?disabled=${this.busy} @click=${this.#stop}>
              ${running ? msg('Stop recording') : msg('Cancel the request to record')}
            </button>`
          : html`<button part="record" type="button" ?disabled=${!live || this.busy} @click=${this.#ask}>
              ${msg('Record this consultation')}
            </button>`
      }
      ${asking ? html`<p part="asking">${msg('Waiting for everyone to agree. Nothing is recorded yet.')}</p>` : nothing}
      ${
        (running || asking) && others.length > 0
          ? html`<ul part="answers" aria-label=${msg('Answers to the request to record')}>
              ${others.map((peerId) => html`<li>${this.#answerText(peerId, r!.consents[peerId], s)}</li>`)}
            </ul>`
          : nothing
      }
    `;
  }

  #indicator(s: ConsultationState, r: RecordingState) {
    const you = s.self?.peerId ?? '';
    const mine = r.consents[you];
    return html`<div part="indicator" class="indicator">
      <span class="dot" aria-hidden="true"></span>
      <span>${mine === 'asked' ? msg('Recording. You are not recorded until you agree.') : msg('Recording')}</span>
      ${
        s.role !== 'clinician' && mine === 'agreed'
          ? html`<button part="withdraw" type="button" ?disabled=${this.busy} @click=${this.#withdraw}>
              ${msg('Stop my consent')}
            </button>`
          : nothing
      }
    </div>`;
  }

  #consentDialog(s: ConsultationState, r: RecordingState | null) {
    const asker = r ? this.#name(r.askedBy, s) : null;
    const patient = s.role === 'patient';
    return html`<dialog part="dialog" aria-labelledby="ck-recorder-title" @close=${this.#closed}>
      <form method="dialog">
        <h2 id="ck-recorder-title" tabindex="-1" data-start>${msg('May we record this consultation?')}</h2>
        <p>
          ${
            asker
              ? msg(str`${asker} would like to record this video consultation.`)
              : msg('The clinician would like to record this video consultation.')
          }
        </p>
        <ul>
          <li>${msg('The recording has the picture and sound of everyone who agrees.')}</li>
          <li>
            ${
              patient
                ? msg(
                    'It becomes part of your health record. Only you and the clinicians at the practice can watch it.',
                  )
                : msg(
                    'It becomes part of the patient’s health record. Only the patient and the clinicians at the practice can watch it.',
                  )
            }
          </li>
          <li>
            ${
              this.retentionDays > 0
                ? retentionText(this.retentionDays)
                : msg('The practice can tell you how long it keeps recordings.')
            }
          </li>
          <li>
            ${msg('You can stop the recording at any time with “Stop my consent”. It stops at once, for everyone.')}
          </li>
          <li>${msg('If you do not agree, nothing is recorded, and the consultation carries on as before.')}</li>
        </ul>
        <div class="buttons">
          <button part="agree" type="submit" value="agree">${msg('I agree to recording')}</button>
          <button part="decline" type="submit" value="decline">${msg('Do not record')}</button>
        </div>
      </form>
    </dialog>`;
  }

  protected override render() {
    const s = this.#state.value;
    const r = s?.recording ?? null;
    const over = !s || ['ended', 'failed'].includes(s.status);
    const live = !!s && !over && !!s.self && (s.role === 'clinician' || s.self.admitted);
    return html`<div class="row">
        ${s && s.role === 'clinician' && !over ? this.#clinician(s, r, live) : nothing}
        ${s && r?.status === 'recording' && !over ? this.#indicator(s, r) : nothing}
        ${this.error ? html`<p part="error" role="alert">${this.error}</p>` : nothing}
      </div>
      ${s && s.role !== 'clinician' ? this.#consentDialog(s, r) : nothing}
      <div part="announcements" class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>`;
  }
}

/** The focused element, looking inside shadow roots. */
function deepActiveElement(): HTMLElement | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active as HTMLElement | null;
}

declare global {
  interface HTMLElementTagNameMap {
    'consult-recorder': ConsultRecorder;
  }
}
