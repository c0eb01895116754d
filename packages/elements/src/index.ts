/**
 * `@consultkit/elements`: Lit custom elements over `@consultkit/core`. Importing this module
 * registers every element; import `…/define.js` of one element to register just that one, or its
 * class module to register it under a tag of your own.
 */
import './consult-room/define.js';

export { ConsultRoom } from './consult-room/consult-room.js';
export type { CkEventMap } from './internal/events.js';
