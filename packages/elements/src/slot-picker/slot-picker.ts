import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import {
  DEFAULT_TIME_ZONE,
  SlotClient,
  addDays,
  dayChoices,
  filterChoices,
  filterSlots,
  firstAvailable,
  formatDate,
  formatShortDate,
  formatTime,
  formatTimeZone,
  groupByPartOfDay,
  groupSlotsByDay,
  localDate,
  type BookableSlot,
  type Booking,
  type DeliveryChannel,
  type DetailsField,
  type DetailsProblem,
  type FhirError,
  type PartOfDay,
  type SlotDay,
  type SlotFilter,
} from '@consultkit/core/booking';
import { ConsultKitElement } from '../internal/consultkit-element.js';
import { langOf } from '../internal/lang.js';
import { patientFailureText } from '../internal/words.js';
import { slotPickerStyles } from './slot-picker.styles.js';
import { dayTimes, showMoreTimes } from './words.js';
import type { Choice, PickerHost } from './details-form.js';

/** What the picker shows: which step, the times, the chosen one, what went wrong. */
export interface View {
  step: 'times' | 'details' | 'done';
  loading: boolean;
  slots: readonly BookableSlot[];
  loadError?: FhirError | undefined;
  selected?: BookableSlot | undefined;
  submitting?: boolean;
  bookError?: FhirError | undefined;
  /** The chosen time was taken by someone else first. */
  slotTaken?: boolean;
  /** Until when the chosen time is held for the patient (an instant), when the server holds it. */
  heldUntil?: string | undefined;
  booking?: Booking;
}

/** The details form's module, once imported (on the first choice of a time, for the CDN bundle's size). */
interface FormModule {
  Choice: typeof Choice;
}
/** How many times each part of the day shows before "Show more times". */
const FEW = 6;
const RELOAD_ON = ['fhirBase', 'client', 'practitioner', 'serviceType', 'days', 'timeZone', '_week'];

