/**
 * `GET /check`: the page a reminder links to, where a patient tests their camera and microphone
 * before the day (`<device-check>` from `/cdn/consultation.js`). It needs no join link and holds
 * no personal data, so anyone may open it; it calls no API, so there is nothing to guess or to
 * rate-limit. Its inline script passes the CSP through the per-page hashes (plugins/headers.ts).
 */
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';

export const CHECK_PAGE = new URL('../../pages/check.html', import.meta.url);

export async function checkPagePlugin(app: FastifyInstance, options: { page?: URL | string }): Promise<void> {
  app.get('/check', async (_request, reply) => {
    const html = await readFile(options.page ?? CHECK_PAGE, 'utf8');
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
  });
}
