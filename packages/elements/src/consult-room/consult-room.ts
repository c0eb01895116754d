import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { ChatState, Consultation, ConsultationState } from '@consultkit/core';
import { ConsultKitElement } from '../internal/consultkit-element.js';
import { failureText, isolate, patientFailureText } from '../internal/words.js';
import { callEndedNextStep, sessionEndedMessage } from '../internal/end-reason.js';
import { hasLeft, participantLabel, presenterName } from '../internal/participant.js';
import { StoreController } from '../internal/store-controller.js';
import {
  CallShortcuts,
  callShortcutStyles,
  shortcutsConverter,
  type CallShortcutSetting,
} from '../internal/call-shortcuts.js';
// The class (no side effects: consult-room/define.ts registers the tag), for the template's checks.
import '../participant-grid/participant-grid.js';
// The chat panel's module is imported when the chat is first opened (decision 43); its count is not.
import { unreadText } from '../consult-chat/unread.js';
// <screen-share>, <file-share> and <consult-recorder> are imported, and defined, when first needed (decision 47).
import { baseStyles } from '../internal/tokens.styles.js';
import { consultRoomStyles } from './consult-room.styles.js';

/**
 * The video room of a consultation: everyone in it as a grid of tiles (`<participant-grid>`),
 * your own view, and the call controls. A thin view over a core `Consultation`: set its
 * `consultation` property and call `consultation.join()` (or let the host do it). A patient or guest
 * who leaves may come back: give `rejoin` (a new `Consultation` for the same ticket) and the room
 * offers Rejoin.
 *
 * @summary Video room: remote and local video, mute, camera and hang-up controls.
 * @tagname consult-room
 *
 * @fires ck-status-change - The consultation's status changed. `detail: { status }`
 * @fires ck-mute-change - The user muted or unmuted. `detail: { muted }`
 * @fires ck-camera-change - The user turned the camera off or on. `detail: { cameraOff }`
 * @fires ck-request-leave - The user pressed hang up, End for everyone or Leave. Cancelable: `preventDefault()` keeps the call.
 * @fires ck-ended - The consultation ended, by either side. `detail: { reason }`
 * @fires ck-request-admit - (from a tile) The clinician pressed Admit; the room calls `admit(peerId)` unless prevented.
 * @fires ck-request-remove - (from a tile) The clinician pressed Remove; the room removes the guest unless prevented.
 * @fires ck-request-rejoin - The participant who left pressed Rejoin; unless prevented, the room takes `rejoin()`'s new consultation and joins it.
 *
 * @slot controls - Extra controls after the built-in ones.
 *
 * @csspart stage - The video area.
 * @csspart screen - The shared screen, large on the stage while someone else shares (the cameras go small beside it).
 * @csspart screen-caption - Who shares the screen on the stage ("Dr Ada Test is sharing their screen.").
 * @csspart screen-share - The `<screen-share>` control in the controls row (its parts exported as `screen-share-toggle`, `screen-share-state`, `screen-share-error`).
 * @csspart grid - The participant grid (its tiles' parts are exported: `tile`, `video`, `label`, `marker`, `admit`, `remove`, …).
 * @csspart rejoin - The "Rejoin" button, after you left.
 * @csspart controls - The row of call controls.
 * @csspart mute - The microphone toggle.
 * @csspart camera - The camera toggle.
 * @csspart hang-up - The hang-up button ("End for everyone" on a clinician's page).
 * @csspart leave - "Leave", beside "End for everyone" while another clinician is in the call: the others carry on.
 * @csspart audio-only - The audio-only toggle.
 * @csspart status - The status line.
 * @csspart network - The network-quality indicator.
 * @csspart banner - The banner over the video while reconnecting.
 * @csspart notice - A note: your video paused for a poor connection; the other side on audio only; the patient has left.
 * @csspart announcements - The live region that announces arrivals, departures, admission and reconnection.
 * @csspart error - The error message, when joining failed.
 * @csspart ended - Said in place of the call controls once the call is over.
 * @csspart chat-toggle - The button that shows or hides the chat, with the unread count.
 * @csspart recorder - The `<consult-recorder>` in the controls row: ask to record, consent, the recording indicator (its parts exported with a `recorder-` prefix).
 * @csspart chat - The chat panel (`<consult-chat>`; its parts are exported with a `chat-` prefix).
 * @csspart files - The documents (`<file-share>`), once let in.
 *
 * @cssproperty --ck-room-background - Background around the stage.
 * @cssproperty --ck-room-color - Text colour on the room's background.
 * @cssproperty --ck-room-stage-background - Background of the video area before video arrives.
 * @cssproperty --ck-room-max-block-size - Tallest the stage may grow.
 * @cssproperty --ck-room-banner-background - The reconnecting banner.
 * @cssproperty --ck-room-banner-color - Text on the reconnecting banner.
 * @cssproperty --ck-room-poor-color - The network bars when the connection is poor.
 */
