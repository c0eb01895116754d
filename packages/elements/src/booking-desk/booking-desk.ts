import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import {
  BookingDeskStore as Desk,
  DEFAULT_TIME_ZONE,
  StaffClient,
  VIDEO_NOW,
  formatDate,
  formatTime,
  groupByPractitioner,
  localDate,
  stripBidi,
  staffMayChange,
  validateVideoNow,
  type BookableSlot,
  type Booking,
  type BookingDeskState,
  type DeliveryChannel,
  type DeskAction,
  type DeskActionResult,
  type DetailsProblem,
  type Diary,
  type VideoNowField,
  type VideoNowRequest,
} from '@consultkit/core/booking';
import { ConsultKitElement } from '../internal/consultkit-element.js';
import { langOf } from '../internal/lang.js';
import { failureText, isolate, minutes } from '../internal/words.js';
import { StoreController } from '../internal/store-controller.js';
import { baseStyles } from '../internal/tokens.styles.js';
import { bookingDeskStyles } from './booking-desk.styles.js';

/** An action being prepared on one booking: what the receptionist has typed or chosen so far. */
interface Draft {
  id: string;
  action: 'decline' | 'cancel' | 'reschedule';
  reason: string;
  /** Reschedule: the free slots of the same schedule, once loaded. */
  slots?: BookableSlot[] | undefined;
  /** Reschedule: the chosen slot. */
  slot: string;
}

/** The lengths a video consultation started now can have, in minutes. */
const VIDEO_NOW_MINUTES = [10, 15, 20] as const;

/**
 * The reception's view of bookings, for a GP system vendor's console: requests to confirm or
 * decline (with a reason), and today's and upcoming appointments by clinician, to cancel or move
 * to another free time of the same clinician; and a video consultation started now for a patient
 * without a booked time ("Start a video consultation now"), its link sent at once. Stays current without a reload (the server's event
 * stream, or polling every 30 s when that fails). A thin view over core's `BookingDeskStore`.
 *
 * Staff credentials: a cookie session on the server (sent with `credentials: 'include'`), or the
 * `staffKey` property (never an attribute, so it does not show in the DOM).
 *
 * @summary Reception: confirm, decline, cancel and reschedule bookings, live.
 * @tagname booking-desk
 *
 * @fires ck-appointment-confirmed - A request was confirmed. `detail: { booking }`
 * @fires ck-appointment-declined - A request was declined. `detail: { booking, reason }`
 * @fires ck-appointment-cancelled - An appointment was cancelled by the practice. `detail: { booking, reason }`
 * @fires ck-appointment-rescheduled - An appointment moved to another time. `detail: { booking, previous }`
 * @fires ck-appointment-no-show - The patient did not come. `detail: { booking }`
 * @fires ck-join-link-sent - The patient of a video appointment was sent a fresh join link. `detail: { booking }`
 * @fires ck-video-started - A video consultation was started now and its link sent. `detail: { booking, linkSentTo }`
 * @fires ck-desk-action-failed - An action failed (also shown and announced). `detail: { action, id, error }`
 *
 * @csspart live - The line saying how the desk stays current.
 * @csspart status - Announcements of what was done: a live region.
 * @csspart error - What failed, with a retry button when the lists could not be loaded.
 * @csspart retry - The button that loads the lists again.
 * @csspart pending - The requests to confirm.
 * @csspart upcoming - The appointments, by clinician.
 * @csspart heading - A section heading.
 * @csspart practitioner-name - A clinician's name over their appointments.
 * @csspart booking - One request or appointment.
 * @csspart when - Its date and time.
 * @csspart who - The patient, and how to reach them.
 * @csspart patient-name - The patient's name, isolated (`<bdi>`) from the text around it.
 * @csspart contact - How to reach them, isolated likewise.
 * @csspart practitioner - The clinician of a request, isolated likewise.
 * @csspart booking-status - Its status.
 * @csspart actions - Its buttons.
 * @csspart confirm - The Confirm button.
 * @csspart decline - The Decline button.
 * @csspart cancel - The Cancel button.
 * @csspart reschedule - The Reschedule button.
 * @csspart no-show - The Did not attend button.
 * @csspart resend-link - The button that sends the patient a fresh video link.
 * @csspart draft - The form to give a reason or choose a new time.
 * @csspart draft-heading - What that form does.
 * @csspart empty - The line shown when a list is empty.
 * @csspart video-now - The "video now" area: its button and form.
 * @csspart video-now-toggle - The button that shows and hides the form to start a video consultation now.
 * @csspart video-now-form - The form: clinician, length and the patient's details.
 * @csspart error-summary - The form's problems (or why the server refused), a live alert.
 * @csspart field - A label, its error and its input.
 * @csspart field-error - What is wrong with a field.
 * @csspart video-now-submit - The button that starts the consultation.
 *
 * @cssproperty --ck-desk-accent - Colour of buttons and headings. Default `--ck-color-primary`.
 * @cssproperty --ck-desk-error - Colour of errors. Default `--ck-color-danger`.
 * @cssproperty --ck-desk-muted - Colour of secondary text. Default `--ck-color-muted`.
 * @cssproperty --ck-desk-card - Background of a booking. Default `--ck-color-surface`.
 */
