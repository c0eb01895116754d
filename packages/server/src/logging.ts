/**
 * The server's log: request lines never carry a join link's token, a session or signalling token,
 * or a key. Tokens travel in paths (`/join/{jwt}`) and in the signalling socket's query string
 * (`?token=…`), a manage link's in its path (`/manage/{token}`); all are redacted from every URL
 * the log writes.
 */
import type { FastifyServerOptions } from 'fastify';

export const REDACTED = '[redacted]';

/** Query parameters whose values are secrets. */
const SECRET_PARAMS = /([?&](?:token|key|code|state|access_token|id_token|session)=)[^&#]*/gi;

/** `url` with every token in it replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  return url.replace(/^\/(join|manage)\/[^?#]+/, `/$1/${REDACTED}`).replace(SECRET_PARAMS, `$1${REDACTED}`);
}

interface LoggedRequest {
  method: string;
  url: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** Fastify's logger options: the level, where it writes, and serializers that redact. */
export function loggerOptions(
  level: string,
  stream?: NodeJS.WritableStream,
): Exclude<FastifyServerOptions['logger'], boolean | undefined> {
  return {
    level,
    ...(stream ? { stream } : {}),
    // Headers (Authorization, Cookie) are never logged; these paths are for any object that
    // carries them into a log call by mistake.
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie'],
      censor: REDACTED,
    },
    serializers: {
      req(request: LoggedRequest) {
        return {
          method: request.method,
          url: redactUrl(request.url),
          remoteAddress: request.ip,
          remotePort: request.socket?.remotePort,
        };
      },
    },
  };
}
