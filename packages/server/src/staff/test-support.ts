/**
 * A browser, as far as the staff sign-in needs one, for server tests: a cookie jar per host,
 * requests that do not follow redirects, and the development identity provider's sign-in page.
 */
import assert from 'node:assert/strict';
import type { ConsultKitServer } from '../app.js';
import { startTestServer } from '../test-helpers.js';
import { StaffAccounts } from './accounts.js';

/** A browser's cookie jar, per host: enough for our cookies and oidc-provider's. */
export class Jar {
  private readonly cookies = new Map<string, Map<string, string>>();
  take(url: string, response: Response): void {
    const host = new URL(url).host;
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (/max-age=0/i.test(line) || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    this.cookies.set(host, jar);
  }
  header(url: string): string {
    return [...(this.cookies.get(new URL(url).host) ?? new Map()).entries()].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  get(url: string, name: string): string | undefined {
    return this.cookies.get(new URL(url).host)?.get(name);
  }
  set(url: string, name: string, value: string): void {
    const host = new URL(url).host;
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    jar.set(name, value);
    this.cookies.set(host, jar);
  }
}

export interface Step {
  url: string;
  response: Response;
  text: string;
}

/** One request with the jar's cookies, not following redirects. */
export async function visit(jar: Jar, url: string, init: RequestInit = {}): Promise<Step> {
  const response = await fetch(url, {
    ...init,
    redirect: 'manual',
    headers: { ...(init.headers as Record<string, string>), cookie: jar.header(url) },
  });
  jar.take(url, response);
  return { url, response, text: await response.text() };
}

/** Follows redirects from `url` until an answer that is not one; returns every step. */
export async function follow(jar: Jar, url: string, init: RequestInit = {}): Promise<Step[]> {
  const steps: Step[] = [];
  let step = await visit(jar, url, init);
  steps.push(step);
  while (step.response.status >= 300 && step.response.status < 400 && steps.length < 20) {
    const next = new URL(step.response.headers.get('location')!, step.url).href;
    step = await visit(jar, next);
    steps.push(step);
  }
  return steps;
}

/**
 * Signs in as the demo user `account` up to the provider's redirect back: returns the callback
 * URL (with code and state) without visiting it, so tests can tamper with or replay it.
 */
export async function toCallback(jar: Jar, base: string, account: string, returnTo = '/'): Promise<string> {
  const steps = await follow(jar, `${base}/api/staff/sign-in?return=${encodeURIComponent(returnTo)}`);
  const page = steps.at(-1)!;
  assert.equal(page.response.status, 200, /<main>([\s\S]*)<\/main>/.exec(page.text)?.[1] ?? page.text.slice(0, 300));
  assert.match(page.text, /Choose who you are/);
  const action = /<form method="post" action="([^"]+)"/.exec(page.text)![1]!;
  let step = await visit(jar, new URL(action, page.url).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ account }).toString(),
  });
  // Through the provider's redirects until it sends the browser back to us.
  for (let i = 0; i < 10; i++) {
    assert.ok(step.response.status >= 300 && step.response.status < 400, `${step.response.status} ${step.text}`);
    const next = new URL(step.response.headers.get('location')!, step.url).href;
    if (next.startsWith(`${base}/api/staff/callback`)) return next;
    step = await visit(jar, next);
  }
  throw new Error('the provider never sent the browser back');
}

export async function signIn(jar: Jar, base: string, account: string): Promise<void> {
  const callback = await toCallback(jar, base, account);
  const back = await visit(jar, callback);
  assert.equal(back.response.status, 303, back.text);
  assert.ok(jar.get(base, 'ck_staff'), 'a session cookie');
}

/**
 * The server on PGlite with the demo practice on the clock `now`, and its practitioners by family name
 * (`ids.Khan`), each made a clinician as their sign-in would make them.
 */
export async function demoStaffServer(
  now: () => number,
  env: Record<string, string> = {},
): Promise<{ server: ConsultKitServer; url: string; ids: Record<string, string> }> {
  const { server, url } = await startTestServer({ CONSULTKIT_SEED_DEMO: 'on', ...env }, {}, { now });
  const rows = await server.storage.query<{ id: number; family: string }>(
    `SELECT id, name->>'family' AS family FROM practitioner`,
  );
  const accounts = new StaffAccounts(server.storage, now);
  for (const row of rows) await accounts.setRoles(row.id, ['clinician']);
  return { server, url, ids: Object.fromEntries(rows.map((row) => [row.family, String(row.id)])) };
}
