/**
 * `<consult-chat>` without registering it: the class, and `define()` to register it under a tag of the
 * host's choice. Importing this module defines nothing (`define.js` registers the default name).
 */
import { defineElement } from '../internal/define.js';
import { ConsultChat } from './consult-chat.js';

export { ConsultChat };

/**
 * Registers the element as `tagName` (default `<consult-chat>`) and returns the class that holds the tag:
 * a subclass when the class already holds another name; the one already there, with a warning
 * naming both versions, when another version of ConsultKit (or another element) holds it.
 */
export function define(tagName = 'consult-chat'): typeof ConsultChat {
  return defineElement(tagName, ConsultChat) as typeof ConsultChat;
}