@localized()
export class ConsultRoom extends ConsultKitElement {
  static override styles = [baseStyles, consultRoomStyles, callShortcutStyles];

  /**
   * Keyboard shortcuts in the call (Alt+Shift+M mute, Alt+Shift+V camera, Alt+Shift+H hang up after
   * a confirmation; docs/accessibility.md): `off` turns them off; `mute:Control+Alt+M camera:none`
   * (attribute) or `{ mute: 'Control+Alt+M', camera: null }` (property) remaps them.
   */
  @property({ converter: shortcutsConverter })
  shortcuts: CallShortcutSetting = 'on';

  /** The consultation to show. Not an attribute: set it from script. */
  @property({ attribute: false })
  consultation: Consultation | undefined;

  /**
   * How a patient or guest who left comes back: returns a new `Consultation` for the same ticket
   * (`new Consultation({ server, ticket })`; a left page's own is over). Given, the room offers
   * Rejoin after leaving, and joins the new one. Not an attribute.
   */
  @property({ attribute: false })
  rejoin: (() => Consultation | Promise<Consultation>) | undefined;

  /** How many days the practice keeps a recording, said in the recording consent dialog; 0: not said. */
  @property({ type: Number, attribute: 'recording-retention-days' })
  recordingRetentionDays = 0;

  /** The last few announcements, newest last (read out by the live region). */
  @state()
  private announcements: string[] = [];

  // The chat (a side panel behind a toggle): shown or not, and its unread count for the toggle.
  @state()
  private chatOpen = false;
  readonly #chat = new StoreController<ChatState>(this);
  /** `<consult-chat>`'s module on its way or here (defined), from the chat's first opening. */
  #chatModule: Promise<unknown> | undefined;

  /**
   * Imports `<consult-chat>` and defines it. A seam for tests (a failed import); `@internal`.
   * @internal
   */
  static _importChat = (): Promise<{ define(): unknown }> => import('../consult-chat/index.js');

  /**
   * The elements the room defines when it first needs them (decision 47), each imported once (again
   * after a failure, at the next change). Seams for tests; `@internal`.
   * @internal
   */
  static _importParts: Record<
    'screen-share' | 'file-share' | 'consult-recorder',
    () => Promise<{ define(): unknown }>
  > = {
    'screen-share': () => import('../screen-share/index.js'),
    'file-share': () => import('../file-share/index.js'),
    'consult-recorder': () => import('../consult-recorder/index.js'),
  };

  /** The parts on their way or here. */
  readonly #parts = new Map<RoomPart, Promise<unknown>>();

