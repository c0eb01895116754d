/** Registers `<staff-chat>` (the default name) on import. `./index.js` registers nothing: `define(tagName)` there. */
import { define, StaffChat } from './index.js';

export { define, StaffChat };

define();
