/**
 * End to end: a patient who reloads the join page in the waiting room is not locked out. On the
 * reference server as `npm start` runs it, in Debian's Chromium driven by Playwright: the patient
 * joins by link, waits, reloads, and is back in the waiting room without redeeming the link again
 * (the session cookie finds it); the clinician lets them in and both decode frames. The link is
 * gone from the address bar once joined; another browser with the used link reads "already used".
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  admitWhenWaiting,
  clinicianPage,
  decodesFrames,
  joinToWaitingRoom,
  type RunningServer,
  startServerAndBrowser,
  stopServerAndBrowser,
  videoAppointment,
} from './support.js';

const STAFF_KEY = 'e2e-staff-key-e2e-staff-key-e2e-staff-key';

describe('a reload does not lock the patient out', () => {
  let browser: Browser;
  let server: RunningServer;

  before(async () => {
    ({ server, browser } = await startServerAndBrowser({
      CONSULTKIT_STAFF_KEY: STAFF_KEY,
      CONSULTKIT_SEED_DEMO: 'on',
      // Whatever the time of the run, the first free video slot's link is already open.
      CONSULTKIT_JOIN_EARLY_MINUTES: '1440',
    }));
  });

  after(() => stopServerAndBrowser(server, browser));

  it('reload in the waiting room: back in without a second redeem, let in, both see frames; cancelled: told', async () => {
    const { booking, practice, url, token } = await videoAppointment(server.url, STAFF_KEY, 'reload');

    // The patient joins by link and waits.
    const patientContext = await browser.newContext({ permissions: ['camera', 'microphone'] });
    const patient = await patientContext.newPage();
    patient.on('pageerror', (error) => console.error('[patient]', error.message));
    let redeems = 0;
    let resumes = 0;
    patient.on('request', (request) => {
      if (request.url().endsWith('/api/join/redeem')) redeems++;
      if (request.url().endsWith('/api/join/resume')) resumes++;
    });
    await joinToWaitingRoom(patient, url);
    const waiting = patient.locator('waiting-room').getByText('You are in the waiting room');
    assert.equal(redeems, 1);
    assert.ok(!patient.url().includes(token), `no link in the address: ${patient.url()}`);
    assert.match(patient.url(), /\/join\/$/);
    const historyHasLink = await patient.evaluate(
      (jwt) => location.href.includes(jwt) || document.referrer.includes(jwt),
      token,
    );
    assert.equal(historyHasLink, false);

    // The reload: back in the waiting room from the cookie, the link not redeemed again.
    await patient.reload();
    await waiting.waitFor({ timeout: 15_000 });
    assert.equal(redeems, 1, 'no second redeem');
    assert.ok(resumes >= 2, 'the page resumed its session');

    // The clinician (a vendor backend's clinician session) lets the patient in.
    const clinician = await clinicianPage(browser, server.url, STAFF_KEY, booking.id);
    await admitWhenWaiting(clinician);
    await patient
      .locator('consult-room [part~="status"]')
      .filter({ hasText: 'In the call.' })
      .waitFor({ timeout: 15_000 });
    await decodesFrames(patient);
    await decodesFrames(clinician);
    const status = (
      (await (
        await fetch(`${server.url}/fhir/Appointment/${booking.id}`, {
          headers: { authorization: `Bearer ${STAFF_KEY}` },
        })
      ).json()) as { status: string }
    ).status;
    assert.equal(status, 'arrived');

    // Another device (no cookie) with the used link: the plain "already used", saying what to do.
    const otherContext = await browser.newContext({ permissions: ['camera', 'microphone'] });
    const other = await otherContext.newPage();
    await other.goto(url);
    await other.getByRole('button', { name: 'Join your video appointment' }).click();
    await other.getByRole('alert').getByText('This link has already been used').waitFor({ timeout: 10_000 });
    assert.match((await other.getByRole('alert').textContent()) ?? '', /ask the practice to send you a new link/);
    // The patient's call carries on.
    assert.equal(
      await patient.evaluate(
        () =>
          (window as unknown as { consultation: { state: { get(): { status: string } } } }).consultation.state.get()
            .status,
      ),
      'in-call',
    );

    // The practice cancels the arrived appointment: the patient's page says so, and stays ended.
    await practice.update(booking.id, (appointment) => ({ ...appointment, status: 'cancelled' }));
    await patient
      .locator('consult-room [part~="status"]')
      .filter({ hasText: 'The practice has cancelled this appointment.' })
      .waitFor({ timeout: 10_000 });
    assert.equal(
      await patient.evaluate(
        () =>
          (window as unknown as { consultation: { state: { get(): { endReason: string } } } }).consultation.state.get()
            .endReason,
      ),
      'cancelled',
    );
  });

  it('a page offline when the practice sent a new link is told when its signalling comes back', async () => {
    const { booking, url } = await videoAppointment(server.url, STAFF_KEY, 'reload');
    const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
    // The phone's network: while "offline", new websockets go nowhere (fetch still works, as it
    // would on a flaky connection coming back).
    await context.addInitScript(() => {
      const w = window as unknown as { ckSockets: WebSocket[]; ckOffline: boolean; WebSocket: typeof WebSocket };
      w.ckSockets = [];
      w.ckOffline = false;
      const Native = w.WebSocket;
      w.WebSocket = class extends Native {
        constructor(address: string | URL, protocols?: string | string[]) {
          super(w.ckOffline ? String(address).replace(/\/\/[^/]+/, '//127.0.0.1:9') : address, protocols);
          w.ckSockets.push(this);
        }
      };
    });
    const patient = await context.newPage();
    patient.on('pageerror', (error) => console.error('[patient]', error.message));
    await joinToWaitingRoom(patient, url);
    // The waiting room shows while the socket may still be opening: drop the network only once it is
    // up, so what the page lives through is a lost connection, not a first one that never came.
    await patient.waitForFunction(
      () =>
        (window as unknown as { consultation: { state: { get(): { signalling: string } } } }).consultation.state.get()
          .signalling === 'connected',
      undefined,
      { timeout: 30_000, polling: 100 },
    );
    // The network drops: the server closes nothing, it just loses the socket. Whether the page
    // noticed is recorded as it happens (a busy machine may move on before a poll sees it).
    await patient.evaluate(() => {
      const w = window as unknown as {
        ckSockets: WebSocket[];
        ckOffline: boolean;
        ckSawReconnecting: boolean;
        consultation: { state: { subscribe(listener: (state: { signalling: string }) => void): unknown } };
      };
      w.ckSawReconnecting = false;
      w.consultation.state.subscribe((state) => {
        if (state.signalling === 'reconnecting') w.ckSawReconnecting = true;
      });
      w.ckOffline = true;
      for (const socket of w.ckSockets) if (socket.url.includes('/signal/peerjs')) socket.close();
    });
    await patient.waitForFunction(
      () => (window as unknown as { ckSawReconnecting: boolean }).ckSawReconnecting,
      undefined,
      { timeout: 30_000, polling: 100 },
    );
    // Meanwhile reception sends a new link: the old session is revoked, with no socket to tell.
    const sent = await fetch(`${server.url}/api/consultations/${booking.id}/invitations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${STAFF_KEY}` },
    });
    assert.equal(sent.status, 201);
    await patient.evaluate(() => {
      (window as unknown as { ckOffline: boolean }).ckOffline = false;
    });
    await patient
      .locator('consult-room [part~="status"]')
      .filter({ hasText: 'The practice has sent you a new link.' })
      .waitFor({ timeout: 40_000 });
    assert.equal(
      await patient.evaluate(
        () =>
          (window as unknown as { consultation: { state: { get(): { endReason: string } } } }).consultation.state.get()
            .endReason,
      ),
      'revoked',
    );
  });
});
