import { updateWhenLocaleChanges } from '@lit/localize';
import { SlotPicker } from './slot-picker.js';

export { SlotPicker };

// What `@localized()` does: re-render when the locale changes. Here rather than on the class so
// that the CDN bundle, which defines the element itself and cannot change locale, goes without.
SlotPicker.addInitializer((element) => updateWhenLocaleChanges(element as SlotPicker));

if (!customElements.get('slot-picker')) customElements.define('slot-picker', SlotPicker);

declare global {
  interface HTMLElementTagNameMap {
    'slot-picker': SlotPicker;
  }
}
