/**
 * Recording consent on this page (docs/recording.md, "Consent"; the wire in
 * `contract/recording.ts`). The server is the one authority: it carries the request's state in
 * every `CK-ROSTER` as `recording`; this piece keeps it in a store, tells its transitions as
 * events, and sends the consent commands, each command's promise settling when the roster shows
 * it took effect (or rejecting when the server refuses it with `CK-REFUSED`).
 */
import {
  RECORD_ANSWER,
  RECORD_ASK,
  RECORD_COMMAND_TYPES,
  RECORD_STOP,
  RECORD_WITHDRAW,
  type RecordCommand,
  type RecordingCapture,
  type RecordingEndReason,
  type RecordingState,
} from '../contract/recording.js';
import type { Role } from '../contract/join.js';
import { ConsultKitError } from '../errors.js';
import { createStore, type ReadableStore, type WritableStore } from '../store.js';

/** The recording events of a `Consultation`. */
export interface RecordingEvents {
  /** The recording state changed (any field): the new state, or null before anyone asked. */
  'recording-changed': RecordingState | null;
  /** This page must answer: a clinician asked, or this page came in while it runs. */
  'recording-asked': { requestId: string; askedBy: string };
  /** The recording runs (everyone asked agreed; also on a page that arrives while it runs). */
  'recording-started': { requestId: string; recordingId: string; capture: RecordingCapture | undefined };
  /**
   * A request ended: it ran and stopped (`started`), or was declined before it started. `endedBy`
   * is the peer id of whoever declined or withdrew.
   */
  'recording-stopped': { requestId: string; reason: RecordingEndReason; endedBy?: string; started: boolean };
}

export interface RecordingDeps {
  /** This page's peer id and role. */
  you: string;
  role: Role;
  /** Sends a consent command on the signalling socket; false when it is down. */
  send: (command: RecordCommand) => boolean;
  emit: <K extends keyof RecordingEvents>(type: K, detail: RecordingEvents[K]) => void;
  /** Is this page in the call (joined, not over)? Commands before or after are refused here. */
  live: () => boolean;
  /** How long a command waits for the server's roster before rejecting (ms). */
  timeoutMs?: number;
}

interface Waiter {
  command: string;
  done: (state: RecordingState | null) => boolean;
  resolve: () => void;
  reject: (error: ConsultKitError) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** Is `type` one of the consent commands (so a refusal of it is this piece's)? */
export function isRecordCommand(type: string): boolean {
  return RECORD_COMMAND_TYPES.includes(type);
}

/** The recording piece's state: the server's, and the consent command at work, if any. */
export interface RecordingPieceState {
  /** As the server last told it (null before anyone asked). */
  recording: RecordingState | null;
  /** The consent command this page sent and the server has not answered yet (a button disables itself). */
  pending: RecordCommand['type'] | null;
}

export class Recording {
  readonly #state: WritableStore<RecordingPieceState> = createStore<RecordingPieceState>({
    recording: null,
    pending: null,
  });
  readonly #waiters = new Set<Waiter>();

  constructor(private readonly deps: RecordingDeps) {}

  /** The recording state as the server last told it, and the command at work. */
  get state(): ReadableStore<RecordingPieceState> {
    return this.#state;
  }

  /** The `recording` of a roster from the server (absent: nobody asked yet). */
  fromServer(state: RecordingState | undefined): void {
    const next = state && typeof state === 'object' && typeof state.requestId === 'string' ? state : null;
    const before = this.#state.get().recording;
    if (JSON.stringify(before) === JSON.stringify(next)) return this.#settle(next);
    this.#state.update({ recording: next });
    this.deps.emit('recording-changed', next);
    for (const [type, detail] of recordingTransitions(before, next, this.deps.you))
      this.deps.emit(type, detail as never);
    this.#settle(next);
  }

  /** The server refused `command`: its waiters reject. True when the command was a consent command. */
  refused(command: string, reason: string): boolean {
    if (!isRecordCommand(command)) return false;
    for (const waiter of [...this.#waiters]) {
      if (waiter.command !== command) continue;
      this.#drop(waiter);
      waiter.reject(new ConsultKitError('invalid-state', `The server refused ${command}: ${reason}`));
    }
    return true;
  }

  /** Clinician: asks everyone in the call to agree. Resolves once the server holds the new request. */
  ask(): Promise<void> {
    if (this.deps.role !== 'clinician')
      return Promise.reject(new ConsultKitError('invalid-state', 'askToRecord() is for a clinician'));
    const current = this.#state.get().recording;
    if (current && (current.status === 'asking' || current.status === 'recording'))
      return Promise.reject(
        new ConsultKitError('invalid-state', `askToRecord(): a request is already ${current.status}`),
      );
    const previous = current?.requestId;
    return this.#command({ type: RECORD_ASK }, (s) => !!s && s.requestId !== previous && s.askedBy === this.deps.you);
  }

  /** Answers the current request (`agree: false` declines: it stops at once). */
  answer(agree: boolean): Promise<void> {
    const current = this.#state.get().recording;
    const asked = current?.consents[this.deps.you] === 'asked';
    if (!current || !asked || (current.status !== 'asking' && current.status !== 'recording'))
      return Promise.reject(new ConsultKitError('invalid-state', 'answerRecording(): nothing to answer'));
    const { requestId } = current;
    const want = agree ? 'agreed' : 'declined';
    return this.#command(
      { type: RECORD_ANSWER, payload: { requestId, agree: !!agree } },
      (s) => !s || s.requestId !== requestId || s.consents[this.deps.you] === want || s.status === 'stopped',
    );
  }

