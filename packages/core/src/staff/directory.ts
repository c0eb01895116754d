/**
 * `StaffDirectory`: the staff directory with everyone's presence, kept live, and calling a
 * colleague into a consultation (docs/staff.md). A store to read and commands to call;
 * `<clinician-directory>` is a view over it, and a vendor's own console can use it as well.
 *
 * It talks to a ConsultKit server through a `BookingClient` (or `StaffClient`) made with the staff
 * credentials: a staff session cookie (`credentials: 'include'`), or the staff key with the acting
 * practitioner named, from a vendor backend. The live stream is read with `fetch`, so it carries
 * the same headers.
 */
import type { Bundle, PractitionerRole } from 'fhir/r4.js';
import {
  PRESENCE_EVENT,
  type CallInAnswer,
  type CallInNotice,
  type DirectoryQuery,
  type Presence,
  type SettablePresence,
  type StaffCallAnswer,
  type StaffCallDeclined,
} from '../contract/directory.js';
import type { JoinTicket } from '../contract/join.js';
import type { BookingClient } from '../booking/booking-client.js';
import { FhirError } from '../booking/fhir-error.js';
import { createStore, type ReadableStore } from '../store.js';
import { whileListed } from './busy.js';
import { StaffStream, type StaffLive } from './stream.js';

/** One role of one person in the directory. */
export interface DirectoryEntry {
  /** The `PractitionerRole` id. */
  id: string;
  /** Their `Practitioner` id (presence and call-ins are by it). */
  practitioner: string;
  name: string;
  /** What they do ("General practitioner", "Registered nurse"). */
  role: string;
  /** Their specialty ("Dermatology"), if the directory says. */
  specialty?: string | undefined;
  phone?: string | undefined;
  email?: string | undefined;
}

/** How the directory hears of presence changes: not yet, opening the stream, on it, or waiting to retry. */
export type DirectoryLive = StaffLive;

export interface StaffDirectoryState {
  /** `loading` while a search runs; `error` when the last one failed (the list keeps what it had). */
  status: 'idle' | 'loading' | 'ready' | 'error';
  query: DirectoryQuery;
  entries: readonly DirectoryEntry[];
  /** Presence by practitioner id. */
  presence: Readonly<Record<string, Presence>>;
  live: DirectoryLive;
  /** Why the last search or command failed. */
  error: FhirError | null;
  /** Colleagues asking the signed-in person to join a consultation, newest last. */
  callIns: readonly CallInNotice[];
  /** Practitioner ids with a call-in on its way. */
  calling: readonly string[];
  /** The call-ins this person made, by practitioner id, once the server answered. */
  called: Readonly<Record<string, CallInAnswer>>;
  /** The latest presence change heard live (not the snapshot): what a view may announce. */
  lastChange: Presence | null;
  /** The staff calls this person made, by the colleague's practitioner id, once the server answered. */
  staffCalls: Readonly<Record<string, StaffCallAnswer>>;
  /** Colleagues who declined this person's calls, newest last (heard live). */
  declined: readonly StaffCallDeclined[];
  /** Call-in ids being joined or declined now (their buttons wait). */
  answering: readonly string[];
}

export interface StaffDirectoryOptions {
  /** A client of the FHIR base (`https://consult.example/fhir`) with the staff credentials. */
  client: BookingClient;
  /** Wait before reopening a broken stream, doubled each time up to 30 s (default 1 s). */
  retryMs?: number | undefined;
  /** The page's staff live stream, shared with `StaffMessages` (default: one of its own). */
  stream?: StaffStream | undefined;
}

