import { DeviceCheckElement } from './device-check.js';

export { DeviceCheckElement };

if (!customElements.get('device-check')) customElements.define('device-check', DeviceCheckElement);

declare global {
  interface HTMLElementTagNameMap {
    'device-check': DeviceCheckElement;
  }
}
