/**
 * `<consult-room>` without registering it: the class, and `define()` to register it under a tag of the
 * host's choice. Importing this module defines nothing (`define.js` registers the default name).
 */
import { defineElement } from '../internal/define.js';
import { ConsultRoom } from './consult-room.js';
import { define as defineParticipantGrid } from '../participant-grid/index.js';
import { define as defineScreenShare } from '../screen-share/index.js';
import { define as defineFileShare } from '../file-share/index.js';
import { define as defineConsultRecorder } from '../consult-recorder/index.js';

export { ConsultRoom };

/**
 * Registers the element as `tagName` (default `<consult-room>`) and returns the class that holds the tag:
 * a subclass when the class already holds another name; the one already there, with a warning
 * naming both versions, when another version of ConsultKit (or another element) holds it.
 *
 * The element renders `<participant-grid>`, `<screen-share>`, `<consult-chat>`, `<file-share>` and `<consult-recorder>` by their default names whatever `tagName` is: those names are defined too
 * (kept as it is when the same version already holds it; a warning when another version does);
 * `<consult-chat>` when the chat is first opened, with its module (decision 43).
 */
export function define(tagName = 'consult-room'): typeof ConsultRoom {
  defineParticipantGrid();
  defineScreenShare();
  defineFileShare();
  defineConsultRecorder();
  return defineElement(tagName, ConsultRoom) as typeof ConsultRoom;
}
