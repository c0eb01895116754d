/** Registers `<consult-chat>` (the default name) on import. `./index.js` registers nothing: `define(tagName)` there. */
import { define, ConsultChat } from './index.js';

export { define, ConsultChat };

define();
