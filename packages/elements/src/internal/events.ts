import type { ConsultationStatus, EndReason } from '@consultkit/core';
import type { BookableSlot, Booking, DeskAction, FhirError, LinkSentTo } from '@consultkit/core/booking';
import type { GuestInvitation } from '@consultkit/core';
import type { DirectoryEntry } from '@consultkit/core';
import type {
  CallInNotice,
  DocumentInfo,
  JoinTicket,
  RecordingStatus,
  StaffCallDeclined,
  StaffConversation,
  StaffMessage,
} from '@consultkit/core/contract';

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
  /**
   * `<participant-tile>`: the clinician pressed "Admit" on a waiting guest's tile. Cancelable:
   * `<consult-room>` calls `admit(peerId)` unless a listener calls `preventDefault()`.
   */
  'ck-request-admit': CustomEvent<{ peerId: string }>;
  /**
   * `<participant-tile>`: the clinician pressed "Remove" on a guest's tile. Cancelable:
   * `<consult-room>` removes the guest unless a listener calls `preventDefault()`.
   */
  'ck-request-remove': CustomEvent<{ peerId: string }>;
  /** `<consult-room>`: the participant who left pressed "Rejoin". Cancelable: `preventDefault()` stays out. */
  'ck-request-rejoin': CustomEvent<Record<string, never>>;
  /** `<screen-share>`: who shares their screen changed (`presenter` null: nobody; `local`: this page). */
  'ck-screen-share-change': CustomEvent<{ presenter: string | null; local: boolean }>;
  /** `<consult-recorder>`: the recording's status changed (`status` null: nobody asked). */
  'ck-recording-change': CustomEvent<{ status: RecordingStatus | null; recordingId: string | null }>;
  /** The consultation ended, by either side. */
  'ck-ended': CustomEvent<{ reason: EndReason }>;
  /** `<device-check>`: camera and microphone work and the person pressed continue. */
  'ck-devices-ready': CustomEvent<{ stream: MediaStream; speakerId: string | null }>;
  /** `<waiting-room>`: the clinician let a waiting patient in. */
  'ck-participant-admitted': CustomEvent<{ peerId: string }>;
  /** `<waiting-room>`: the clinician turned a waiting patient away, with a message. */
  'ck-participant-declined': CustomEvent<{ peerId: string; message: string }>;
  /** `<consult-chat>`: a message was handed to the chat (it shows as sending, then sent). */
  'ck-chat-sent': CustomEvent<{ id: string; text: string }>;
  /** `<guest-invite>`: a guest was invited (their link in `invitation.url`). */
  'ck-guest-invited': CustomEvent<{ invitation: GuestInvitation }>;
  /** `<guest-invite>`: a guest was removed (their link no longer works). */
  'ck-guest-removed': CustomEvent<{ guestId: string }>;
  /** `<file-share>`: a file of this page arrived at the server. */
  'ck-document-sent': CustomEvent<{ document: DocumentInfo }>;
  /** `<file-share>`: a clinician filed a document to the patient's record (`reference`: the DocumentReference). */
  'ck-document-filed': CustomEvent<{
    document: DocumentInfo;
    reference: { resourceType: 'DocumentReference'; id: string };
  }>;
  /** `<slot-picker>`: the patient chose a time. */
  'ck-slot-selected': CustomEvent<{ slot: BookableSlot }>;
  /** `<slot-picker>`: the booking was made (`pending` until the practice confirms it). */
  'ck-booked': CustomEvent<{ booking: Booking }>;
  /** `<slot-picker>`: the booking was refused or not sent; `error.status` 409: the time was taken first. */
  'ck-booking-failed': CustomEvent<{ error: FhirError; slot: BookableSlot }>;
  /** `<booking-desk>`: a pending request was confirmed. */
  'ck-appointment-confirmed': CustomEvent<{ booking: Booking }>;
  /** `<booking-desk>`: a pending request was declined. */
  'ck-appointment-declined': CustomEvent<{ booking: Booking; reason: string | undefined }>;
  /** `<booking-desk>`: the practice cancelled an appointment. */
  'ck-appointment-cancelled': CustomEvent<{ booking: Booking; reason: string | undefined }>;
  /** `<booking-desk>`: an appointment moved to another time; `previous` is how it was. */
  'ck-appointment-rescheduled': CustomEvent<{ booking: Booking; previous: Booking | undefined }>;
  /** `<booking-desk>`: the patient of a video appointment was sent a fresh join link. */
  'ck-join-link-sent': CustomEvent<{ booking: Booking }>;
  /** `<booking-desk>`: a video consultation was started now; `linkSentTo` says where its link went. */
  'ck-video-started': CustomEvent<{ booking: Booking; linkSentTo: LinkSentTo }>;
  /** `<booking-desk>`: the patient did not come. */
  'ck-appointment-no-show': CustomEvent<{ booking: Booking }>;
  /** `<clinician-directory>`: a colleague was asked to join the consultation (`notified`: they were online to be told). */
  'ck-called-in': CustomEvent<{ practitioner: string; notified: boolean }>;
  /** `<clinician-directory>`: a colleague asks the viewer to join a consultation. */
  'ck-call-in-received': CustomEvent<{ notice: CallInNotice }>;
  /**
   * `<clinician-directory>`: the viewer pressed Join. Cancelable: unless prevented, the page goes to
   * `notice.url` (a consultation), or the element joins the call with no patient (`ck-staff-call-joined`).
   */
  'ck-call-in-join': CustomEvent<{ notice: CallInNotice }>;
  /**
   * `<clinician-directory>`: the viewer called a colleague with no patient. `ticket` (a new call):
   * the viewer's own, to open `<consult-room>` with; absent when a colleague was asked into the running call.
   */
  'ck-staff-call-started': CustomEvent<{ practitioner: string; call: string; notified: boolean; ticket?: JoinTicket }>;
  /** `<clinician-directory>`: the viewer joined a colleague's call with no patient: open `<consult-room>` with `ticket`. */
  'ck-staff-call-joined': CustomEvent<{ notice: CallInNotice; ticket: JoinTicket }>;
  /** `<clinician-directory>`: a colleague the viewer called declined. */
  'ck-staff-call-declined': CustomEvent<StaffCallDeclined>;
  /** `<clinician-directory>`: the viewer pressed "Message" beside a colleague (a host opens a conversation with them). */
  'ck-message-requested': CustomEvent<{ practitioner: DirectoryEntry }>;
  /** `<staff-chat>`: a message arrived live (`mine`: written by the viewer, on this or another device). */
  'ck-staff-message': CustomEvent<{ message: StaffMessage; conversation: StaffConversation; mine: boolean }>;
  /** `<staff-chat>`: the total of unread messages in the viewer's conversations changed. */
  'ck-unread-changed': CustomEvent<{ unread: number }>;
  /** `<staff-chat>`: a conversation was opened. */
  'ck-staff-conversation-opened': CustomEvent<{ conversation: StaffConversation }>;
  /** `<staff-chat>`: the viewer started a conversation (or the server answered the one-to-one that was there). */
  'ck-staff-conversation-started': CustomEvent<{ conversation: StaffConversation }>;
  /** `<staff-chat>`: the server stored a message the viewer sent. */
  'ck-staff-message-sent': CustomEvent<{ message: StaffMessage }>;
  /** `<booking-desk>`: an action failed (the message is also shown and announced). */
  'ck-desk-action-failed': CustomEvent<{ action: DeskAction; id: string; error: FhirError }>;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends CkEventMap {}
}