/**
 * Free appointment times of a practice, and booking one: the patient takes the first available
 * time offered up front or narrows the times by clinician, type and way to consult, chooses a day,
 * then a time (grouped by morning, afternoon and evening), enters their details and how they want to consult, and gets a booking
 * reference. Talks FHIR R4 to the server at `fhir-base`. Works from one script tag.
 *
 * Days: a strip of the `days` days from today (Previous week and Next week for others), days
 * without times disabled, the first day with times chosen. One Tab stop for the days and one for
 * the chosen day's times (six per part of the day, Show more for the rest; focus moves to the first
 * time it shows): arrow keys move to the previous or next day (choosing it) or time, Home
 * and End to the first or last; Enter or Space chooses. On a phone, choosing a day by click or
 * Enter moves focus to its first time.
 *
 * @attr history - `url`: the chosen day, week, filters and time are kept in the page's address
 *   (`ck-*` query parameters) so that a reload restores them and Back and Forward step through
 *   them. Read when the picker connects; needs `define.ts` (npm) or the `slot-picker-url.js` CDN
 *   add-on (slot-picker/url-state.ts). Off by default: a page that owns its address opts in.
 *
 * @summary Patient booking: free times, a short form, the booking reference.
 * @tagname slot-picker
 *
 * @fires ck-slot-selected - The patient chose a time. `detail: { slot }`
 * @fires ck-booked - The booking was made (status `pending` until the practice confirms). `detail: { booking }`
 * @fires ck-booking-failed - The booking was refused or could not be sent. `detail: { error, slot }`;
 *   `error.status === 409` when someone else took the time first.
 *
 * @csspart time-zone - The line saying which time zone times are in.
 * @csspart status - The status line (loading, times listed, none): a live region.
 * @csspart error - An error message, focused: times not loaded (with the retry button), the time
 *   taken meanwhile, or the booking refused.
 * @csspart retry - The button that loads the times again.
 * @csspart first-available - The first available time of all, offered up front, and its button.
 * @csspart choose-first - The button that chooses the first available time.
 * @csspart filters - The filters: clinician, type of appointment, how to consult.
 * @csspart filter - One filter's label and select (shown when it has more than one choice).
 * @csspart select - A filter's select.
 * @csspart week - The day chooser: previous week, the days, next week.
 * @csspart week-previous - The Previous week button (disabled in the first week).
 * @csspart week-next - The Next week button.
 * @csspart days - The list of day buttons.
 * @csspart day-choice - A day button, `aria-pressed="true"` when chosen, disabled without times.
 * @csspart day - The times of the chosen day.
 * @csspart day-heading - The heading of the chosen day.
 * @csspart part-of-day - The times of the morning (before noon), afternoon (to 5pm) or evening.
 * @csspart part-heading - Its heading: Morning, Afternoon or Evening.
 * @csspart times - A list of times.
 * @csspart time - A time button: the time, and the clinician's name below it.
 * @csspart time-practitioner - The clinician's name in a time button.
 * @csspart show-more - "Show 12 more times": the times of a part of the day beyond the first six.
 * @csspart form - The details form.
 * @csspart form-heading - The heading of the form.
 * @csspart chosen - The chosen time, above the form.
 * @csspart error-summary - The list of problems with the form, focused on submit.
 * @csspart field - A label, error and input.
 * @csspart label - A field's label, and the legend of the radios.
 * @csspart field-error - A field's error message.
 * @csspart input - A text input.
 * @csspart channels - The "how to consult" radio group.
 * @csspart channel - One radio and its label.
 * @csspart back - The Back button.
 * @csspart held - The line saying until when the chosen time is kept for the patient.
 * @csspart submit - The button that books.
 * @csspart confirmation - The panel shown once booked.
 * @csspart confirmation-heading - Its heading.
 * @csspart reference - The booking reference.
 *
 * @cssproperty --ck-picker-accent - Colour of time buttons. Default `--ck-color-primary`.
 * @cssproperty --ck-picker-action - Background of the Book button. Default `--ck-color-action`.
 * @cssproperty --ck-picker-action-text - Text on the Book button and the confirmation. Default `--ck-color-action-text`.
 * @cssproperty --ck-picker-error - Colour of errors. Default `--ck-color-danger`.
 * @cssproperty --ck-picker-muted - Colour of the time-zone line. Default `--ck-color-muted`.
 * @cssproperty --ck-picker-success - Background of the confirmation panel. Default `--ck-color-success`.
 */
export class SlotPicker extends ConsultKitElement {
  static override styles = slotPickerStyles;

  // For the CDN bundle's size budget: no decorators, so `#private` members stay native and minify.
  // Re-rendering on a locale change (what `@localized()` does) is added where the element is
  // defined (`define.ts`), not in the CDN bundle, where the locale cannot change.
  static override get properties() {
    return {
      fhirBase: { attribute: 'fhir-base' },
      practitioner: {},
      serviceType: { attribute: 'service-type' },
      days: { type: Number },
      timeZone: { attribute: 'time-zone' },
      client: { attribute: false },
      _problems: { state: true, attribute: false },
      _view: { state: true, attribute: false },
      _day: { state: true, attribute: false },
      _week: { state: true, attribute: false },
      _filter: { state: true, attribute: false },
    };
  }

  /** The FHIR base URL of the ConsultKit server, e.g. `https://surgery.example/fhir` (relative to the page works). */
  fhirBase = '';

  /** Only this clinician's times: `Practitioner/{id}` or the id. */
  practitioner = '';

  /** Only this service's times, e.g. `gp` or `nurse`. */
  serviceType = '';

  /** How many days the day chooser shows at once, from today; Next week shows as many more. */
  days = 7;

  /** The IANA time zone times are shown in (and said to be in). */
  timeZone = DEFAULT_TIME_ZONE;

  /** A client of your own (other headers or `fetch`); by default one for `fhir-base`. Not an attribute. */
  client: SlotClient | undefined;