export class StaffDirectory {
  readonly #client: BookingClient;
  readonly #state = createStore<StaffDirectoryState>({
    status: 'idle',
    query: {},
    entries: [],
    presence: {},
    live: 'off',
    error: null,
    callIns: [],
    calling: [],
    called: {},
    lastChange: null,
    staffCalls: {},
    declined: [],
    answering: [],
  });
  readonly #stream: StaffStream;
  /** Lets go of the stream and stops listening, while started. */
  #release: (() => void) | undefined;
  #search: AbortController | undefined;

  constructor(options: StaffDirectoryOptions) {
    this.#client = options.client;
    this.#stream = options.stream ?? new StaffStream({ client: options.client, retryMs: options.retryMs });
  }

  get state(): ReadableStore<StaffDirectoryState> {
    return this.#state;
  }

  /** Searches the directory by name, role and specialty (all optional: everyone). */
  async search(query: DirectoryQuery = {}): Promise<void> {
    this.#search?.abort();
    const search = (this.#search = new AbortController());
    this.#state.update({ status: 'loading', query });
    const params = new URLSearchParams();
    if (query.name?.trim()) params.set('name', query.name.trim());
    if (query.role?.trim()) params.set('role', query.role.trim());
    if (query.specialty?.trim()) params.set('specialty', query.specialty.trim());
    try {
      const bundle = (
        await this.#client.request<Bundle>('GET', `PractitionerRole?${params}`, { signal: search.signal })
      ).resource;
      if (search.signal.aborted) return;
      const entries = (bundle.entry ?? [])
        .map((e) => e.resource)
        .filter((r): r is PractitionerRole => r?.resourceType === 'PractitionerRole')
        .map(toEntry);
      this.#state.update({ status: 'ready', entries, error: null });
    } catch (error) {
      if (search.signal.aborted) return;
      this.#state.update({ status: 'error', error: asFhirError(error) });
    }
  }

  /** Opens the live stream: everyone's presence, then every change, and call-ins for this person. */
  start(): void {
    if (this.#release) return;
    const offEvent = this.#stream.on('event', (event) => this.#event(event.type, event.data));
    const offLive = this.#stream.state.subscribe(({ live }) => this.#state.update({ live }));
    const letGo = this.#stream.hold();
    this.#state.update({ live: this.#stream.state.get().live });
    this.#release = () => {
      offEvent();
      offLive();
      letGo();
    };
  }

  /** Closes the live stream (the person shows offline once no other connection of theirs is open). */
  stop(): void {
    this.#release?.();
    this.#release = undefined;
    this.#search?.abort();
    this.#state.update({ live: 'off' });
  }

  /** Sets the signed-in person's presence. Rejects with a `FhirError` the server's refusal. */
  async setPresence(state: SettablePresence): Promise<Presence> {
    try {
      const { resource } = await this.#client.request<Presence>('PUT', this.#api('presence'), {
        body: { state },
        headers: { 'content-type': 'application/json' },
      });
      this.#state.update({ presence: { ...this.#state.get().presence, [resource.practitioner]: resource } });
      return resource;
    } catch (error) {
      const failure = asFhirError(error);
      this.#state.update({ error: failure });
      throw failure;
    }
  }

  /**
   * Asks `practitioner` to join the consultation `appointmentId`: they are told live and join as
   * a guest of kind `specialist`. Rejects with a `FhirError` the server's refusal.
   */
  async callIn(appointmentId: string, practitioner: string): Promise<CallInAnswer> {
    return this.#calling(practitioner, async () => {
      const { resource } = await this.#client.request<CallInAnswer>(
        'POST',
        this.#api(`consultations/${encodeURIComponent(appointmentId)}/call-in`),
        { body: { practitioner }, headers: { 'content-type': 'application/json' } },
      );
      this.#state.update({ called: { ...this.#state.get().called, [practitioner]: resource } });
      return resource;
    });
  }

  /**
   * Calls `practitioner` with no patient: a new call (the answer carries this person's clinician
   * ticket, to open `<consult-room>` with), or, with `call`, one more colleague into the running
   * call this person is in. They are told live and join as a clinician. Rejects with a `FhirError`
   * the server's refusal (403 for someone who is not a clinician, 404 for no such colleague, …).
   */
  async callColleague(practitioner: string, call?: string): Promise<StaffCallAnswer> {
    return this.#calling(practitioner, async () => {
      const { resource } = await this.#client.request<StaffCallAnswer>('POST', this.#api('staff-calls'), {
        body: call === undefined ? { practitioner } : { practitioner, call },
        headers: { 'content-type': 'application/json' },
      });
      this.#state.update({ staffCalls: { ...this.#state.get().staffCalls, [practitioner]: resource } });
      return resource;
    });
  }

  /** Runs a call to `practitioner` with it marked on its way; a refusal becomes the store's error. */
  #calling<T>(practitioner: string, run: () => Promise<T>): Promise<T> {
    return whileListed(this.#state, 'calling', practitioner, asFhirError, run);
  }

  /**
   * Answers a call from a colleague with no patient (a notice without `patient`): this person's
   * own clinician ticket to the call. The notice is put away. Rejects with a `FhirError` (410 when
   * the call ended or the link was used, 403 when the link is someone else's).
   */
  async joinStaffCall(notice: CallInNotice): Promise<JoinTicket> {
    return this.#answer(notice, async () => {
      const { resource } = await this.#client.request<JoinTicket>(
        'POST',
        this.#api(`staff-calls/${encodeURIComponent(notice.consultation)}/join`),
        { body: { token: notice.url }, headers: { 'content-type': 'application/json' } },
      );
      return resource;
    });
  }

  /** Declines a call from a colleague with no patient: they are told live. The notice is put away. */
  async declineStaffCall(notice: CallInNotice): Promise<void> {
    await this.#answer(notice, async () => {
      await this.#client.request('POST', this.#api(`staff-calls/${encodeURIComponent(notice.consultation)}/decline`));
    });
  }

  async #answer<T>(notice: CallInNotice, run: () => Promise<T>): Promise<T> {
    this.#state.update({ answering: [...this.#state.get().answering, notice.id] });
    try {
      const result = await run();
      this.#state.update({ error: null });
      this.dismissCallIn(notice.id);
      return result;
    } catch (error) {
      const failure = asFhirError(error);
      this.#state.update({ error: failure });
      // A call that ended, or a link used or declined elsewhere, is no longer one to answer.
      if (failure.status === 410 || failure.status === 404) this.dismissCallIn(notice.id);
      throw failure;
    } finally {
      this.#state.update({ answering: this.#state.get().answering.filter((id) => id !== notice.id) });
    }
  }

  /** Puts a call-in away ("Not now", or once joined). */
  dismissCallIn(id: string): void {
    this.#state.update({ callIns: this.#state.get().callIns.filter((c) => c.id !== id) });
  }

  #api(path: string): string {
    return new URL(`../api/${path}`, `${this.#client.baseUrl}/`).href;
  }

  #event(type: string, data: string): void {
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      return;
    }
    const state = this.#state.get();
    if (type === PRESENCE_EVENT.snapshot) {
      const people = (value as { people?: Presence[] }).people ?? [];
      this.#state.update({ presence: Object.fromEntries(people.map((p) => [p.practitioner, p])) });
    } else if (type === PRESENCE_EVENT.change) {
      const presence = value as Presence;
      this.#state.update({ presence: { ...state.presence, [presence.practitioner]: presence }, lastChange: presence });
    } else if (type === PRESENCE_EVENT.callIn) {
      const notice = value as CallInNotice;
      this.#state.update({ callIns: [...state.callIns.filter((c) => c.id !== notice.id), notice] });
    } else if (type === PRESENCE_EVENT.staffCallDeclined) {
      this.#state.update({ declined: [...state.declined, value as StaffCallDeclined] });
    }
  }
}

function asFhirError(error: unknown): FhirError {
  return error instanceof FhirError ? error : new FhirError(0, undefined, String(error), { cause: error });
}

function toEntry(role: PractitionerRole): DirectoryEntry {
  const telecom = (system: string) => role.telecom?.find((t) => t.system === system)?.value;
  return {
    id: role.id ?? '',
    practitioner: (role.practitioner?.reference ?? '').replace(/^Practitioner\//, ''),
    name: role.practitioner?.display ?? '',
    role: role.code?.[0]?.text ?? role.code?.[0]?.coding?.[0]?.display ?? '',
    specialty: role.specialty?.[0]?.text ?? role.specialty?.[0]?.coding?.[0]?.display,
    phone: telecom('phone'),
    email: telecom('email'),
  };
}
