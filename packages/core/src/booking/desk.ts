/**
 * `BookingDeskStore`: the reception's view of bookings as a store, kept current without a reload, with
 * the staff commands. `<booking-desk>` is a view over it; a vendor's own UI can use it as well.
 */
import { createStore, type ReadableStore } from '../store.js';
import type { StaffClient } from './staff.js';
import { readEventStream } from './events.js';
import { FhirError } from './fhir-error.js';
import { startOfLocalDay } from './diary.js';
import { DEFAULT_TIME_ZONE, addDays, localDate } from './slots.js';
import type { BookableSlot, Booking, LinkSentTo, VideoNowRequest } from './types.js';

/** What a receptionist can do to a booking. */
export type DeskAction = 'confirm' | 'decline' | 'cancel' | 'reschedule' | 'no-show' | 'resend-link' | 'video-now';

/** The `busy` entry and result `id` of a video consultation being started (`startVideoNow`), before it has an id. */
export const VIDEO_NOW = 'video-now';

/** How the desk hears of changes: not yet, opening the event stream, on it, or polling. */
export type DeskLive = 'off' | 'connecting' | 'streaming' | 'polling';

/** How an action went. */
export interface DeskActionResult {
  action: DeskAction;
  id: string;
  ok: boolean;
  /** The booking after the action (when it worked). */
  booking: Booking | undefined;
  /** The booking before the action, as the desk had it. */
  previous: Booking | undefined;
  /** Why it failed. */
  error: FhirError | undefined;
  /** `video-now`: where the join link went. */
  linkSentTo?: LinkSentTo | undefined;
}

export interface BookingDeskState {
  /** `loading` until the first lists arrive; `error` when they could not be loaded at all. */
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** Requests waiting for the practice to confirm or decline, by start. */
  pending: readonly Booking[];
  /** Confirmed appointments from the start of today for `days` days, by start. */
  upcoming: readonly Booking[];
  /** Why the last refresh failed (the lists keep what they had). */
  error: FhirError | null;
  live: DeskLive;
  /** Ids of bookings with an action on its way. */
  busy: readonly string[];
  /** The outcome of the last action. */
  lastAction: DeskActionResult | null;
  /** When the lists were last loaded (ms since the epoch). */
  updatedAt: number | null;
}

export interface BookingDeskStoreOptions {
  /** A client with staff credentials (a `headers` hook or `credentials: 'include'`). */
  client: StaffClient;
  /**
   * The server-sent events of appointment changes. Default: `/api/staff/events` on the origin of
   * the FHIR base. `null` polls only.
   */
  eventsUrl?: string | null | undefined;
  /** The practice's time zone: where "today" starts. Default `Europe/London`. */
  timeZone?: string | undefined;
  /** How many days of upcoming appointments to show, from today. Default 7. */
  days?: number | undefined;
  /** How often to reload when the event stream is not available. Default 30 s. */
  pollIntervalMs?: number | undefined;
}

const LIVE_STATUSES = ['booked', 'arrived', 'fulfilled', 'noshow'] as const;
const byStart = (a: Booking, b: Booking) => Date.parse(a.start ?? '') - Date.parse(b.start ?? '');

