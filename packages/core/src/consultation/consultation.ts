import type { ConsultationEvents, ConsultationOptions, ConsultationState, EndReason, JoinTicket } from './types.js';
import { Emitter } from '../emitter.js';
import { ConsultKitError } from '../errors.js';
import { LocalMedia } from '../media/local.js';
import { createStore, type ReadableStore, type WritableStore } from '../store.js';
import { derive, endReasonOf, transitions, type DeriveInput } from './derive.js';
import { Mesh } from './mesh.js';
import type { MediaTransport, TransportContext } from './transport.js';
import type { PendingCommand, Presence } from './participant.js';
import { Room } from './room.js';
import type { ScreenShare } from './screen.js';
import { idleScreenShare, isScreenCall } from './screen-basics.js';
import type { SfuSession } from './sfu/session.js';
import { linkToken, reportStep, ticketFrom, validateTicket } from './session.js';
import { Signalling } from './signalling.js';
import type { Chat } from './chat.js';
import { hasChatOutbox } from './chat-outbox.js';
import { CHAT_HISTORY, CHAT_MARKS, CHAT_MESSAGE, CHAT_SYNC, type ChatHistoryMessage } from '../contract/chat.js';
import type { Recording } from './recording.js';
import { isIn } from './roster.js';
import type { Files } from '../documents/files.js';
import type { CompositeRecorder } from '../recording/composite-recorder.js';
import { LazyPart } from './lazy.js';
import type { RecordingState } from '../contract/recording.js';

/** While reconnecting, how long before a participant's link counts as lost. */
const GIVE_UP_RECONNECTING_MS = 60_000;

/**
 * One participant's side of a video consultation of any number of participants: a thin facade over
 * its parts (docs/consultation.md has the map): the join session (`session.ts`), signalling
 * (`signalling.ts`), the room and its roster (`room.ts`), the local media (`media/local.ts`) and the
 * transport (`mesh.ts`: a connection with each other participant). Each keeps its own store; the
 * facade derives one `state` from them (`derive.ts`) and tells its transitions as events.
 *
 * ```ts
 * const consultation = new Consultation({ server: location.origin, ticket });
 * consultation.state.subscribe((s) => console.log(s.status, s.participants));
 * await consultation.join(); // patient or guest: into the waiting room; clinician: into the room
 * // clinician, when someone waits: consultation.admit(peerId);
 * ```
 *
 * **Warm admission.** A waiting participant already holds a connection with each clinician, its
 * camera and microphone attached but their encodings inactive: nobody is seen or heard before
 * admission, and admitting switches the encodings on, so the first frame follows at once.
 */
export class Consultation extends Emitter<ConsultationEvents> {
  readonly #state: WritableStore<ConsultationState>;
  readonly #options: ConsultationOptions;
  readonly #signalling: Signalling;
  readonly #room: Room;
  readonly #local: LocalMedia;
  readonly #mesh: Mesh;
  /** Screen sharing, made when someone presents or this page starts to (decision 47). */
  readonly #screen: LazyPart<ScreenShare>;
  /** The mesh, or the SFU session once the room moved to it (`options.sfu`). */
  #transport: MediaTransport;
  #transportStop: () => void = () => undefined;
  /** The handover and the default SFU transport, imported when the room first moves to the SFU (`sfu/move.ts`). */
  readonly #sfu = new LazyPart(
    'the SFU',
    () => import('./sfu/move.js'),
    () => {
      if (this.#phase === 'joined' && !this.#isOver()) this.#sync();
    },
  );
  readonly #context: TransportContext;
  #phase: DeriveInput['phase'] = 'idle';
  #removedMessage: string | null = null;
  readonly #stops: (() => void)[] = [];
  /**
   * The chat, made on first need (decision 47): a message or marks arriving, a history with
   * messages in it, a reload's outbox, or `loadChat()` (the room's chat opened). Until then the
   * consultation asks for the history itself (`CK-CHAT-SYNC`) when it comes into the call, so the
   * unread count is right after a reload; an empty one needs no chat.
   */
  readonly #chat: LazyPart<Chat>;
  /** What arrived for the chat while its module was on its way; given to it when it is made. */
  readonly #forChat: { type: string; payload: unknown }[] = [];
  /** Whether the chat can post and read now (in the call, socket up): given to it when it is made. */
  #chatOnline = false;
  /** Recording consent and the composite recorder, made when a recording first concerns this page. */
  readonly #recording: LazyPart<{ consent: Recording; recorder: CompositeRecorder }>;
  /** The roster's latest `recording`, for the consent piece when it arrives. */
  #recordingFromServer: RecordingState | undefined;
  /** Documents, made on first use. */
  readonly #files: LazyPart<Files>;

