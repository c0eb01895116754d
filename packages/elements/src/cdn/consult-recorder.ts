/**
 * CDN entry of `<consult-recorder>`: registers it (`<consult-room>` shows one in its controls; this
 * entry is for a host that places it alone). `Consultation` (core) is what it shows the recording of.
 */
export { define, ConsultRecorder } from '../consult-recorder/define.js';
export { Consultation, ConsultKitError } from '@consultkit/core';
