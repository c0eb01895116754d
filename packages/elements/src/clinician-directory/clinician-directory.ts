import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import { StaffDirectory, type DirectoryEntry, type StaffDirectoryState } from '@consultkit/core';
import {
  SETTABLE_PRESENCE,
  type CallInNotice,
  type Presence,
  type PresenceState,
  type SettablePresence,
} from '@consultkit/core/contract';
import { ConsultKitElement } from '../internal/consultkit-element.js';
import { actingStaffClient } from '../internal/staff-client.js';
import { StoreController } from '../internal/store-controller.js';
import { baseStyles } from '../internal/tokens.styles.js';
import { failureText, isolate } from '../internal/words.js';
import { clinicianDirectoryStyles } from './clinician-directory.styles.js';

/** What the element needs of core's `StaffDirectory` (a fake with a store will do in tests). */
export type DirectoryLike = Pick<
  StaffDirectory,
  | 'state'
  | 'search'
  | 'start'
  | 'stop'
  | 'setPresence'
  | 'callIn'
  | 'dismissCallIn'
  | 'callColleague'
  | 'joinStaffCall'
  | 'declineStaffCall'
>;

/** How long presence changes are gathered before one polite announcement. */
const ANNOUNCE_MS = 1500;

/** A presence in words. */
export function presenceText(state: PresenceState): string {
  switch (state) {
    case 'available':
      return msg('Available');
    case 'busy':
      return msg('Busy');
    case 'in-consultation':
      return msg('In a consultation');
    case 'away':
      return msg('Away');
    case 'offline':
      return msg('Offline');
  }
}

/** "Dr Amina Khan is now busy." */
function changeSentence(name: string, state: PresenceState): string {
  switch (state) {
    case 'available':
      return msg(str`${isolate(name)} is now available.`);
    case 'busy':
      return msg(str`${isolate(name)} is now busy.`);
    case 'in-consultation':
      return msg(str`${isolate(name)} is now in a consultation.`);
    case 'away':
      return msg(str`${isolate(name)} is now away.`);
    case 'offline':
      return msg(str`${isolate(name)} is now offline.`);
  }
}

/** The role choices of the search (codes of the FHIR practitioner-role system). */
function roleChoices(): [string, string][] {
  return [
    ['', msg('Any role')],
    ['doctor', msg('Doctor')],
    ['nurse', msg('Nurse')],
    ['pharmacist', msg('Pharmacist')],
  ];
}

/** The specialty choices of the search (SNOMED CT practice settings, as UK Core codes them). */
function specialtyChoices(): [string, string][] {
  return [
    ['', msg('Any specialty')],
    ['394814009', msg('General practice')],
    ['394582007', msg('Dermatology')],
    ['394537008', msg('Paediatrics')],
    ['394579002', msg('Cardiology')],
    ['394587001', msg('Psychiatry')],
  ];
}

/**
 * The staff directory for clinicians: search by name, role and specialty; each colleague with
 * their presence (in words and by a shape, never colour alone) and when they were last seen,
 * kept live; changes announced politely, a few at a time. In a consultation (`consultation` set),
 * "Call in" asks a colleague to join it; otherwise "Call" starts a call with them, with no patient
 * (or, with `staff-call` set, asks them into that running call). Call-ins from colleagues show
 * here, with Join and Not now; calls with no patient with Join and Decline.
 * A view over core's `StaffDirectory`.
 *
 * @summary Find a colleague, see whether they are free, and call them into a consultation.
 * @tagname clinician-directory
 *
 * @fires ck-called-in - A colleague was asked to join the consultation. `detail: { practitioner, notified }`
 * @fires ck-call-in-received - A colleague asks the viewer to join a consultation. `detail: { notice }`
 * @fires ck-call-in-join - The viewer pressed Join on a call-in. Cancelable: unless prevented, the page goes to `notice.url` (a consultation), or the element joins the call with no patient and fires `ck-staff-call-joined`. `detail: { notice }`
 * @fires ck-staff-call-started - The viewer called a colleague with no patient. `detail: { practitioner, call, notified, ticket? }`: open `<consult-room>` with `ticket` (a new call; absent when a colleague was asked into the running `staff-call`).
 * @fires ck-staff-call-joined - The viewer joined a colleague's call with no patient. `detail: { notice, ticket }`: open `<consult-room>` with `ticket`.
 * @fires ck-staff-call-declined - A colleague the viewer called declined. `detail: { call, practitioner, name }`
 * @fires ck-message-requested - The viewer pressed "Message" beside a colleague (with `messaging`). `detail: { practitioner }`
 *
 * @csspart heading - The heading.
 * @csspart my-status - The viewer's own presence choice.
 * @csspart search - The search form.
 * @csspart results - The list of colleagues.
 * @csspart presence - A colleague's presence (shape and words).
 * @csspart call-in - A colleague's "Call in" button.
 * @csspart call - A colleague's "Call" button (no patient).
 * @csspart decline - A call's "Decline" button.
 * @csspart message - A colleague's "Message" button (with `messaging`).
 * @csspart notice - A colleague's call-in to the viewer.
 * @csspart join - The call-in's "Join" button.
 * @csspart status - The polite live region.
 * @csspart error - What went wrong (an alert).
 *
 * @cssproperty --ck-directory-border - The border colour.
 */
