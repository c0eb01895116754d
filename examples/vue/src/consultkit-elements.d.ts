/**
 * The two elements this app uses, as vue-tsc sees them: their properties and their events as
 * `on…` props, so a listener like `@ck-booked="onBooked"` is checked against the event's type
 * (`CkEventMap` from `@consultkit/elements`). Without it vue-tsc types a custom element's events
 * as nothing in particular. (Issue 15 part 3 generates such declarations for every element from
 * custom-elements.json; this example then imports those instead.)
 */
import type { DefineComponent } from 'vue';
import type { Consultation } from '@consultkit/core';
import type { CkEventMap } from '@consultkit/elements';

type On<K extends keyof CkEventMap> = (event: CkEventMap[K]) => void;

declare module 'vue' {
  interface GlobalComponents {
    'slot-picker': DefineComponent<{
      fhirBase?: string;
      practitioner?: string;
      serviceType?: string;
      days?: number;
      locale?: string;
      onCkSlotSelected?: On<'ck-slot-selected'>;
      onCkBooked?: On<'ck-booked'>;
      onCkBookingFailed?: On<'ck-booking-failed'>;
    }>;
    'consult-room': DefineComponent<{
      consultation?: Consultation;
      locale?: string;
      onCkStatusChange?: On<'ck-status-change'>;
      onCkMuteChange?: On<'ck-mute-change'>;
      onCkCameraChange?: On<'ck-camera-change'>;
      onCkRequestLeave?: On<'ck-request-leave'>;
      onCkEnded?: On<'ck-ended'>;
      onCkRequestAdmit?: On<'ck-request-admit'>;
      onCkRequestRemove?: On<'ck-request-remove'>;
      onCkRequestRejoin?: On<'ck-request-rejoin'>;
    }>;
  }
}
