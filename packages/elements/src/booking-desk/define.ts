import { BookingDesk } from './booking-desk.js';

export { BookingDesk };

if (!customElements.get('booking-desk')) customElements.define('booking-desk', BookingDesk);

declare global {
  interface HTMLElementTagNameMap {
    'booking-desk': BookingDesk;
  }
}
