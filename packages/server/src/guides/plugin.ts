/**
 * The patient guides, public pages anyone may read (no credentials, nothing personal, nothing
 * stored): `GET /guides` (and `/guides/`) lists them, `GET /guides/{slug}` is one. The language is `?lang=` (the
 * first value that is a language tag; an unsupported language reads as British English), else the
 * browser's `Accept-Language`, else British English, as on the join page. `?embed=1` is the
 * variant for an iframe (whose parent must be in `CONSULTKIT_FRAME_ANCESTORS`). An unknown guide is
 * a 404 OperationOutcome. Not rate-limited, like the join page and the examples: each answer is a
 * page built from constants, cheaper than the limiter's own bookkeeping.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from '../errors.js';
import { fromAcceptLanguage, LANGUAGE_TAG, matchLocale, type ServerLocale } from '../i18n/locales.js';
import { renderGuide, renderGuideIndex } from './render.js';
import { GUIDE_SLUGS, type GuideSlug } from './types.js';

interface GuideQuery {
  lang?: unknown;
  embed?: unknown;
}

/** The first string among a query parameter's values (Fastify gives an array when it repeats). */
const first = (value: unknown) => [value].flat().find((v): v is string => typeof v === 'string');

function localeOf(request: FastifyRequest<{ Querystring: GuideQuery }>): ServerLocale {
  const asked = first(request.query.lang);
  return asked !== undefined && LANGUAGE_TAG.test(asked)
    ? matchLocale(asked)
    : (fromAcceptLanguage(request.headers['accept-language']) ?? 'en-GB');
}

const embedded = (request: FastifyRequest<{ Querystring: GuideQuery }>) =>
  ['1', 'true'].includes(first(request.query.embed) ?? '');

export async function guidesPlugin(app: FastifyInstance): Promise<void> {
  const send = (reply: import('fastify').FastifyReply, locale: ServerLocale, embed: boolean, html: string) => {
    reply
      .header('cache-control', 'public, max-age=3600')
      .header('vary', 'accept-language')
      .header('content-language', locale);
    if (embed) reply.header('x-robots-tag', 'noindex');
    return reply.type('text/html; charset=utf-8').send(html);
  };

  app.get<{ Querystring: GuideQuery }>('/guides', async (request, reply) => {
    const locale = localeOf(request);
    const embed = embedded(request);
    return send(reply, locale, embed, renderGuideIndex(locale, embed));
  });

  // A wildcard, so `/guides/` is the index too.
  app.get<{ Querystring: GuideQuery; Params: { '*': string } }>('/guides/*', async (request, reply) => {
    const slug = request.params['*'];
    if (slug === '') {
      const locale = localeOf(request);
      const embed = embedded(request);
      return send(reply, locale, embed, renderGuideIndex(locale, embed));
    }
    if (!(GUIDE_SLUGS as readonly string[]).includes(slug)) {
      throw new HttpError(404, 'not-found', `No such guide. The guides are: ${GUIDE_SLUGS.join(', ')}.`);
    }
    const locale = localeOf(request);
    const embed = embedded(request);
    return send(reply, locale, embed, renderGuide(slug as GuideSlug, locale, embed));
  });
}