  readonly #state = new StoreController<ConsultationState>(this, (state, previous) =>
    this.#statusChanged(state, previous),
  );
  #offs: (() => void)[] = [];
  readonly #keys = new CallShortcuts(this, {
    live: () =>
      !['idle', 'ended', 'failed', undefined].includes(this.#state.value?.status) && !hasLeft(this.#state.value!),
    mute: () => this.#toggleMute(),
    camera: () => this.#toggleCamera(),
    hangUp: () => this.#hangUp(),
    leave: () => this.#leave(),
    hangUpWords: () =>
      this.#state.value?.role === 'clinician'
        ? {
            question: msg('End the consultation for everyone?'),
            action: msg('End for everyone'),
            leave: this.#canLeave(this.#state.value),
          }
        : { question: msg('Leave the call?'), action: msg('Hang up') },
    failureText: () => patientFailureText({ status: 0 }),
  });

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('consultation')) {
      this.#unlisten();
      this.#listen();
      this.#state.store = this.consultation?.state;
      // Core makes the chat on first need (decision 47; `part-loaded` then). A stand-in
      // consultation of a host's own may have no chat: then the room has no chat panel.
      this.#chat.store = this.consultation?.chat?.state;
    }
  }

  /** Whether the consultation has a chat: made already, or made on first need (core's own). */
  #hasChat(): boolean {
    const c = this.consultation;
    return !!c?.chat || typeof c?.loadChat === 'function';
  }

  /** The chat toggle and panel: a block of its own (decision 0024). */
  #chatToggle(live: boolean) {
    const unread = this.#chat.value?.unread ?? 0;
    return html`<button
      part="chat-toggle"
      type="button"
      aria-expanded=${this.chatOpen ? 'true' : 'false'}
      aria-controls="ck-room-chat"
      ?disabled=${!live && !this.chatOpen}
      @click=${() => this.#toggleChat()}
    >
      ${msg('Chat')}${unread > 0 && !this.chatOpen ? html` <span class="chat-unread">(${unreadText(unread)})</span>` : nothing}
    </button>`;
  }

  #chatLoading = false;

  /**
   * Opens or closes the chat. The first opening imports the panel (`<consult-chat>` upgrades in
   * place once defined); if that fails (offline), the chat closes again and the room says the
   * practice's service could not be reached; the next opening tries again.
   */
  #toggleChat(): void {
    this.chatOpen = !this.chatOpen;
    if (!this.chatOpen || this.#chatModule) return;
    this.#chatLoading = true;
    const c = this.consultation;
    this.#chatModule = Promise.all([ConsultRoom._importChat(), c?.chat ?? c?.loadChat()]).then(
      ([module]) => {
        module.define();
        this.#chatLoading = false;
        this.requestUpdate();
      },
      () => {
        this.#chatModule = undefined;
        this.#chatLoading = false;
        this.chatOpen = false;
        this.#say(patientFailureText({ status: 0 }));
      },
    );
  }

  #chatPanel() {
    return html`<consult-chat
      id="ck-room-chat"
      part="chat"
      exportparts="heading: chat-heading, log: chat-log, message: chat-message, text: chat-text, field: chat-field, send: chat-send, error: chat-error"
      .consultation=${this.consultation}
      .chat=${this.consultation?.chat ?? undefined}
      ?hidden=${!this.chatOpen}
      aria-busy=${this.#chatLoading ? 'true' : 'false'}
    ></consult-chat>`;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.#offs.length === 0) this.#listen();
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    this.#loadParts();
  }

  /**
   * Defines what the room's state needs now (decision 47): `<screen-share>` once this page is let in
   * (its button is enabled then; a disabled stand-in holds its place before) or someone presents;
   * `<consult-recorder>` on a clinician's page, and on the others once a recording is asked for;
   * the documents (`<file-share>` and core's `loadFiles()`) on a clinician's page in the room, and on
   * the others from the first frame of the call, or when a document arrives.
   */
  #loadParts(): void {
    const c = this.consultation;
    const s = this.#state.value;
    if (!c || !s || ['idle', 'ended', 'failed'].includes(s.status) || hasLeft(s)) return;
    const clinician = s.role === 'clinician';
    const inside = !['checking', 'connecting'].includes(s.status);
    if (s.self?.admitted || s.screenShare?.presenter) this.#need('screen-share');
    if (clinician || s.recording) this.#need('consult-recorder');
    if (inside && (clinician || ['in-call', 'reconnecting'].includes(s.status) || c.files)) {
      this.#need('file-share');
      if (!c.files && typeof c.loadFiles === 'function' && !this.#filesLoading) {
        this.#filesLoading = true;
        c.loadFiles().then(
          () => this.requestUpdate(),
          () => (this.#filesLoading = false),
        );
      }
    }
  }

  #filesLoading = false;

  #need(part: RoomPart): void {
    if (this.#parts.has(part) || customElements.get(part)) return;
    this.#parts.set(
      part,
      ConsultRoom._importParts[part]().then(
        (module) => {
          module.define();
          this.requestUpdate();
        },
        () => this.#parts.delete(part),
      ),
    );
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unlisten();
  }

  #listen(): void {
    const c = this.consultation;
    if (!c) return;
    const clinician = c.state.get().role === 'clinician';
    // One announcement per event: who arrives, is let in or goes is said from the participant list
    // (#rosterChanged); the events say only what concerns this page.
    this.#offs = [
      c.on('ended', ({ reason }) => this.emit('ck-ended', { reason })),
      c.on('admitted', ({ peerId }) => {
        if (!clinician && peerId === c.state.get().self?.peerId) this.#say(msg('You have been let in.'));
      }),
      c.on('call-started', () => this.#say(msg('The call has started.'))),
      c.on('reconnecting', () => this.#say(msg('Connection lost. Reconnecting.'))),
      c.on('reconnected', () => this.#say(msg('Reconnected.'))),
      // A part core made on first use (the documents, on a document's arrival; the chat, on a
      // message's): shown now, the chat's unread count from its store.
      c.on('part-loaded', ({ part }) => {
        if (part === 'chat') this.#chat.store = c.chat?.state;
        this.requestUpdate();
      }),
    ];
  }

  #unlisten(): void {
    for (const off of this.#offs.splice(0)) off();
  }

  #say(text: string): void {
    this.announcements = [...this.announcements.slice(-2), text];
  }

  #statusChanged(state: ConsultationState, previous: ConsultationState | undefined): void {
    this.#rosterChanged(state, previous);
    if (state.status === previous?.status) return;
    this.emit('ck-status-change', { status: state.status });
    if (state.status === 'ended') this.#say(this.#statusText(state));
    if (state.status === 'failed') this.#say(msg('Could not join the consultation.'));
  }

  /**
   * Who came in, who is waiting, who went: said in the live region.
   */
  #rosterChanged(room: ConsultationState, before: ConsultationState | undefined): void {
    if (!before || room.participants === before.participants || room.status === 'ended') return;
    const where = new Map(before.participants.map((p) => [p.peerId, p.presence]));
    for (const p of room.participants) {
      const was = where.get(p.peerId);
      if (p.presence === was) continue;
      const who = participantLabel(p);
      if (p.presence === 'admitted') this.#say(msg(str`${who} joined the call.`));
      else if (p.presence === 'waiting' && this.#state.value?.role === 'clinician') {
        this.#say(msg(str`${who} is waiting to be let in.`));
      } else if (was === 'admitted') this.#say(msg(str`${who} left the call.`));
    }
    // Removed by the clinician: gone from the list.
    const now = new Set(room.participants.map((p) => p.peerId));
    for (const p of before.participants) {
      if (!now.has(p.peerId) && p.presence === 'admitted') this.#say(msg(str`${participantLabel(p)} left the call.`));
    }
  }

  #toggleAudioOnly(): void {
    this.consultation?.setAudioOnly(!this.#state.value?.audioOnly);
  }

  #network(state: ConsultationState) {
    const quality = state.quality?.quality;
    if (!quality || (state.status !== 'in-call' && state.status !== 'reconnecting')) return nothing;
    const label = { good: msg('Connection: good'), fair: msg('Connection: fair'), poor: msg('Connection: poor') }[
      quality
    ];
    const bars = { good: 3, fair: 2, poor: 1 }[quality];
    return html`<p part="network" data-quality=${quality}>
      <span class="bars" aria-hidden="true">${[1, 2, 3].map((n) => html`<i ?data-on=${n <= bars}></i>`)}</span>
      ${label}
    </p>`;
  }

  #notice(state: ConsultationState) {
    if (state.audioOnlyReason === 'network') {
      return html`<p part="notice">
        ${msg('Your video is paused because the connection is poor. It comes back when the connection improves.')}
      </p>`;
    }
    if (this.#patientLeft(state)) {
      return html`<p part="notice">
        ${msg('The patient has left. They can rejoin while the appointment lasts; if you have finished, end the consultation for everyone.')}
      </p>`;
    }
    if (state.remoteAudioOnly && state.status === 'in-call') {
      return html`<p part="notice">${msg('The other person is on audio only.')}</p>`;
    }
    return nothing;
  }

  #toggleMute(): boolean {
    const muted = !this.#state.value?.muted;
    this.consultation?.setMuted(muted);
    this.emit('ck-mute-change', { muted });
    return muted;
  }

  #toggleCamera(): boolean {
    const cameraOff = !this.#state.value?.cameraOff;
    this.consultation?.setCameraOff(cameraOff);
    this.emit('ck-camera-change', { cameraOff });
    return cameraOff;
  }

  /**
   * A tile asked to admit or remove someone: once the event has reached the host (which may
   * veto it with `preventDefault()`), the command goes to core.
   */
  #onTileRequest(event: CustomEvent<{ peerId: string }>): void {
    const { peerId } = event.detail;
    const c = this.consultation;
    queueMicrotask(() => {
      if (event.defaultPrevented || !c) return;
      try {
        if (event.type === 'ck-request-admit') c.admit(peerId);
        else c.remove(peerId);
      } catch {
        // They went meanwhile (core refuses with `invalid-state`): the roster already shows it.
      }
    });
  }

  async #rejoin(): Promise<void> {
    if (!this.emit('ck-request-rejoin', {}, { cancelable: true }) || !this.rejoin) return;
    const next = await this.rejoin();
    this.announcements = [];
    this.consultation = next;
    await next.join().catch(() => undefined); // a failure shows as the state's error
  }

  #hangUp(): void {
    if (this.emit('ck-request-leave', {}, { cancelable: true })) this.consultation?.hangUp();
  }

  /** The consultation this clinician's page left (Leave), the others carrying on. */
  #leftFrom: Consultation | undefined;

  /** A clinician leaves; the others carry on (decision 50). */
  #leave(): void {
    if (!this.emit('ck-request-leave', {}, { cancelable: true })) return;
    this.#leftFrom = this.consultation;
    this.consultation?.leave();
  }

  /** A clinician's page with another clinician in the call now (let in, connected, not left). */
  #canLeave(state: ConsultationState): boolean {
    return (
      state.role === 'clinician' && state.participants.some((p) => p.role === 'clinician' && p.presence === 'admitted')
    );
  }

  /** This page left (a clinician by Leave, anyone else by hanging up): over for it, not for the others. */
  #left(state: ConsultationState): boolean {
    return hasLeft(state) || (state.status === 'ended' && this.#leftFrom === this.consultation);
  }

  #statusText(state: ConsultationState | undefined): string {
    if (state && this.#left(state)) {
      if (state.role === 'clinician') return msg('You left the call. The others carry on without you.');
      return this.rejoin
        ? msg('You left the consultation. You can rejoin with the button below while the appointment lasts.')
        : msg(
            'You left the consultation. You can close this page. To come back, open your link again while the appointment lasts.',
          );
    }
    switch (state?.status) {
      case undefined:
      case 'idle':
        return msg('Not connected yet.');
      case 'checking':
        return msg('Checking your camera and microphone…');
      case 'connecting':
        return msg('Connecting…');
      case 'waiting':
        if (state.role !== 'clinician') {
          return state.self?.admitted
            ? msg('You are let in. Waiting for the others to join.')
            : msg('You are in the waiting room. The clinician will let you in.');
        }
        if (this.#patientLeft(state)) return msg('The patient has left the call.');
        return state.participants.some((p) => p.presence === 'waiting' && p.role === 'patient')
          ? msg('The patient is waiting to be let in.')
          : state.participants.some((p) => p.presence === 'waiting')
            ? msg('A guest is waiting to be let in.')
            : msg('Waiting for the patient to join.');
      case 'admitted':
        return msg('Starting the video…');
      case 'in-call':
        return msg('In the call.');
      case 'reconnecting':
        return msg('Connection lost. Reconnecting…');
      case 'ended':
        switch (state.endReason) {
          case 'declined':
            return msg('The clinician could not see you now.');
          case 'removed':
            return state.declineMessage
              ? msg(
                  str`The clinician removed you from the consultation. Their message: “${isolate(state.declineMessage)}”`,
                )
              : msg('The clinician removed you from the consultation.');
          case 'remote-hang-up':
            return `${msg('The clinician ended the consultation for everyone.')} ${callEndedNextStep(state.role)}`;
          default:
            return sessionEndedMessage(state.endReason, state.role) ?? callEndedNextStep(state.role);
        }
      case 'failed':
        return msg('Could not join the consultation.');
    }
  }

  /** A clinician's view: the patient was in the call and has left (the others may carry on). */
  #patientLeft(state: ConsultationState): boolean {
    return (
      state.role === 'clinician' &&
      !['ended', 'failed'].includes(state.status) &&
      state.participants.some((p) => p.role === 'patient' && p.admitted && p.presence === 'left')
    );
  }

  /** The stage of a consultation of any number: the grid of whoever is in, with your own view. */
  #roomStage(state: ConsultationState, gone: string | null) {
    const room = state;
    const status = state.status;
    if (gone) {
      return html`<div part="stage" class="room-stage">
        <div class="placeholder gone" aria-hidden="true">${gone}</div>
      </div>`;
    }
    // Others are shown once this page is let in (a waiting page sees only itself), and only those
    // here now: let in, or (to a clinician, who admits from the tile) waiting.
    const inside = room.self?.admitted !== false;
    const clinician = state.role === 'clinician';
    const others = inside
      ? room.participants.filter((p) => p.presence === 'admitted' || (clinician && p.presence === 'waiting'))
      : [];
    // Someone else shares their screen: it takes the stage, the cameras go small beside it.
    const screen = inside && room.screenShare?.stream && !room.screenShare.local ? room.screenShare : null;
    const presenter = screen ? room.participants.find((p) => p.peerId === screen.presenter) : undefined;
    const who = presenter ? presenterName(presenter) : '';
    return html`<div part="stage" class="room-stage" ?data-screen=${!!screen}>
      ${
        screen
          ? html`<p part="screen-caption" class="screen-caption">${msg(str`${who} is sharing their screen.`)}</p>`
          : nothing
      }
      ${
        screen
          ? html`<video
              part="screen"
              class="screen"
              aria-label=${who ? msg(str`${who}’s shared screen`) : msg('Shared screen')}
              .srcObject=${screen.stream}
              .muted=${true}
              autoplay
              playsinline
            ></video>`
          : nothing
      }
      <participant-grid
        part="grid"
        exportparts="tile, video, placeholder, label, markers, marker, actions, admit, remove, self, self-tile, self-video, self-label"
        .participants=${others}
        .self=${room.self}
        .pending=${room.pending ?? []}
        ?can-manage=${state.role === 'clinician'}
        @ck-request-admit=${this.#onTileRequest}
        @ck-request-remove=${this.#onTileRequest}
      ></participant-grid>
      ${
        status === 'reconnecting'
          ? html`<div part="banner" aria-hidden="true">${msg('Connection lost. Reconnecting…')}</div>`
          : nothing
      }
    </div>`;
  }

  protected override render() {
    const state = this.#state.value;
    const status = state?.status;
    const live = status !== undefined && !['idle', 'ended', 'failed'].includes(status);
    const left = !!state && this.#left(state);
    const over = (status === 'ended' || status === 'failed') && !left;
    const stage = state
      ? this.#roomStage(state, over ? msg('Call ended') : left ? msg('You left') : null)
      : html`<div part="stage" class="room-stage">
          <div class="placeholder gone" aria-hidden="true">${msg('Not connected yet.')}</div>
        </div>`;
    const clinician = state?.role === 'clinician';
    return html`
      ${stage}
      <div class="bar">
        <p part="status">${this.#statusText(state)}</p>
        ${state ? this.#network(state) : nothing}
      </div>
      ${state ? this.#notice(state) : nothing}
      <div part="announcements" class="visually-hidden" role="log" aria-live="polite">
        ${this.announcements.map((text) => html`<p>${text}</p>`)}
      </div>
      ${state?.error ? html`<p part="error" role="alert">${failureText(state.error)}</p>` : nothing}
      ${
        over
          ? html`<p part="ended" class="visually-hidden">
              ${msg('The call controls are no longer available: the call is over.')}
            </p>`
          : nothing
      }
      ${
        left && this.rejoin
          ? html`<button part="rejoin" class="rejoin" type="button" @click=${this.#rejoin}>${msg('Rejoin')}</button>`
          : nothing
      }
      <div part="controls" role="group" aria-label=${msg('Call controls')} ?hidden=${over || left}>
        <button
          part="mute"
          type="button"
          aria-keyshortcuts=${this.#keys.aria('mute')}
          aria-pressed=${state?.muted ? 'true' : 'false'}
          ?disabled=${!live}
          @click=${this.#toggleMute}
        >
          ${msg('Mute microphone')}
        </button>
        <button
          part="camera"
          type="button"
          aria-keyshortcuts=${this.#keys.aria('camera')}
          aria-pressed=${state?.cameraOff ? 'true' : 'false'}
          ?disabled=${!live}
          @click=${this.#toggleCamera}
        >
          ${msg('Turn camera off')}
        </button>
        <button
          part="audio-only"
          type="button"
          aria-pressed=${state?.audioOnly ? 'true' : 'false'}
          ?disabled=${!live}
          @click=${this.#toggleAudioOnly}
        >
          ${msg('Audio only')}
        </button>
        <screen-share
          part="screen-share"
          exportparts="toggle: screen-share-toggle, state: screen-share-state, error: screen-share-error"
          controls-only
          .consultation=${this.consultation}
          >${this.#screenShareStandIn(state)}</screen-share
        >
        ${this.#hasChat() ? this.#chatToggle(live) : nothing}
        <consult-recorder
          part="recorder"
          exportparts="record: recorder-record, stop: recorder-stop, indicator: recorder-indicator, withdraw: recorder-withdraw, dialog: recorder-dialog"
          retention-days=${this.recordingRetentionDays}
          .consultation=${this.consultation}
        ></consult-recorder>
        ${
          state && this.#canLeave(state)
            ? html`<button part="leave" type="button" ?disabled=${!live} @click=${this.#leave}>${msg('Leave')}</button>`
            : nothing
        }
        <button
          part="hang-up"
          type="button"
          aria-keyshortcuts=${this.#keys.aria('hang-up')}
          ?disabled=${!live}
          @click=${this.#hangUp}
        >
          ${clinician ? msg('End for everyone') : msg('Hang up')}
        </button>
        <slot name="controls"></slot>
      </div>
      ${live && !left ? this.#keys.render() : nothing} ${this.#hasChat() ? this.#chatPanel() : nothing}
      ${this.#documents(state, over || left)}
    `;
  }

  /**
   * Until `<screen-share>` is defined (this page is not let in yet), the button it will show, as it
   * shows it then: disabled. Light DOM of the undefined element; once defined, its shadow root hides it.
   */
  #screenShareStandIn(state: ConsultationState | undefined) {
    if (customElements.get('screen-share') || state?.screenShare?.supported === false) return nothing;
    return html`<button class="screen-share-stand-in" type="button" aria-pressed="false" disabled>
      ${msg('Share your screen')}
    </button>`;
  }

  /**
   * Documents (`<file-share>`, docs/collaboration.md): once this page is let in (a clinician
   * always), until the call is over. A clinician may file them to the patient's record. Core's
   * documents are made when the room first needs them (`#loadParts`).
   */
  #documents(state: ConsultationState | undefined, gone: boolean) {
    const files = this.consultation?.files;
    if (!state || !files || gone || !(state.role === 'clinician' || state.self?.admitted)) return nothing;
    return html`<file-share part="files" .files=${files} ?can-file=${state.role === 'clinician'}></file-share>`;
  }
}

/** The elements `<consult-room>` defines on first need. */
type RoomPart = 'screen-share' | 'file-share' | 'consult-recorder';
