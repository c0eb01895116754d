import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { Chat, ChatEntry, ChatState, Consultation } from '@consultkit/core';
import { CHAT_TEXT_MAX, ConsultKitError } from '@consultkit/core';
import type { GuestKind } from '@consultkit/core/contract';
import { ConsultKitElement } from '../internal/consultkit-element.js';
import { activeLocale } from '../internal/active-locale.js';
import { roleLabel } from '../internal/participant.js';
import { StoreController } from '../internal/store-controller.js';
import { baseStyles } from '../internal/tokens.styles.js';
import { isolate } from '../internal/words.js';
import { messageTime, textWithLinks } from '../internal/message-text.js';
import { consultChatStyles } from './consult-chat.styles.js';
import { unreadText } from './unread.js';

/** From this length on, the field shows how many characters are used of the limit. */
const COUNT_FROM = CHAT_TEXT_MAX - 500;

export { unreadText };

/**
 * The chat of a video consultation: the messages as an accessible log (`role="log"`, announced
 * politely), who wrote each and when, whether one's own were sent and read, the unread count
 * (in the heading, for screen readers too), and a field to write in. Text is shown as text only:
 * markup is never interpreted, and links (http and https only) open only when clicked. Each
 * message takes its own direction (`dir="auto"`), so Arabic or Urdu in an English page reads
 * right. Up to 4,000 characters a message: a longer paste is kept in the field with a visible
 * message saying by how much, and is not sent.
 *
 * Messages count as read while the log is on screen and the page is visible. A thin view over
 * core's `consultation.chat`.
 *
 * @summary The in-call chat of a consultation.
 * @tagname consult-chat
 *
 * @fires ck-chat-sent - A message was handed to the chat (it shows as sending, then sent). `detail: { id, text }`
 *
 * @csspart heading - The heading, with the unread count.
 * @csspart unread - The unread count.
 * @csspart log - The list of messages (`role="log"`).
 * @csspart message - One message; also `mine` for this participant's own.
 * @csspart author - Who wrote a message, and their role.
 * @csspart time - When the server stored it.
 * @csspart text - The message's text.
 * @csspart link - A link in a message.
 * @csspart delivery - Sending, sent, read, or not sent.
 * @csspart retry - The button that sends a message again that was not sent.
 * @csspart empty - Said while there are no messages.
 * @csspart notice - Said while messages cannot leave yet (waiting, reconnecting).
 * @csspart form - The form to write in.
 * @csspart field - The text field.
 * @csspart count - How many characters of the limit are used (near the limit).
 * @csspart send - The Send button.
 * @csspart error - What is wrong with the message written (an alert).
 *
 * @cssproperty --ck-chat-max-block-size - The log's largest height before it scrolls (24rem).
 * @cssproperty --ck-chat-mine-background - The background of one's own messages.
 * @cssproperty --ck-chat-other-background - The background of the others' messages.
 * @cssproperty --ck-chat-error-color - "Not sent." on a message.
 */
@localized()
export class ConsultChat extends ConsultKitElement {
  static override styles = [baseStyles, consultChatStyles];

  /** The consultation whose chat to show. Not an attribute: set it from script. */
  @property({ attribute: false })
  consultation: Consultation | undefined;

  /** A chat of core's directly, in place of `consultation` (`consultation.chat`). Not an attribute. */
  @property({ attribute: false })
  chat: Chat | undefined;

  @state() private error = '';
  @state() private length = 0;
  @state() private visible = false;

  readonly #state = new StoreController<ChatState>(this, (value, previous) => this.#changed(value, previous));
  #observer: IntersectionObserver | undefined;
  #stick = true;
  readonly #onVisibility = () => this.#readIfSeen();

