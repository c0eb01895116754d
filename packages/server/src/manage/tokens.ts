/**
 * Manage tokens: the key in the "manage your booking" link of every e-mail about a booking, and
 * what `POST /api/bookings/lookup` hands out for a booking reference and the right date of birth.
 *
 * A token is `base64url(JSON claims) "." base64url(HMAC-SHA256(key, claims))`, the key derived
 * from `CONSULTKIT_SECRET` for this one purpose (so no signalling token or other HMAC made with
 * the secret is ever a manage token). Claims: `aud` (`consultkit:manage`), `sub` (the
 * appointment), `pid` (its patient) and `exp` (the appointment's end). It is not a join link: it
 * opens no consultation, and it is not single use (the patient may come back to the page).
 * See docs/decisions/0021-manage-booking.md.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const MANAGE_AUDIENCE = 'consultkit:manage';

export interface ManageClaims {
  aud: typeof MANAGE_AUDIENCE;
  /** The appointment's id. */
  sub: number;
  /** The appointment's patient. */
  pid: number;
  /** Expiry, seconds since the epoch: the appointment's end. */
  exp: number;
}

export type ManageTokenProblem = 'malformed' | 'bad-signature' | 'expired';

export class ManageTokenError extends Error {
  constructor(readonly problem: ManageTokenProblem) {
    super(`manage token ${problem}`);
    this.name = 'ManageTokenError';
  }
}

export class ManageTokens {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createHmac('sha256', secret).update('consultkit:manage-token:v1').digest();
  }

  /** A token for the appointment `id` of patient `patientId`, valid until `end`. */
  issue(id: number, patientId: number, end: Date): string {
    const claims: ManageClaims = {
      aud: MANAGE_AUDIENCE,
      sub: id,
      pid: patientId,
      exp: Math.floor(end.getTime() / 1000),
    };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  /** The claims of a valid token; throws `ManageTokenError` otherwise. */
  verify(token: string): ManageClaims {
    const [body, signature, extra] = token.split('.');
    if (!body || !signature || extra !== undefined || token.length > 512) throw new ManageTokenError('malformed');
    const expected = this.mac(body);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new ManageTokenError('bad-signature');
    }
    let claims: ManageClaims;
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as ManageClaims;
    } catch {
      throw new ManageTokenError('malformed');
    }
    if (
      claims?.aud !== MANAGE_AUDIENCE ||
      !Number.isSafeInteger(claims.sub) ||
      !Number.isSafeInteger(claims.pid) ||
      typeof claims.exp !== 'number'
    ) {
      throw new ManageTokenError('malformed');
    }
    if (claims.exp * 1000 <= this.now()) throw new ManageTokenError('expired');
    return claims;
  }

  private mac(data: string): Buffer {
    return createHmac('sha256', this.key).update(data).digest();
  }
}
