/**
 * `@consultkit/core/contract`: the wire contract the ConsultKit server and core share, written
 * once: ticket and join-link types and problem codes, signalling and control messages, error
 * codes, FHIR names, time-zone arithmetic and the patient-details rules. No DOM, no Node APIs, no
 * dependencies: it runs in a browser, in Node, and on the server (docs/decisions/0014-one-contract.md).
 *
 * @module
 */
export * from './join.js';
export * from './signalling.js';
export * from './room.js';
export * from './chat.js';
export * from './sfu.js';
export * from './errors.js';
export * from './link-error.js';
export * from './fhir.js';
export * from './patient.js';
export * from './zone.js';
export * from './documents.js';
export * from './recording.js';
export * from './staff.js';
export * from './directory.js';
export * from './staff-chat.js';
