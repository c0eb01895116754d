/**
 * End to end, a call between two clinicians with no patient (docs/staff.md, "Calling a colleague";
 * decision 0045): the server as `npm start` runs it (demo practice, the development identity
 * provider), three vendor consoles in Chromium with the fake camera, each signed in as a demo
 * clinician through OpenID Connect.
 *
 * Dr Amina Khan presses "Call" beside Dr Tom Evans in her console's directory; her room opens with
 * her own ticket. His directory says "Dr Amina Khan is calling you." with Join and Decline (axe on
 * it); he presses Join and is in the call at once, as a clinician. Each decodes the other's video
 * (getStats). Nurse Priya Shah's directory shows both "In a consultation"; Dr Khan ends the call,
 * his room ends, and both show available again. Skipped, saying why, without Chromium.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { until } from './janus-support.js';
import {
  axeViolations,
  signInToConsole,
  startServerAndBrowser,
  stopServerAndBrowser,
  type RunningServer,
} from './support.js';
// @ts-expect-error -- plain ESM helper without types
import { findChrome, NO_CHROME_MESSAGE } from '../scripts/chrome.mjs';

const noChrome = findChrome() ? undefined : (NO_CHROME_MESSAGE as string);
const SHOTS = process.env['CK_SCREENSHOTS'] ?? tmpdir();
/** A loaded 2-core machine: conditions may take long to come true; never a fixed wait. */
const LONG = 120_000;

/** The video frames this page's consultation decoded, from each other participant (by name). */
function decodedFrom(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    type Stat = { type: string; kind?: string; framesDecoded?: number };
    const consultation = (
      window as unknown as {
        consultation: {
          state: { get(): { participants: { peerId: string; name?: string }[] } };
          peerConnectionWith(peerId: string): RTCPeerConnection | null;
        };
      }
    ).consultation;
    const seen: Record<string, number> = {};
    for (const { peerId, name } of consultation.state.get().participants) {
      const stats = await consultation.peerConnectionWith(peerId)?.getStats();
      if (!stats) continue;
      seen[name ?? peerId] = [...stats.values()]
        .filter((s: Stat) => s.type === 'inbound-rtp' && s.kind === 'video')
        .reduce((sum: number, s: Stat) => sum + (s.framesDecoded ?? 0), 0);
    }
    return seen;
  });
}

/** What a console's directory shows for the colleague called `name` (words of their presence). */
function presenceOf(page: Page, name: string): Promise<string> {
  return page
    .locator('clinician-directory li', { hasText: name })
    .locator('[part~="presence"] .text')
    .textContent()
    .then((text) => (text ?? '').trim());
}

