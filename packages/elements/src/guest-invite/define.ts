import { GuestInvite } from './guest-invite.js';

export { GuestInvite };

if (!customElements.get('guest-invite')) customElements.define('guest-invite', GuestInvite);

declare global {
  interface HTMLElementTagNameMap {
    'guest-invite': GuestInvite;
  }
}
