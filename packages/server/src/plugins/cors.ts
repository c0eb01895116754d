/**
 * Cross-origin access to the FHIR API, so `<slot-picker>` on a practice's own website and
 * `<booking-desk>` in a vendor's console can call it. No cookies cross origins (credentials are
 * never allowed cross-origin): patients use their booking reference and vendors the staff key, both
 * as `Authorization: Bearer`.
 */
import type { FastifyInstance } from 'fastify';

export interface CorsOptions {
  /** Allowed origins (`https://www.riverside-surgery.example`), or `*` for any. */
  origins: string[];
  /** Path prefixes the rules apply to. */
  prefixes: string[];
}

const ALLOW_HEADERS = 'authorization, content-type, if-match, if-none-exist, idempotency-key, prefer';
const EXPOSE_HEADERS = 'etag, location, content-location, last-modified, retry-after, preference-applied';

export async function corsPlugin(app: FastifyInstance, { origins, prefixes }: CorsOptions): Promise<void> {
  const any = origins.includes('*');
  const applies = (url: string) =>
    prefixes.some((prefix) => url === prefix || url.startsWith(`${prefix}/`) || url.startsWith(`${prefix}?`));
  const allowed = (origin: string | undefined) =>
    origin && (any || origins.includes(origin)) ? (any ? '*' : origin) : null;

  app.addHook('onRequest', async (request, reply) => {
    if (!applies(request.url)) return;
    const origin = allowed(request.headers.origin);
    if (!origin) return;
    reply.header('access-control-allow-origin', origin);
    reply.header('access-control-expose-headers', EXPOSE_HEADERS);
    if (origin !== '*') reply.header('vary', 'Origin');
    if (request.method === 'OPTIONS') {
      await reply
        .code(204)
        .header('access-control-allow-methods', 'GET, POST, PUT, OPTIONS')
        .header('access-control-allow-headers', ALLOW_HEADERS)
        .header('access-control-max-age', '600')
        .send();
    }
  });

  // Preflights need a route to land on; the hook above answers them.
  for (const prefix of prefixes) app.options(`${prefix}/*`, async (_request, reply) => reply.code(204).send());
}

// Not encapsulated: the hook must see the FHIR routes, which another plugin registers.
(corsPlugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
