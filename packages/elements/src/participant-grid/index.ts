/**
 * `<participant-grid>` without registering it: the class, and `define()` to register it under a tag of the
 * host's choice. Importing this module defines nothing (`define.js` registers the default name).
 */
import { defineElement } from '../internal/define.js';
import { ParticipantGrid } from './participant-grid.js';
import { define as defineParticipantTile } from '../participant-tile/index.js';

export { ParticipantGrid };

/**
 * Registers the element as `tagName` (default `<participant-grid>`) and returns the class that holds the tag:
 * a subclass when the class already holds another name; the one already there, with a warning
 * naming both versions, when another version of ConsultKit (or another element) holds it.
 *
 * The element renders `<participant-tile>` by its default name whatever `tagName` is: that name is defined too
 * (kept as it is when the same version already holds it; a warning when another version does).
 */
export function define(tagName = 'participant-grid'): typeof ParticipantGrid {
  defineParticipantTile();
  return defineElement(tagName, ParticipantGrid) as typeof ParticipantGrid;
}
