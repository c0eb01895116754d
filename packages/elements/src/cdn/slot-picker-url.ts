/**
 * CDN add-on for `<slot-picker history="url">` (the state in the page's address): load it after
 * `slot-picker.js`. Apart so that pages without it do not pay for it (the picker's size budget).
 */
import type { SlotPicker } from '../slot-picker/slot-picker.js';
import { installUrlState } from '../slot-picker/url-state.js';

void customElements
  .whenDefined('slot-picker')
  .then((picker) => installUrlState(picker as unknown as typeof SlotPicker));
