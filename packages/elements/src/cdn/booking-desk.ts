/**
 * CDN entry of `<booking-desk>` (and `<guest-invite>`): registers the element and exports what a console page needs to
 * drive it with no build step (`<script type="module" src=".../cdn/booking-desk.js">`). Only the
 * booking part of core is in what it loads: no PeerJS, no consultation code.
 */
export { define, BookingDesk } from '../booking-desk/define.js';
export { GuestInvite } from '../guest-invite/define.js';
export { BookingClient, BookingDeskStore, StaffClient } from '@consultkit/core/booking';
