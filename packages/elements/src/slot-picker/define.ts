/** Registers `<slot-picker>` (the default name) on import. `./index.js` registers nothing: `define(tagName)` there. */
import { define, SlotPicker } from './index.js';

export { define, SlotPicker };

define();

declare global {
  interface HTMLElementTagNameMap {
    'slot-picker': SlotPicker;
  }
}
