/**
 * `<slot-picker>`'s details form: the patient's name, date of birth, e-mail, phone and how to
 * consult, with its error messages and summary, its styles, the problems the browser found on
 * submit, and the confirmation once booked; and what happens to a chosen time (`Choice`: its hold,
 * the booking on submit, a time taken meanwhile). A module apart, imported when a time is first
 * chosen, so that a page showing the times does not load it (the CDN bundle's size: decisions 43
 * and 46). The picker keeps the view's state; this module changes it through `PickerHost`.
 */
import { html, nothing, unsafeCSS } from 'lit';
import { msg, str } from '@lit/localize';
import {
  BIDI_CONTROLS,
  DELIVERY_CHANNELS,
  formatTime,
  localDate,
  newIdempotencyKey,
  type BookableSlot,
  type Booking,
  type DeliveryChannel,
  type DetailsField,
  type DetailsProblem,
  type FhirError,
  type PatientDetails,
  type SlotClient,
  type SlotHold,
} from '@consultkit/core/booking';
import type { CkEventMap } from '../internal/events.js';
import { chosenLang, langOf } from '../internal/lang.js';
import type { View } from './slot-picker.js';

/** What the form shows, and what it calls back. */
export interface DetailsFormView {
  /** The form is on screen (hidden, but kept, once booked). */
  shown: boolean;
  slot: BookableSlot;
  /** The chosen time in words: "Tuesday 24 November 2026, 9:10am, Dr Amina Khan". */
  label: string;
  /** Until when the time is held (an instant), if it is. */
  heldUntil: string | undefined;
  submitting: boolean | undefined;
  /** The problems found on submit, in form order. */
  problems: Partial<Record<DetailsField, DetailsProblem>>;
  timeZone: string;
  lang: string;
  channels: Record<DeliveryChannel, string>;
  /** The shadow root, to move focus to a field from the error summary. */
  root: ParentNode;
  submit: (event: SubmitEvent) => void;
  back: () => void;
}

/**
 * The form's and the confirmation's styles, adopted beside the picker's when this module arrives
 * (written minified, as `slot-picker.styles.ts` is, over the private properties it sets on `:host`).
 */
const formStyles = unsafeCSS(`
::-webkit-calendar-picker-indicator{display:none}
[part~=error-summary]{border:4px solid var(--_error);padding:var(--_m)}
a,[part~=field-error]{color:var(--_error);font-weight:700}
fieldset,[part~=field]{border:0;padding:0;margin:0 0 var(--_m)}
:has(>[aria-invalid=true]),fieldset[aria-describedby]{border-inline-start:4px solid var(--_error);padding-inline-start:var(--_m)}
[aria-invalid=true]{border-color:var(--_error)}
[part~=channel] input{inline-size:1.5rem;vertical-align:middle}
[part~=submit],[part~=confirmation]{background:var(--_action);color:var(--_action-text)}
[part~=confirmation]{background:var(--ck-picker-success,var(--ck-color-success,#00703c));padding:var(--_m)}
[part~=reference]{font-size:1.5rem}
`);

/**
 * Adds the form's styles to a picker's shadow root, after its own: an adopted sheet, or a
 * `<style>` (with Lit's `litNonce`, as Lit does) where the browser cannot adopt sheets.
 */
// The same lines as the room's `adoptPanelStyles` (internal/call-shortcuts-panel.ts), on purpose:
// shared, they would be a chunk of their own, one more round trip before the form shows.
export function adoptFormStyles(root: ShadowRoot): void {
  const sheet = formStyles.styleSheet;
  if (sheet) {
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } else {
    const style = document.createElement('style');
    const nonce = (globalThis as { litNonce?: string }).litNonce;
    if (nonce) style.setAttribute('nonce', nonce);
    style.textContent = formStyles.cssText;
    root.append(style);
  }
}

/**
 * The problems the browser's own checks found in `form` (`required`, `type`, `pattern`, `min`,
 * `max`), in form order: the messages are ours.
 */
