export { Consultation, type ConsultationOptions } from './consultation.js';
export type {
  ConsultationEvents,
  ConsultationState,
  ConsultationStatus,
  EndReason,
  JoinTicket,
  Participant,
  Presence,
  Role,
} from './types.js';
