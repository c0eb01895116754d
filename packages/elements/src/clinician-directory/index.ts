/**
 * `<clinician-directory>` without registering it: the class, and `define()` to register it under a tag of
 * the host's choice. Importing this module defines nothing (`define.js` registers the default name).
 */
import { defineElement } from '../internal/define.js';
import { ClinicianDirectory } from './clinician-directory.js';

export { ClinicianDirectory };

/**
 * Registers the element as `tagName` (default `<clinician-directory>`) and returns the class that holds
 * the tag (see `consult-chat`'s `define` for the rules).
 */
export function define(tagName = 'clinician-directory'): typeof ClinicianDirectory {
  return defineElement(tagName, ClinicianDirectory) as typeof ClinicianDirectory;
}
