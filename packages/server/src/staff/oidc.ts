/**
 * The server as an OpenID Connect relying party (docs/staff.md, decision 0041): discovery, the
 * authorisation code flow with PKCE (S256), `state` and `nonce`, and the ID token's signature
 * checked against the provider's JWKS, through `openid-client` (which checks issuer, audience,
 * expiry and nonce as the specification says). The provider's configuration is fetched on the
 * first sign-in and kept; a failed fetch is tried again on the next.
 */
import * as client from 'openid-client';
import { HttpError } from '../errors.js';
import type { HumanNameJson } from '../booking/repository.js';
import type { PendingLogin, VerifiedIdentity } from './accounts.js';
import { rolesFromClaims, type RoleMapping } from './roles.js';

export interface OidcSettings {
  /** `CONSULTKIT_OIDC_ISSUER`. */
  issuer: string;
  /** `CONSULTKIT_OIDC_CLIENT_ID`. */
  clientId: string;
  /** `CONSULTKIT_OIDC_CLIENT_SECRET` (client_secret_basic); unset with a private key. */
  clientSecret?: string | undefined;
  /**
   * `CONSULTKIT_OIDC_PRIVATE_KEY` (a PKCS#8 PEM) and `CONSULTKIT_OIDC_PRIVATE_KEY_ID`: the client
   * authenticates with `private_key_jwt` (RS512), as NHS CIS2 requires.
   */
  privateKey?: { pem: string; kid: string } | undefined;
  /** Scopes asked for, besides `openid` (`profile` by default; CIS2 adds `nationalrbacaccess`). */
  scopes: string[];
  roles: RoleMapping;
  /** Plain http to the provider: only the development provider on loopback. */
  allowHttp: boolean;
}

export class OidcClient {
  private configuration: Promise<client.Configuration> | undefined;

  constructor(
    private readonly settings: OidcSettings,
    /** Where the provider sends the browser back: `{public URL}/api/staff/callback`. */
    private readonly redirectUri: () => string,
  ) {}

  get issuer(): string {
    return this.settings.issuer;
  }

  private config(): Promise<client.Configuration> {
    this.configuration ??= this.discover().catch((error: unknown) => {
      this.configuration = undefined;
      throw new HttpError(
        503,
        'exception',
        `The identity provider could not be reached (${(error as Error).message}); try again shortly.`,
      );
    });
    return this.configuration;
  }

  private async discover(): Promise<client.Configuration> {
    const { issuer, clientId, clientSecret, privateKey, allowHttp } = this.settings;
    let auth: client.ClientAuth | undefined;
    if (privateKey) {
      const { importPKCS8 } = await import('jose');
      const key = await importPKCS8(privateKey.pem, 'RS512');
      auth = client.PrivateKeyJwt({ key, kid: privateKey.kid });
    } else if (clientSecret) {
      auth = client.ClientSecretBasic(clientSecret);
    }
    return client.discovery(new URL(issuer), clientId, undefined, auth, {
      ...(allowHttp ? { execute: [client.allowInsecureRequests] } : {}),
      timeout: 10,
    });
  }

  /** A new sign-in: where to send the browser, and what to keep until it comes back. */
  async start(returnTo: string): Promise<{ url: string; login: PendingLogin }> {
    const config = await this.config();
    const verifier = client.randomPKCECodeVerifier();
    const login: PendingLogin = { state: client.randomState(), nonce: client.randomNonce(), verifier, returnTo };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri(),
      scope: ['openid', ...this.settings.scopes].join(' '),
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: login.state,
      nonce: login.nonce,
    });
    return { url: url.href, login };
  }

  /**
   * The provider's answer (the callback's query string) checked against the sign-in: the code is
   * exchanged with the PKCE verifier, the ID token verified. Any failure is a 401 OperationOutcome.
   */
  async finish(query: URLSearchParams, login: PendingLogin): Promise<VerifiedIdentity> {
    const config = await this.config();
    const current = new URL(this.redirectUri());
    current.search = query.toString();
    let claims: Record<string, unknown> | undefined;
    try {
      const tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: login.verifier,
        expectedState: login.state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims() as Record<string, unknown> | undefined;
    } catch (error) {
      throw new HttpError(401, 'login', `The identity provider's answer was refused: ${describe(error)}`);
    }
    if (!claims || typeof claims['sub'] !== 'string') {
      throw new HttpError(401, 'login', 'The identity provider gave no ID token subject');
    }
    return {
      issuer: config.serverMetadata().issuer,
      subject: claims['sub'],
      name: nameFromClaims(claims),
      roles: rolesFromClaims(claims, this.settings.roles),
    };
  }
}

/** The error's reason without echoing secrets: the OAuth error code, or the check that failed. */
function describe(error: unknown): string {
  if (error instanceof client.AuthorizationResponseError || error instanceof client.ResponseBodyError) {
    return `${error.error}${error.error_description ? ` (${error.error_description.slice(0, 200)})` : ''}`;
  }
  return (error as Error).message.slice(0, 200);
}

/** A FHIR HumanName from the standard claims (`given_name`, `family_name`, else `name`). */
export function nameFromClaims(claims: Record<string, unknown>): HumanNameJson {
  const text = (key: string) =>
    typeof claims[key] === 'string' ? (claims[key] as string).trim().slice(0, 100) || undefined : undefined;
  const given = text('given_name');
  const family = text('family_name');
  const prefix = text('title');
  if (given || family) {
    return { ...(prefix ? { prefix: [prefix] } : {}), ...(given ? { given: [given] } : {}), family: family ?? '' };
  }
  return { text: text('name') ?? text('preferred_username') ?? 'Unnamed member of staff' };
}
