/**
 * `<consult-room>` without registering it: the class, and `define()` to register it under a tag of the
 * host's choice. Importing this module defines nothing (`define.js` registers the default name).
 */
import { defineElement } from '../internal/define.js';
import { ConsultRoom } from './consult-room.js';
import { define as defineParticipantGrid } from '../participant-grid/index.js';

export { ConsultRoom };

/**
 * Registers the element as `tagName` (default `<consult-room>`) and returns the class that holds the tag:
 * a subclass when the class already holds another name; the one already there, with a warning
 * naming both versions, when another version of ConsultKit (or another element) holds it.
 *
 * The element renders `<participant-grid>`, `<screen-share>`, `<consult-chat>`, `<file-share>` and `<consult-recorder>` by their default names whatever `tagName` is: those names are defined too
 * (kept as it is when the same version already holds it; a warning when another version does):
 * `<participant-grid>` now; the others with their modules when the room first needs them:
 * `<consult-chat>` when the chat is first opened (decision 43), `<screen-share>` once let in,
 * `<file-share>` with the documents, `<consult-recorder>` on a clinician's page or when a recording
 * is asked for (decision 47). A page that needs one earlier imports its `define.js`.
 */
export function define(tagName = 'consult-room'): typeof ConsultRoom {
  defineParticipantGrid();
  return defineElement(tagName, ConsultRoom) as typeof ConsultRoom;
}
