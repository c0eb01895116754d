/**
 * The development identity provider (docs/staff.md, "Trying it"): `oidc-provider` mounted at
 * `/dev-idp` on the demo server, so `npm install && npm start` signs staff in through a real
 * OpenID Connect flow (code, PKCE S256, state, nonce, an ID token signed with a key generated at
 * start) with no provider to set up. Its sign-in page lists the demo practice's staff; choosing
 * one signs in as them, with no password. Demo mode only (decision 0008): the configuration
 * refuses it with a public URL off this machine, and no other start registers it.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StaffRole } from '@consultkit/core/contract';
import type { HumanNameJson } from '../booking/repository.js';

export const DEV_IDP_PATH = '/dev-idp';
export const DEV_CLIENT_ID = 'consultkit-demo';

export interface DemoStaff {
  /** The account's subject at the provider. */
  sub: string;
  name: HumanNameJson;
  /** What the sign-in page says they do. */
  job: string;
  roles: StaffRole[];
}

/** The demo practice's staff: the GPs and the nurse are the demo's practitioners with schedules. */
export const DEMO_STAFF: readonly DemoStaff[] = [
  {
    sub: 'demo-receptionist-bennett',
    name: { given: ['Jo'], family: 'Bennett' },
    job: 'Receptionist',
    roles: ['receptionist'],
  },
  {
    sub: 'demo-gp-khan',
    name: { prefix: ['Dr'], given: ['Amina'], family: 'Khan' },
    job: 'GP',
    roles: ['clinician'],
  },
  {
    sub: 'demo-gp-evans',
    name: { prefix: ['Dr'], given: ['Tom'], family: 'Evans' },
    job: 'GP',
    roles: ['clinician'],
  },
  {
    sub: 'demo-nurse-shah',
    name: { prefix: ['Nurse'], given: ['Priya'], family: 'Shah' },
    job: 'Practice nurse',
    roles: ['clinician'],
  },
  {
    sub: 'demo-admin-adeyemi',
    name: { given: ['Grace'], family: 'Adeyemi' },
    job: 'Practice manager',
    roles: ['practice-admin', 'receptionist'],
  },
];

const fullName = (name: HumanNameJson) =>
  [...(name.prefix ?? []), ...(name.given ?? []), name.family ?? ''].filter(Boolean).join(' ');

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface DevIdentityProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Serves a request whose URL starts with {@link DEV_IDP_PATH}. */
  handle(request: IncomingMessage, response: ServerResponse): void;
}

