/**
 * Compile-time checks, not part of the app (nothing imports this file): `tsc -p .` in the
 * example's build fails if the wrappers' event props stop giving `event.detail` its type.
 */
import { ConsultRoom, SlotPicker } from '@consultkit/react';

export const typedEvents = (
  <>
    <SlotPicker
      onCkBooked={(event) => {
        const reference: string | undefined = event.detail.booking.reference;
        // @ts-expect-error -- a booking has no `nonsense`: `detail` is typed, not `any`
        return [reference, event.detail.booking.nonsense];
      }}
    />
    <ConsultRoom
      onCkEnded={(event) => {
        // @ts-expect-error -- `reason` is one of core's EndReason strings, not a number
        const reason: number = event.detail.reason;
        return reason;
      }}
    />
  </>
);
