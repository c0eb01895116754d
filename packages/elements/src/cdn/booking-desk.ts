/**
 * CDN bundle of `<booking-desk>` (and `<guest-invite>`): registers the element and exports what a console page needs to
 * drive it with no build step (`<script type="module" src=".../cdn/booking-desk.js">`). Only the
 * booking part of core is inside: no PeerJS, no consultation code.
 */
import '../booking-desk/define.js';
import '../guest-invite/define.js';

export { BookingDesk } from '../booking-desk/booking-desk.js';
export { GuestInvite } from '../guest-invite/guest-invite.js';
export { BookingClient, BookingDeskStore, StaffClient } from '@consultkit/core/booking';
