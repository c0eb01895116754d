/**
 * Reading the `Cookie` header: the one parser every credential cookie goes through (`ck_session`,
 * `ck_staff`). It never throws: a cookie it cannot read is treated as absent, so the route answers
 * as it would without it (a 401 OperationOutcome saying which credential is missing), never a 500.
 */

/** Longer values are not ours (our cookies are a JWT or a signed expiry) and are ignored. */
export const MAX_COOKIE_VALUE = 4096;

/** A cookie name (an RFC 6265 token). */
const NAME = /^[!#$%&'*+.^`|~0-9A-Za-z_-]+$/;

/** Percent-decodes `value`; undefined when it is malformed (`%zz`, a lone `%`, broken UTF-8). */
function decode(value: string): string | undefined {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/**
 * The value of cookie `name` in a `Cookie` header, percent-decoded and unquoted; undefined when it
 * is absent, empty, malformed, longer than {@link MAX_COOKIE_VALUE}, or given more than once with
 * different values. A name given twice is what a sibling subdomain's cookie ("cookie tossing")
 * looks like: neither value is trusted, so the caller is treated as having no such cookie.
 */
export function readCookie(header: string | string[] | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  const text = Array.isArray(header) ? header.join('; ') : header;
  let found: string | undefined;
  let seen = false;
  for (const pair of text.split(';')) {
    const at = pair.indexOf('=');
    if (at < 0 || pair.slice(0, at).trim() !== name || !NAME.test(name)) continue;
    let raw = pair.slice(at + 1).trim();
    if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) raw = raw.slice(1, -1);
    const value = raw.length > MAX_COOKIE_VALUE ? undefined : decode(raw);
    if (seen && value !== found) return undefined;
    seen = true;
    found = value;
  }
  return found === '' ? undefined : found;
}
