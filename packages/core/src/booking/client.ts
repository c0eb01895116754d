/**
 * `BookingClient`: booking over FHIR R4 with `fetch`, in browsers and Node. The patient path uses
 * only standard FHIR interactions (search, conditional create, read, update with `If-Match`), so
 * it works against other FHIR R4 servers too; the staff path needs staff credentials.
 */
import type { Bundle, Extension, FhirResource, OperationOutcome, Schedule, Slot } from 'fhir/r4.js';
import { FhirError } from './fhir-error.js';
import {
  DELIVERY_CHANNEL_URL,
  type BookableSlot,
  type Booking,
  type BookRequest,
  type DeliveryChannel,
  type SlotHold,
  type SlotQuery,
} from './types.js';

/** Request headers as a plain object (`{ authorization: 'Bearer …' }`). */
export type RequestHeaders = Record<string, string>;

export interface BookingClientOptions {
  /** Base URL of the FHIR endpoint, e.g. `http://localhost:8080/fhir`; relative to the page in a browser. */
  baseUrl: string | URL;
  /**
   * Headers added to every request to the server's origin, e.g. staff credentials
   * (`{ Authorization: 'Bearer …' }`). Called before each request, so tokens can be refreshed.
   */
  headers?: (() => RequestHeaders | Promise<RequestHeaders>) | undefined;
  /** The `fetch` to use (default: the global one). */
  fetch?: typeof fetch | undefined;
  /** `fetch` credentials mode: `'include'` for a cookie session on another origin. */
  credentials?: RequestCredentials | undefined;
  /** How many times `book` retries after a network failure or a 502/503/504, with the same key. Default 2. */
  retries?: number | undefined;
  /** Pause before the first retry, doubled for each next one. Default 500 ms. */
  retryDelayMs?: number | undefined;
}

/** What `request` resolves to. */
export interface FhirResponse<T> {
  status: number;
  resource: T;
  /** The `ETag` header (`W/"3"`), if any. */
  etag: string | null;
}

const FHIR_JSON = 'application/fhir+json';
/** Slot searches follow at most this many `next` links: a guard against a server that loops. */
const MAX_PAGES = 50;

const iso = (value: Date | string) => (value instanceof Date ? value.toISOString() : value);
/** `Type/id` from an id or a reference (also used by `booking-client.ts`). */
export const ref = (type: string, value: string) => (value.includes('/') ? value : `${type}/${value}`);

/**
 * A random idempotency key: a UUID where `crypto.randomUUID` exists (secure contexts), else random
 * digits and the time (plain http), unique enough to tell one booking request from another.
 */
export function newIdempotencyKey(): string {
  return crypto.randomUUID?.() ?? `${Math.random()}${Date.now()}`.replace('0.', '');
}

export function channelsOf(extensions: Extension[] | undefined): DeliveryChannel[] {
  return (extensions ?? [])
    .filter((e) => e.url === DELIVERY_CHANNEL_URL)
    .map((e) => (e.valueCode ?? e.valueCoding?.code) as DeliveryChannel)
    .filter(Boolean);
}

/** A FHIR Slot with what its Schedule says. */
export function toBookableSlot(slot: Slot, schedule?: Schedule): BookableSlot {
  const actor = schedule?.actor.find((a) => a.reference?.startsWith('Practitioner/'));
  return {
    id: slot.id ?? '',
    start: slot.start,
    end: slot.end,
    status: slot.status,
    schedule: slot.schedule.reference ?? '',
    practitioner: actor?.reference
      ? { reference: actor.reference, display: actor.display ?? actor.reference }
      : undefined,
    serviceType: (slot.serviceType ?? schedule?.serviceType)?.[0]?.coding?.[0]?.code,
    deliveryChannels: channelsOf(schedule?.extension),
    resource: slot,
  };
}

/**
 * What `SlotClient` does once a patient has chosen a time (hold, book, release: `slot-booking.ts`),
 * imported on first use: a page with the slot picker alone loads it when a time is chosen, not
 * with its first paint (decision 46).
 */
let loaded: typeof import('./slot-booking.js') | undefined;
const chosen = async () => (loaded ??= await import('./slot-booking.js'));

/** Search parameters of a slot query. */
function slotParams(query: SlotQuery): URLSearchParams {
  const params = new URLSearchParams({ status: query.status ?? 'free' });
  params.append('start', `ge${iso(query.start)}`);
  params.append('start', `lt${iso(query.end)}`);
  if (query.practitioner) params.set('schedule.actor', ref('Practitioner', query.practitioner));
  if (query.schedule) params.set('schedule', ref('Schedule', query.schedule));
  if (query.serviceType) params.set('service-type', query.serviceType);
  params.set('_count', String(query.count ?? 100));
  params.set('_include', 'Slot:schedule');
  return params;
}

/**
 * What a patient's booking page needs: search free slots, hold one, book it. `BookingClient`
 * adds reading and changing appointments; `<slot-picker>` uses this alone, so its CDN bundle does
 * not carry the rest.
 */
export class SlotClient {
  /** The FHIR base URL, absolute, without a trailing slash. */
  readonly baseUrl: string;
  readonly #options: BookingClientOptions;
  /** Schedules seen in searches, by reference: the `_include`d ones. */
  protected readonly schedules = new Map<string, Schedule>();