@localized()
export class BookingDesk extends ConsultKitElement {
  static override styles = [baseStyles, bookingDeskStyles];

  /** The FHIR base URL of the ConsultKit server, e.g. `https://surgery.example/fhir` (relative to the page works). */
  @property({ attribute: 'fhir-base' })
  fhirBase = '';

  /** The server's staff event stream. Default: `/api/staff/events` on the origin of `fhir-base`. */
  @property({ attribute: 'events-url' })
  eventsUrl = '';

  /** The practice's IANA time zone: where "today" starts, and what times are shown in. */
  @property({ attribute: 'time-zone' })
  timeZone = DEFAULT_TIME_ZONE;

  /** How many days of appointments to show, from today. */
  @property({ type: Number })
  days = 7;

  /**
   * The staff key (`Authorization: Bearer`), for consoles whose backend hands one to the page.
   * Without it, the desk relies on a staff session cookie. Not an attribute: it must not show in
   * the DOM.
   */
  @property({ attribute: false })
  staffKey: string | undefined;

  /** The desk the element shows; read its `state`, or call its commands from script. */
  desk: Desk | undefined;

  @state()
  private _draft: Draft | undefined;

  /** The "video now" form is shown. */
  @state()
  private _videoOpen = false;

  /** The diaries offering video, once loaded (`null`: they could not be). */
  @state()
  private _diaries: Diary[] | null | undefined;

  /** Why the server refused the last "video now" (shown in the form until it is sent again or closed). */
  @state()
  private _videoFailure: DeskActionResult | undefined;

  /** What is wrong with the form's fields. */
  @state()
  private _videoProblems: Partial<Record<VideoNowField, DetailsProblem>> = {};

  readonly #state = new StoreController<BookingDeskState>(this, (value, previous) => this.#changed(value, previous));
  #focus = '';

  override connectedCallback(): void {
    super.connectedCallback();
    this.desk?.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.desk?.stop();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const keys: (keyof BookingDesk)[] = ['fhirBase', 'eventsUrl', 'timeZone', 'days', 'staffKey'];
    if (!keys.some((key) => changed.has(key))) return;
    this.desk?.stop();
    this.desk = undefined;
    if (this.fhirBase) {
      const key = this.staffKey;
      // The key as a bearer token; without one, the staff session cookie (`include`: also to a
      // server on another origin, should it allow credentials; the reference server does not).
      const client = new StaffClient({
        baseUrl: this.fhirBase,
        ...(key ? { headers: () => ({ authorization: `Bearer ${key}` }) } : { credentials: 'include' as const }),
      });
      this.desk = new Desk({
        client,
        eventsUrl: this.eventsUrl || undefined,
        timeZone: this.timeZone,
        days: this.days,
      });
      if (this.isConnected) this.desk.start();
    }
    this.#state.store = this.desk?.state;
  }