  private _problems: Partial<Record<DetailsField, DetailsProblem>> = {};

  /** What the view shows. Kept here, not in a core store, for the CDN bundle's size budget. */
  private _view: View = { step: 'times', loading: false, slots: [] };

  /** The chosen day (`YYYY-MM-DD`): the first with times unless the patient chose another. */
  private _day = '';

  /** Which week the day chooser shows: 0 from today, 1 the next `days` days, and so on. */
  private _week = 0;

  /** What the patient narrowed the times to with the filters. */
  private _filter: SlotFilter = {};

  /** A selector to focus once updated (set by the form's module too: `details-form.ts`). */
  private _focus = '';

  #client: SlotClient | undefined;
  #loads = 0;
  #active = '';
  #days: SlotDay[] = [];
  /** The times that match the filters. */
  #slots: BookableSlot[] = [];
  /** The parts of days (`date part`) whose times are all shown. */
  #more = new Set<string>();
  /** The chosen time's form, key, hold and booking (from the form's module, once here). */
  #choice: Choice | undefined;
  /** A time chosen while the form's module is on its way: the choice, done once it is here. */
  #opening: Promise<void> | undefined;
  #wanted: BookableSlot | undefined;

  /**
   * Imports the details form (decision 43). A seam for tests (a failed import); `@internal`.
   * @internal
   */
  static _importForm = (): Promise<FormModule> => import('./details-form.js');

  /**
   * Lets the held time go: leaving the page (or reloading it), as removing the picker does, Back,
   * or another time. Nothing is held before the form's module is here.
   */
  #release = () => this.#choice?.release();

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('pagehide', this.#release);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('pagehide', this.#release);
    this.#release();
  }

  /** Back from the form to the times, letting the held time go (Back, or the address: `url-state.ts`). */
  _toTimes(): void {
    this.#release();
    this.#view({ step: 'times', bookError: undefined, heldUntil: undefined });
  }

  /** Searches the free times again. */
  async reload(): Promise<void> {
    const client = this.#client;
    if (!client) return;
    // Only the latest search's answer counts.
    const load = ++this.#loads;
    this.#view({ loading: true, loadError: undefined });
    const from = this.#from();
    try {
      const slots = await client.searchSlots({
        // Local dates: the server reads dates in the practice's time zone.
        start: this._week ? from : new Date(),
        end: addDays(from, this.days || 7),
        practitioner: this.practitioner || undefined,
        serviceType: this.serviceType || undefined,
      });
      if (load === this.#loads) this.#view({ slots, loading: false });
    } catch (error) {
      if (load === this.#loads) this.#view({ loading: false, loadError: error as FhirError });
    }
  }

  /** The first day the day chooser shows. */
  #from(): string {
    return addDays(localDate(Date.now(), this.timeZone), this._week * (this.days || 7));
  }

  #view(patch: Partial<View>): void {
    this._view = { ...this._view, ...patch };
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('fhirBase') || changed.has('client')) {
      this.#client = this.client ?? (this.fhirBase ? new SlotClient({ baseUrl: this.fhirBase }) : undefined);
    }
    const has = (key: string) => (changed as Map<string, unknown>).has(key);
    if (RELOAD_ON.some(has)) void this.reload();
    if (has('_view') || has('timeZone') || has('_filter')) {
      this.#slots = filterSlots(this._view.slots, this._filter);
      this.#days = groupSlotsByDay(this.#slots, this.timeZone);
    }
    if (this._view.loading) return;
    // The first day with times is chosen, unless the patient chose another that still has times.
    if (!this.#days.some((day) => day.date === this._day)) this._day = this.#days[0]?.date ?? '';
  }

  /** Also waits for a time's choice that waits for the form's module. */
  protected override async getUpdateComplete(): Promise<boolean> {
    await super.getUpdateComplete();
    await this.#opening;
    return super.getUpdateComplete();
  }

