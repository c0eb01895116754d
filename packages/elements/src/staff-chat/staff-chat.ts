import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import { StaffPeople, StaffStream, type ReadableStore } from '@consultkit/core';
import {
  chatTextProblem,
  STAFF_CHAT_MEMBERS_MAX,
  STAFF_CHAT_TEXT_MAX,
  STAFF_CHAT_TITLE_MAX,
  type StaffConversation,
  type StaffMessage,
  type StaffRole,
} from '@consultkit/core/contract';
import { ConsultKitElement } from '../internal/consultkit-element.js';
import { activeLocale } from '../internal/active-locale.js';
import { messageTime, textWithLinks } from '../internal/message-text.js';
import { actingStaffClient } from '../internal/staff-client.js';
import { StoreController } from '../internal/store-controller.js';
import { baseStyles } from '../internal/tokens.styles.js';
import { failureText, isolate } from '../internal/words.js';
import { staffChatStyles } from './staff-chat.styles.js';
import { aboutText, colleagueRoleText, colleagueText, conversationName, staffUnreadText } from './words.js';
import { staffMessagesFor, type StaffChatState, type StaffMessagesLike } from './source.js';

export type { StaffChatState, StaffMessagesLike };

/** From this length on, the composer shows how many characters are used of the limit. */
const COUNT_FROM = STAFF_CHAT_TEXT_MAX - 500;

/**
 * A colleague "New conversation" lists: core's `StaffPeople` gives `roles` (and `job` for someone in
 * the directory), core's `StaffDirectory` gives `role`.
 */
export interface Colleague {
  /** Their `Practitioner` id. */
  practitioner: string;
  name: string;
  /** What they do, in words already ("General practitioner"): a `StaffDirectory` entry's. */
  role?: string | undefined;
  /** Their job as the directory words it ("GP"). */
  job?: string | undefined;
  /** Their roles at the practice: worded by the element when there is no `job` or `role`. */
  roles?: readonly StaffRole[] | undefined;
}

/** What "New conversation" reads while it finds colleagues. */
export interface ColleagueSearchState {
  /** `loading` while a search runs; `error` when the last one failed. */
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** The colleagues found (the viewer among them is left out of the list). */
  entries: readonly Colleague[];
  /** More people match than were given (type more of the name). */
  more?: boolean | undefined;
}

/**
 * What the element needs to find colleagues: core's `StaffPeople` (everyone who may be messaged;
 * the element's own) or `StaffDirectory` (the directory only), or a fake with a store.
 */
export interface ColleagueSearch {
  /** The search's state: the element lists its `entries`. */
  readonly state: ReadableStore<ColleagueSearchState>;
  /** Finds the colleagues whose name contains `query.name` (blank: everyone, up to a cap). */
  search(query: { name?: string | undefined }): Promise<void>;
}

/**
 * Messages between staff: the signed-in person's conversations (one-to-one and small groups, each
 * with its last message and unread count), the open conversation's messages in order with author
 * and time, a composer, and "New conversation" with colleagues found in the directory. A
 * conversation may be about a patient: the patient's name shows only when the server gave it
 * ("About a patient you cannot see" otherwise). Text is shown as text, never as markup; links
 * (http and https only) open only when clicked. Messages count as read while the conversation is
 * shown and the page is visible. Live through the staff stream; while it reconnects, "Reconnecting…"
 * is announced, and what was sent meanwhile arrives once, in order, when it is back.
 *
 * A thin view over core's `StaffMessages`: with `fhir-base` (and `staffKey` from a vendor console,
 * naming `me`) it makes its own; a host may give one as `messages`.
 *
 * @summary Messages between colleagues, one-to-one or in small groups, optionally about a patient.
 * @tagname staff-chat
 *
 * @fires ck-staff-message - A message arrived live (from a colleague, or from the viewer's other device). `detail: { message, conversation, mine }`
 * @fires ck-unread-changed - The total of unread messages changed. `detail: { unread }`
 * @fires ck-staff-conversation-opened - A conversation was opened. `detail: { conversation }`
 * @fires ck-staff-conversation-started - The viewer started a conversation. `detail: { conversation }`
 * @fires ck-staff-message-sent - The server stored a message the viewer sent. `detail: { message }`
 *
 * @csspart heading - The heading, with the unread total.
 * @csspart badge - An unread count (the total, or one conversation's).
 * @csspart status - The polite live region (reconnecting, new messages elsewhere).
 * @csspart notice - "Reconnecting…" while the live stream is down.
 * @csspart new - The "New conversation" button.
 * @csspart conversations - The list of conversations.
 * @csspart conversation - One conversation in the list; also `current` for the open one.
 * @csspart about - What a conversation is about (a patient).
 * @csspart log - The open conversation's messages (`role="log"`).
 * @csspart message - One message; also `mine` for the viewer's own.
 * @csspart author - Who wrote a message.
 * @csspart time - When the server stored it.
 * @csspart text - A message's text.
 * @csspart link - A link in a message.
 * @csspart form - The composer.
 * @csspart field - The composer's text field.
 * @csspart count - How many characters of the limit are used (near the limit).
 * @csspart send - The Send button.
 * @csspart error - What went wrong (an alert).
 * @csspart start-form - The "New conversation" form.
 *
 * @cssproperty --ck-staff-chat-border - The border colour.
 * @cssproperty --ck-staff-chat-max-block-size - The message log's largest height before it scrolls (28rem).
 * @cssproperty --ck-staff-chat-mine-background - The background of the viewer's own messages.
 * @cssproperty --ck-staff-chat-badge-background - The unread badge's background.
 */
