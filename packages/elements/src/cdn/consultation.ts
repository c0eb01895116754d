/**
 * CDN entry of the consultation elements for a join page: `<device-check>`, `<waiting-room>` and
 * `<consult-room>` registered, and the core classes a page needs to drive them.
 */
import '../device-check/define.js';
import '../waiting-room/define.js';
import '../consult-room/define.js';

export { DeviceCheckElement } from '../device-check/device-check.js';
export { WaitingRoom } from '../waiting-room/waiting-room.js';
export { ConsultRoom } from '../consult-room/consult-room.js';
export { Consultation, ConsultKitError, DeviceCheck, LinkError } from '@consultkit/core';
