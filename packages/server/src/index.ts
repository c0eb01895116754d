export { createServer, DEFAULT_SERVE, VERSION, type ConsultKitServer, type ServeOptions } from './app.js';
export { loadConfig, ConfigError, DEV_SECRET, type Config } from './config.js';
export { operationOutcome, HttpError, type OperationOutcome } from './errors.js';
export { openStorage, migrate, type Storage, type SqlExecutor, type StorageKind } from './storage/index.js';
export { SignallingTokens, TokenError, type SignallingClaims, type Role } from './tokens.js';
export { SIGNAL_KEY, SIGNAL_PATH } from './plugins/signalling.js';
