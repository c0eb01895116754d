/**
 * `StaffPeople`: everyone the signed-in member of staff may message (docs/staff.md, "Messages";
 * decision 0049), found by name through `GET /api/staff/people`: colleagues in the directory and
 * people with a staff account only (reception, the practice manager), whom the directory's
 * `PractitionerRole` search does not list. The same `state`/`search` shape as `StaffDirectory`, so
 * `<staff-chat>`'s "New conversation" reads either; no live stream.
 *
 * It talks to a ConsultKit server through a `BookingClient` (or `StaffClient`) made with the staff
 * credentials: a staff session cookie (`credentials: 'include'`), or the staff key with the acting
 * practitioner named.
 */
import type { BookingClient } from '../booking/booking-client.js';
import { FhirError } from '../booking/fhir-error.js';
import type { StaffPeopleList } from '../contract/staff-chat.js';
import type { StaffRole } from '../contract/staff.js';
import { createStore, type ReadableStore } from '../store.js';

/** One person who may be messaged. */
export interface StaffPeopleMember {
  /** Their `Practitioner` id (what `StaffMessages.startConversation` takes). */
  practitioner: string;
  name: string;
  /** Their roles at the practice (`receptionist`, `clinician`, `practice-admin`): a view words them. */
  roles: readonly StaffRole[];
  /** Their job as the directory words it ("GP"), when they are in it. */
  job?: string | undefined;
}

/** What a search asks: part of a name (blank: everyone, up to `count`). */
export interface StaffPeopleQuery {
  name?: string | undefined;
}

export interface StaffPeopleState {
  /** `loading` while a search runs; `error` when the last one failed (the list keeps what it had). */
  status: 'idle' | 'loading' | 'ready' | 'error';
  query: StaffPeopleQuery;
  entries: readonly StaffPeopleMember[];
  /** More people match than were given: narrow the name. */
  more: boolean;
  /** Why the last search failed. */
  error: FhirError | null;
}

export interface StaffPeopleOptions {
  /** A client of the FHIR base (`https://consult.example/fhir`) with the staff credentials. */
  client: BookingClient;
  /** How many people one search gives (1 to 50; default 20, the server's). */
  count?: number | undefined;
}

export class StaffPeople {
  readonly #client: BookingClient;
  readonly #count: number | undefined;
  readonly #state = createStore<StaffPeopleState>({
    status: 'idle',
    query: {},
    entries: [],
    more: false,
    error: null,
  });
  #search: AbortController | undefined;

  constructor(options: StaffPeopleOptions) {
    this.#client = options.client;
    this.#count = options.count;
  }

  get state(): ReadableStore<StaffPeopleState> {
    return this.#state;
  }

  /** Finds the people whose name contains `query.name`; a newer search cancels one in flight. */
  async search(query: StaffPeopleQuery = {}): Promise<void> {
    this.#search?.abort();
    const search = (this.#search = new AbortController());
    this.#state.update({ status: 'loading', query });
    const params = new URLSearchParams();
    const name = query.name?.trim();
    if (name) params.set('name', name);
    if (this.#count !== undefined) params.set('count', String(this.#count));
    const path = `../api/staff/people${params.toString() ? `?${params}` : ''}`;
    try {
      const { resource } = await this.#client.request<StaffPeopleList>(
        'GET',
        new URL(path, `${this.#client.baseUrl}/`).href,
        { headers: { accept: 'application/json' }, signal: search.signal },
      );
      if (search.signal.aborted) return;
      const entries = (resource.people ?? []).map((p): StaffPeopleMember => ({
        practitioner: p.practitioner,
        name: p.name,
        roles: p.roles ?? [],
        ...(p.job ? { job: p.job } : {}),
      }));
      this.#state.update({ status: 'ready', entries, more: resource.more === true, error: null });
    } catch (error) {
      if (search.signal.aborted) return;
      this.#state.update({
        status: 'error',
        error: error instanceof FhirError ? error : new FhirError(0, undefined, String(error), { cause: error }),
      });
    }
  }
}
