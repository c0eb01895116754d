/** Registers `<device-check>` (the default name) on import. `./index.js` registers nothing: `define(tagName)` there. */
import { define, DeviceCheckElement } from './index.js';

export { define, DeviceCheckElement };

define();

declare global {
  interface HTMLElementTagNameMap {
    'device-check': DeviceCheckElement;
  }
}