@localized()
export class ClinicianDirectory extends ConsultKitElement {
  static override styles = [baseStyles, clinicianDirectoryStyles];

  /** The practice's FHIR base URL (as on `<booking-desk>`); the presence routes are on its server. */
  @property({ attribute: 'fhir-base' })
  fhirBase = '';

  /**
   * The viewer's `Practitioner` id: their own presence is theirs to set, and they are not offered
   * to call themselves in. With `staffKey`, it is also sent as the acting practitioner.
   */
  @property()
  me = '';

  /** The appointment the viewer is in a consultation of: "Call in" is offered. */
  @property()
  consultation = '';

  /**
   * A call with no patient the viewer is in (its id, from `ck-staff-call-started` or
   * `ck-staff-call-joined`): "Call" then asks colleagues into it rather than starting another.
   */
  @property({ attribute: 'staff-call' })
  staffCall = '';
  /** Offer "Message" beside each colleague: it fires `ck-message-requested` (a host opens `<staff-chat>` with them). */
  @property({ type: Boolean })
  messaging = false;

  /** The staff key (a vendor console); without it, the staff session cookie. Not an attribute. */
  @property({ attribute: false })
  staffKey: string | undefined;

  /** A `StaffDirectory` of your own, in place of `fhir-base` and `staffKey`. Not an attribute. */
  @property({ attribute: false })
  directory: DirectoryLike | undefined;

  @state() private said = '';
  @state() private noticeSaid = '';

  #own: StaffDirectory | undefined;
  #pending: Presence[] = [];
  #announce: ReturnType<typeof setTimeout> | undefined;
  readonly #store = new StoreController<StaffDirectoryState>(this, (value, previous) => this.#changed(value, previous));

