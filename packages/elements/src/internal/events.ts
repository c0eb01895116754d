import type { ConsultationStatus, EndReason } from '@consultkit/core';

/**
 * Every event ConsultKit elements fire: `ck-` prefixed, `bubbles` and `composed`, so a host can
 * listen on the element or any ancestor.
 */
export interface CkEventMap {
  /** The consultation's status changed. */
  'ck-status-change': CustomEvent<{ status: ConsultationStatus }>;
  /** The user muted or unmuted the microphone. */
  'ck-mute-change': CustomEvent<{ muted: boolean }>;
  /** The user turned the camera off or on. */
  'ck-camera-change': CustomEvent<{ cameraOff: boolean }>;
  /** The user asked to leave. Cancelable: `preventDefault()` keeps the call going. */
  'ck-request-leave': CustomEvent<Record<string, never>>;
  /** The consultation ended, by either side. */
  'ck-ended': CustomEvent<{ reason: EndReason }>;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends CkEventMap {}
}
