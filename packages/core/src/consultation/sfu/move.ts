/**
 * What a `Consultation` needs when its room moves past the mesh (decision 47): the handover (make
 * before break) and the default SFU transport, one module imported then.
 */
export { Handover } from './handover.js';
export { sfuTransport } from './transport.js';
