/** Registers `<clinician-directory>` (the default name) on import. `./index.js` registers nothing: `define(tagName)` there. */
import { define, ClinicianDirectory } from './index.js';

export { define, ClinicianDirectory };

define();
