/** CDN entry of `<guest-invite>`: registers it; `StaffClient` is what it invites through. */
export { define, GuestInvite } from '../guest-invite/define.js';
export { StaffClient } from '@consultkit/core/booking';
