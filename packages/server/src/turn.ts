/**
 * TURN credentials in coturn's REST-API scheme (`use-auth-secret`): the username is the expiry
 * time (seconds since the epoch) and a label; the password is base64(HMAC-SHA1(secret, username)).
 * coturn, holding the same secret, checks both without any call to us.
 */
import { createHmac } from 'node:crypto';

export interface TurnCredentials {
  urls: string[];
  username: string;
  credential: string;
  /** When the credentials stop working. */
  expiresAt: string;
}

export function turnCredentials(
  options: { urls: string[]; secret: string; ttlSeconds: number; label?: string },
  now: number = Date.now(),
): TurnCredentials {
  const expiry = Math.floor(now / 1000) + options.ttlSeconds;
  const username = `${expiry}:${options.label ?? 'consultkit'}`;
  const credential = createHmac('sha1', options.secret).update(username).digest('base64');
  return { urls: options.urls, username, credential, expiresAt: new Date(expiry * 1000).toISOString() };
}
