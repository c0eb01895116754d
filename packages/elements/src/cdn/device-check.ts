/** CDN entry of `<device-check>`: registers it; `DeviceCheck` is the core object that drives it. */
export { define, DeviceCheckElement } from '../device-check/define.js';
export { DeviceCheck } from '@consultkit/core';
