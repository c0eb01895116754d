// oidc-provider ships no types; the development identity provider uses a small part of it.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  /** The part of Koa's context (with oidc-provider's `oidc`) that the sign-in pages use. */
  export interface ProviderContext {
    path: string;
    method: string;
    req: IncomingMessage;
    res: ServerResponse;
    status: number;
    type: string;
    body: unknown;
    respond: boolean;
    set(name: string, value: string): void;
    throw(status: number, message: string): never;
    oidc: {
      provider: {
        Grant: new (init: { clientId: string; accountId: string }) => {
          addOIDCScope(scope: string): void;
          save(): Promise<string>;
        };
      };
      client: { clientId: string };
      session: { accountId: string };
    };
  }
  export default class Provider {
    constructor(issuer: string, configuration: unknown);
    proxy: boolean;
    use(middleware: (ctx: ProviderContext, next: () => Promise<void>) => Promise<void> | void): void;
    callback(): (request: IncomingMessage, response: ServerResponse) => Promise<void>;
    interactionDetails(
      request: IncomingMessage,
      response: ServerResponse,
    ): Promise<{ uid: string; prompt: { name: string } }>;
    interactionFinished(
      request: IncomingMessage,
      response: ServerResponse,
      result: unknown,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
  }
}
