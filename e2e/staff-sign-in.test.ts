/**
 * Staff sign in as themselves (issue 16, docs/staff.md): the vendor console, in a real browser,
 * through the development identity provider that `npm start` runs: the authorisation code flow
 * with PKCE, a GP who sees the console, an answer with a wrong or absent `state` refused, a
 * replayed answer refused, and a session that has expired refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  type RunningServer,
  signInToConsole,
  startServer,
  startServerAndBrowser,
  stopServerAndBrowser,
} from './support.js';

const CONSOLE = '/examples/vendor-console/';

/** The console's page in a fresh context, with every request to the sign-in's callback noted. */
async function consolePage(
  browser: Browser,
  server: RunningServer,
): Promise<{ context: BrowserContext; page: Page; seen: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const seen: string[] = [];
  page.on('request', (request) => seen.push(request.url()));
  page.on('pageerror', (error) => console.error('[console]', error.message));
  await page.goto(`${server.url}${CONSOLE}`);
  return { context, page, seen };
}

/** What the server answered to the page's last navigation: an OperationOutcome's text. */
async function outcomeText(page: Page): Promise<string> {
  const text = (await page.locator('body').textContent()) ?? '';
  const outcome = JSON.parse(text) as { resourceType: string; issue: { diagnostics: string }[] };
  assert.equal(outcome.resourceType, 'OperationOutcome');
  return outcome.issue[0]!.diagnostics;
}

describe('staff sign-in (OpenID Connect, the development provider)', () => {
  let browser: Browser;
  let server: RunningServer;

  before(async () => {
    ({ server, browser } = await startServerAndBrowser());
  });
  after(() => stopServerAndBrowser(server, browser));

  it('a GP signs in with code + PKCE and sees the console, named', async () => {
    const { context, page, seen } = await consolePage(browser, server);
    await page.getByText('Not signed in').waitFor();
    await signInToConsole(page, 'Dr Tom Evans');
    assert.equal(await page.locator('#who').textContent(), 'Dr Tom Evans (clinician)');
    await page.locator('booking-desk').waitFor({ timeout: 20_000 });
    await page.getByRole('heading', { name: 'Video consultations' }).waitFor();

    const authorize = new URL(seen.find((url) => url.includes('/dev-idp/auth?'))!);
    assert.equal(authorize.searchParams.get('response_type'), 'code');
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.match(authorize.searchParams.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.ok(authorize.searchParams.get('state'));
    assert.ok(authorize.searchParams.get('nonce'));
    // The code comes back once, to the callback; the page holds no token (the cookie is HttpOnly).
    assert.equal(seen.filter((url) => url.includes('/api/staff/callback?')).length, 1);
    const staff = (await context.cookies()).find((c) => c.name === 'ck_staff')!;
    assert.equal(staff.httpOnly, true);
    assert.equal(staff.sameSite, 'Strict');
    assert.equal(await page.evaluate(() => document.cookie.includes('ck_staff')), false);

    // Sign-out: the console offers the sign-in again, and the session is gone on the server.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in', exact: true }).waitFor();
    const me = await page.evaluate(async () => (await fetch('/api/staff/me')).status);
    assert.equal(me, 401);
    await context.close();
  });

  for (const [what, change] of [
    ['a wrong state', (url: URL) => url.searchParams.set('state', 'x'.repeat(43))],
    ['no state', (url: URL) => url.searchParams.delete('state')],
  ] as const) {
    it(`an answer with ${what} is refused, and signs nobody in`, async () => {
      const { context, page } = await consolePage(browser, server);
      // The provider's redirect back is the last hop of a redirect chain, which the browser's
      // request interception cannot change: the chain is walked with the context's own cookies
      // up to that hop, and the browser then opens the changed answer.
      await page.getByRole('link', { name: 'Sign in', exact: true }).click();
      await page.getByRole('button', { name: /^Sign in as Dr Amina Khan/ }).waitFor();
      const action = (await page.locator('form').getAttribute('action'))!;
      let response = await context.request.post(new URL(action, page.url()).href, {
        form: { account: 'demo-gp-khan' },
        maxRedirects: 0,
      });
      let callback: URL | undefined;
      for (let hop = 0; hop < 10 && !callback; hop++) {
        const next = new URL(response.headers()['location']!, response.url());
        if (next.pathname === '/api/staff/callback') callback = next;
        else response = await context.request.get(next.href, { maxRedirects: 0 });
      }
      assert.ok(callback, 'the provider sent the browser back');
      assert.ok(callback.searchParams.get('code'));
      change(callback);
      const answer = await page.goto(callback.href);
      assert.equal(answer?.status(), 401);
      assert.match(await outcomeText(page), /no state|unknown, already used, expired/);
      assert.equal(
        (await context.cookies()).find((c) => c.name === 'ck_staff'),
        undefined,
      );
      await page.goto(`${server.url}${CONSOLE}`);
      await page.getByRole('link', { name: 'Sign in', exact: true }).waitFor();
      assert.equal(await page.locator('#who').textContent(), 'Not signed in');
      await context.close();
    });
  }

  it('a replayed answer (the same code and state) is refused, in the same browser and in another', async () => {
    const { context, page, seen } = await consolePage(browser, server);
    await signInToConsole(page, 'Nurse Priya Shah');
    const callback = seen.find((url) => url.includes('/api/staff/callback?'))!;
    assert.match(callback, /[?&]code=/);
    const again = await page.goto(callback);
    assert.equal(again?.status(), 401);
    assert.match(await outcomeText(page), /unknown, already used, expired/);
    const other = await browser.newContext();
    const stranger = await other.newPage();
    assert.equal((await stranger.goto(callback))?.status(), 401);
    assert.equal(
      (await other.cookies()).find((c) => c.name === 'ck_staff'),
      undefined,
    );
    await other.close();
    await context.close();
  });
});

describe('staff sign-in: an expired session is refused', () => {
  let browser: Browser;
  let server: RunningServer;

  before(async () => {
    // Sessions here last ten seconds (the shortest allowed).
    ({ server, browser } = await startServerAndBrowser({ CONSULTKIT_STAFF_SESSION_SECONDS: '10' }));
  });
  after(() => stopServerAndBrowser(server, browser));

  it('once the session has expired, the server refuses its cookie and the console asks to sign in again', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}${CONSOLE}`);
    await page.getByRole('link', { name: 'Sign in', exact: true }).click();
    const signedIn = page.waitForResponse((response) => response.url().includes('/api/staff/callback'));
    await page.getByRole('button', { name: /^Sign in as Jo Bennett/ }).click();
    assert.equal((await signedIn).status(), 303);
    const cookie = (await context.cookies()).find((c) => c.name === 'ck_staff');
    assert.ok(cookie, 'a session was started');
    // The browser forgets the cookie at Max-Age; the server must refuse it too: asked with the
    // cookie itself until it does (it is accepted until then).
    const me = async () =>
      (await fetch(`${server.url}/api/staff/me`, { headers: { cookie: `ck_staff=${cookie.value}` } })).status;
    const deadline = Date.now() + 90_000;
    let status = await me();
    while (status === 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250)); // polling interval, not a wait for time
      status = await me();
    }
    assert.equal(status, 401, 'the server refuses the expired session');
    const desk = await fetch(`${server.url}/fhir/Appointment?_count=1`, {
      headers: { cookie: `ck_staff=${cookie.value}` },
    });
    assert.equal(desk.status, 401);
    await page.reload();
    await page.getByRole('link', { name: 'Sign in', exact: true }).waitFor();
    assert.equal(await page.locator('#who').textContent(), 'Not signed in');
    await context.close();
  });
});
