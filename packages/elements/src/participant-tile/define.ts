/** Registers `<participant-tile>` (the default name) on import. `./index.js` registers nothing: `define(tagName)` there. */
import { define, ParticipantTile } from './index.js';

export { define, ParticipantTile };

define();

declare global {
  interface HTMLElementTagNameMap {
    'participant-tile': ParticipantTile;
  }
}