  #active(): DirectoryLike | undefined {
    if (this.directory) return this.directory;
    if (!this.fhirBase) return undefined;
    if (!this.#own) {
      const client = actingStaffClient(this.fhirBase, this.staffKey, this.me);
      if (client) this.#own = new StaffDirectory({ client });
    }
    return this.#own;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('directory') || changed.has('fhirBase') || changed.has('staffKey') || changed.has('me')) {
      if (changed.has('fhirBase') || changed.has('staffKey') || changed.has('me')) {
        this.#own?.stop();
        this.#own = undefined;
      }
      const previous = this.#store.store;
      const next = this.#active();
      if (next?.state !== previous) {
        this.#store.store = next?.state;
        if (next && this.isConnected) this.#begin(next);
      }
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    const active = this.#active();
    if (active && this.hasUpdated) this.#begin(active);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#announce);
    // Its own directory's stream closes with it; one given by the host is the host's to stop.
    this.#own?.stop();
  }

  #begin(directory: DirectoryLike): void {
    directory.start();
    if (directory.state.get().status === 'idle') void directory.search({});
  }

  /** Store changes: presence changes of listed colleagues gathered for one announcement; call-ins told. */
  #changed(value: StaffDirectoryState, previous: StaffDirectoryState | undefined): void {
    if (!previous) return;
    if (value.lastChange && value.lastChange !== previous.lastChange) {
      const listed = value.entries.some((e) => e.practitioner === value.lastChange!.practitioner);
      if (listed && value.lastChange.practitioner !== this.me) {
        this.#pending = [
          ...this.#pending.filter((p) => p.practitioner !== value.lastChange!.practitioner),
          value.lastChange,
        ];
        this.#announce ??= setTimeout(() => this.#flush(), ANNOUNCE_MS);
      }
    }
    for (const notice of value.callIns) {
      if (!previous.callIns.some((c) => c.id === notice.id)) {
        this.noticeSaid = this.#noticeText(notice);
        this.emit('ck-call-in-received', { notice });
      }
    }
    for (const declined of value.declined.slice(previous.declined.length)) {
      this.noticeSaid = msg(str`${isolate(declined.name)} declined your call.`);
      this.emit('ck-staff-call-declined', { ...declined });
    }
  }

  #flush(): void {
    this.#announce = undefined;
    const changes = this.#pending;
    this.#pending = [];
    const entries = this.#store.value?.entries ?? [];
    const nameOf = (id: string) => entries.find((e) => e.practitioner === id)?.name ?? '';
    if (changes.length === 1) this.said = changeSentence(nameOf(changes[0]!.practitioner), changes[0]!.state);
    else if (changes.length > 1) this.said = msg('Several colleagues changed their status.');
  }

  #noticeText(notice: CallInNotice): string {
    return notice.patient
      ? msg(str`${isolate(notice.from.name)} asks you to join the consultation with ${isolate(notice.patient)}.`)
      : msg(str`${isolate(notice.from.name)} is calling you.`);
  }

  #search(event: SubmitEvent): void {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    void this.#active()?.search({
      name: String(data.get('name') ?? ''),
      role: String(data.get('role') ?? ''),
      specialty: String(data.get('specialty') ?? ''),
    });
  }

  async #setMine(event: Event): Promise<void> {
    const value = (event.target as HTMLSelectElement).value as SettablePresence;
    try {
      await this.#active()?.setPresence(value);
      this.said = msg(str`Your status is now: ${presenceText(value)}.`);
    } catch {
      // The store holds the error; it shows as an alert.
    }
  }

  async #callIn(entry: DirectoryEntry): Promise<void> {
    const directory = this.#active();
    if (!directory || !this.consultation) return;
    try {
      const answer = await directory.callIn(this.consultation, entry.practitioner);
      this.said = answer.notified
        ? msg(str`${isolate(entry.name)} has been asked to join.`)
        : msg(str`${isolate(entry.name)} is not online: they will see the request when they next sign in.`);
      this.emit('ck-called-in', { practitioner: entry.practitioner, notified: answer.notified });
    } catch {
      // The store holds the error; it shows as an alert.
    }
  }

  async #call(entry: DirectoryEntry): Promise<void> {
    const directory = this.#active();
    if (!directory) return;
    try {
      const answer = await directory.callColleague(entry.practitioner, this.staffCall || undefined);
      this.said = answer.notified
        ? msg(str`Calling ${isolate(entry.name)}…`)
        : msg(str`${isolate(entry.name)} is not online: they cannot answer now.`);
      this.emit('ck-staff-call-started', {
        practitioner: entry.practitioner,
        call: answer.call,
        notified: answer.notified,
        ...(answer.ticket ? { ticket: answer.ticket } : {}),
      });
    } catch {
      // The store holds the error; it shows as an alert.
    }
  }

  async #join(notice: CallInNotice): Promise<void> {
    if (!this.emit('ck-call-in-join', { notice }, { cancelable: true })) return;
    const directory = this.#active();
    if (notice.patient !== undefined) {
      directory?.dismissCallIn(notice.id);
      window.location.assign(notice.url);
      return;
    }
    try {
      const ticket = await directory?.joinStaffCall(notice);
      if (ticket) this.emit('ck-staff-call-joined', { notice, ticket });
    } catch {
      // The store holds the error; it shows as an alert.
    }
  }

  async #decline(notice: CallInNotice): Promise<void> {
    try {
      await this.#active()?.declineStaffCall(notice);
      this.said = msg(str`You declined the call from ${isolate(notice.from.name)}.`);
    } catch {
      // The store holds the error; it shows as an alert.
    }
  }

  #lastSeen(presence: Presence | undefined): string {
    if (!presence?.lastSeen || (presence.state !== 'offline' && presence.state !== 'away')) return '';
    const when = new Date(presence.lastSeen);
    const sameDay = when.toDateString() === new Date().toDateString();
    const text = new Intl.DateTimeFormat(this.lang || document.documentElement.lang || 'en-GB', {
      ...(sameDay ? {} : { weekday: 'short', day: 'numeric', month: 'short' }),
      hour: '2-digit',
      minute: '2-digit',
    }).format(when);
    return msg(str`Last seen ${text}`);
  }

  protected override render() {
    const value = this.#store.value;
    const mine = this.me ? value?.presence[this.me] : undefined;
    return html`<section aria-labelledby="ck-directory-heading">
      <h2 part="heading" id="ck-directory-heading">${msg('Staff directory')}</h2>
      ${value?.callIns.map((notice) => {
        const busy = value.answering.includes(notice.id);
        return html`<div part="notice" class="notice" role="group" aria-label=${msg('Request to join')}>
          <p>${this.#noticeText(notice)}</p>
          <div class="actions">
            <button
              part="join"
              type="button"
              class="primary"
              aria-disabled=${busy ? 'true' : 'false'}
              @click=${() => (busy ? undefined : this.#join(notice))}
            >
              ${msg('Join')}
            </button>
            ${
              notice.patient === undefined
                ? html`<button
                    part="decline"
                    type="button"
                    aria-disabled=${busy ? 'true' : 'false'}
                    @click=${() => (busy ? undefined : this.#decline(notice))}
                  >
                    ${msg('Decline')}
                  </button>`
                : html`<button type="button" @click=${() => this.#active()?.dismissCallIn(notice.id)}>
                    ${msg('Not now')}
                  </button>`
            }
          </div>
        </div>`;
      })}
      ${
        this.me
          ? html`<div class="field mine">
              <label for="ck-directory-mine">${msg('Your status')}</label>
              <select part="my-status" id="ck-directory-mine" @change=${this.#setMine}>
                ${SETTABLE_PRESENCE.map(
                  (s) =>
                    html`<option value=${s} ?selected=${(mine?.state ?? 'available') === s}>
                      ${presenceText(s)}
                    </option>`,
                )}
              </select>
              ${
                mine && !(SETTABLE_PRESENCE as readonly string[]).includes(mine.state)
                  ? html`<span class="hint">${msg(str`Shown to colleagues: ${presenceText(mine.state)}`)}</span>`
                  : nothing
              }
            </div>`
          : nothing
      }
      <form part="search" role="search" aria-label=${msg('Search the directory')} @submit=${this.#search}>
        <div class="field">
          <label for="ck-directory-name">${msg('Name')}</label>
          <input id="ck-directory-name" name="name" type="search" autocomplete="off" maxlength="100" />
        </div>
        <div class="field">
          <label for="ck-directory-role">${msg('Role')}</label>
          <select id="ck-directory-role" name="role">
            ${roleChoices().map(([code, label]) => html`<option value=${code}>${label}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="ck-directory-specialty">${msg('Specialty')}</label>
          <select id="ck-directory-specialty" name="specialty">
            ${specialtyChoices().map(([code, label]) => html`<option value=${code}>${label}</option>`)}
          </select>
        </div>
        <button type="submit" class="primary">${msg('Search')}</button>
      </form>
      <p part="status" role="status" class="status">${this.said}</p>
      <p role="alert" class="visually-hidden">${this.noticeSaid}</p>
      ${
        value?.live === 'retrying'
          ? html`<p class="hint">${msg('Reconnecting: statuses may be out of date.')}</p>`
          : nothing
      }
      ${value?.error ? html`<p part="error" role="alert">${failureText(value.error)}</p>` : nothing}
      ${this.#results(value)}
    </section>`;
  }

  #results(value: StaffDirectoryState | undefined) {
    if (!value || value.status === 'idle' || (value.status === 'loading' && value.entries.length === 0)) {
      return html`<p aria-busy="true">${msg('Loading the directory…')}</p>`;
    }
    if (value.entries.length === 0) {
      return value.status === 'error' ? nothing : html`<p>${msg('Nobody matches this search.')}</p>`;
    }
    return html`<ul
      part="results"
      aria-label=${msg('Colleagues')}
      aria-busy=${value.status === 'loading' ? 'true' : 'false'}
    >
      ${value.entries.map((entry) => {
        const presence = value.presence[entry.practitioner];
        const shown: PresenceState = presence?.state ?? 'offline';
        const seen = this.#lastSeen(presence);
        const calling = value.calling.includes(entry.practitioner);
        const nameId = `ck-directory-who-${entry.id}`;
        return html`<li data-practitioner=${entry.practitioner}>
          <div class="who">
            <span class="name" id=${nameId}>${entry.name}</span>
            <span class="role">${entry.specialty ? `${entry.role} · ${entry.specialty}` : entry.role}</span>
            ${entry.phone ? html`<span class="contact" dir="ltr">${entry.phone}</span>` : nothing}
          </div>
          <div class="presence" part="presence" data-state=${shown}>
            <span class="shape" aria-hidden="true"></span>
            <span class="text">${presenceText(shown)}</span>
            ${seen ? html`<span class="seen">${seen}</span>` : nothing}
          </div>
          ${
            this.messaging && entry.practitioner !== this.me
              ? html`<button
                  part="message"
                  type="button"
                  aria-describedby=${nameId}
                  @click=${() => this.emit('ck-message-requested', { practitioner: entry })}
                >
                  ${msg('Message')}
                </button>`
              : nothing
          }
          ${
            this.consultation && entry.practitioner !== this.me
              ? html`<button
                  part="call-in"
                  type="button"
                  aria-describedby=${nameId}
                  aria-disabled=${calling ? 'true' : 'false'}
                  @click=${() => (calling ? undefined : this.#callIn(entry))}
                >
                  ${calling ? msg('Calling in…') : msg('Call in')}
                </button>`
              : !this.consultation && entry.practitioner !== this.me
                ? html`<button
                    part="call"
                    type="button"
                    aria-describedby=${nameId}
                    aria-disabled=${calling ? 'true' : 'false'}
                    @click=${() => (calling ? undefined : this.#call(entry))}
                  >
                    ${calling ? msg('Calling…') : msg('Call')}
                  </button>`
                : nothing
          }
        </li>`;
      })}
    </ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'clinician-directory': ClinicianDirectory;
  }
}
