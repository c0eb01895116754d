import { updateWhenLocaleChanges } from '@lit/localize';
import { SlotPicker } from './slot-picker.js';
import { installUrlState } from './url-state.js';

export { SlotPicker };

// What `@localized()` does: re-render when the locale changes. Here rather than on the class so
// that the CDN bundle, which defines the element itself and cannot change locale, goes without.
SlotPicker.addInitializer((element) => updateWhenLocaleChanges(element as SlotPicker));
// `history="url"`: the picker's state in the page's address (docs/booking.md).
installUrlState(SlotPicker);

if (!customElements.get('slot-picker')) customElements.define('slot-picker', SlotPicker);

declare global {
  interface HTMLElementTagNameMap {
    'slot-picker': SlotPicker;
  }
}
