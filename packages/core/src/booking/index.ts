/**
 * `@consultkit/core/booking`: booking over FHIR R4, without the video code (PeerJS), for pages
 * that only book.
 *
 * @module
 */
export { BookingClient } from './booking-client.js';
export { SlotClient, newIdempotencyKey, toBookableSlot } from './client.js';
export { toBooking } from './to-booking.js';
export { DetailsError, StaffClient, type Diary } from './staff.js';
export type { BookingClientOptions, FhirResponse, RequestHeaders } from './client.js';
export { FhirError } from './fhir-error.js';
export {
  ManageClient,
  ManageError,
  type ManageClientOptions,
  type ManagedBooking,
  type ManagedBookingWithToken,
  type ManageProblem,
  type ManageSlot,
  type ManageSlots,
} from './manage.js';
export {
  BookingDeskStore,
  VIDEO_NOW,
  type BookingDeskStoreOptions,
  type BookingDeskState,
  type DeskAction,
  type DeskActionResult,
  type DeskLive,
} from './desk.js';
export { readEventStream, type ServerEvent } from './events.js';
export {
  validateDetails,
  validateVideoNow,
  VIDEO_NOW_FIELDS,
  type VideoNowField,
  stripBidi,
  BIDI_CONTROLS,
  BIDI_MARKS,
  DETAILS_FIELDS,
  type DetailsField,
  type DetailsProblem,
} from './patient.js';
export { DEFAULT_TIME_ZONE, addDays, formatDate, formatTime, formatTimeZone, localDate } from './slots.js';
export {
  dayChoices,
  filterChoices,
  filterSlots,
  firstAvailable,
  formatShortDate,
  groupByPartOfDay,
  groupSlotsByDay,
  type DayChoice,
  type PartOfDay,
  type PartOfDaySlots,
  type PractitionerSlots,
  type SlotFilter,
  type SlotDay,
} from './slot-choice.js';
export { groupByPractitioner, startOfLocalDay } from './diary.js';
export * from './types.js';
export { ConsultKitError, type ConsultKitErrorCode } from '../errors.js';
export { createStore, type ReadableStore, type WritableStore } from '../store.js';
export { STAFF_TRANSITIONS, staffMayChange, type AppointmentStatus } from '../contract/fhir.js';
