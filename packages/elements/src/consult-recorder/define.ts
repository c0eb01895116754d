/** Registers `<consult-recorder>` (the default name) on import. `./index.js` registers nothing: `define(tagName)` there. */
import { define, ConsultRecorder } from './index.js';

export { define, ConsultRecorder };

define();
