/**
 * CDN entry of `<slot-picker>`: registers the element and exports what a page needs to drive it
 * with no build step (`<script type="module" src=".../cdn/slot-picker.js">`, or `consultkit.js`,
 * which loads this when the tag appears). Only the booking part of core is in what it loads (no
 * PeerJS, no consultation code), within a size budget of 12 kB gzipped with Lit (`npm run size`).
 * Messages are in the source language (British English) until a page asks for another; the
 * address-bar state (`history="url"`) is the `slot-picker-url.js` add-on.
 */
import { defineElement } from '../internal/define.js';
import { SlotPicker } from '../slot-picker/slot-picker.js';

/** Registers the picker under `tagName` too (see `define` in `slot-picker/index.ts`). */
export const define = (tagName = 'slot-picker'): typeof SlotPicker =>
  defineElement(tagName, SlotPicker) as typeof SlotPicker;

define();

export { SlotPicker };
// The client the picker uses (search, hold, book); a page wanting appointments too imports
// `BookingClient` from `booking-desk.js`.
export { SlotClient } from '@consultkit/core/booking';
