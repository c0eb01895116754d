/** Registers `<guest-invite>` (the default name) on import. `./index.js` registers nothing: `define(tagName)` there. */
import { define, GuestInvite } from './index.js';

export { define, GuestInvite };

define();

declare global {
  interface HTMLElementTagNameMap {
    'guest-invite': GuestInvite;
  }
}