export class BookingDeskStore {
  readonly #state = createStore<BookingDeskState>({
    status: 'idle',
    pending: [],
    upcoming: [],
    error: null,
    live: 'off',
    busy: [],
    lastAction: null,
    updatedAt: null,
  });
  /** The desk's state; views subscribe to it. */
  readonly state: ReadableStore<BookingDeskState> = this.#state;
  readonly client: StaffClient;
  readonly #eventsUrl: string | null;
  readonly #timeZone: string;
  readonly #days: number;
  readonly #pollMs: number;
  #running = false;
  #stream: AbortController | undefined;
  #poll: ReturnType<typeof setInterval> | undefined;
  #soon: ReturnType<typeof setTimeout> | undefined;
  #refreshing: Promise<void> | undefined;
  #again = false;
  #streamedBefore = false;

  constructor(options: BookingDeskStoreOptions) {
    this.client = options.client;
    this.#eventsUrl =
      options.eventsUrl === undefined
        ? `${new URL(options.client.baseUrl).origin}/api/staff/events`
        : options.eventsUrl;
    this.#timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
    this.#days = options.days ?? 7;
    this.#pollMs = options.pollIntervalMs ?? 30_000;
  }

  /** Loads the lists and keeps them current (event stream, else polling). Calling it again does nothing. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    void this.refresh();
    if (this.#eventsUrl) this.#connect();
    else this.#startPolling();
  }

  /** Stops listening for changes. */
  stop(): void {
    this.#running = false;
    this.#stream?.abort();
    this.#stream = undefined;
    clearInterval(this.#poll);
    clearTimeout(this.#soon);
    this.#poll = this.#soon = undefined;
    this.#state.update({ live: 'off' });
  }

  /** Reloads both lists. Calls while one is running make one more reload after it. */
  refresh(): Promise<void> {
    if (this.#refreshing) {
      this.#again = true;
      return this.#refreshing;
    }
    const run = async (): Promise<void> => {
      do {
        this.#again = false;
        await this.#load();
      } while (this.#again);
    };
    this.#refreshing = run().finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  /** Confirms a pending request. */
  confirm(id: string): Promise<DeskActionResult> {
    return this.#act('confirm', id, () => this.client.confirm(id));
  }

  /** Declines a pending request, saying why when `reason` is given. */
  decline(id: string, reason?: string): Promise<DeskActionResult> {
    return this.#act('decline', id, () => this.client.decline(id, reason?.trim() || undefined));
  }

  /** Cancels a booking on behalf of the practice. */
  cancel(id: string, reason?: string): Promise<DeskActionResult> {
    return this.#act('cancel', id, () => this.client.cancelByPractice(id, reason?.trim() || undefined));
  }

  /** Moves a booking to another free slot of its schedule. */
  reschedule(id: string, slotId: string): Promise<DeskActionResult> {
    return this.#act('reschedule', id, () => this.client.reschedule(id, slotId));
  }

  /** Marks that the patient did not come. */
  markNoShow(id: string): Promise<DeskActionResult> {
    return this.#act('no-show', id, () => this.client.markNoShow(id));
  }

  /** Sends the patient of a video appointment a fresh join link (the earlier one stops working). */
  resendLink(id: string): Promise<DeskActionResult> {
    return this.#act('resend-link', id, async () => {
      await this.client.sendJoinLink(id);
      return this.#find(id) ?? (await this.client.getBooking(id));
    });
  }

  /**
   * Starts a video consultation now (`StaffClient.startVideoNow`): busy as `VIDEO_NOW` while it
   * works; the new appointment joins `upcoming`, and `lastAction` says where the link went. Details
   * that fail the form's rules give a result whose `error` is a `DetailsError`, and nothing is sent.
   */
  startVideoNow(request: VideoNowRequest): Promise<DeskActionResult> {
    let linkSentTo: LinkSentTo | undefined;
    return this.#act(
      'video-now',
      VIDEO_NOW,
      async () => {
        const started = await this.client.startVideoNow(request);
        linkSentTo = started.linkSentTo;
        return started.booking;
      },
      () => ({ linkSentTo }),
    );
  }

  /** Free slots of the same schedule (the same clinician and service) as booking `id`, for `days` from now. */
  async freeSlotsFor(id: string, days = 14): Promise<BookableSlot[]> {
    const booking = this.#find(id) ?? (await this.client.getBooking(id));
    if (!booking.slot) return [];
    const { schedule } = await this.client.getSlot(booking.slot);
    const now = Date.now();
    return this.client.searchSlots({ schedule, start: new Date(now), end: new Date(now + days * 86_400_000) });
  }

  #find(id: string): Booking | undefined {
    const { pending, upcoming } = this.#state.get();
    return [...pending, ...upcoming].find((b) => b.id === id);
  }

  async #load(): Promise<void> {
    const today = localDate(Date.now(), this.#timeZone);
    const from = startOfLocalDay(today, this.#timeZone);
    const to = startOfLocalDay(addDays(today, this.#days), this.#timeZone);
    if (this.#state.get().status === 'idle') this.#state.update({ status: 'loading' });
    try {
      const [pending, upcoming] = await Promise.all([
        this.client.listAppointments({ status: 'pending', from }),
        this.client.listAppointments({ status: [...LIVE_STATUSES], from, to }),
      ]);
      this.#state.update({
        status: 'ready',
        pending: pending.sort(byStart),
        upcoming: upcoming.sort(byStart),
        error: null,
        updatedAt: Date.now(),
      });
    } catch (caught) {
      const error =
        caught instanceof FhirError ? caught : new FhirError(0, undefined, String(caught), { cause: caught });
      this.#state.update({ error, status: this.#state.get().updatedAt === null ? 'error' : 'ready' });
    }
  }

  async #act(
    action: DeskAction,
    id: string,
    run: () => Promise<Booking>,
    extra: () => Partial<DeskActionResult> = () => ({}),
  ): Promise<DeskActionResult> {
    const previous = this.#find(id);
    this.#state.update({ busy: [...this.#state.get().busy, id] });
    let result: DeskActionResult;
    try {
      const updated = await run();
      const booking = { ...updated, patientResource: updated.patientResource ?? previous?.patientResource };
      result = { action, id, ok: true, booking, previous, error: undefined, ...extra() };
      this.#place(booking);
    } catch (caught) {
      const error =
        caught instanceof FhirError ? caught : new FhirError(0, undefined, String(caught), { cause: caught });
      result = { action, id, ok: false, booking: undefined, previous, error };
    }
    this.#state.update({ busy: this.#state.get().busy.filter((b) => b !== id), lastAction: result });
    if (result.ok) this.#refreshSoon();
    return result;
  }

  /** Puts an updated booking where it now belongs (or nowhere, once cancelled). */
  #place(booking: Booking): void {
    const { pending, upcoming } = this.#state.get();
    const others = (list: readonly Booking[]) => list.filter((b) => b.id !== booking.id);
    const isLive = (LIVE_STATUSES as readonly string[]).includes(booking.status);
    this.#state.update({
      pending: booking.status === 'pending' ? [...others(pending), booking].sort(byStart) : others(pending),
      upcoming: isLive ? [...others(upcoming), booking].sort(byStart) : others(upcoming),
    });
  }

  /** A refresh shortly, so a burst of events makes one. */
  #refreshSoon(): void {
    clearTimeout(this.#soon);
    this.#soon = setTimeout(() => void this.refresh(), 100);
  }

  #connect(): void {
    if (!this.#running || this.#stream || !this.#eventsUrl) return;
    const stream = (this.#stream = new AbortController());
    let openedAt = 0;
    if (this.#state.get().live !== 'polling') this.#state.update({ live: 'connecting' });
    const ended = () => {
      if (stream.signal.aborted || this.#stream !== stream) return;
      this.#stream = undefined;
      // A stream that ran a while and ended (a proxy's timeout) reconnects at once; one that
      // failed to open, or keeps ending at once, gives way to polling, which retries it.
      if (openedAt && Date.now() - openedAt > 5000) this.#connect();
      else this.#startPolling();
    };
    readEventStream(
      this.client,
      this.#eventsUrl,
      (event) => {
        if (event.type === 'appointment') this.#refreshSoon();
      },
      {
        signal: stream.signal,
        onOpen: () => {
          openedAt = Date.now();
          clearInterval(this.#poll);
          this.#poll = undefined;
          this.#state.update({ live: 'streaming' });
          // Changes may have been missed while the stream was down.
          if (this.#streamedBefore) this.#refreshSoon();
          this.#streamedBefore = true;
        },
      },
    ).then(ended, ended);
  }

  #startPolling(): void {
    if (!this.#running) return;
    this.#state.update({ live: 'polling' });
    this.#poll ??= setInterval(() => {
      void this.refresh();
      this.#connect();
    }, this.#pollMs);
  }
}
