/**
 * `<slot-picker>` without registering it: the class, and `define()` to register it under a tag of
 * the host's choice. Importing this module defines nothing (`define.js` registers the default name).
 */
import { updateWhenLocaleChanges } from '@lit/localize';
import { defineElement } from '../internal/define.js';
import { SlotPicker } from './slot-picker.js';
import { installUrlState } from './url-state.js';

export { SlotPicker };

let prepared = false;

/**
 * Registers the element as `tagName` (default `<slot-picker>`) and returns the class that holds the
 * tag: a subclass when the class already holds another name; the one already there, with a warning
 * naming both versions, when another version of ConsultKit (or another element) holds it.
 *
 * The class it registers re-renders when the page's language changes and keeps its state in the
 * address with `history="url"` (what the CDN's `slot-picker.js` leaves to its add-on).
 */
export function define(tagName = 'slot-picker'): typeof SlotPicker {
  if (!prepared) {
    prepared = true;
    // What `@localized()` does: re-render when the locale changes. Here rather than on the class so
    // that the CDN bundle, which cannot change locale, goes without.
    SlotPicker.addInitializer((element) => updateWhenLocaleChanges(element as SlotPicker));
    // `history="url"`: the picker's state in the page's address (docs/booking.md).
    installUrlState(SlotPicker, tagName);
  }
  return defineElement(tagName, SlotPicker) as typeof SlotPicker;
}
