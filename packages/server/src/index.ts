export {
  createServer,
  DEFAULT_SERVE,
  SLOT_GENERATION_INTERVAL_MS,
  VERSION,
  type ConsultKitServer,
  type ServeOptions,
  type ServerOptions,
} from './app.js';
export { loadConfig, ConfigError, DEV_SECRET, DEV_STAFF_KEY, type Config } from './config.js';
export { operationOutcome, HttpError, type OperationOutcome } from './errors.js';
export { openStorage, migrate, type Storage, type SqlExecutor, type StorageKind } from './storage/index.js';
export { SignallingTokens, TokenError, type SignallingClaims, type Role } from './tokens.js';
export { SIGNAL_KEY, SIGNAL_PATH } from './plugins/signalling.js';

// Booking: what a benchmark or an embedder needs to fill a database and search it.
export {
  BookingRepository,
  createPractitioners,
  generateSlotsFor,
  type PracticeFixture,
  type SlotQuery,
  type SlotRow,
  type SlotStatus,
  type AppointmentStatus,
  type DeliveryChannel,
  type Page,
} from './booking/repository.js';
export { BookingService, PLANNING_HORIZON_DAYS, type Caller } from './booking/service.js';
export { BookingEvents, type AppointmentEvent } from './booking/events.js';
export { seedDemoPractice, DEMO_PRACTICE_NAME } from './booking/seed.js';
export { slotTimes, validateTemplate, TemplateError, type WeeklyTemplate, type Weekday } from './booking/template.js';
export { composeConfirmation } from './plugins/mail.js';