  constructor(options: BookingClientOptions) {
    this.#options = options;
    // Relative to the page in a browser; a bad URL throws a TypeError here, not at first use.
    this.baseUrl = new URL(String(options.baseUrl), globalThis.document?.baseURI).href.replace(/\/+$/, '');
  }

  /**
   * Sends a request with the client's credentials: the `headers` hook and `credentials` apply
   * only to the base URL's origin, so a `next` link elsewhere never receives them. A failure to
   * reach the server rejects with a `FhirError` of code `network`.
   */
  async send(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url, `${this.baseUrl}/`);
    const own = target.origin === new URL(this.baseUrl).origin;
    const headers = {
      ...(own ? await this.#options.headers?.() : {}),
      ...(init.headers as RequestHeaders | undefined),
    };
    try {
      return await (this.#options.fetch ?? fetch)(target, {
        ...init,
        headers,
        credentials: own ? this.#options.credentials : undefined,
      });
    } catch (cause) {
      if (init.signal?.aborted) throw cause;
      throw new FhirError(0, undefined, `Could not reach ${target.origin}`, { cause });
    }
  }

  /**
   * One FHIR interaction: `path` is relative to the base URL (`Slot?status=free`) or absolute.
   * Rejects with a `FhirError` carrying the status and the server's `OperationOutcome`.
   */
  async request<T = FhirResource>(
    method: string,
    path: string,
    options: { body?: unknown; headers?: RequestHeaders; signal?: AbortSignal | undefined; keepalive?: boolean } = {},
  ): Promise<FhirResponse<T>> {
    const headers: RequestHeaders = { accept: FHIR_JSON, ...options.headers };
    if (options.body !== undefined) headers['content-type'] ??= FHIR_JSON;
    const response = await this.send(path, {
      method,
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
      keepalive: options.keepalive ?? false,
    });
    const body = (await response.json().catch(() => undefined)) as T | undefined;
    if (!response.ok || body === undefined) {
      const outcome =
        (body as OperationOutcome | undefined)?.resourceType === 'OperationOutcome'
          ? (body as OperationOutcome)
          : undefined;
      const words = outcome?.issue.map((i) => i.diagnostics ?? i.details?.text ?? i.code).join(' ');
      throw new FhirError(response.status, outcome, words || `${response.status} ${response.statusText}`.trim());
    }
    return { status: response.status, resource: body, etag: response.headers.get('etag') };
  }

  /** Every slot matching `query` (free ones unless it says), following `next` links. */
  async searchSlots(query: SlotQuery, options: { signal?: AbortSignal } = {}): Promise<BookableSlot[]> {
    const found: Slot[] = [];
    let next: string | undefined = `Slot?${slotParams(query)}`;
    for (let page = 0; next && page < MAX_PAGES; page++) {
      const bundle: Bundle = (await this.request<Bundle>('GET', next, options)).resource;
      for (const { resource } of bundle.entry ?? []) {
        if (resource?.resourceType === 'Schedule') this.schedules.set(`Schedule/${resource.id}`, resource);
        if (resource?.resourceType === 'Slot') found.push(resource);
      }
      next = nextLink(bundle, this.baseUrl);
    }
    return found.map((slot) => toBookableSlot(slot, this.schedules.get(slot.schedule.reference ?? '')));
  }

  /**
   * Books `slot` for the patient: `POST Appointment` with a contained Patient, made idempotent
   * with `If-None-Exist: identifier=urn:consultkit:idempotency|<key>`. Network failures (and
   * 502/503/504) are retried with the same key, so the slot is booked at most once.
   * A slot taken meanwhile rejects with a `FhirError` of status 409.
   */
  async book(input: BookRequest): Promise<Booking> {
    return (await chosen()).book(this, input, this.#options);
  }

  /**
   * Holds `slot` for a few minutes while the patient fills the form (ConsultKit servers:
   * `POST Slot/{id}/$hold`), ending the caller's hold `replaces` first. Rejects with a `FhirError`:
   * 409 when someone else holds or took it, 429 when this address holds too many, 404 where the
   * server has no holds.
   */
  async hold(slot: Pick<BookableSlot, 'id'>, replaces?: SlotHold): Promise<SlotHold> {
    return (await chosen()).hold(this, slot, replaces);
  }

  /** Ends a hold (the patient went back, or left): the time is offered again at once. */
  release(hold: SlotHold): Promise<void> {
    // Synchronously once loaded (a hold loaded it): a release on `pagehide` must start its
    // `keepalive` request before the page goes.
    return loaded ? loaded.release(this, hold) : chosen().then((module) => module.release(this, hold));
  }
}

/**
 * The `next` link of a searchset, on the base URL's origin: a server behind a proxy may not know
 * the address the page uses (another host, or http behind https), and its path and query are what
 * matter.
 */
export function nextLink(bundle: Bundle, baseUrl: string): string | undefined {
  const url = bundle.link?.find((link) => link.relation === 'next')?.url;
  if (!url) return undefined;
  const { pathname, search } = new URL(url, baseUrl);
  return pathname + search;
}
