/**
 * `<slot-picker history="url">`: the chosen day, week, filters and time kept in the page's address
 * (`ck-day`, `ck-week`, `ck-practitioner`, `ck-type`, `ck-channel`, `ck-time`), so they survive a
 * reload and Back and Forward step through the patient's choices. A controller apart from the
 * element: the `slot-picker.js` CDN bundle goes without it (its size budget); `define.ts` installs
 * it, and so does the `slot-picker-url.js` add-on bundle for the CDN.
 */
import type { ReactiveController } from 'lit';
import type { BookableSlot, DeliveryChannel, SlotFilter } from '@consultkit/core/booking';
import type { SlotPicker } from './slot-picker.js';

const CHANNELS = ['Video', 'Telephone', 'In-person'];

/** The picker's state as this controller reads and writes it (TypeScript-private members). */
interface PickerState extends HTMLElement {
  _day: string;
  _week: number;
  _filter: SlotFilter;
  _view: { step: string; loading: boolean; slots: readonly BookableSlot[]; selected?: BookableSlot | undefined };
  _choose(slot: BookableSlot): void;
  _toTimes(): void;
  requestUpdate(): void;
}

class UrlState implements ReactiveController {
  /** A time from the address, to choose once the times are loaded. */
  #want = '';
  /** The first write replaces the entry (the page's own); later ones are the patient's choices. */
  #written = false;
  readonly #host: PickerState;
  readonly #pop = () => this.#read();

  constructor(host: SlotPicker) {
    this.#host = host as unknown as PickerState;
    host.addController(this);
  }

  get #on(): boolean {
    return this.#host.getAttribute('history') === 'url';
  }

  hostConnected(): void {
    if (!this.#on) return;
    this.#read();
    addEventListener('popstate', this.#pop);
  }

  hostDisconnected(): void {
    removeEventListener('popstate', this.#pop);
  }

  /** The state from the address; odd values fall back to the defaults. */
  #read(): void {
    const host = this.#host;
    const get = (key: string) => new URLSearchParams(location.search).get(`ck-${key}`) ?? '';
    host._week = Math.min(52, Math.max(0, parseInt(get('week')) || 0));
    host._day = get('day');
    const channel = get('channel');
    host._filter = {
      practitioner: get('practitioner'),
      serviceType: get('type'),
      channel: CHANNELS.includes(channel) ? (channel as DeliveryChannel) : undefined,
    };
    this.#want = get('time');
    if (!this.#want && host._view.step === 'details') host._toTimes();
    host.requestUpdate();
  }

  hostUpdated(): void {
    const host = this.#host;
    const { step, selected, loading, slots } = host._view;
    // A removed picker may still update (a search answering late): the address is no longer its.
    if (!this.#on || loading || !host.isConnected) return;
    if (this.#want) {
      // Chosen again if it is still free; the next update writes the address.
      const slot = slots.find((s) => s.id === this.#want);
      this.#want = '';
      if (slot && !(slot === selected && step === 'details')) host._choose(slot);
      else host.requestUpdate();
      return;
    }
    const url = new URL(location.href);
    const state: Record<string, string | undefined> = {
      day: host._day,
      week: host._week ? String(host._week) : '',
      practitioner: host._filter.practitioner,
      type: host._filter.serviceType,
      channel: host._filter.channel,
      time: step === 'details' ? selected?.id : '',
    };
    for (const [key, value] of Object.entries(state)) {
      if (value) url.searchParams.set(`ck-${key}`, value);
      else url.searchParams.delete(`ck-${key}`);
    }
    if (url.href !== location.href) history[this.#written ? 'pushState' : 'replaceState'](history.state, '', url);
    this.#written = true;
  }
}

const installed = new WeakSet<object>();

/**
 * Gives every `<slot-picker history="url">` made from `picker` (the class, or one registered
 * under another tag) its address state, and those already on the page.
 */
export function installUrlState(picker: typeof SlotPicker, tag = 'slot-picker'): void {
  if (installed.has(picker)) return;
  installed.add(picker);
  picker.addInitializer((element) => new UrlState(element as SlotPicker));
  for (const element of document.querySelectorAll<SlotPicker>(tag)) {
    if (element instanceof picker) new UrlState(element);
  }
}
