import type { OperationOutcome } from 'fhir/r4.js';
import { ConsultKitError } from '../errors.js';

/**
 * A FHIR interaction failed. `status` is the HTTP status (`0` when no answer came: code
 * `network`), `outcome` the server's `OperationOutcome`, `message` its diagnostics in plain words.
 */
export class FhirError extends ConsultKitError {
  constructor(
    /** HTTP status; `0` when the server could not be reached. */
    readonly status: number,
    /** The `OperationOutcome` the server answered with, if it sent one. */
    readonly outcome: OperationOutcome | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(status ? 'fhir-error' : 'network', message, options);
    this.name = 'FhirError';
  }
}
