export { Consultation, type ConsultationOptions } from './consultation.js';
export type {
  ConsultationEvents,
  ConsultationState,
  ConsultationStatus,
  EndReason,
  JoinTicket,
  Role,
} from './types.js';
