/**
 * `@consultkit/elements`: Lit custom elements over `@consultkit/core`. Importing this module
 * registers every element; import `…/define.js` of one element to register just that one, or its
 * class module to register it under a tag of your own.
 */
import './consult-room/define.js';
import './slot-picker/define.js';
import './booking-desk/define.js';
import './device-check/define.js';
import './waiting-room/define.js';
import './participant-tile/define.js';
import './participant-grid/define.js';
import './guest-invite/define.js';
import './screen-share/define.js';
import './consult-chat/define.js';
import './file-share/define.js';
import './consult-recorder/define.js';
import './clinician-directory/define.js';
import './staff-chat/define.js';

export { ConsultRoom } from './consult-room/consult-room.js';
export { SlotPicker } from './slot-picker/slot-picker.js';
export { BookingDesk } from './booking-desk/booking-desk.js';
export { DeviceCheckElement, type DeviceCheckLike } from './device-check/device-check.js';
export { WaitingRoom } from './waiting-room/waiting-room.js';
export { ParticipantTile } from './participant-tile/participant-tile.js';
export { ParticipantGrid, gridShape } from './participant-grid/participant-grid.js';
export { GuestInvite } from './guest-invite/guest-invite.js';
export { ScreenShareElement } from './screen-share/screen-share.js';
export { ConsultChat, unreadText } from './consult-chat/consult-chat.js';
export { FileShare } from './file-share/file-share.js';
export { ConsultRecorder, retentionText } from './consult-recorder/consult-recorder.js';
export { ClinicianDirectory, presenceText, type DirectoryLike } from './clinician-directory/clinician-directory.js';
export {
  StaffChat,
  type StaffChatState,
  type StaffMessagesLike,
  type ColleagueSearch,
  type ColleagueSearchState,
  type Colleague,
} from './staff-chat/staff-chat.js';
export type { CkEventMap } from './internal/events.js';
