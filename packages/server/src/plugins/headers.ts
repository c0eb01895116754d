/**
 * Security headers on every answer, and a strict Content Security Policy on the HTML pages the
 * server serves (the join page, the examples, the index).
 *
 * Scripts run only from this origin or as the exact inline scripts the page was served with: each
 * inline `<script>` and `<style>` of a page is hashed as it is sent (`'sha256-…'`), so the examples
 * stay single files a practice can copy, and an injected script, attribute handler or `javascript:`
 * URL never runs. `frame-ancestors` comes from `CONSULTKIT_FRAME_ANCESTORS`: vendors embed the
 * pages in their clinician apps. JSON answers get a policy under which nothing runs or frames them.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';

export interface HeadersOptions {
  /** CSP `frame-ancestors` sources: `'self'`, `'none'` or origins. */
  frameAncestors: string[];
  /** Patients reach the server over https (its public URL): browsers are told to keep to https. */
  hsts: boolean;
  /**
   * Origins pages may connect to besides their own (CSP `connect-src`): the Janus API's, so a call
   * past four can open its WebSocket to Janus (`wss://janus.practice.example:8989`).
   */
  connectSources?: string[];
}

/** The inline `<script>` (without `src`) and `<style>` blocks of an HTML page. */
const INLINE = /<(script|style)\b([^>]*)>([\s\S]*?)<\/\1\s*>/gi;

function hashes(html: string): { scripts: string[]; styles: string[] } {
  const scripts: string[] = [];
  const styles: string[] = [];
  for (const [, tag, attributes, body] of html.matchAll(INLINE)) {
    if (tag!.toLowerCase() === 'script' && /\bsrc\s*=/i.test(attributes!)) continue;
    const hash = `'sha256-${createHash('sha256').update(body!, 'utf8').digest('base64')}'`;
    (tag!.toLowerCase() === 'script' ? scripts : styles).push(hash);
  }
  return { scripts, styles };
}

/** The policy of one HTML page. */
export function pagePolicy(html: string, frameAncestors: string[], connectSources: string[] = []): string {
  const { scripts, styles } = hashes(html);
  return [
    "default-src 'self'",
    `script-src 'self' ${scripts.join(' ')}`.trim(),
    `style-src 'self' ${styles.join(' ')}`.trim(),
    "style-src-attr 'none'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    ["connect-src 'self'", ...connectSources].join(' '),
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors.join(' ')}`,
  ].join('; ');
}

/** What a JSON answer gets: opened as a page, nothing in it may run, and nothing may frame it. */
const API_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox";

async function text(payload: unknown): Promise<string | undefined> {
  if (typeof payload === 'string') return payload;
  if (Buffer.isBuffer(payload)) return payload.toString('utf8');
  if (payload && typeof (payload as Readable).pipe === 'function') {
    const chunks: Buffer[] = [];
    for await (const chunk of payload as Readable) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  }
  return undefined;
}

/** Installs the headers on the root instance (a hook, not an encapsulated plugin: it covers every route). */
export function installSecurityHeaders(app: FastifyInstance, options: HeadersOptions): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    if (options.hsts) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    // Join pages carry a token in their address, API answers may carry one in a link: never leak
    // either to another site through Referer.
    reply.header('referrer-policy', 'no-referrer');
    const type = String(reply.getHeader('content-type') ?? '');
    if (!type.startsWith('text/html')) {
      if (type.includes('json') && !reply.hasHeader('content-security-policy')) {
        reply.header('content-security-policy', API_POLICY);
      }
      return payload;
    }
    const html = await text(payload);
    if (html === undefined) return payload;
    reply.header('content-security-policy', pagePolicy(html, options.frameAncestors, options.connectSources));
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(self), microphone=(self), display-capture=(self), geolocation=()');
    if (options.frameAncestors.includes("'none'")) reply.header('x-frame-options', 'DENY');
    else if (options.frameAncestors.length === 1 && options.frameAncestors[0] === "'self'") {
      reply.header('x-frame-options', 'SAMEORIGIN');
    }
    return html;
  });
}