  constructor(options: ConsultationOptions) {
    super();
    validateTicket(options.ticket);
    this.#options = options;
    const { ticket } = options;
    this.#signalling = new Signalling(options.server, ticket, options.signallingTimeoutMs);
    this.#files = new LazyPart(
      'the documents',
      async () =>
        new (await import('../documents/files.js')).Files({
          server: options.server,
          appointmentId: ticket.appointmentId ?? /^appt-(\d+)$/.exec(ticket.consultationId)?.[1] ?? '',
          token: ticket.token,
        }),
      () => this.emit('part-loaded', { part: 'files' }),
    );
    this.#room = new Room(ticket, (command) => this.#signalling.send(command));
    this.#local = new LocalMedia(options.media);
    this.#chat = new LazyPart(
      'the chat',
      async () =>
        new (await import('./chat.js')).Chat(
          {
            peerId: ticket.peerId,
            name: ticket.name ?? '',
            role: ticket.role,
            ...(ticket.kind ? { kind: ticket.kind } : {}),
          },
          (command) => this.#signalling.send(command),
        ),
      (chat) => {
        for (const message of this.#forChat.splice(0)) chat.receive(message);
        chat.setOnline(this.#chatOnline);
        this.emit('part-loaded', { part: 'chat' });
      },
    );
    // Posts a reload left waiting: the chat is made at once, to send them when in the call.
    if (hasChatOutbox(ticket.peerId)) this.#chat.want();
    const context: TransportContext = {
      server: options.server,
      ticket,
      local: () => ({ stream: this.#local.state.get().stream, audioOnly: this.#local.state.get().audioOnly }),
      qualityIntervalMs: options.qualityIntervalMs ?? 2000,
      adapt: options.adaptToNetwork !== false,
    };
    this.#mesh = new Mesh({ ...context, peer: () => this.#signalling.peer, giveUpMs: GIVE_UP_RECONNECTING_MS });
    this.#transport = this.#mesh;
    this.#context = context;
    this.#screen = new LazyPart(
      'screen sharing',
      async () =>
        new (await import('./screen.js')).ScreenShare({
          you: ticket.peerId,
          send: (sharing) => this.#room.screen(sharing),
          peer: () => this.#signalling.peer,
          sfu: () => (this.#transport as { session?: SfuSession | null }).session ?? null,
          emit: (type, detail) => this.emit(type, detail as never),
          error: (error) => this.emit('error', error),
        }),
      (screen) => {
        this.#stops.push(screen.state.subscribe(() => this.#refresh()));
        this.#sync();
      },
    );
    this.#recording = new LazyPart(
      'recording',
      async () => {
        const { Recording, CompositeRecorder } = await import('./recording-parts.js');
        const consent = new Recording({
          you: ticket.peerId,
          role: ticket.role,
          send: (command) => this.#signalling.send(command),
          emit: (type, detail) => this.emit(type, detail as never),
          live: () => this.#phase === 'joined' && !this.#isOver(),
        });
        const recorder = new CompositeRecorder({
          server: new URL(options.server).origin,
          token: () => ticket.token,
          you: ticket.peerId,
          clinician: ticket.role === 'clinician',
          stop: () => consent.stop(),
        });
        return { consent, recorder };
      },
      ({ consent, recorder }) => {
        for (const type of ['recording-upload-progress', 'recording-saved', 'recording-failed'] as const)
          recorder.on(type, (detail) => this.emit(type, detail as never));
        this.#stops.push(consent.state.subscribe(() => this.#refresh()));
        consent.fromServer(this.#recordingFromServer);
        this.emit('part-loaded', { part: 'recording' });
        this.#refresh();
      },
    );
    this.#state = createStore<ConsultationState>({
      ...this.#derive(),
      role: ticket.role,
      endReason: null,
      declineMessage: null,
      error: null,
    });
    const signalling = this.#signalling;
    signalling.on('call', (call) => {
      if (!isScreenCall(call)) return this.#mesh.incoming(call);
      // Someone shares a screen with this page: screen sharing is made for it (once), then takes it.
      this.#screen.get().then(
        (screen) => screen.incoming(call),
        () => call.close(),
      );
    });
    signalling.on('roster', (roster) => {
      this.#room.fromServer(roster);
      this.#recordingFromServer = roster?.recording;
      const consent = this.#recording.value?.consent;
      if (consent) consent.fromServer(roster?.recording);
      else if (roster?.recording) this.#recording.want();
    });
    signalling.on('removed', ({ message }) => (this.#removedMessage = String(message ?? '')));
    signalling.on('refused', ({ command, reason }) => {
      this.#room.refused(command);
      // A consent command's refusal rejects its promise (askToRecord()…) rather than an `error`.
      if (this.#recording.value?.consent.refused(command, reason)) return;
      this.emit('error', new ConsultKitError('invalid-state', `The server refused ${command}: ${reason}`));
    });
    signalling.on('chat', (message) => {
      const chat = this.#chat.value;
      if (chat) return chat.receive(message);
      // Before the chat is made: an empty history (the answer to the consultation's own request)
      // and refusals (of that request, before admission) need none; anything else makes it.
      const { type, payload } = message;
      const history = type === CHAT_HISTORY ? (payload as ChatHistoryMessage['payload'] | null) : null;
      if (history ? !history.messages?.length && !history.more : type !== CHAT_MESSAGE && type !== CHAT_MARKS) return;
      this.#forChat.push(message);
      this.#chat.want();
    });
    signalling.on('ended', (reason) => this.#ended(reason));
    signalling.on('unavailable', (peerId) => this.#mesh.unavailable(peerId));
    signalling.on('back', () => {
      this.#room.media(this.#local.flags);
      // Notices missed while the socket was down: the list catches up.
      if (this.#phase === 'joined') this.#files.value?.refresh().catch(() => undefined);
    });
    // A document arrives: the documents are made for it (once).
    signalling.on('document', (document) =>
      this.#files.get().then(
        (files) => files.received(document),
        () => undefined,
      ),
    );
    signalling.on('error', (error) => this.emit('error', error));
    this.#follow(this.#mesh);
    let flags = JSON.stringify(this.#local.flags);
    this.#stops.push(
      signalling.state.subscribe(() => this.#refresh()),
      this.#room.state.subscribe(() => this.#sync()),
      this.#local.state.subscribe(() => {
        this.#transport.refresh();
        const now = JSON.stringify(this.#local.flags);
        if (now !== flags && this.#phase === 'joined') this.#room.media(this.#local.flags);
        flags = now;
        this.#refresh();
      }),
    );
  }

  /**
   * Redeems a join link (`{server}/join/{token}`, or the token alone) into a ticket: a deliberate
   * POST that uses the link up. Rejects with a `LinkError` whose code says why not, or a
   * `ConsultKitError` `network` when the server cannot be reached.
   */
  static redeem(server: string | URL, link: string, role?: JoinTicket['role']): Promise<JoinTicket> {
    const token = linkToken(link);
    return ticketFrom(new URL('/api/join/redeem', server), role ? { token, role } : { token });
  }

  /**
   * Finds again the session this browser started (its HttpOnly cookie), after a reload or a restart,
   * without using the link up. Rejects with a `LinkError`: `session-missing` when there is none.
   */
  static resume(server: string | URL, link?: string): Promise<JoinTicket> {
    const token = link === undefined ? undefined : linkToken(link);
    return ticketFrom(new URL('/api/join/resume', server), token ? { token } : {});
  }

  /** The consultation's state; subscribe to follow it. */
  get state(): ReadableStore<ConsultationState> {
    return this.#state;
  }

  /**
   * The consultation's chat (`chat.ts`): `send(text)`, `messages`, `unread`, `markRead()`, its
   * `state` and events. It works while this page is in the call; what is written before waits.
   */
  get chat(): Chat | null {
    return this.#chat.value;
  }

  /**
   * The chat (`chat`), made on the first call: resolves with the same `Chat` every time. Rejects
   * with a `ConsultKitError` (`network`) when its module cannot be loaded (the next call tries
   * again), `invalid-state` once the consultation is over and it was never made.
   */
  loadChat(): Promise<Chat> {
    return this.#chat.get();
  }

  /**
   * Documents shared in the consultation (docs/collaboration.md, "Documents"), once made: their
   * module is imported on first use (decision 47): `loadFiles()`, or a document arriving. Null before.
   */
  get files(): Files | null {
    return this.#files.value;
  }

  /**
   * The documents (`files`), made on the first call: resolves with the same `Files` every time.
   * Rejects with a `ConsultKitError` (`network`) when its module cannot be loaded (the next call
   * tries again), `invalid-state` once the consultation is over and it was never made.
   */
  loadFiles(): Promise<Files> {
    return this.#files.get();
  }

  /**
   * The composite recording this page makes (a clinician's page that asked, in a mesh call): its
   * upload's state (chunks made, acknowledged, waiting in IndexedDB; bytes) and events
   * (`recording-upload-progress`, `recording-saved`, `recording-failed`; the consultation tells
   * them too). docs/recording.md, "Capture". Made with the recording's module, when a recording
   * first concerns this page (a request in the roster, or `askToRecord()`; decision 47): null before.
   */
  get recorder(): CompositeRecorder | null {
    return this.#recording.value?.recorder ?? null;
  }

  /** The connection with the ticket's counterpart (else the first one), for statistics. */
  get peerConnection(): RTCPeerConnection | null {
    return (
      this.peerConnectionWith(this.#options.ticket.remotePeerId) ??
      this.#transport.state.get().remotes[0]?.peerConnection ??
      null
    );
  }

  /** The connection carrying `peerId`'s media, if any. */
  peerConnectionWith(peerId: string): RTCPeerConnection | null {
    return this.#transport.state.get().remotes.find((r) => r.peerId === peerId)?.peerConnection ?? null;
  }

  /** The connection bringing the shared screen to this page (for statistics), or null. */
  get screenShareConnection(): RTCPeerConnection | null {
    return this.#screen.value?.connection ?? null;
  }

  /** Opens camera and microphone (or takes `options.localStream`). Status `checking` until `join()`. */
  async checkDevices(): Promise<void> {
    this.#expect('idle', 'checkDevices()');
    this.#phase = 'checking';
    this.#refresh();
    try {
      await this.#local.open(this.#options.localStream);
    } catch (error) {
      throw this.#fail(error);
    }
  }

  /**
   * Enters the consultation: opens devices if `checkDevices()` was not called, and connects to
   * signalling. Resolves once in the room (`waiting`); rejects with a `ConsultKitError` (status
   * `failed`) when it cannot.
   */
  async join(): Promise<void> {
    if (this.#state.get().status === 'idle') await this.checkDevices();
    this.#expect('checking', 'join()');
    this.#phase = 'connecting';
    const done = this.#room.begin({ command: 'join' });
    try {
      this.#mesh.attach(await this.#signalling.open());
    } catch (error) {
      throw this.#fail(error);
    } finally {
      done();
    }
    if (this.#isOver()) return;
    this.#phase = 'joined';
    this.#room.media(this.#local.flags);
    this.#sync();
    if (this.#options.ticket.role === 'patient') void this.#report('arrived');
  }

  /** The patient's name for `join()`: into the waiting room. */
  enterWaitingRoom(): Promise<void> {
    return this.join();
  }

  /** Clinician: lets a waiting participant in (default: the first waiting). Media starts at once. */
  admit(peerId: string = this.#firstWaiting()): void {
    this.#clinicianOnly('admit()', peerId, ['waiting']);
    this.#room.admit(peerId);
  }

  /** Clinician: turns a waiting participant away (default: the first waiting), with a message for them. */
  decline(peerId: string = this.#firstWaiting(), message = ''): void {
    this.#clinicianOnly('decline()', peerId, ['waiting']);
    this.#room.remove(peerId, String(message));
  }

  /** Clinician: removes a participant who is not a clinician (waiting or in the call), with a message. */
  remove(peerId: string, message = ''): void {
    this.#clinicianOnly('remove()', peerId, ['waiting', 'admitted', 'absent']);
    this.#room.remove(peerId, String(message));
  }

  /** Mutes or unmutes the microphone (the sent audio track is disabled: silence). */
  setMuted(muted: boolean): void {
    this.#local.setMuted(muted);
  }

  /** Turns the camera off or on (the sent video track is disabled: black). */
  setCameraOff(cameraOff: boolean): void {
    this.#local.setCameraOff(cameraOff);
  }

  /** Sends audio only (or video again). A poor network may also switch to audio only, and back. */
  setAudioOnly(audioOnly: boolean): void {
    if (!audioOnly) this.#transport.resetAdaptation();
    this.#local.setAudioOnly(audioOnly);
  }

  /** Uses another camera, mid-call included (the sent track is replaced, no renegotiation). */
  switchCamera(deviceId: string): Promise<void> {
    return this.#pending({ command: 'switch-camera' }, () => this.#local.switchDevice('video', deviceId));
  }

  /** Uses another microphone, mid-call included. */
  switchMicrophone(deviceId: string): Promise<void> {
    return this.#pending({ command: 'switch-microphone' }, () => this.#local.switchDevice('audio', deviceId));
  }

  /** Chooses the audio output; views apply it to their media elements with `setSinkId`. */
  setSpeaker(deviceId: string | null): void {
    this.#local.setSpeaker(deviceId);
  }

  /**
   * Shares a screen (the browser's picker chooses which) with everyone in the call, the camera
   * staying on; takes over from anyone presenting (they are told: `screen-share-taken-over`).
   * `state.screenShare` follows it; the browser's own "Stop sharing" ends it like
   * `stopScreenShare()`. Rejects with a `ConsultKitError` (`webrtc-unsupported`,
   * `media-permission-denied` when the picker was cancelled, `invalid-state` when not in the call).
   */
  async startScreenShare(): Promise<void> {
    return (await this.#screen.get()).start();
  }

  /** Stops sharing this page's screen (nothing when it does not share). */
  stopScreenShare(): void {
    this.#screen.value?.stop();
  }

  /**
   * Clinician: asks everyone in the call to agree to recording (each sees `recording-asked`). It
   * runs only once all have agreed (`recording-started`); `state.recording` follows it. Resolves
   * when the server holds the request; rejects with a `ConsultKitError` (`invalid-state`) when not
   * a clinician, not in the call, a request is already at work, or the server refused.
   */
  askToRecord(): Promise<void> {
    return this.#consent().then((consent) => consent.ask());
  }

  /**
   * Answers the current request to record (`agree: false` declines, which stops it). Resolves once
   * the server has the answer; rejects with a `ConsultKitError` when there is nothing to answer, the
   * request is stale, or the server refused.
   */
  answerRecording(agree: boolean): Promise<void> {
    return this.#consent().then((consent) => consent.answer(agree));
  }

  /** Withdraws this participant's consent: the recording stops at once, for everyone. */
  withdrawRecordingConsent(): Promise<void> {
    return this.#consent().then((consent) => consent.withdraw());
  }

  /** Clinician: stops the recording (or the request); the file is kept. */
  stopRecording(): Promise<void> {
    return this.#consent().then((consent) => consent.stop());
  }

  async #consent(): Promise<Recording> {
    return (await this.#recording.get()).consent;
  }

  /**
   * Leaves: the others carry on, and this participant may come back (a new page, `resume`). Over
   * at once on this page (`CK-LEAVE` is sent before the socket closes): nothing stays pending.
   */
  leave(): void {
    if (this.#isOver()) return;
    this.#room.leave();
    this.#ended('local-hang-up');
  }

  /** Clinician: ends the consultation for everyone (`CK-END`); over at once on this page. */
  end(): void {
    if (this.#isOver()) return;
    this.#clinicianOnly('end()');
    this.#room.end();
    this.#ended('local-hang-up');
  }

  /** A clinician's hang-up ends the consultation for everyone (`end()`); anyone else's leaves (`leave()`). */
  hangUp(): void {
    if (this.#options.ticket.role === 'clinician') this.end();
    else this.leave();
  }

  async #report(step: 'arrived' | 'fulfilled'): Promise<void> {
    const error = await reportStep(this.#options.server, this.#options.ticket, step);
    if (error) this.emit('error', error);
  }

  async #pending(command: PendingCommand, work: () => Promise<void>): Promise<void> {
    const done = this.#room.begin(command);
    try {
      await work();
    } finally {
      done();
    }
  }

  #derive() {
    return {
      ...this.#deriveCall(),
      screenShare: this.#screenShare(),
      recording: this.#recording.value?.consent.state.get().recording ?? null,
    };
  }

  /** Screen sharing's state: idle until its part is made. */
  #screenShare() {
    return this.#screen.value?.state.get() ?? (this.#idleScreen ??= idleScreenShare());
  }

  #idleScreen: ReturnType<typeof idleScreenShare> | undefined;

  #deriveCall() {
    return derive({
      phase: this.#phase,
      counterpart: this.#options.ticket.remotePeerId,
      room: this.#room.state.get(),
      local: this.#local.state.get(),
      transport: this.#transport.state.get(),
      signalling: this.#signalling.state.get().signalling,
    });
  }

  /** The roster changed: the transport follows it (the SFU's, once the room moved there); then the state. */
  #sync(): void {
    if (this.#phase === 'joined' && !this.#isOver()) {
      const { you, roster, mode } = this.#room.state.get();
      // Media moves to the SFU (`sfu/`, by default for a ticket of an appointment): make before
      // break, the mesh's links stay until the SFU carries each participant (`sfu/handover.ts`).
      // The handover and the default transport are imported then (the mesh carries the call
      // meanwhile; the roster is synced again once they are here; a failed import is tried again
      // at the next roster change).
      if (
        mode === 'sfu' &&
        this.#transport === this.#mesh &&
        (this.#options.sfu || this.#options.ticket.appointmentId)
      ) {
        const move = this.#sfu.value;
        if (move) this.#follow(new move.Handover(this.#mesh, (this.#options.sfu ?? move.sfuTransport)(this.#context)));
        else this.#sfu.want();
      }
      this.#transport.sync(you, roster);
    }
    const { you, roster, mode } = this.#room.state.get();
    const screen = this.#screen.value;
    if (screen) screen.sync(you, roster, mode, this.#phase === 'joined' && !this.#isOver());
    // Someone presents: screen sharing is made, and synced then.
    else if (roster.some((entry) => entry.presenting && !entry.left)) this.#screen.want();
    this.#refresh();
  }

  /** Derives the state from `transport` from now on. */
  #follow(transport: MediaTransport): void {
    this.#transportStop();
    this.#transport = transport;
    this.#transportStop = transport.state.subscribe(() => {
      const network = transport.state.get().remotes.some((r) => r.audioOnlyForNetwork);
      this.#local.setNetworkAudioOnly(network && this.#options.adaptToNetwork !== false);
      this.#screen.value?.refresh();
      this.#refresh();
    });
  }

  /** Recomputes the state from the parts, and tells what changed as events. */
  #refresh(): void {
    if (this.#isOver()) return;
    const { you, roster, forgotten } = this.#room.state.get();
    const self = roster.find((entry) => entry.peerId === you);
    const online =
      this.#phase === 'joined' &&
      this.#signalling.state.get().signalling === 'connected' &&
      !!self &&
      isIn(self) &&
      !self.left &&
      !forgotten;
    const chat = this.#chat.value;
    if (chat) chat.setOnline(online);
    // In the call without the chat: ask for the history, as the chat does (its answer makes the
    // chat if there is anything in it).
    else if (online && !this.#chatOnline) this.#signalling.send({ type: CHAT_SYNC, payload: { after: 0 } });
    this.#chatOnline = online;
    const before = this.#state.get();
    const next = this.#derive();
    this.#state.update(next);
    const now = this.#state.get();
    this.recorder?.follow({
      recording: now.recording,
      self: now.self,
      participants: now.participants,
      screenShare: now.screenShare,
    });
    const events = transitions(before, this.#state.get(), this.#options.ticket.peerId);
    for (const [type, detail] of events) this.emit(type, detail as never);
  }

  #firstWaiting(): string {
    return (
      this.#state.get().participants.find((p) => p.presence === 'waiting')?.peerId ?? this.#options.ticket.remotePeerId
    );
  }

  #expect(status: ConsultationState['status'], what: string): void {
    const current = this.#state.get().status;
    if (current !== status)
      throw new ConsultKitError('invalid-state', `${what} needs status "${status}", not "${current}"`);
  }

  /** Throws unless this page is a clinician's, not over, and (given) `peerId` is a patient or guest there. */
  #clinicianOnly(what: string, peerId?: string, presences?: Presence[]): void {
    if (this.#options.ticket.role !== 'clinician')
      throw new ConsultKitError('invalid-state', `${what} is for a clinician`);
    if (this.#isOver()) throw new ConsultKitError('invalid-state', `${what}: the consultation is over`);
    const participant = this.#state.get().participants.find((p) => p.peerId === peerId);
    if (presences && (!participant || participant.role === 'clinician' || !presences.includes(participant.presence)))
      throw new ConsultKitError('invalid-state', `${what}: nobody with peer id ${peerId} is ${presences.join(' or ')}`);
  }

  #isOver(): boolean {
    const { status } = this.#state.get();
    return status === 'ended' || status === 'failed';
  }

  /** Over: `reason` from this page, or the server's (a clinician's end reads `remote-hang-up`). */
  #ended(reason: EndReason): void {
    if (this.#isOver()) return;
    const endReason = endReasonOf(reason, this.#state.get().self?.admitted ?? false);
    const message = reason === 'removed' ? (this.#removedMessage ?? '') : undefined;
    this.#teardown();
    this.#state.update({
      status: 'ended',
      endReason,
      declineMessage: message ?? null,
      remoteStream: null,
      localStream: null,
      signalling: 'offline',
      quality: null,
      pending: [],
      screenShare: this.#screenShare(),
    });
    this.emit('ended', message === undefined ? { reason: endReason } : { reason: endReason, message });
  }

  #fail(cause: unknown): ConsultKitError {
    const error =
      cause instanceof ConsultKitError
        ? cause
        : new ConsultKitError('signalling-unreachable', String(cause), { cause });
    if (this.#isOver()) return error;
    this.#teardown();
    this.#state.update({
      status: 'failed',
      error,
      remoteStream: null,
      localStream: null,
      signalling: 'offline',
      pending: [],
      screenShare: this.#screenShare(),
    });
    this.emit('error', error);
    return error;
  }

  #teardown(): void {
    // A capture at work stops here; its upload goes on (and is finished) while the page stays open.
    this.recorder?.end();
    this.#chat.value?.close();
    this.#chat.close();
    this.#recording.value?.consent.close();
    this.#recording.close();
    for (const stop of this.#stops.splice(0)) stop();
    this.#screen.value?.close();
    this.#screen.close();
    this.#sfu.close();
    this.#transportStop();
    this.#transport.close();
    this.#mesh.close();
    this.#signalling.close();
    this.#local.release();
    this.#files.value?.close();
    this.#files.close();
  }
}