describe('a call between two clinicians, no patient', { skip: noChrome }, () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  before(async () => {
    ({ server, browser } = await startServerAndBrowser({}, { practice: 'demo' }));
  });
  after(async () => {
    for (const context of contexts) await context.close();
    await stopServerAndBrowser(server, browser);
  });

  /** A vendor console signed in as `name`, its directory loaded. */
  async function console(name: string): Promise<Page> {
    const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
    context.setDefaultTimeout(LONG);
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => process.stderr.write(`[${name}] ${error.message}\n`));
    await page.goto(`${server.url}/examples/vendor-console/`);
    await signInToConsole(page, name);
    await page.locator('clinician-directory li').first().waitFor();
    return page;
  }

  it('Dr Khan calls Dr Evans from the directory; he joins; each decodes the other; presence follows; ending it ends it', async () => {
    const khan = await console('Dr Amina Khan');
    const evans = await console('Dr Tom Evans');
    const shah = await console('Nurse Priya Shah');
    await until(
      () => presenceOf(khan, 'Dr Tom Evans'),
      (text) => text === 'Available',
      'Dr Evans online in Dr Khan’s directory',
      LONG,
    );

    // She calls him: her room opens with her own ticket.
    await khan
      .locator('clinician-directory li', { hasText: 'Dr Tom Evans' })
      .getByRole('button', { name: 'Call', exact: true })
      .click();
    await khan.locator('consult-room').waitFor({ state: 'visible' });

    // He is told, with Join and Decline.
    const notice = evans.locator('clinician-directory [part~="notice"]');
    await notice.waitFor();
    assert.equal(
      ((await notice.locator('p').textContent()) ?? '').replace(/[\u2068\u2069]/g, '').trim(),
      'Dr Amina Khan is calling you.',
    );
    assert.ok(await notice.getByRole('button', { name: 'Decline' }).isVisible());
    assert.deepEqual(await axeViolations(evans), []);
    await evans.screenshot({ path: join(SHOTS, 'clinician-directory-staff-call.png'), fullPage: true });
    await notice.getByRole('button', { name: 'Join' }).click();

    // Both in the call at once (nobody waits to be let in): each decodes the other's video.
    for (const [page, other] of [
      [khan, 'Dr Tom Evans'],
      [evans, 'Dr Amina Khan'],
    ] as const) {
      await until(
        () => decodedFrom(page),
        (seen) => (seen[other] ?? 0) > 0,
        `frames from ${other}`,
        LONG,
      );
    }

    // A third clinician sees both in a consultation.
    for (const name of ['Dr Amina Khan', 'Dr Tom Evans']) {
      await until(
        () => presenceOf(shah, name),
        (text) => text === 'In a consultation',
        `${name} in a consultation, to Nurse Shah`,
        LONG,
      );
    }
    assert.deepEqual(await axeViolations(khan), []);

    // She ends it: his room ends, and both are available again.
    await khan.locator('consult-room').getByRole('button', { name: 'End for everyone' }).click();
    await until(
      () =>
        evans.evaluate(
          () =>
            (window as unknown as { consultation: { state: { get(): { status: string } } } }).consultation.state.get()
              .status,
        ),
      (status) => status === 'ended',
      'Dr Evans’s call ended',
      LONG,
    );
    for (const name of ['Dr Amina Khan', 'Dr Tom Evans']) {
      await until(
        () => presenceOf(shah, name),
        (text) => text === 'Available',
        `${name} available again`,
        LONG,
      );
    }
  });
  it('three clinicians: Nurse Shah leaves, Dr Khan and Dr Evans carry on decoding each other; then both go and the call ends', async () => {
    const khan = await console('Dr Amina Khan');
    const evans = await console('Dr Tom Evans');
    const shah = await console('Nurse Priya Shah');
    for (const name of ['Dr Tom Evans', 'Nurse Priya Shah']) {
      await until(
        () => presenceOf(khan, name),
        (text) => text === 'Available',
        `${name} online in Dr Khan’s directory`,
        LONG,
      );
    }
    // What her directory answers (the call, and whom she asked), to ask the server about the call later.
    await khan.evaluate(() => {
      const seen: unknown[] = [];
      (window as unknown as { staffCalls: unknown[] }).staffCalls = seen;
      document.querySelector('#colleagues')!.addEventListener('ck-staff-call-started', (event) => {
        seen.push((event as CustomEvent).detail);
      });
    });
    const call = async (name: string) => {
      await khan
        .locator('clinician-directory li', { hasText: name })
        .getByRole('button', { name: 'Call', exact: true })
        .click();
    };
    const answer = async (page: Page) => {
      const notice = page.locator('clinician-directory [part~="notice"]');
      await notice.getByRole('button', { name: 'Join' }).click();
      await page.locator('consult-room').waitFor({ state: 'visible' });
    };
    await call('Dr Tom Evans');
    await khan.locator('consult-room').waitFor({ state: 'visible' });
    await answer(evans);
    // A second colleague into the running call (the directory asks into it once she is in one).
    await call('Nurse Priya Shah');
    await answer(shah);

    const names = { khan: 'Dr Amina Khan', evans: 'Dr Tom Evans', shah: 'Nurse Priya Shah' } as const;
    const pages = { khan, evans, shah };
    for (const [who, page] of Object.entries(pages)) {
      for (const [other, name] of Object.entries(names)) {
        if (other === who) continue;
        await until(
          () => decodedFrom(page),
          (seen) => (seen[name] ?? 0) > 0,
          `frames from ${name} on ${names[who as keyof typeof names]}’s page`,
          LONG,
        );
      }
    }
    // Another clinician is in: each is offered Leave beside End for everyone.
    const leave = (page: Page) => page.locator('consult-room').getByRole('button', { name: 'Leave', exact: true });
    for (const page of [khan, evans, shah]) await leave(page).waitFor();
    assert.deepEqual(await axeViolations(shah), []);
    await shah.screenshot({ path: join(SHOTS, 'consult-room-staff-call-leave.png'), fullPage: true });

    // Nurse Shah leaves: her call is over, not theirs.
    await leave(shah).click();
    await shah
      .locator('consult-room [part~="status"]', { hasText: 'You left the call. The others carry on without you.' })
      .waitFor();
    const status = (page: Page) =>
      page.evaluate(
        () =>
          (window as unknown as { consultation: { state: { get(): { status: string } } } }).consultation.state.get()
            .status,
      );
    assert.equal(await status(shah), 'ended');
    for (const page of [khan, evans]) {
      await until(
        () =>
          page.evaluate(
            () =>
              (
                window as unknown as {
                  consultation: { state: { get(): { participants: { name?: string; presence: string }[] } } };
                }
              ).consultation.state
                .get()
                .participants.find((p) => p.name === 'Nurse Priya Shah')?.presence,
          ),
        (presence) => presence === 'left',
        'Nurse Shah gone from the call',
        LONG,
      );
    }
    // The two others still decode each other's frames: counts that go on rising after she left.
    for (const [page, other] of [
      [khan, names.evans],
      [evans, names.khan],
    ] as const) {
      const before = (await decodedFrom(page))[other] ?? 0;
      await until(
        () => decodedFrom(page),
        (seen) => (seen[other] ?? 0) > before,
        `fresh frames from ${other} after Nurse Shah left`,
        LONG,
      );
      assert.equal(await status(page), 'in-call');
    }
    await until(
      () => presenceOf(shah, names.khan),
      (text) => text === 'In a consultation',
      'Dr Khan still in a call, to Nurse Shah',
      LONG,
    );

    // Dr Khan leaves too; Dr Evans, alone, has only End for everyone.
    const [{ call: id, practitioner: evansId }] = await khan.evaluate(
      () => (window as unknown as { staffCalls: { call: string; practitioner: string }[] }).staffCalls,
    );
    await leave(khan).click();
    await khan
      .locator('consult-room [part~="status"]', { hasText: 'You left the call. The others carry on without you.' })
      .waitFor();
    await leave(evans).waitFor({ state: 'detached' });
    assert.notEqual(await status(evans), 'ended');
    assert.ok(await evans.locator('consult-room').getByRole('button', { name: 'End for everyone' }).isVisible());

    // He closes his console: nobody is left in the call, and the server ends it (as before).
    await evans.close();
    await until(
      () =>
        khan.evaluate(
          async ({ id, evansId }) => {
            // Asked once a second (the call ends 5 s after the last one went; rate limits apply).
            await new Promise((resolve) => setTimeout(resolve, 1000));
            const response = await fetch('/api/staff-calls', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ practitioner: evansId, call: id }),
            });
            return `${response.status} ${JSON.stringify(await response.json())}`;
          },
          { id, evansId },
        ),
      (answer) => answer.startsWith('409') && answer.includes('This call has ended'),
      'the call ended once nobody was in it',
      LONG,
    );
  });
});
