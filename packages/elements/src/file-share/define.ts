/** Registers `<file-share>` (the default name) on import. `./index.js` registers nothing: `define(tagName)` there. */
import { define, FileShare } from './index.js';

export { define, FileShare };

define();
