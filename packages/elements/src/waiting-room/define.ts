/** Registers `<waiting-room>` (the default name) on import. `./index.js` registers nothing: `define(tagName)` there. */
import { define, WaitingRoom } from './index.js';

export { define, WaitingRoom };

define();

declare global {
  interface HTMLElementTagNameMap {
    'waiting-room': WaitingRoom;
  }
}