@localized()
export class StaffChat extends ConsultKitElement {
  static override styles = [baseStyles, staffChatStyles];

  /** The practice's FHIR base URL (as on `<clinician-directory>`); the message routes are on its server. */
  @property({ attribute: 'fhir-base' })
  fhirBase = '';

  /** The viewer's `Practitioner` id: their own messages show as theirs. With `staffKey`, sent as the acting practitioner. */
  @property()
  me = '';

  /** Offer "About a patient" when starting a conversation (clinicians and the practice admin; the server checks). */
  @property({ type: Boolean, attribute: 'allow-patient' })
  allowPatient = false;

  /** The staff key (a vendor console); without it, the staff session cookie. Not an attribute. */
  @property({ attribute: false })
  staffKey: string | undefined;

  /** A `StaffMessages` of your own, in place of `fhir-base` and `staffKey`. Not an attribute. */
  @property({ attribute: false })
  messages: StaffMessagesLike | undefined;

  /**
   * Finds the colleagues "New conversation" lists: core's `StaffPeople` of your own (everyone who
   * may be messaged, reception too). Without it (and without `directory`) the element makes one
   * with `fhir-base`/`staffKey`. Not an attribute.
   */
  @property({ attribute: false })
  people: ColleagueSearch | undefined;

  /**
   * A `StaffDirectory` of your own to find colleagues with, when `people` is not set. Deprecated: it
   * lists only colleagues with a role in the directory, not reception or the practice manager; set
   * `people` (core's `StaffPeople`). Not an attribute.
   */
  @property({ attribute: false })
  directory: ColleagueSearch | undefined;

  /** The open conversation's id ('' for none). */
  @property({ attribute: 'open-conversation' })
  openConversation = '';

  @state() private starting = false;
  @state() private chosen: readonly Colleague[] = [];
  @state() private said = '';
  @state() private error = '';
  @state() private startError = '';
  @state() private length = 0;
  @state() private sending = false;
  @state() private visible = false;

  #own: StaffMessagesLike | undefined;
  #stream: StaffStream | undefined;
  #ownPeople: StaffPeople | undefined;
  #observer: IntersectionObserver | undefined;
  #stick = true;
  #focusAfter: 'field' | 'new' | 'start' | 'conversation' | undefined;
  #unread = 0;
  #listed = false;
  readonly #onVisibility = () => this.#readIfSeen();
  readonly #store = new StoreController<StaffChatState>(this, (value, previous) => this.#changed(value, previous));
  readonly #people = new StoreController<ColleagueSearchState>(this);

  /** The viewer: `me`, else the acting person core's `StaffMessages` learnt from the server (a session cookie). */
  #who(): string {
    return this.me || (this.#active() as { me?: string | undefined } | undefined)?.me || '';
  }

  /** Unread messages in all the viewer's conversations (`ck-unread-changed` says when it changes). */
  get unread(): number {
    return this.#unread;
  }

