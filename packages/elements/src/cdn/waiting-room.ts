/** CDN entry of `<waiting-room>`: registers it; `Consultation` (core) is what it shows the state of. */
export { define, WaitingRoom } from '../waiting-room/define.js';
export { Consultation, ConsultKitError, LinkError } from '@consultkit/core';