export function problemsIn(form: HTMLFormElement): Partial<Record<DetailsField, DetailsProblem>> {
  const problems: Partial<Record<DetailsField, DetailsProblem>> = {};
  for (const { name, validity } of form.elements as unknown as HTMLInputElement[]) {
    if (name && !validity.valid) {
      problems[name as DetailsField] = validity.valueMissing
        ? 'required'
        : validity.rangeOverflow
          ? 'future'
          : 'invalid';
    }
  }
  return problems;
}

/** The panel shown once booked: the reference, the time (`label`), what happens next. */
export function confirmation(booking: Booking, label: string) {
  return html`<div part="confirmation">
    <h3 part="confirmation-heading" tabindex="-1">${msg('Booking requested')}</h3>
    <p>
      ${msg('Your booking reference is')}
      <strong part="reference">${booking.reference ?? booking.id}</strong>
    </p>
    <p>${label}</p>
    <p>${msg('The practice will email you to confirm. Keep your reference.')}</p>
  </div>`;
}

/** A name: not blank, and no bidirectional controls (core's rule): they make a name show as another. */
const NAME_PATTERN = `(?!.*${BIDI_CONTROLS.source}).*\\S.*`;

function problemText(field: DetailsField, problem: DetailsProblem | undefined): string {
  const invalid = problem !== 'required';
  switch (field) {
    case 'given':
      return invalid
        ? msg('Enter your first name without hidden text-direction characters')
        : msg('Enter your first name');
    case 'family':
      return invalid
        ? msg('Enter your last name without hidden text-direction characters')
        : msg('Enter your last name');
    case 'birthDate':
      return problem === 'future'
        ? msg('Date of birth must be in the past')
        : invalid
          ? msg('Date of birth must be a real date')
          : msg('Enter your date of birth');
    case 'email':
      return invalid ? msg('Enter an email address like name@example.com') : msg('Enter your email address');
    case 'phone':
      return invalid ? msg('Enter a phone number, like 07700 900 982') : msg('Enter your phone number');
    default:
      return msg('Choose how you would like to consult');
  }
}