/** Creates the provider for `issuer` (`{public URL}/dev-idp`), redirecting only to `redirectUri`. */
export async function createDevIdentityProvider(
  issuer: string,
  redirectUri: string,
  clientSecret: string,
): Promise<DevIdentityProvider> {
  const [{ default: Provider }, { exportJWK, generateKeyPair }] = await Promise.all([
    import('oidc-provider'),
    import('jose'),
  ]);
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = {
    ...(await exportJWK(privateKey)),
    kid: `dev-${randomBytes(4).toString('hex')}`,
    use: 'sig',
    alg: 'RS256',
  };
  const staff = new Map(DEMO_STAFF.map((person) => [person.sub, person]));

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: DEV_CLIENT_ID,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [jwk as never] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    pkce: { required: () => true },
    claims: { openid: ['sub'], profile: ['name', 'given_name', 'family_name', 'title', 'roles'] },
    // The ID token carries the profile and roles, as NHS CIS2's does.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    ttl: {
      Session: 10 * 60,
      Interaction: 10 * 60,
      Grant: 10 * 60,
      AuthorizationCode: 60,
      IdToken: 5 * 60,
      AccessToken: 5 * 60,
    },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `${DEV_IDP_PATH}/interaction/${interaction.uid}`,
    },
    // The demo's one client is the practice's own: no consent screen.
    async loadExistingGrant(ctx: any) {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid profile');
      await grant.save();
      return grant;
    },
    async findAccount(_ctx: unknown, id: string) {
      const person = staff.get(id);
      if (!person) return undefined;
      return {
        accountId: id,
        async claims() {
          return {
            sub: id,
            name: fullName(person.name),
            given_name: person.name.given?.join(' '),
            family_name: person.name.family,
            ...(person.name.prefix ? { title: person.name.prefix.join(' ') } : {}),
            roles: person.roles,
          };
        },
      };
    },
    async renderError(ctx: any, out: Record<string, string>) {
      ctx.type = 'html';
      ctx.body = page(
        'Sign-in failed',
        `<h1>Sign-in failed</h1><p>${escape(out['error'] ?? 'error')}: ${escape(out['error_description'] ?? '')}</p>`,
      );
    },
  } as never);
  provider.proxy = false;

  // The sign-in page: the demo staff, one button each.
  provider.use(async (ctx: any, next: () => Promise<void>) => {
    const login = /^\/interaction\/([A-Za-z0-9_-]{1,64})(\/login)?$/.exec(ctx.path);
    if (!login) return next();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.uid !== login[1]) ctx.throw(400, 'This sign-in does not match the page.');
    ctx.set('cache-control', 'no-store');
    if (!login[2] && ctx.method === 'GET') {
      ctx.type = 'html';
      ctx.body = signInPage(details.uid);
      return;
    }
    if (login[2] && ctx.method === 'POST') {
      const body = await readForm(ctx.req);
      const person = staff.get(body.get('account') ?? '');
      if (!person) {
        ctx.status = 400;
        ctx.type = 'html';
        ctx.body = signInPage(details.uid, 'Choose one of the people listed.');
        return;
      }
      await provider.interactionFinished(
        ctx.req,
        ctx.res,
        { login: { accountId: person.sub } },
        {
          mergeWithLastSubmission: false,
        },
      );
      ctx.respond = false;
      return;
    }
    ctx.status = 405;
  });

  const callback = provider.callback();
  return {
    issuer,
    clientId: DEV_CLIENT_ID,
    clientSecret,
    handle(request, response) {
      const url = request.url ?? '/';
      (request as IncomingMessage & { originalUrl?: string }).originalUrl = url;
      request.url = url.slice(DEV_IDP_PATH.length) || '/';
      void callback(request, response);
    },
  };
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  let text = '';
  for await (const chunk of request) {
    text += String(chunk);
    if (text.length > 4096) break;
  }
  return new URLSearchParams(text);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en-GB">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escape(title)} – ConsultKit development sign-in</title>
    <style>
      body { font-family: system-ui, sans-serif; max-inline-size: 40rem; margin: 2rem auto; padding-inline: 1rem; line-height: 1.5; color: #212b32; }
      .warning { border-inline-start: 0.4rem solid #d5281b; padding-block: 0.5rem; padding-inline: 1rem; background: #fff4f4; }
      ul { list-style: none; padding: 0; }
      li { margin-block: 0.5rem; }
      button { font: inherit; inline-size: 100%; text-align: start; padding: 0.75rem 1rem; border: 2px solid #005eb8; border-radius: 4px; background: #fff; color: #005eb8; cursor: pointer; }
      button:hover { background: #eef5fb; }
      button:focus-visible { outline: 3px solid #ffb81c; outline-offset: 2px; }
      .job { display: block; color: #4c6272; font-size: 0.9em; }
      [role='alert'] { color: #d5281b; font-weight: bold; }
    </style>
  </head>
  <body>
    <main>${body}</main>
  </body>
</html>`;
}

function signInPage(uid: string, problem?: string): string {
  const items = DEMO_STAFF.map(
    (person) =>
      `<li><button type="submit" name="account" value="${escape(person.sub)}">Sign in as ${escape(fullName(person.name))}<span class="job">${escape(person.job)}: ${escape(person.roles.join(', '))}</span></button></li>`,
  ).join('\n        ');
  return page(
    'Choose who you are',
    `<h1>Choose who you are</h1>
      <p class="warning">This is the development identity provider of the ConsultKit demo. Anyone may sign in as anyone here: it never runs where real patients could reach the server.</p>
      ${problem ? `<p role="alert">${escape(problem)}</p>` : ''}
      <form method="post" action="${DEV_IDP_PATH}/interaction/${escape(uid)}/login">
        <ul>
        ${items}
        </ul>
      </form>`,
  );
}
