/**
 * A refused join link or session. Apart from `errors.ts` so that what every page loads,
 * `ConsultKitError`, does not bring it: only the consultation's pages use it (decision 46). Both
 * are exported where they were (`@consultkit/core`, `@consultkit/core/contract`).
 */
import { ConsultKitError, type ConsultKitErrorCode } from './errors.js';

/** The codes of a refused join link or session (see `JoinProblem` for the server's side). */
export type LinkErrorCode = Extract<ConsultKitErrorCode, `link-${string}`> | 'session-missing';

/**
 * A join link or session refused: `code` says why, `opensAt` when an early link opens (null for
 * the other codes), `status` the HTTP status the server answered.
 */
export class LinkError extends ConsultKitError {
  declare readonly code: LinkErrorCode;

  constructor(
    code: LinkErrorCode,
    message: string,
    /** When the link starts working, for `link-early`; null otherwise. */
    readonly opensAt: Date | null = null,
    /** The HTTP status of the refusal (0 when there was no answer). */
    readonly status = 0,
  ) {
    super(code, message);
    this.name = 'LinkError';
  }
}