/** The form for `view`. */
export function detailsForm(view: DetailsFormView) {
  const { problems, slot } = view;
  const error = (field: DetailsField) =>
    problems[field]
      ? html`<p part="field-error" id="${field}-error">
          <span class="visually-hidden">${msg('Error:')}</span> ${problemText(field, problems[field])}
        </p>`
      : nothing;
  const input = (
    field: DetailsField,
    label: string,
    type: 'text' | 'date' | 'email' | 'tel',
    autocomplete: 'given-name' | 'family-name' | 'bday' | 'email' | 'tel',
  ) => html`
    <div part="field">
      <label part="label" for=${field}>${label}</label>
      ${error(field)}
      <input
        part="input"
        id=${field}
        name=${field}
        type=${type}
        autocomplete=${autocomplete}
        required
        pattern=${type === 'tel' ? '\\+?\\(?(\\d[\\s\\(\\)\\.\\-]*){10,15}' : type === 'text' ? NAME_PATTERN : '.*'}
        min=${type === 'date' ? '1900-01-01' : ''}
        max=${type === 'date' ? localDate(Date.now(), view.timeZone) : ''}
        aria-invalid=${problems[field] ? 'true' : 'false'}
        aria-describedby=${problems[field] ? `${field}-error` : nothing}
      />
    </div>
  `;
  // In form order: the order the browser checked them in.
  const listed = Object.keys(problems) as DetailsField[];
  return html`
    <form part="form" novalidate ?hidden=${!view.shown} @submit=${view.submit}>
      <h3 part="form-heading" tabindex="-1">${msg('Your details')}</h3>
      <p part="chosen">${view.label}</p>
      ${
        view.heldUntil
          ? html`<p part="held">
              ${msg(str`We are keeping this time for you until ${formatTime(view.heldUntil, view.timeZone, view.lang)}.`)}
            </p>`
          : nothing
      }
      ${
        listed.length
          ? html`<div part="error-summary" role="alert" tabindex="-1" aria-labelledby="problem">
              <h4 id="problem">${msg('There is a problem')}</h4>
              <ul>
                ${listed.map(
                  (field) =>
                    html`<li>
                      <a
                        href="#${field}"
                        @click=${(event: Event) => {
                          event.preventDefault();
                          view.root.querySelector<HTMLElement>(`#${field}`)?.focus();
                        }}
                        >${problemText(field, problems[field])}</a
                      >
                    </li>`,
                )}
              </ul>
            </div>`
          : nothing
      }
      ${input('given', msg('First name'), 'text', 'given-name')}
      ${input('family', msg('Last name'), 'text', 'family-name')}
      ${input('birthDate', msg('Date of birth'), 'date', 'bday')}
      ${input('email', msg('Email address'), 'email', 'email')} ${input('phone', msg('Phone number'), 'tel', 'tel')}
      <fieldset part="channels" aria-describedby=${problems.deliveryChannel ? 'deliveryChannel-error' : nothing}>
        <legend part="label">${msg('How would you like to consult?')}</legend>
        ${error('deliveryChannel')}
        ${(slot.deliveryChannels.length ? slot.deliveryChannels : DELIVERY_CHANNELS).map(
          (channel, i) => html`
            <div part="channel">
              <input
                type="radio"
                id=${i ? `deliveryChannel${i}` : 'deliveryChannel'}
                name="deliveryChannel"
                value=${channel}
                required
              />
              <label for=${i ? `deliveryChannel${i}` : 'deliveryChannel'}>${view.channels[channel]}</label>
            </div>
          `,
        )}
      </fieldset>
      <button part="back" type="button" @click=${view.back}>${msg('Back')}</button>
      <button part="submit" aria-disabled=${view.submitting ? 'true' : 'false'}>${msg('Book this time')}</button>
    </form>
  `;
}

type Detail<K extends keyof CkEventMap> = CkEventMap[K] extends CustomEvent<infer D> ? D : never;

/** What `SlotPicker` keeps that a choice reads and changes (its private members: `slot-picker.ts`). */
export interface PickerHost extends HTMLElement {
  /** What the picker shows: setting it updates the picker. */
  _view: View;
  _problems: Partial<Record<DetailsField, DetailsProblem>>;
  /** A selector to focus once the picker has updated. */
  _focus: string;
  readonly renderRoot: HTMLElement | DocumentFragment;
  readonly timeZone: string;
  reload(): Promise<void>;
  emit<K extends keyof CkEventMap>(name: K, detail: Detail<K>): boolean;
}

const show = (picker: PickerHost, patch: Partial<View>) => (picker._view = { ...picker._view, ...patch });

/**
 * A picker's chosen time, from its choice to its booking: the idempotency key its booking requests
 * share, the hold on it while the form is filled (docs/decisions/0029) and the booking on submit.
 * One per picker, made when this module arrives; it adds the form's styles to the picker's.
 */
export class Choice {
  readonly #picker: PickerHost;
  #client: SlotClient | undefined;
  /** The hold on the chosen time, once the server gave it. */
  #hold: Promise<SlotHold | undefined> | undefined;
  #key = '';

  constructor(picker: PickerHost) {
    this.#picker = picker;
    adoptFormStyles(picker.renderRoot as ShadowRoot);
  }

  /** On to the form for `slot`: a new key, and a hold on it that replaces the previous choice's. */
  choose(slot: BookableSlot, client: SlotClient): void {
    const picker = this.#picker;
    picker._problems = {};
    this.#client = client;
    this.#key = newIdempotencyKey();
    show(picker, { step: 'details', selected: slot, bookError: undefined, slotTaken: false, heldUntil: undefined });
    this.#hold = this.#holdTime(client, slot, this.#hold);
    picker._focus = '[part~=form-heading]';
    picker.emit('ck-slot-selected', { slot });
  }

  /**
   * Holds the chosen time (replacing the hold on the previous choice). Best effort: a server
   * without holds, or one that refuses this address more, leaves the booking to decide; a time
   * someone else holds or took is said to be taken, as at booking.
   */
  async #holdTime(client: SlotClient, slot: BookableSlot, previous: Promise<SlotHold | undefined> | undefined) {
    const picker = this.#picker;
    const replaces = await previous;
    try {
      const hold = await client.hold(slot, replaces);
      if (picker._view.selected === slot) show(picker, { heldUntil: hold.expires });
      return hold;
    } catch (error) {
      if ((error as FhirError).status === 409 && picker._view.selected === slot && picker._view.step === 'details') {
        this.#taken(error as FhirError, slot);
      }
      return undefined;
    }
  }

  /**
   * The form for the chosen time (`label`: it in words), shown while its step is on, kept hidden
   * when the patient went back to the times; `back` returns to them.
   */
  form(label: string, channels: Record<DeliveryChannel, string>, back: () => void) {
    const picker = this.#picker;
    const view = picker._view;
    return detailsForm({
      shown: view.step === 'details',
      slot: view.selected!,
      label,
      heldUntil: view.heldUntil,
      submitting: view.submitting,
      problems: picker._problems,
      timeZone: picker.timeZone,
      lang: langOf(picker),
      channels,
      root: picker.renderRoot,
      submit: (event) => void this.submit(event),
      back,
    });
  }

  /** The panel shown once booked (`label`: the time in words). */
  confirmation(booking: Booking, label: string) {
    return confirmation(booking, label);
  }

  /** Lets the held time go (Back, another time, leaving the page). */
  release(): void {
    const hold = this.#hold;
    this.#hold = undefined;
    void hold?.then((held) => held && this.#client?.release(held)).catch(() => undefined);
  }

  /** Taken meanwhile: back to the times, without that one, searching again. */
  #taken(error: FhirError, slot: BookableSlot): void {
    const picker = this.#picker;
    this.#hold = undefined;
    show(picker, {
      submitting: false,
      bookError: error,
      step: 'times',
      slotTaken: true,
      slots: picker._view.slots.filter((s) => s !== slot),
    });
    void picker.reload();
    picker._focus = '[part~=error]';
  }

  /** The form was sent: its problems, else the booking (`ck-booked`) or why not (`ck-booking-failed`). */
  async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const picker = this.#picker;
    const client = this.#client;
    const { selected: slot, submitting } = picker._view;
    const form = event.target as HTMLFormElement;
    if (!client || !slot || submitting) return;
    // The browser checks the fields (required, type, pattern, min, max); the messages are ours.
    const problems = problemsIn(form);
    picker._problems = problems;
    if (Object.keys(problems).length) {
      picker._focus = '[part~=error-summary]';
      return;
    }
    const values = Object.fromEntries(new FormData(form)) as unknown as PatientDetails & {
      deliveryChannel: DeliveryChannel;
    };
    show(picker, { submitting: true, bookError: undefined });
    try {
      // Resends of one choice share the idempotency key: a lost answer never books twice.
      const booking = await client.book({
        slot,
        patient: values,
        deliveryChannel: values.deliveryChannel,
        idempotencyKey: this.#key,
        // The language the patient booked in: the practice's e-mails and the join page use it.
        language: chosenLang(picker),
        hold: await this.#hold,
      });
      // The booking took the hold over.
      this.#hold = undefined;
      show(picker, { submitting: false, step: 'done', booking });
      picker._focus = '[part~=confirmation-heading]';
      picker.emit('ck-booked', { booking });
    } catch (caught) {
      // The client rejects with FhirErrors only.
      const error = caught as FhirError;
      if (error.status === 409) {
        this.#taken(error, slot);
      } else {
        show(picker, { submitting: false, bookError: error });
        picker._focus = '[part~=error]';
      }
      picker.emit('ck-booking-failed', { error, slot });
    }
  }
}