  #chat(): Chat | undefined {
    return this.chat ?? this.consultation?.chat ?? undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('consultation') && !changed.has('chat')) return;
    this.#state.store = this.#chat()?.state;
    // Core makes a consultation's chat on first need (decision 47): showing it is one.
    const c = this.consultation;
    if (this.chat || !c || c.chat || typeof c.loadChat !== 'function') return;
    c.loadChat().then(
      () => {
        if (this.consultation === c && !this.chat) this.#state.store = c.chat?.state;
      },
      () => undefined, // offline: the field stays disabled; the room says why
    );
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.#onVisibility);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.#onVisibility);
    this.#observer?.disconnect();
    this.#observer = undefined;
  }

  protected override firstUpdated(): void {
    const log = this.renderRoot.querySelector('[part~="log"]');
    if (!log) return;
    this.#observer = new IntersectionObserver((entries) => {
      this.visible = entries.some((e) => e.isIntersecting);
      this.#readIfSeen();
    });
    this.#observer.observe(log);
    log.addEventListener('scroll', () => {
      this.#stick = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
    });
  }

  protected override updated(): void {
    const log = this.renderRoot.querySelector('[part~="log"]');
    if (log && this.#stick) log.scrollTop = log.scrollHeight;
    this.#readIfSeen();
  }

  #changed(value: ChatState, previous: ChatState | undefined): void {
    if (value.unread > 0 && value.unread !== previous?.unread) queueMicrotask(() => this.#readIfSeen());
  }

  /** Everything shown is read while the log is on screen and the page visible. */
  #readIfSeen(): void {
    if (!this.visible || document.visibilityState !== 'visible') return;
    const chat = this.#chat();
    if (chat && chat.unread > 0) chat.markRead();
  }

  #field(): HTMLTextAreaElement | null {
    return this.renderRoot.querySelector('textarea');
  }

  #onInput(event: Event): void {
    const length = (event.target as HTMLTextAreaElement).value.length;
    this.length = length;
    if (length > CHAT_TEXT_MAX) this.error = this.#tooLong(length);
    else if (this.error) this.error = '';
  }

  #tooLong(length: number): string {
    return msg(
      str`This message is too long to send: ${length.toLocaleString(activeLocale())} of at most ${CHAT_TEXT_MAX.toLocaleString(activeLocale())} characters. Shorten it, or send it in parts.`,
    );
  }

  #onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.#send();
    }
  }

  #onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    this.#send();
  }

  #send(): void {
    const field = this.#field();
    const chat = this.#chat();
    if (!field || !chat) return;
    const text = field.value;
    try {
      const id = chat.send(text);
      field.value = '';
      this.length = 0;
      this.error = '';
      this.#stick = true;
      this.emit('ck-chat-sent', { id, text });
    } catch (error) {
      const code = error instanceof ConsultKitError ? error.code : undefined;
      this.error =
        code === 'chat-too-long'
          ? this.#tooLong(text.length)
          : code === 'invalid-argument'
            ? msg('Write a message first.')
            : msg('The consultation is over: messages can no longer be sent.');
    }
    field.focus();
  }

  #time(entry: ChatEntry): string {
    return messageTime(entry.sentAt);
  }

  #delivery(entry: ChatEntry) {
    if (!entry.mine) return nothing;
    if (entry.delivery === 'failed') {
      return html`<span part="delivery" class="failed">${msg('Not sent.')}</span>
        <button part="retry" type="button" @click=${() => this.#chat()?.retry(entry.id)}>${msg('Try again')}</button>`;
    }
    const words = entry.delivery === 'sending' ? msg('Sending…') : entry.readBy.length > 0 ? msg('Read') : msg('Sent');
    return html`<span part="delivery">${words}</span>`;
  }

  #message(entry: ChatEntry) {
    const who = entry.mine ? msg('You') : entry.name;
    const role = roleLabel({ role: entry.role, kind: (entry.kind ?? null) as GuestKind | null });
    const time = this.#time(entry);
    return html`<li part=${entry.mine ? 'message mine' : 'message'} class=${entry.mine ? 'mine' : ''}>
      <p class="meta">
        <span part="author" dir="auto">${msg(str`${isolate(who)}, ${role}`)}</span>
        ${time ? html`<time part="time" datetime=${entry.sentAt ?? ''}>${time}</time>` : nothing}
      </p>
      <p part="text" dir="auto">${textWithLinks(entry.text)}</p>
      ${this.#delivery(entry)}
    </li>`;
  }

  protected override render() {
    const value = this.#state.value;
    const messages = value?.messages ?? [];
    const unread = value?.unread ?? 0;
    const count = this.length >= COUNT_FROM;
    return html`<section aria-labelledby="ck-chat-heading">
      <h2 part="heading" id="ck-chat-heading">
        ${msg('Chat')} ${unread > 0 ? html`<span part="unread" class="unread">${unreadText(unread)}</span>` : nothing}
      </h2>
      <div part="log" class="log" role="log" aria-live="polite" aria-labelledby="ck-chat-heading" tabindex="0">
        <ol>
          ${messages.map((entry) => this.#message(entry))}
        </ol>
      </div>
      ${messages.length === 0 ? html`<p part="empty" class="empty">${msg('No messages yet.')}</p>` : nothing}
      ${
        value && !value.available
          ? html`<p part="notice" class="notice">
              ${msg('Messages you write now are sent once you are in the call and connected.')}
            </p>`
          : nothing
      }
      <form part="form" @submit=${this.#onSubmit}>
        <label for="ck-chat-field">${msg('Message')}</label>
        <textarea
          part="field"
          id="ck-chat-field"
          name="text"
          rows="2"
          dir="auto"
          aria-describedby="ck-chat-help ck-chat-count ck-chat-error"
          aria-invalid=${this.error ? 'true' : 'false'}
          ?disabled=${!this.#chat()}
          @input=${this.#onInput}
          @keydown=${this.#onKeydown}
        ></textarea>
        <p id="ck-chat-help" class="visually-hidden">${msg('Press Enter to send, Shift and Enter for a new line.')}</p>
        <p part="count" id="ck-chat-count" class="count" ?hidden=${!count}>
          ${
            count
              ? msg(
                  str`${this.length.toLocaleString(activeLocale())} of ${CHAT_TEXT_MAX.toLocaleString(activeLocale())} characters`,
                )
              : ''
          }
        </p>
        <p part="error" id="ck-chat-error" class="error" role="alert">${this.error}</p>
        <button part="send" type="submit" ?disabled=${!this.#chat()}>${msg('Send')}</button>
      </form>
    </section>`;
  }
}

// The tag's type for templates that render it (`define.ts` registers it).
declare global {
  interface HTMLElementTagNameMap {
    'consult-chat': ConsultChat;
  }
}