  protected override updated(): void {
    if (this.#focus) this.renderRoot.querySelector<HTMLElement>(this.#focus)?.focus();
    this.#focus = '';
  }

  #changed(value: BookingDeskState, previous: BookingDeskState | undefined): void {
    const result = value.lastAction;
    if (!result || result === previous?.lastAction) return;
    if (!result.ok) {
      this.emit('ck-desk-action-failed', { action: result.action, id: result.id, error: result.error! });
      if (result.action === 'video-now') this._videoFailure = result;
      this.#focus = result.action === 'video-now' ? '[part~=error-summary]' : '[part~=error]';
      return;
    }
    const booking = result.booking!;
    if (result.action === 'video-now') {
      this.emit('ck-video-started', { booking, linkSentTo: result.linkSentTo! });
      this._videoOpen = false;
      this._videoProblems = {};
      this._videoFailure = undefined;
      this.#focus = '[part~=video-now-toggle]';
      return;
    }
    const reason = this._draft?.id === result.id ? this._draft.reason.trim() || undefined : undefined;
    if (this._draft?.id === result.id) this._draft = undefined;
    if (result.action === 'confirm') this.emit('ck-appointment-confirmed', { booking });
    else if (result.action === 'decline') this.emit('ck-appointment-declined', { booking, reason });
    else if (result.action === 'cancel') this.emit('ck-appointment-cancelled', { booking, reason });
    else if (result.action === 'reschedule')
      this.emit('ck-appointment-rescheduled', { booking, previous: result.previous });
    else if (result.action === 'resend-link') this.emit('ck-join-link-sent', { booking });
    else this.emit('ck-appointment-no-show', { booking });
    // The booking left the list it was in: carry on from that list's heading.
    this.#focus = result.previous?.status === 'pending' ? '#pending-heading' : '#upcoming-heading';
  }

