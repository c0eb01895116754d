/** Registers `<screen-share>` (the default name) on import. `./index.js` registers nothing: `define(tagName)` there. */
import { define, ScreenShareElement } from './index.js';

export { define, ScreenShareElement };

define();
