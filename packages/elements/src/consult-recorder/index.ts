/**
 * `<consult-recorder>` without registering it: the class, and `define()` to register it under a tag of the
 * host's choice. Importing this module defines nothing (`define.js` registers the default name).
 */
import { defineElement } from '../internal/define.js';
import { ConsultRecorder } from './consult-recorder.js';

export { ConsultRecorder };

/**
 * Registers the element as `tagName` (default `<consult-recorder>`) and returns the class that holds the tag:
 * a subclass when the class already holds another name; the one already there, with a warning
 * naming both versions, when another version of ConsultKit (or another element) holds it.
 */
export function define(tagName = 'consult-recorder'): typeof ConsultRecorder {
  return defineElement(tagName, ConsultRecorder) as typeof ConsultRecorder;
}
