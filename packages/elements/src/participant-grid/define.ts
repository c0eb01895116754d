/** Registers `<participant-grid>` (the default name) on import. `./index.js` registers nothing: `define(tagName)` there. */
// The grid renders <participant-tile>: its define() registers that too.
import { define, ParticipantGrid } from './index.js';

export { define, ParticipantGrid };

define();

declare global {
  interface HTMLElementTagNameMap {
    'participant-grid': ParticipantGrid;
  }
}
