/**
 * `@consultkit/core`: the typed ConsultKit client. State in small subscribable stores, commands as
 * methods, no UI.
 *
 * @packageDocumentation
 */
export { createStore, type ReadableStore, type WritableStore } from './store.js';
export { Emitter, type Listener } from './emitter.js';
export { ConsultKitError, LinkError, type ConsultKitErrorCode, type LinkErrorCode } from './errors.js';
export * from './consultation/index.js';
export * from './media/index.js';
export * from './booking/index.js';
export * from './consultation/sfu/index.js';
export * from './documents/index.js';
// A participant's network quality (with `unknown`) wins over the media module's sample grade of
// the same name, which it includes.
export type { NetworkQuality } from './consultation/participant.js';
// What `StaffClient.inviteGuest` and `guests` give (for views of a consultation's guests).
export type { ConsultationGuest, GuestInvitation } from './booking/staff.js';
// The staff directory, presence and calling a colleague in (docs/staff.md).
export {
  StaffDirectory,
  type DirectoryEntry,
  type DirectoryLive,
  type StaffDirectoryOptions,
  type StaffDirectoryState,
} from './staff/directory.js';
// Messages between staff (docs/staff.md, "Messages"), and the staff live stream they share with the directory.
export {
  StaffMessages,
  type StaffConversationStart,
  type StaffMessagesEvents,
  type StaffMessagesOptions,
  type StaffMessagesState,
  type StaffUnreadChange,
} from './staff/messages.js';
// Everyone who may be messaged, reception too (docs/staff.md, "Messages"; decision 0049).
export {
  StaffPeople,
  type StaffPeopleMember,
  type StaffPeopleOptions,
  type StaffPeopleQuery,
  type StaffPeopleState,
} from './staff/people.js';
export {
  StaffStream,
  type StaffLive,
  type StaffStreamEvents,
  type StaffStreamOptions,
  type StaffStreamState,
} from './staff/stream.js';
// The composite recording's upload (`consultation.recorder`); its capture is loaded on demand.
export * from './recording/index.js';
