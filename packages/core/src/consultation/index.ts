export { Consultation } from './consultation.js';
export type {
  ConsultationEvents,
  ConsultationOptions,
  ConsultationState,
  ConsultationStatus,
  EndReason,
  JoinTicket,
  Participant,
  Role,
} from './types.js';
export type { NetworkQuality, ParticipantState, PendingCommand, Presence } from './participant.js';
export { connects, placesCall, presenceOf, sends } from './roster.js';
export type { MediaTransport, RemoteMedia, TransportState } from './transport.js';
export type { LinkStatus } from './link.js';
export { screenShareSupported } from './screen-basics.js';
export type { ScreenShareEvents, ScreenShareState, ScreenShareStopReason } from './screen.js';
export { Chat, CHAT_TEXT_MAX } from './chat.js';
export type { ChatDelivery, ChatEntry, ChatEvents, ChatMarks, ChatMessage, ChatSelf, ChatState } from './chat.js';
export { Recording, recordingTransitions } from './recording.js';
export type { RecordingEvents, RecordingPieceState } from './recording.js';