  protected override updated(): void {
    if (this._focus) this.renderRoot.querySelector<HTMLElement>(this._focus)?.focus();
    this._focus = '';
  }

  /** The words for a time: its day ("Tuesday 24 November 2026"), its time ("9:10am"), its clinician. */
  #words(slot: BookableSlot): [string, string, string | undefined] {
    const lang = langOf(this);
    return [
      formatDate(localDate(slot.start, this.timeZone), lang),
      formatTime(slot.start, this.timeZone, lang),
      slot.practitioner?.display,
    ];
  }

  /** The long words for a time: "Tuesday 24 November 2026, 9:10am, Dr Amina Khan". */
  /**
   * Which time zone the times are in, by the name people use: "UK time" for the practice's usual
   * zone, else the zone's generic name from Intl ("Central European Time"), never an IANA id.
   */
  #zoneLine(lang: string) {
    return this.timeZone === DEFAULT_TIME_ZONE
      ? msg('Times are in UK time.')
      : msg(str`Times are in ${formatTimeZone(this.timeZone, lang)}.`);
  }

  #label(slot: BookableSlot): string {
    return this.#words(slot).filter(Boolean).join(', ');
  }

  /** The first available time, offered up front with a button that chooses it. */
  #first(slot: BookableSlot) {
    const [day, time, who] = this.#words(slot);
    return html`<div part="first-available">
      <p id="first">
        ${who ? msg(str`First available: ${day} at ${time} with ${who}.`) : msg(str`First available: ${day} at ${time}.`)}
      </p>
      <button part="choose-first" aria-describedby="first" @click=${() => this._choose(slot)}>
        ${msg('Choose this time')}
      </button>
    </div>`;
  }

  /**
   * Roving focus among the enabled `part` buttons: arrows to the previous or next (Left and Right
   * in the reading direction), Home and End to the first or last. Returns the button focused.
   */
  #rove(event: KeyboardEvent, part: string): HTMLElement | undefined {
    const { key } = event;
    const items = [...this.renderRoot.querySelectorAll<HTMLElement>(`[part~=${part}]:enabled`)];
    const step =
      (/Down|Right/.test(key) ? 1 : -1) *
      (/Left|Right/.test(key) && getComputedStyle(this).direction === 'rtl' ? -1 : 1);
    const next = key.startsWith('Arrow')
      ? items[items.indexOf(event.target as HTMLElement) + step]
      : key === 'Home'
        ? items[0]
        : key === 'End'
          ? items.at(-1)
          : null;
    if (next === null) return;
    event.preventDefault();
    next?.focus();
    return next;
  }

  /** The patient chose a day; by click or Enter on a phone, focus moves to its times (not off-screen). */
  #chooseDay(date: string, toTimes?: boolean): void {
    this._day = date;
    this.#active = '';
    if (toTimes && matchMedia('(max-width: 40rem)').matches) this._focus = '[part~=time][tabindex="0"]';
    this.requestUpdate();
  }

  /** Shows the previous (-1) or next (1) week of days, and searches its times. */
  #toWeek(step: number): void {
    this._week += step;
    this._day = '';
    // Previous is disabled in the first week: focus stays on a button.
    if (!this._week) this._focus = '[part~=week-next]';
  }

  #channelNames(): Record<DeliveryChannel, string> {
    return { Video: msg('Video call'), Telephone: msg('Phone call'), 'In-person': msg('In person at the practice') };
  }

  /** Filters by clinician, type of appointment and way to consult: native selects, each shown when it has a choice. */
  #filters() {
    const { practitioners, serviceTypes, channels } = filterChoices(this._view.slots);
    const types: Record<string, string> = {
      gp: msg('GP appointment'),
      nurse: msg('Nurse appointment'),
      pharmacist: msg('Pharmacist appointment'),
    };
    const names = this.#channelNames();
    const select = (key: keyof SlotFilter, label: string, any: string, options: string[][]) =>
      options.length > 1
        ? html`<div part="filter">
            <label part="label" for="filter-${key}">${label}</label>
            <select
              part="select"
              id="filter-${key}"
              @change=${(event: Event) => {
                this._filter = { ...this._filter, [key]: (event.target as HTMLSelectElement).value };
              }}
            >
              <option value="">${any}</option>
              ${options.map(
                ([value, text]) =>
                  html`<option value=${value!} ?selected=${this._filter[key] === value}>${text}</option>`,
              )}
            </select>
          </div>`
        : nothing;
    return html`<div part="filters">
      ${select(
        'practitioner',
        msg('Clinician'),
        msg('Any clinician'),
        practitioners.map((p) => [p.reference, p.display]),
      )}
      ${select(
        'serviceType',
        msg('Type of appointment'),
        msg('Any type'),
        serviceTypes.map((type) => [type, types[type] ?? type]),
      )}
      ${select(
        'channel',
        msg('How to consult'),
        msg('Any way'),
        channels.map((channel) => [channel, names[channel]]),
      )}
    </div>`;
  }

  /** The day chooser: a strip of day buttons, days without times disabled, and previous and next week. */
  #chooser() {
    const lang = langOf(this);
    return html`
      <div part="week">
        <button part="week-previous" ?disabled=${!this._week} @click=${() => this.#toWeek(-1)}>
          ${msg('Previous week')}
        </button>
        <ul
          part="days"
          aria-label=${msg('Days')}
          @keydown=${(event: KeyboardEvent) => {
            const next = this.#rove(event, 'day-choice');
            if (next) this.#chooseDay(next.dataset['date']!);
          }}
        >
          ${dayChoices(this.#days, this.#from(), this.days || 7).map(({ date, count }) => {
            const day = formatDate(date, lang);
            return html`<li>
              <button
                part="day-choice"
                data-date=${date}
                ?disabled=${!count}
                aria-pressed=${date === this._day ? 'true' : 'false'}
                tabindex=${date === this._day ? 0 : -1}
                @click=${() => this.#chooseDay(date, true)}
              >
                <span aria-hidden="true">${formatShortDate(date, lang)}</span>
                <span class="visually-hidden">${dayTimes(day, count)}</span>
              </button>
            </li>`;
          })}
        </ul>
        <button part="week-next" @click=${() => this.#toWeek(1)}>${msg('Next week')}</button>
      </div>
    `;
  }

  /**
   * The patient chose `slot` (or the address did, `url-state.ts`): on to the form. The first time,
   * the form's module is imported first (the times stay on screen meanwhile); if it cannot be (the
   * connection dropped), the alert says the practice's service could not be reached, and choosing
   * a time again tries again.
   */
  _choose(slot: BookableSlot): void {
    if (!this.#choice) {
      // The latest choice counts, if the patient chose again meanwhile.
      this.#wanted = slot;
      this.#opening ??= SlotPicker._importForm().then(
        (module) => {
          this.#choice = new module.Choice(this as unknown as PickerHost);
          this.#opening = undefined;
          this._choose(this.#wanted!);
        },
        () => {
          this.#opening = undefined;
          this.#view({ bookError: { status: 0 } as FhirError, slotTaken: false });
          this._focus = '[part~=error]';
        },
      );
      return;
    }
    this.#choice!.choose(slot, this.#client!);
  }

  #times() {
    const lang = langOf(this);
    const day = this.#days.find((d) => d.date === this._day);
    const groups = groupByPartOfDay(day?.practitioners.flatMap((group) => group.slots) ?? [], this.timeZone);
    const shown = groups.map(({ part, slots }) => (this.#more.has(this._day + part) ? slots : slots.slice(0, FEW)));
    const active = shown.flat().some((slot) => slot.id === this.#active) ? this.#active : shown[0]?.[0]?.id;
    // The first available of all, on the first week (later weeks start after it).
    const first = this._week ? undefined : firstAvailable(this.#slots);
    const names: Record<PartOfDay, string> = {
      morning: msg('Morning'),
      afternoon: msg('Afternoon'),
      evening: msg('Evening'),
    };
    return html`
      ${first ? this.#first(first) : nothing} ${this.#filters()} ${this.#chooser()}
      ${
        day
          ? html`<section
              part="day"
              @keydown=${(event: KeyboardEvent) => {
                const next = this.#rove(event, 'time');
                if (next) {
                  this.#active = next.dataset['id']!;
                  this.requestUpdate();
                }
              }}
            >
              <h3 part="day-heading">${formatDate(day.date, lang)}</h3>
              ${groups.map(
                ({ part, slots }, i) => html`
                  <section part="part-of-day">
                    <h4 part="part-heading" id=${part}>${names[part]}</h4>
                    <ul part="times">
                      ${shown[i]!.map(
                        (slot) =>
                          html`<li>
                            <button
                              part="time"
                              data-id=${slot.id}
                              tabindex=${slot.id === active ? 0 : -1}
                              aria-label=${this.#label(slot)}
                              @click=${() => this._choose(slot)}
                            >
                              ${formatTime(slot.start, this.timeZone, lang)}
                              <span part="time-practitioner"><bdi>${slot.practitioner?.display}</bdi></span>
                            </button>
                          </li>`,
                      )}
                    </ul>
                    ${
                      slots.length > shown[i]!.length
                        ? html`<button
                            part="show-more"
                            aria-describedby=${part}
                            @click=${() => {
                              this.#more.add(this._day + part);
                              // Focus on the first time shown now, so the keyboard carries on from there.
                              this._focus = `[data-id="${(this.#active = slots[FEW]!.id)}"]`;
                              this.requestUpdate();
                            }}
                          >
                            ${showMoreTimes(slots.length - FEW)}
                          </button>`
                        : nothing
                    }
                  </section>
                `,
              )}
            </section>`
          : nothing
      }
    `;
  }

  protected override render(): TemplateResult | typeof nothing {
    const state = this._view;
    if (!this.#client) return nothing;
    const { step, loading, selected, booking, loadError, bookError } = state;
    const lang = langOf(this);
    const listError = step === 'times' && !loading && loadError;
    const status =
      step === 'details'
        ? state.submitting
          ? msg('Sending your booking…')
          : ''
        : step === 'done' || listError
          ? ''
          : loading
            ? msg('Looking for free times…')
            : this.#days.length
              ? msg('Free times are listed below.')
              : this.#slots.length < this._view.slots.length
                ? msg('No free times match your choices. Choose another clinician, type or way to consult.')
                : msg('There are no free times in the coming days. Please call the practice.');
    // One alert region, always there, so what appears in it is announced.
    const alert = listError
      ? html`${msg('Sorry, we could not load the times.')} ${patientFailureText(listError)}
          <button part="retry" @click=${this.reload}>${msg('Try again')}</button>`
      : bookError && step !== 'done'
        ? state.slotTaken
          ? msg('Sorry, someone has just booked that time. Please choose another.')
          : html`${msg('Sorry, we could not book that time.')} ${patientFailureText(bookError)}`
        : '';
    return html`
      <p part="time-zone">${this.#zoneLine(lang)}</p>
      <p part="status" role="status">${status}</p>
      <div role="alert">${alert ? html`<p part="error" tabindex="-1">${alert}</p>` : nothing}</div>
      ${
        selected && step !== 'done' && this.#choice
          ? this.#choice.form(this.#label(selected), this.#channelNames(), () => {
              this._toTimes();
              this._focus = `[data-id="${(this.#active = selected.id)}"]`;
            })
          : nothing
      }
      ${
        step === 'details'
          ? nothing
          : step === 'done' && booking
            ? this.#choice!.confirmation(booking, this.#label(selected!))
            : this.#times()
      }
    `;
  }
}
