/** Registers `<consult-room>` (the default name) on import. `./index.js` registers nothing: `define(tagName)` there. */
// The room renders <participant-grid> (and its <participant-tile>s): its define() registers them; <screen-share>, <consult-chat>, <file-share> and <consult-recorder> on first need (decision 47).
import { define, ConsultRoom } from './index.js';

export { define, ConsultRoom };

define();

declare global {
  interface HTMLElementTagNameMap {
    'consult-room': ConsultRoom;
  }
}