  /** Withdraws this page's consent: the recording (or the request) stops at once. */
  withdraw(): Promise<void> {
    const current = this.#state.get().recording;
    if (!current || (current.status !== 'asking' && current.status !== 'recording'))
      return Promise.reject(
        new ConsultKitError('invalid-state', 'withdrawRecordingConsent(): nothing is recorded or asked'),
      );
    const { requestId } = current;
    return this.#command(
      { type: RECORD_WITHDRAW },
      (s) => !s || s.requestId !== requestId || (s.status !== 'asking' && s.status !== 'recording'),
    );
  }

  /** Clinician: stops the recording (or the request); the file is finished and kept. */
  stop(): Promise<void> {
    if (this.deps.role !== 'clinician')
      return Promise.reject(new ConsultKitError('invalid-state', 'stopRecording() is for a clinician'));
    const current = this.#state.get().recording;
    if (!current || (current.status !== 'asking' && current.status !== 'recording'))
      return Promise.reject(new ConsultKitError('invalid-state', 'stopRecording(): nothing is recorded or asked'));
    const { requestId } = current;
    return this.#command(
      { type: RECORD_STOP },
      (s) => !s || s.requestId !== requestId || (s.status !== 'asking' && s.status !== 'recording'),
    );
  }

  /** The page left or the consultation ended: every waiting command rejects. */
  close(): void {
    for (const waiter of [...this.#waiters]) {
      this.#drop(waiter);
      waiter.reject(new ConsultKitError('invalid-state', `${waiter.command}: the consultation is over`));
    }
  }

  #command(command: RecordCommand, done: (state: RecordingState | null) => boolean): Promise<void> {
    if (!this.deps.live())
      return Promise.reject(new ConsultKitError('invalid-state', `${command.type} needs this page in the call`));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        command: command.type,
        done,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#drop(waiter);
          reject(new ConsultKitError('network', `${command.type}: the server did not answer`));
        }, this.deps.timeoutMs ?? 15_000),
      };
      this.#waiters.add(waiter);
      this.#state.update({ pending: command.type });
      if (!this.deps.send(command)) {
        this.#drop(waiter);
        reject(new ConsultKitError('signalling-unreachable', `${command.type}: the signalling socket is down`));
      }
    });
  }

  #settle(state: RecordingState | null): void {
    for (const waiter of [...this.#waiters]) {
      if (!waiter.done(state)) continue;
      this.#drop(waiter);
      waiter.resolve();
    }
  }

  #drop(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    this.#waiters.delete(waiter);
    const last = [...this.#waiters].at(-1);
    this.#state.update({ pending: (last?.command as RecordCommand['type'] | undefined) ?? null });
  }
}

type Transition = {
  [K in Exclude<keyof RecordingEvents, 'recording-changed'>]: [K, RecordingEvents[K]];
}[Exclude<keyof RecordingEvents, 'recording-changed'>];

/** The events between two states, as seen by `you`. Pure. */
export function recordingTransitions(
  before: RecordingState | null,
  after: RecordingState | null,
  you: string,
): Transition[] {
  const events: Transition[] = [];
  const same = !!before && !!after && before.requestId === after.requestId;
  // The earlier request ended (a new one replaced it, or its status moved on).
  if (before && (before.status === 'asking' || before.status === 'recording')) {
    const ended = !same ? before : after && after.status !== 'asking' && after.status !== 'recording' ? after : null;
    if (ended) {
      events.push([
        'recording-stopped',
        {
          requestId: ended.requestId,
          reason: ended.reason ?? (ended.status === 'declined' ? 'declined' : 'stopped'),
          ...(ended.endedBy ? { endedBy: ended.endedBy } : {}),
          started: before.status === 'recording' || ended.status === 'stopped',
        },
      ]);
    }
  }
  if (!after) return events;
  const live = after.status === 'asking' || after.status === 'recording';
  if (live && after.consents[you] === 'asked' && !(same && before.consents[you] === 'asked'))
    events.push(['recording-asked', { requestId: after.requestId, askedBy: after.askedBy }]);
  if (after.status === 'recording' && after.recordingId && !(same && before.status === 'recording'))
    events.push([
      'recording-started',
      { requestId: after.requestId, recordingId: after.recordingId, capture: after.capture },
    ]);
  return events;
}