  #when(booking: Booking | BookableSlot): string {
    const lang = langOf(this);
    const start = booking.start ?? '';
    return `${formatDate(localDate(start, this.timeZone), lang)}, ${formatTime(start, this.timeZone, lang)}`;
  }

  /**
   * The patient's name as given with this booking (the Patient record may hold an older one),
   * without bidirectional controls: a name stored before they were refused must not show as
   * another ("\u202Ekcalb\u202C" as "black"). Shown inside `<bdi>`, so a right-to-left name keeps
   * its own direction without turning the text around it.
   */
  #patient(booking: Booking): string {
    const name = booking.patientResource?.name?.[0];
    return stripBidi(
      booking.patient?.display ||
        (name ? [name.given?.join(' '), name.family].filter(Boolean).join(' ') : '') ||
        msg('A patient'),
    );
  }

  #channel(channel: DeliveryChannel | undefined): string {
    return channel === 'Video'
      ? msg('Video')
      : channel === 'Telephone'
        ? msg('Phone')
        : channel === 'In-person'
          ? msg('In person')
          : '';
  }

  #statusText(status: Booking['status']): string {
    switch (status) {
      case 'pending':
        return msg('Waiting to be confirmed');
      case 'booked':
        return msg('Confirmed');
      case 'arrived':
        return msg('Arrived');
      case 'fulfilled':
        return msg('Seen');
      case 'noshow':
        return msg('Did not attend');
      case 'cancelled':
        return msg('Cancelled');
      case 'proposed':
        return msg('Proposed');
      case 'checked-in':
        return msg('Checked in');
      case 'waitlist':
        return msg('On the waiting list');
      case 'entered-in-error':
        return msg('Entered in error');
      default:
        return msg('Status not known');
    }
  }

  #actionText(result: DeskActionResult): string {
    const booking = result.booking ?? result.previous;
    const who = booking ? isolate(this.#patient(booking)) : '';
    const when = booking ? this.#when(booking) : '';
    const texts: Record<DeskAction, [done: string, failed: string]> = {
      confirm: [msg(str`Confirmed: ${who}, ${when}.`), msg(str`Could not confirm ${who}, ${when}.`)],
      decline: [msg(str`Declined: ${who}, ${when}.`), msg(str`Could not decline ${who}, ${when}.`)],
      cancel: [msg(str`Cancelled: ${who}, ${when}.`), msg(str`Could not cancel ${who}, ${when}.`)],
      reschedule: [msg(str`Moved: ${who}, now ${when}.`), msg(str`Could not move ${who}, ${when}.`)],
      'no-show': [msg(str`Marked as did not attend: ${who}, ${when}.`), msg(str`Could not mark ${who}, ${when}.`)],
      'resend-link': [
        msg(str`A new video link was sent to ${who} for ${when}.`),
        msg(str`Could not send a new video link to ${who}.`),
      ],
      'video-now': [this.#startedText(result), msg('Could not start the video consultation.')],
    };
    return texts[result.action][result.ok ? 0 : 1];
  }

  #startedText(result: DeskActionResult): string {
    const who = result.booking ? isolate(this.#patient(result.booking)) : '';
    const email = isolate(stripBidi(result.linkSentTo?.email ?? ''));
    const sms = stripBidi(result.linkSentTo?.sms ?? '');
    return sms
      ? msg(str`Video consultation started for ${who}: the link was sent to ${email} and by text to ${isolate(sms)}.`)
      : msg(str`Video consultation started for ${who}: the link was sent to ${email}.`);
  }

  #videoProblem(field: VideoNowField): string {
    const problem = this._videoProblems[field];
    const invalid = problem !== 'required';
    switch (field) {
      case 'schedule':
        return msg('Choose the clinician');
      case 'minutes':
        return msg('Choose how long the consultation is');
      case 'given':
        return invalid
          ? msg('Enter the first name without hidden text-direction characters')
          : msg("Enter the patient's first name");
      case 'family':
        return invalid
          ? msg('Enter the last name without hidden text-direction characters')
          : msg("Enter the patient's last name");
      case 'birthDate':
        return problem === 'future'
          ? msg('Date of birth must be in the past')
          : invalid
            ? msg('Date of birth must be a real date')
            : msg("Enter the patient's date of birth");
      case 'email':
        return invalid ? msg('Enter an email address like name@example.com') : msg("Enter the patient's email address");
      case 'phone':
        return invalid
          ? msg('Enter a mobile number, like 07700 900 982')
          : msg('Enter a mobile number to send the link by text');
      default:
        return msg('Choose how to send the link');
    }
  }

  async #toggleVideoNow(): Promise<void> {
    this._videoOpen = !this._videoOpen;
    this._videoProblems = {};
    this._videoFailure = undefined;
    if (!this._videoOpen) {
      this.#focus = '[part~=video-now-toggle]';
      return;
    }
    this.#focus = '#vn-schedule';
    if (this._diaries) return;
    this._diaries = undefined;
    try {
      const diaries = await this.desk!.client.videoDiaries();
      this._diaries = diaries;
    } catch {
      this._diaries = null;
    }
  }

  async #submitVideoNow(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const desk = this.desk;
    if (!desk || desk.state.get().busy.includes(VIDEO_NOW)) return;
    const data = new FormData(event.target as HTMLFormElement);
    const text = (name: VideoNowField) => String(data.get(name) ?? '').trim();
    const fields = Object.fromEntries(
      (['schedule', 'minutes', 'given', 'family', 'birthDate', 'email', 'phone', 'contactPreference'] as const).map(
        (f) => [f, text(f)],
      ),
    ) as Record<VideoNowField, string>;
    this._videoFailure = undefined;
    this._videoProblems = validateVideoNow(fields, localDate(Date.now(), this.timeZone));
    if (Object.keys(this._videoProblems).length) {
      this.#focus = '[part~=error-summary]';
      return;
    }
    const request: VideoNowRequest = {
      schedule: fields.schedule,
      minutes: Number(fields.minutes),
      patient: {
        given: fields.given,
        family: fields.family,
        birthDate: fields.birthDate,
        email: fields.email,
        phone: fields.phone || undefined,
        contactPreference: fields.contactPreference as VideoNowRequest['patient']['contactPreference'],
      },
    };
    await desk.startVideoNow(request);
  }

  #videoField(
    field: VideoNowField,
    label: string,
    type: 'text' | 'date' | 'email' | 'tel',
    required = true,
  ): TemplateResult {
    const problem = this._videoProblems[field];
    return this.#videoControl(
      field,
      label,
      html`<input
        id="vn-${field}"
        name=${field}
        type=${type}
        autocomplete="off"
        ?required=${required}
        max=${type === 'date' ? localDate(Date.now(), this.timeZone) : ''}
        aria-invalid=${problem ? 'true' : 'false'}
        aria-describedby=${problem ? `vn-${field}-error` : nothing}
      />`,
    );
  }

  #videoSelect(field: VideoNowField, label: string, options: TemplateResult[]): TemplateResult {
    const problem = this._videoProblems[field];
    return this.#videoControl(
      field,
      label,
      html`<select
        id="vn-${field}"
        name=${field}
        required
        aria-invalid=${problem ? 'true' : 'false'}
        aria-describedby=${problem ? `vn-${field}-error` : nothing}
      >
        ${options}
      </select>`,
    );
  }

  /** One field of the video-now form: its label, its error (when it has one) and its control. */
  #videoControl(field: VideoNowField, label: string, control: TemplateResult): TemplateResult {
    const problem = this._videoProblems[field];
    return html`
      <div part="field">
        <label for="vn-${field}">${label}</label>
        ${
          problem
            ? html`<p part="field-error" id="vn-${field}-error">
                <span class="visually-hidden">${msg('Error:')}</span> ${this.#videoProblem(field)}
              </p>`
            : nothing
        }
        ${control}
      </div>
    `;
  }

  #renderVideoNow(value: BookingDeskState): TemplateResult {
    const busy = value.busy.includes(VIDEO_NOW);
    const failed = this._videoFailure;
    const problems = Object.keys(this._videoProblems) as VideoNowField[];
    const diaries = this._diaries;
    return html`
      <div part="video-now">
        <button
          part="video-now-toggle"
          type="button"
          aria-expanded=${this._videoOpen ? 'true' : 'false'}
          aria-controls="video-now-form"
          @click=${this.#toggleVideoNow}
        >
          ${msg('Start a video consultation now')}
        </button>
        ${
          this._videoOpen
            ? html`<form
                part="video-now-form"
                id="video-now-form"
                aria-labelledby="video-now-heading"
                novalidate
                @submit=${this.#submitVideoNow}
              >
                <h2 id="video-now-heading">${msg('Start a video consultation now')}</h2>
                <p>
                  ${msg("The patient is sent the link at once. The appointment starts now, in the clinician's diary.")}
                </p>
                ${
                  problems.length || failed
                    ? html`<div part="error-summary" role="alert" tabindex="-1" aria-labelledby="video-now-problem">
                        <h3 id="video-now-problem">${msg('There is a problem')}</h3>
                        ${
                          failed
                            ? html`<p>${this.#actionText(failed)} ${failureText(failed.error)}</p>`
                            : html`<ul>
                                ${problems.map(
                                  (field) =>
                                    html`<li>
                                      <a
                                        href="#vn-${field}"
                                        @click=${(event: Event) => {
                                          event.preventDefault();
                                          this.renderRoot.querySelector<HTMLElement>(`#vn-${field}`)?.focus();
                                        }}
                                        >${this.#videoProblem(field)}</a
                                      >
                                    </li>`,
                                )}
                              </ul>`
                        }
                      </div>`
                    : nothing
                }
                ${this.#videoSelect(
                  'schedule',
                  msg('Clinician'),
                  diaries === undefined
                    ? [html`<option value="">${msg('Loading clinicians…')}</option>`]
                    : diaries === null
                      ? [html`<option value="">${msg('The clinicians could not be loaded')}</option>`]
                      : diaries.map((d) => html`<option value=${d.reference}>${stripBidi(d.display)}</option>`),
                )}
                ${this.#videoSelect(
                  'minutes',
                  msg('Length'),
                  VIDEO_NOW_MINUTES.map((m) => html`<option value=${m} ?selected=${m === 15}>${minutes(m)}</option>`),
                )}
                ${this.#videoField('given', msg('First name'), 'text')}
                ${this.#videoField('family', msg('Last name'), 'text')}
                ${this.#videoField('birthDate', msg('Date of birth'), 'date')}
                ${this.#videoField('email', msg('Email address'), 'email')}
                ${this.#videoField('phone', msg('Mobile number (optional)'), 'tel', false)}
                ${this.#videoSelect('contactPreference', msg('Send the link by'), [
                  html`<option value="email">${msg('Email')}</option>`,
                  html`<option value="sms">${msg('Text message')}</option>`,
                  html`<option value="both">${msg('Email and text message')}</option>`,
                ])}
                <div part="actions">
                  <button part="video-now-submit" type="submit" aria-disabled=${busy ? 'true' : 'false'}>
                    ${busy ? msg('Starting…') : msg('Start video now')}
                  </button>
                  <button type="button" @click=${this.#toggleVideoNow}>${msg('Close')}</button>
                </div>
              </form>`
            : nothing
        }
      </div>
    `;
  }

  async #open(booking: Booking, action: Draft['action']): Promise<void> {
    // A draft already open for this booking and action is kept as it is: nothing typed is lost.
    if (this._draft?.id === booking.id && this._draft.action === action) return;
    this._draft = { id: booking.id, action, reason: '', slot: '' };
    this.#focus = `#draft-${CSS.escape(booking.id)}`;
    if (action !== 'reschedule' || !this.desk) return;
    try {
      const slots = await this.desk.freeSlotsFor(booking.id);
      if (this._draft?.id === booking.id) this._draft = { ...this._draft, slots, slot: slots[0]?.id ?? '' };
    } catch {
      if (this._draft?.id === booking.id) this._draft = { ...this._draft, slots: [] };
    }
  }

  async #submitDraft(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const draft = this._draft;
    const desk = this.desk;
    if (!draft || !desk) return;
    if (draft.action === 'decline') await desk.decline(draft.id, draft.reason);
    else if (draft.action === 'cancel') await desk.cancel(draft.id, draft.reason);
    else if (draft.slot) await desk.reschedule(draft.id, draft.slot);
  }

  #renderDraft(booking: Booking, draft: Draft, busy: boolean): TemplateResult {
    const id = `draft-${booking.id}`;
    const heading =
      draft.action === 'decline'
        ? msg('Decline this request')
        : draft.action === 'cancel'
          ? msg('Cancel this appointment')
          : msg('Move to another time');
    const submit =
      draft.action === 'decline' ? msg('Decline') : draft.action === 'cancel' ? msg('Cancel appointment') : msg('Move');
    return html`
      <form part="draft" aria-labelledby=${id} @submit=${this.#submitDraft}>
        <p part="draft-heading" id=${id} tabindex="-1">${heading}</p>
        ${
          draft.action === 'reschedule'
            ? draft.slots === undefined
              ? html`<p role="status">${msg('Looking for free times…')}</p>`
              : draft.slots.length
                ? html`<label for="slot-${booking.id}">${msg('New time')}</label>
                    <select
                      id="slot-${booking.id}"
                      .value=${draft.slot}
                      @change=${(event: Event) =>
                        (this._draft = { ...draft, slot: (event.target as HTMLSelectElement).value })}
                    >
                      ${draft.slots.map(
                        (slot) =>
                          html`<option value=${slot.id} ?selected=${slot.id === draft.slot}>
                            ${this.#when(slot)}
                          </option>`,
                      )}
                    </select>`
                : html`<p>${msg('This clinician has no free times in the next two weeks.')}</p>`
            : html`<label for="reason-${booking.id}"
                  >${msg('Message for the patient (optional, e-mailed to them)')}</label
                >
                <textarea
                  id="reason-${booking.id}"
                  rows="2"
                  .value=${draft.reason}
                  @input=${(event: Event) =>
                    (this._draft = { ...draft, reason: (event.target as HTMLTextAreaElement).value })}
                ></textarea>`
        }
        <div part="actions">
          <button
            type="submit"
            aria-disabled=${busy || (draft.action === 'reschedule' && !draft.slot) ? 'true' : 'false'}
          >
            ${submit}
          </button>
          <button type="button" @click=${() => (this._draft = undefined)}>${msg('Keep as it is')}</button>
        </div>
      </form>
    `;
  }

  #renderBooking(booking: Booking, busy: boolean): TemplateResult {
    const draft = this._draft?.id === booking.id ? this._draft : undefined;
    const telecom = booking.patientResource?.telecom ?? [];
    const contact = stripBidi(
      telecom
        .map((t) => t.value)
        .filter(Boolean)
        .join(', '),
    );
    const past = Date.parse(booking.start ?? '') < Date.now();
    const who = this.#patient(booking);
    const act = (action: () => Promise<unknown>) => () => {
      if (!busy) void action();
    };
    return html`
      <li part="booking" aria-busy=${busy ? 'true' : 'false'}>
        <p part="when">
          <strong>${this.#when(booking)}</strong> ·
          ${this.#channel(booking.deliveryChannel)}${
            booking.status === 'pending'
              ? html` · <bdi part="practitioner">${stripBidi(booking.practitioner?.display ?? '')}</bdi>`
              : nothing
          }
        </p>
        <p part="who">
          <bdi part="patient-name">${who}</bdi>${contact ? html` · <bdi part="contact">${contact}</bdi>` : nothing}
        </p>
        <p part="booking-status">
          ${this.#statusText(booking.status)}${booking.reference ? html` · ${booking.reference}` : nothing}
        </p>
        <div part="actions" role="group" aria-label=${msg(str`Actions for ${who}, ${this.#when(booking)}`)}>
          ${
            booking.status === 'pending'
              ? html`<button
                    part="confirm"
                    aria-disabled=${busy ? 'true' : 'false'}
                    @click=${act(() => this.desk!.confirm(booking.id))}
                  >
                    ${msg('Confirm')}
                  </button>
                  <button
                    part="decline"
                    aria-expanded=${draft?.action === 'decline' ? 'true' : 'false'}
                    @click=${() => this.#open(booking, 'decline')}
                  >
                    ${msg('Decline')}
                  </button>`
              : html`${
                  // Only what the lifecycle allows (the contract's STAFF_TRANSITIONS): nothing to
                  // move or cancel once the patient has been seen.
                  staffMayChange(booking.status, 'cancelled')
                    ? html`<button
                          part="reschedule"
                          aria-expanded=${draft?.action === 'reschedule' ? 'true' : 'false'}
                          @click=${() => this.#open(booking, 'reschedule')}
                        >
                          ${msg('Reschedule')}
                        </button>
                        <button
                          part="cancel"
                          aria-expanded=${draft?.action === 'cancel' ? 'true' : 'false'}
                          @click=${() => this.#open(booking, 'cancel')}
                        >
                          ${msg('Cancel')}
                        </button>`
                    : nothing
                }
                ${
                  booking.deliveryChannel === 'Video' && (booking.status === 'booked' || booking.status === 'arrived')
                    ? html`<button
                        part="resend-link"
                        aria-disabled=${busy ? 'true' : 'false'}
                        @click=${act(() => this.desk!.resendLink(booking.id))}
                      >
                        ${msg('Send a new video link')}
                      </button>`
                    : nothing
                }
                ${
                  past && staffMayChange(booking.status, 'noshow')
                    ? html`<button
                        part="no-show"
                        aria-disabled=${busy ? 'true' : 'false'}
                        @click=${act(() => this.desk!.markNoShow(booking.id))}
                      >
                        ${msg('Did not attend')}
                      </button>`
                    : nothing
                }`
          }
        </div>
        ${draft ? this.#renderDraft(booking, draft, busy) : nothing}
      </li>
    `;
  }

  protected override render(): TemplateResult | typeof nothing {
    const value = this.#state.value;
    if (!value) return nothing;
    const busy = new Set(value.busy);
    const last = value.lastAction;
    const live =
      value.live === 'streaming'
        ? msg('Live: changes show as they happen.')
        : value.live === 'polling'
          ? msg('Updated every 30 seconds.')
          : msg('Connecting…');
    const loading = value.status === 'loading' || value.status === 'idle';
    const groups = groupByPractitioner(value.upcoming);
    return html`
      <p part="live">${live}</p>
      <p part="status" role="status">${loading ? msg('Loading bookings…') : last?.ok ? this.#actionText(last) : ''}</p>
      <div role="alert">
        ${
          value.error
            ? html`<p part="error" tabindex="-1">
                ${msg('Sorry, the bookings could not be loaded.')} ${failureText(value.error)}
                <button part="retry" @click=${() => this.desk?.refresh()}>${msg('Try again')}</button>
              </p>`
            : last && !last.ok && last.action !== 'video-now'
              ? html`<p part="error" tabindex="-1">${this.#actionText(last)} ${failureText(last.error)}</p>`
              : nothing
        }
      </div>
      ${this.#renderVideoNow(value)}
      <section part="pending" aria-labelledby="pending-heading">
        <h2 part="heading" id="pending-heading" tabindex="-1">${msg('Requests to confirm')}</h2>
        ${
          value.pending.length
            ? html`<ul>
                ${value.pending.map((b) => this.#renderBooking(b, busy.has(b.id)))}
              </ul>`
            : html`<p part="empty">${loading ? '' : msg('No requests are waiting.')}</p>`
        }
      </section>
      <section part="upcoming" aria-labelledby="upcoming-heading">
        <h2 part="heading" id="upcoming-heading" tabindex="-1">${msg('Today and upcoming appointments')}</h2>
        ${
          groups.length
            ? groups.map(
                (group) => html`
                  <h3 part="practitioner-name">
                    <bdi
                      >${group.practitioner?.display ? stripBidi(group.practitioner.display) : msg('No clinician')}</bdi
                    >
                  </h3>
                  <ul>
                    ${group.bookings.map((b) => this.#renderBooking(b, busy.has(b.id)))}
                  </ul>
                `,
              )
            : html`<p part="empty">${loading ? '' : msg('No appointments.')}</p>`
        }
      </section>
    `;
  }
}