  #active(): StaffMessagesLike | undefined {
    if (this.messages) return this.messages;
    if (!this.#own) {
      const client = actingStaffClient(this.fhirBase, this.staffKey, this.me);
      if (client) {
        // One live stream for its messages and, if it opens one, its directory.
        this.#stream = new StaffStream({ client });
        this.#own = staffMessagesFor(client, this.#stream);
      }
    }
    return this.#own;
  }

  #search(): ColleagueSearch | undefined {
    if (this.people) return this.people;
    if (this.directory) return this.directory;
    if (!this.#ownPeople) {
      const client = actingStaffClient(this.fhirBase, this.staffKey, this.me);
      if (client) this.#ownPeople = new StaffPeople({ client });
    }
    return this.#ownPeople;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('fhirBase') || changed.has('staffKey') || changed.has('me')) {
      if (this.hasUpdated || this.#own) {
        this.#own?.stop();
        this.#own = undefined;
        this.#ownPeople = undefined;
      }
    }
    const next = this.#active();
    if (next?.state !== this.#store.store) {
      this.#store.store = next?.state;
      if (next && this.isConnected) this.#begin(next);
    }
    const search = this.#search();
    if (search?.state !== this.#people.store) this.#people.store = search?.state;
    if (changed.has('openConversation') && this.openConversation) {
      // A failure shows in the store (and the log stays busy until it is in).
      void this.#active()
        ?.load(this.openConversation)
        .catch(() => undefined);
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.#onVisibility);
    const active = this.#active();
    if (active && this.hasUpdated) this.#begin(active);
  }

  #begin(source: StaffMessagesLike): void {
    // A failed first listing shows in the store; the stream asks again when it (re)opens.
    void source.start().catch(() => undefined);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.#onVisibility);
    this.#observer?.disconnect();
    this.#observer = undefined;
    // Its own stream closes with it; one given by the host is the host's to stop.
    this.#own?.stop();
  }

  protected override firstUpdated(): void {
    this.#observer = new IntersectionObserver((entries) => {
      this.visible = entries.some((e) => e.isIntersecting);
      this.#readIfSeen();
    });
    this.#observer.observe(this);
  }

  protected override updated(): void {
    const log = this.renderRoot.querySelector<HTMLElement>('[part~="log"]');
    if (log && this.#stick) log.scrollTop = log.scrollHeight;
    const focus = this.#focusAfter;
    this.#focusAfter = undefined;
    if (focus === 'field') this.renderRoot.querySelector<HTMLElement>('[part~="field"]')?.focus();
    else if (focus === 'new') this.renderRoot.querySelector<HTMLElement>('[part~="new"]')?.focus();
    else if (focus === 'start') this.renderRoot.querySelector<HTMLElement>('#ck-staff-chat-find')?.focus();
    else if (focus === 'conversation')
      this.renderRoot.querySelector<HTMLElement>('[part~="conversation"][aria-current="true"]')?.focus();
    this.#readIfSeen();
  }

  /**
   * Opens the one-to-one conversation with `practitioner` (about no patient), starting it if there
   * is none yet (the server answers the existing one if another device started it). Focus moves to
   * the composer. Rejects with the server's refusal (also shown and announced).
   */
  async messageColleague(colleague: { practitioner: string; name?: string }): Promise<StaffConversation | undefined> {
    const source = this.#active();
    if (!source) return undefined;
    const existing = this.#store.value?.conversations.find(
      (c) =>
        !c.patient &&
        !c.patientHidden &&
        c.members.length === 2 &&
        c.members.some((m) => m.practitioner === colleague.practitioner),
    );
    if (existing) {
      this.#open(existing, 'field');
      return existing;
    }
    try {
      const conversation = await source.startConversation({ members: [colleague.practitioner] });
      this.emit('ck-staff-conversation-started', { conversation });
      this.#open(conversation, 'field');
      return conversation;
    } catch (error) {
      this.startError = failureText(asFailure(error));
      this.said = '';
      throw error;
    }
  }

  /** Store changes: unread total to the host, live messages told, reconnecting announced. */
  #changed(value: StaffChatState, previous: StaffChatState | undefined): void {
    const unread = value.unread;
    if (unread !== this.#unread) {
      this.#unread = unread;
      this.emit('ck-unread-changed', { unread });
    }
    // The first list is what was there: only what comes after it is news.
    const listed = this.#listed;
    if (value.status === 'ready') this.#listed = true;
    if (!previous) return;
    if (value.live === 'retrying' && previous.live !== 'retrying') this.said = msg('Reconnecting…');
    else if (value.live === 'streaming' && previous.live === 'retrying') this.said = msg('Connected again.');
    for (const conversation of value.conversations) {
      const before = previous.conversations.find((c) => c.id === conversation.id);
      const last = conversation.last;
      // A message arrived: its conversation's last moved on (or a conversation came with one).
      if (!last || (before ? before.lastSeq >= conversation.lastSeq : !listed)) continue;
      const mine = last.author.practitioner === this.#who();
      this.emit('ck-staff-message', { message: last, conversation, mine });
      // In the open conversation the log says it; elsewhere, a short sentence.
      if (!mine && conversation.id !== this.openConversation)
        this.said = msg(str`New message from ${isolate(last.author.name)}.`);
    }
    if (value.conversations.some((c) => c.id === this.openConversation && c.unread > 0))
      queueMicrotask(() => this.#readIfSeen());
  }

  /** The open conversation is read while it is shown and the page visible. */
  #readIfSeen(): void {
    if (!this.visible || document.visibilityState !== 'visible' || !this.openConversation) return;
    const conversation = this.#store.value?.conversations.find((c) => c.id === this.openConversation);
    const messages = this.#store.value?.messages[this.openConversation] ?? [];
    const shownUpTo = messages.at(-1)?.seq ?? 0;
    if (conversation && conversation.unread > 0 && shownUpTo > conversation.readUpTo)
      void this.#active()
        ?.markRead(conversation.id, shownUpTo)
        .catch(() => undefined);
  }

  #open(conversation: StaffConversation, focus: 'field' | 'conversation'): void {
    this.starting = false;
    this.error = '';
    this.startError = '';
    this.#stick = true;
    if (this.openConversation !== conversation.id) {
      this.openConversation = conversation.id;
      this.emit('ck-staff-conversation-opened', { conversation });
    }
    this.#focusAfter = focus;
  }

  #onListKeydown(event: KeyboardEvent): void {
    const keys = ['ArrowDown', 'ArrowUp', 'Home', 'End'];
    if (!keys.includes(event.key)) return;
    const buttons = [...this.renderRoot.querySelectorAll<HTMLButtonElement>('[part~="conversation"]')];
    const at = buttons.indexOf(event.target as HTMLButtonElement);
    if (at < 0) return;
    event.preventDefault();
    const to =
      event.key === 'Home'
        ? 0
        : event.key === 'End'
          ? buttons.length - 1
          : Math.min(buttons.length - 1, Math.max(0, at + (event.key === 'ArrowDown' ? 1 : -1)));
    buttons[to]?.focus();
  }

  #onInput(event: Event): void {
    const length = (event.target as HTMLTextAreaElement).value.length;
    this.length = length;
    if (length > STAFF_CHAT_TEXT_MAX) this.error = this.#tooLong(length);
    else if (this.error) this.error = '';
  }

  #tooLong(length: number): string {
    return msg(
      str`This message is too long to send: ${length.toLocaleString(activeLocale())} of at most ${STAFF_CHAT_TEXT_MAX.toLocaleString(activeLocale())} characters. Shorten it, or send it in parts.`,
    );
  }

  #onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void this.#send();
    }
  }

  async #send(): Promise<void> {
    const field = this.renderRoot.querySelector<HTMLTextAreaElement>('[part~="field"]');
    const source = this.#active();
    const conversation = this.openConversation;
    if (!field || !source || !conversation || this.sending) return;
    const text = field.value;
    const problem = chatTextProblem(text);
    if (problem) {
      this.error = problem.code === 'too-long' ? this.#tooLong(text.length) : msg('Write a message first.');
      field.focus();
      return;
    }
    this.sending = true;
    this.error = '';
    try {
      const message = await source.post(conversation, text);
      // Kept in the field until the server has it: nothing typed is lost.
      if (field.value === text) {
        field.value = '';
        this.length = 0;
      }
      this.#stick = true;
      this.emit('ck-staff-message-sent', { message });
    } catch (error) {
      this.error = msg(str`Your message was not sent: ${failureText(asFailure(error))}`);
    } finally {
      this.sending = false;
      this.#focusAfter = 'field';
    }
  }

  #onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    void this.#send();
  }

  #startNew(): void {
    this.starting = true;
    this.chosen = [];
    this.startError = '';
    this.#focusAfter = 'start';
    const search = this.#search();
    if (search && search.state.get().status === 'idle') void search.search({});
  }

  #cancelNew(): void {
    this.starting = false;
    this.startError = '';
    this.#focusAfter = 'new';
  }

  #find(event: Event): void {
    event.preventDefault();
    const field = this.renderRoot.querySelector<HTMLInputElement>('#ck-staff-chat-find');
    void this.#search()?.search({ name: field?.value ?? '' });
  }

  #toggle(entry: Colleague, on: boolean): void {
    const others = this.chosen.filter((c) => c.practitioner !== entry.practitioner);
    this.chosen = on ? [...others, entry] : others;
  }

  async #create(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const source = this.#active();
    if (!source) return;
    const data = new FormData(event.target as HTMLFormElement);
    if (this.chosen.length === 0) {
      this.startError = msg('Choose at least one colleague.');
      return;
    }
    if (this.chosen.length > STAFF_CHAT_MEMBERS_MAX - 1) {
      this.startError = msg(str`Choose at most ${STAFF_CHAT_MEMBERS_MAX - 1} colleagues.`);
      return;
    }
    const title = String(data.get('title') ?? '').trim();
    const patient = String(data.get('patient') ?? '').trim();
    if (patient && !/^[A-Za-z0-9\-.]{1,64}$/.test(patient.replace(/^Patient\//, ''))) {
      this.startError = msg('Enter the patient as their record number (their FHIR Patient id).');
      return;
    }
    try {
      const conversation = await source.startConversation({
        members: this.chosen.map((c) => c.practitioner),
        ...(title && this.chosen.length > 1 ? { title } : {}),
        ...(patient ? { patient: `Patient/${patient.replace(/^Patient\//, '')}` } : {}),
      });
      this.emit('ck-staff-conversation-started', { conversation });
      this.#open(conversation, 'field');
    } catch (error) {
      this.startError = failureText(asFailure(error));
    }
  }

  protected override render() {
    const value = this.#store.value;
    const total = this.#unread;
    return html`<section aria-labelledby="ck-staff-chat-heading">
      <h2 part="heading" id="ck-staff-chat-heading">${msg('Messages')} ${total > 0 ? this.#badge(total) : nothing}</h2>
      <p part="status" role="status" class="status">${this.said}</p>
      ${
        value?.live === 'retrying'
          ? html`<p part="notice" class="notice">
              ${msg('Reconnecting… Messages sent meanwhile will show when the connection is back.')}
            </p>`
          : nothing
      }
      ${
        value?.status === 'error' && value.error
          ? html`<p part="error" role="alert">${failureText(value.error)}</p>`
          : nothing
      }
      <div class="panes">
        <div class="list-pane">
          <button
            part="new"
            type="button"
            class="primary"
            aria-expanded=${this.starting ? 'true' : 'false'}
            @click=${() => (this.starting ? this.#cancelNew() : this.#startNew())}
          >
            ${msg('New conversation')}
          </button>
          ${this.#list(value)}
        </div>
        <div class="open-pane">${this.starting ? this.#startForm() : this.#conversation(value)}</div>
      </div>
    </section>`;
  }

  #badge(n: number) {
    return html`<span part="badge" class="badge"
      ><span aria-hidden="true">${n.toLocaleString(activeLocale())}</span
      ><span class="visually-hidden">${staffUnreadText(n)}</span></span
    >`;
  }

  #list(value: StaffChatState | undefined) {
    if (!value || (value.status !== 'ready' && value.conversations.length === 0)) {
      return value?.status === 'error' ? nothing : html`<p aria-busy="true">${msg('Loading your conversations…')}</p>`;
    }
    if (value.conversations.length === 0) return html`<p class="empty">${msg('No conversations yet.')}</p>`;
    return html`<ul
      part="conversations"
      class="conversations"
      aria-label=${msg('Your conversations')}
      @keydown=${this.#onListKeydown}
    >
      ${value.conversations.map((c) => {
        const current = c.id === this.openConversation;
        const about = aboutText(c);
        const last = c.last;
        return html`<li>
          <button
            part=${current ? 'conversation current' : 'conversation'}
            type="button"
            aria-current=${current ? 'true' : 'false'}
            data-conversation=${c.id}
            @click=${() => this.#open(c, 'field')}
          >
            <span class="name" dir="auto">${conversationName(c, this.#who())}</span>
            ${about ? html`<span part="about" class="about">${about}</span>` : nothing}
            <span class="last" dir="auto">
              ${
                last
                  ? last.author.practitioner === this.#who()
                    ? msg(str`You: ${last.text}`)
                    : msg(str`${isolate(last.author.name)}: ${last.text}`)
                  : msg('No messages yet.')
              }
            </span>
            ${c.unread > 0 ? this.#badge(c.unread) : nothing}
          </button>
        </li>`;
      })}
    </ul>`;
  }

  #conversation(value: StaffChatState | undefined) {
    const conversation = value?.conversations.find((c) => c.id === this.openConversation);
    if (!conversation) {
      return html`<p class="hint">${msg('Choose a conversation, or start a new one.')}</p>`;
    }
    const messages = value?.messages[conversation.id];
    const about = aboutText(conversation);
    const others = conversation.members.filter((m) => m.practitioner !== this.#who()).map((m) => m.name);
    const count = this.length >= COUNT_FROM;
    return html`<div class="conversation" role="group" aria-labelledby="ck-staff-chat-open">
      <h3 id="ck-staff-chat-open" dir="auto">${conversationName(conversation, this.#who())}</h3>
      ${about ? html`<p part="about" class="about">${about}</p>` : nothing}
      ${
        conversation.title
          ? html`<p class="members">
              ${msg(str`With ${new Intl.ListFormat(activeLocale(), { type: 'conjunction' }).format(others)}`)}
            </p>`
          : nothing
      }
      <div
        part="log"
        class="log"
        role="log"
        aria-live="polite"
        aria-labelledby="ck-staff-chat-open"
        aria-busy=${messages ? 'false' : 'true'}
        tabindex="0"
        @scroll=${(e: Event) => {
          const log = e.target as HTMLElement;
          this.#stick = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
        }}
      >
        <ol>
          ${(messages ?? []).map((m) => this.#message(m))}
        </ol>
      </div>
      ${
        messages && messages.length === 0
          ? html`<p class="empty">${msg('No messages yet. Write the first.')}</p>`
          : nothing
      }
      <form part="form" @submit=${this.#onSubmit}>
        <label for="ck-staff-chat-field">${msg('Message')}</label>
        <textarea
          part="field"
          id="ck-staff-chat-field"
          name="text"
          rows="2"
          dir="auto"
          aria-describedby="ck-staff-chat-help ck-staff-chat-count ck-staff-chat-error"
          aria-invalid=${this.error ? 'true' : 'false'}
          @input=${this.#onInput}
          @keydown=${this.#onKeydown}
        ></textarea>
        <p id="ck-staff-chat-help" class="visually-hidden">
          ${msg('Press Enter to send, Shift and Enter for a new line.')}
        </p>
        <p part="count" id="ck-staff-chat-count" class="count" ?hidden=${!count}>
          ${
            count
              ? msg(
                  str`${this.length.toLocaleString(activeLocale())} of ${STAFF_CHAT_TEXT_MAX.toLocaleString(activeLocale())} characters`,
                )
              : ''
          }
        </p>
        <p part="error" id="ck-staff-chat-error" class="error" role="alert">${this.error}</p>
        <button part="send" type="submit" class="primary" aria-disabled=${this.sending ? 'true' : 'false'}>
          ${this.sending ? msg('Sending…') : msg('Send')}
        </button>
      </form>
    </div>`;
  }

  #message(m: StaffMessage) {
    const mine = m.author.practitioner === this.#who();
    const time = messageTime(m.sentAt, true);
    return html`<li part=${mine ? 'message mine' : 'message'} class=${mine ? 'mine' : ''} data-seq=${m.seq}>
      <p class="meta">
        <span part="author" dir="auto">${mine ? msg('You') : m.author.name}</span>
        ${time ? html`<time part="time" datetime=${m.sentAt}>${time}</time>` : nothing}
      </p>
      <p part="text" dir="auto">${textWithLinks(m.text)}</p>
    </li>`;
  }

  #startForm() {
    const people = this.#people.value;
    const entries = (people?.entries ?? []).filter((e) => e.practitioner !== this.#who());
    const seen = new Set<string>();
    const colleagues = entries.filter((e) => (seen.has(e.practitioner) ? false : (seen.add(e.practitioner), true)));
    return html`<form
      part="start-form"
      class="start"
      aria-labelledby="ck-staff-chat-start-heading"
      @submit=${this.#create}
    >
      <h3 id="ck-staff-chat-start-heading">${msg('New conversation')}</h3>
      <div class="find">
        <label for="ck-staff-chat-find">${msg('Find a colleague by name')}</label>
        <input
          id="ck-staff-chat-find"
          type="search"
          autocomplete="off"
          maxlength="100"
          @keydown=${(e: KeyboardEvent) => (e.key === 'Enter' ? this.#find(e) : undefined)}
        />
        <button type="button" @click=${this.#find}>${msg('Find')}</button>
      </div>
      <fieldset>
        <legend>${msg('Colleagues')}</legend>
        ${
          !people || people.status === 'loading' || people.status === 'idle'
            ? html`<p aria-busy="true">${msg('Finding colleagues…')}</p>`
            : people.status === 'error' && colleagues.length === 0
              ? nothing
              : colleagues.length === 0
                ? html`<p>${msg('Nobody matches this search.')}</p>`
                : html`<ul class="colleagues">
                    ${colleagues.map(
                      (e) =>
                        html`<li>
                          <input
                            type="checkbox"
                            id="ck-staff-chat-who-${e.practitioner}"
                            value=${e.practitioner}
                            .checked=${this.chosen.some((c) => c.practitioner === e.practitioner)}
                            @change=${(ev: Event) => this.#toggle(e, (ev.target as HTMLInputElement).checked)}
                          />
                          <label for="ck-staff-chat-who-${e.practitioner}">
                            ${colleagueText(e.name, e.job || e.role || colleagueRoleText(e.roles ?? []))}
                          </label>
                        </li>`,
                    )}
                  </ul>`
        }
        ${people?.status === 'ready' && people.more ? html`<p class="hint">${msg('More colleagues match: type more of a name and choose Find.')}</p>` : nothing}
        ${people?.status === 'error' ? html`<p class="error" role="alert">${msg('Colleagues could not be found. Choose Find to try again.')}</p>` : nothing}
      </fieldset>
      <p class="hint" role="status">
        ${
          this.chosen.length === 0
            ? msg('Nobody chosen yet.')
            : msg(
                str`Chosen: ${new Intl.ListFormat(activeLocale(), { type: 'conjunction' }).format(this.chosen.map((c) => c.name))}`,
              )
        }
      </p>
      ${
        this.chosen.length > 1
          ? html`<div class="field">
              <label for="ck-staff-chat-title">${msg('Title (optional)')}</label>
              <input id="ck-staff-chat-title" name="title" maxlength=${STAFF_CHAT_TITLE_MAX} autocomplete="off" />
            </div>`
          : nothing
      }
      ${
        this.allowPatient
          ? html`<div class="field">
              <label for="ck-staff-chat-patient">${msg('About a patient (optional): their record number')}</label>
              <input
                id="ck-staff-chat-patient"
                name="patient"
                autocomplete="off"
                inputmode="numeric"
                maxlength="72"
                aria-describedby="ck-staff-chat-patient-hint"
              />
              <p id="ck-staff-chat-patient-hint" class="hint">
                ${msg('Only colleagues allowed to see this patient will see who it is.')}
              </p>
            </div>`
          : nothing
      }
      <p part="error" class="error" role="alert">${this.startError}</p>
      <div class="actions">
        <button type="submit" class="primary">${msg('Start the conversation')}</button>
        <button type="button" @click=${this.#cancelNew}>${msg('Cancel')}</button>
      </div>
    </form>`;
  }
}

/** An error as the failure words read it (a `FhirError` or a `ConsultKitError`; anything else: the network). */
function asFailure(error: unknown): { code?: string; status?: number } {
  if (error && typeof error === 'object' && ('code' in error || 'status' in error))
    return error as { code?: string; status?: number };
  return { code: 'network' };
}

declare global {
  interface HTMLElementTagNameMap {
    'staff-chat': StaffChat;
  }
}
