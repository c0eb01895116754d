/**
 * `<file-share>` without registering it: the class, and `define()` to register it under a tag of the
 * host's choice. Importing this module defines nothing (`define.js` registers the default name).
 */
import { defineElement } from '../internal/define.js';
import { FileShare } from './file-share.js';

export { FileShare };

/**
 * Registers the element as `tagName` (default `<file-share>`) and returns the class that holds the tag:
 * a subclass when the class already holds another name; the one already there, with a warning
 * naming both versions, when another version of ConsultKit (or another element) holds it.
 */
export function define(tagName = 'file-share'): typeof FileShare {
  return defineElement(tagName, FileShare) as typeof FileShare;
}
