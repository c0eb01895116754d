import { ConsultKitError } from '../errors.js';

/** A recording's upload failed: the server refused it (`status`), or this browser could not record. */
export class RecordingError extends ConsultKitError {
  declare readonly code: 'recording-failed';
  constructor(
    message: string,
    /** The server's HTTP status, when it answered (0 otherwise). */
    readonly status = 0,
    /** Trying again later may help (the server was unreachable, busy, or failed). */
    readonly retry = false,
    options?: { cause?: unknown },
  ) {
    super('recording-failed', message, options);
    this.name = 'RecordingError';
  }
}
