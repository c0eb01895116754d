/**
 * CDN bundle of `<slot-picker>`: registers the element and exports what a page needs to drive it
 * with no build step (`<script type="module" src=".../cdn/slot-picker.js">`). Only the booking part
 * of core is inside (no PeerJS, no consultation code), within a size budget of 14 kB gzipped
 * (`npm run size`). Messages are in the source language (British English): the locale of a
 * bundle cannot be configured, so it does not listen for locale changes (`define.ts` does).
 */
import { SlotPicker } from '../slot-picker/slot-picker.js';

if (!customElements.get('slot-picker')) customElements.define('slot-picker', SlotPicker);

export { SlotPicker };
// The client the picker uses (search, hold, book); a page wanting appointments too imports
// `BookingClient` from `@consultkit/core/booking`.
export { SlotClient } from '@consultkit/core/booking';
