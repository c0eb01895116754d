/** Registers `<booking-desk>` (the default name) on import. `./index.js` registers nothing: `define(tagName)` there. */
import { define, BookingDesk } from './index.js';

export { define, BookingDesk };

define();

declare global {
  interface HTMLElementTagNameMap {
    'booking-desk': BookingDesk;
  }
}
