/**
 * The patient's "my consultation" page (examples/my-consultation), end to end in Chromium on a
 * phone-sized screen: a recording uploaded as chunks and finished by the server, a retrieval link
 * e-mailed by staff (read from the outbox), opened in Urdu (right to left) and in English; the
 * recording plays (its duration known, seekable), the chat and the document are there; an expired
 * or forged link says so in words a screen reader announces. axe finds nothing in each state and
 * the page breaks no rule of the Content Security Policy.
 *
 * The recording's row is made the way the consent service makes it (the consent work is another
 * part of issue 10), so the server runs on PostgreSQL, where the test can reach the same database:
 * skipped without DATABASE_URL (CI sets it).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'node:test';
import type { Browser } from 'playwright-core';
import type { Appointment, Bundle, Slot } from 'fhir/r4.js';
import pg from 'pg';
import { openStorage } from '../packages/server/src/storage/index.js';
import {
  appointmentRequest,
  freshPostgresDatabase,
  seedAroundTheClockPractice,
  skippable,
} from '../packages/server/src/test-helpers.js';
import {
  axeViolations as axe,
  cspViolations,
  type RunningServer,
  signInToConsole,
  startServerAndBrowser,
  stopServerAndBrowser,
  watchedPage,
} from './support.js';
import { DEV_STAFF_KEY as STAFF_KEY } from '../packages/server/src/config.js';

// Demo mode (as `npm start` runs it), for the vendor console's development staff sign-in.
const STAFF = { authorization: `Bearer ${STAFF_KEY}` };
const FHIR = { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' };
const SCREENSHOTS = process.env['CK_SCREENSHOTS'];

const { it, before, after } = skippable(
  process.env['DATABASE_URL'] ? false : 'DATABASE_URL is not set: the my-consultation page test needs PostgreSQL',
);

describe('/my-consultation: the patient watches their recorded consultation again', () => {
  let browser: Browser;
  let server: RunningServer;
  let database: { url: string; dispose(): Promise<void> };
  let link: string;
  let patientId: string;
  let recordingId: string;
  let files: string | undefined;

  const api = async <T>(method: string, path: string, init: RequestInit = {}): Promise<T> => {
    const answer = await fetch(`${server.url}${path}`, { method, ...init });
    const text = await answer.text();
    assert.ok(answer.ok, `${method} ${path} → ${answer.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };

  before(async () => {
    database = (await freshPostgresDatabase())!;
    const storage = await openStorage({ databaseUrl: database.url, dataDir: '' });
    try {
      await seedAroundTheClockPractice(storage, 'Europe/London');
    } finally {
      await storage.close();
    }
    // The files go to a folder of the test's own, not the defaults beside the working directory.
    files = await mkdtemp(join(tmpdir(), 'ck-e2e-recordings-'));
    ({ server, browser } = await startServerAndBrowser({
      DATABASE_URL: database.url,
      CONSULTKIT_RECORDINGS_DIR: join(files, 'recordings'),
      CONSULTKIT_DOCUMENTS_DIR: join(files, 'documents'),
    }));
    // A confirmed video appointment starting within the hour with Dr Amina Khan (Practitioner/1),
    // whose sessions offer video (the nurse's do not, and hers may be the first free time).
    const from = new Date(Date.now() + 60_000).toISOString();
    const slots = await api<Bundle>(
      'GET',
      `/fhir/Slot?status=free&schedule.actor=Practitioner/1&start=ge${from}&_count=20`,
      { headers: FHIR },
    );
    const slot = slots.entry!.map((e) => e.resource as Slot).find((s) => s.resourceType === 'Slot')!;
    const booked = await api<Appointment>('POST', '/fhir/Appointment', {
      headers: FHIR,
      body: JSON.stringify(appointmentRequest(slot, `watch-${Date.now()}@example.org`)),
    });
    await api('PUT', `/fhir/Appointment/${booked.id}`, {
      headers: { ...FHIR, ...STAFF, 'if-match': `W/"${booked.meta!.versionId}"` },
      body: JSON.stringify({ ...booked, status: 'booked' }),
    });
    const gp = await api<{ token: string; peerId: string }>('POST', `/api/consultations/${booked.id}/clinician-token`, {
      headers: STAFF,
    });
    // The recording, as the consent service opens it once everyone has agreed.
    const id = randomBytes(16).toString('hex');
    recordingId = id;
    patientId = booked.participant
      .find((p) => p.actor?.reference?.startsWith('Patient/'))!
      .actor!.reference!.slice('Patient/'.length);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(
        `INSERT INTO recording (id, appointment_id, request_id, capture, status, asked_by, started_at)
         VALUES ($1, $2, $3, 'composite', 'capturing', $4, now())`,
        [id, Number(booked.id), randomUUID(), gp.peerId],
      );
    } finally {
      await client.end();
    }
    // Ten seconds streamed as MediaRecorder streams (no duration, no cues), sent in five chunks.
    const webm = execFileSync(
      'ffmpeg',
      [
        ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15'],
        ...['-f', 'lavfi', '-i', 'sine=frequency=440', '-t', '10', '-c:v', 'libvpx', '-b:v', '200k'],
        ...['-c:a', 'libopus', '-f', 'webm', 'pipe:1'],
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const size = Math.ceil(webm.length / 5);
    for (let seq = 0; seq < 5; seq++) {
      await api('PUT', `/api/recordings/${id}/chunks/${seq}`, {
        headers: { authorization: `Bearer ${gp.token}`, 'content-type': 'video/webm' },
        body: webm.subarray(seq * size, (seq + 1) * size),
      });
    }
    const finished = await api<{ status: string }>('POST', `/api/recordings/${id}/finish`, {
      headers: { authorization: `Bearer ${gp.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ chunks: 5 }),
    });
    assert.equal(finished.status, 'ready');
    await api('POST', `/api/consultations/${booked.id}/retrieval-link`, { headers: STAFF });
    const outbox = await api<{ messages: { subject: string; text: string }[] }>('GET', '/api/outbox', {
      headers: STAFF,
    });
    const mail = outbox.messages.find((m) => /recording, chat and documents/.test(m.subject))!;
    link = /(http:\S+\/my-consultation\/\S+)/.exec(mail.text)![1]!;
  });

  after(async () => {
    await stopServerAndBrowser(server, browser);
    await database?.dispose();
    if (files) await rm(files, { recursive: true, force: true });
  });

  async function open(url: string) {
    const watched = await watchedPage(browser, { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    await watched.page.goto(url);
    return watched;
  }

  it('in Urdu, right to left: details, a recording that plays and seeks, the chat; axe finds nothing', async () => {
    const { page, errors, context } = await open(`${link}${link.includes('?') ? '&' : '?'}lang=ur`);
    try {
      assert.match(page.url(), /\/my-consultation\/\?lang=ur$/, 'the token has left the address bar');
      await page.getByRole('heading', { level: 1, name: 'آپ کی ویڈیو مشاورت' }).waitFor();
      await page.getByRole('status').filter({ hasText: 'آپ کی مشاورت نیچے دکھائی گئی ہے۔' }).waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'ur');
      const video = page.locator('video');
      await page.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 1, undefined, {
        timeout: 30_000,
      });
      const duration = await video.evaluate((v: HTMLVideoElement) => v.duration);
      assert.ok(Math.abs(duration - 10) <= 1, `duration ${duration}`);
      // Seek to the eighth second: the file has an index, so the player gets there.
      await video.evaluate((v: HTMLVideoElement) => (v.currentTime = 8));
      await page.waitForFunction(
        () => {
          const v = document.querySelector('video')!;
          return !v.seeking && v.currentTime >= 7.5 && v.readyState >= 2;
        },
        undefined,
        { timeout: 30_000 },
      );
      assert.deepEqual(await axe(page), []);
      if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/my-consultation-ur.png`, fullPage: true });
      assert.deepEqual(await cspViolations(page), []);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('in English; a link opened again later still works on this device', async () => {
    const { page, errors, context } = await open(link);
    try {
      await page.getByRole('heading', { level: 1, name: 'Your video consultation' }).waitFor();
      await page.getByRole('status').filter({ hasText: 'Your consultation is shown below.' }).waitFor();
      await page.getByText('Nothing was written in the chat.').waitFor();
      await page.getByRole('link', { name: 'Download recording 1' }).waitFor();
      assert.deepEqual(await axe(page), []);
      if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/my-consultation-en.png`, fullPage: true });
      await page.reload();
      await page.getByRole('status').filter({ hasText: 'Your consultation is shown below.' }).waitFor();
      assert.deepEqual(await cspViolations(page), []);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('a forged link: the page says so, as an alert; axe finds nothing', async () => {
    const forged = link.replace(/.{4}$/, 'AAAA');
    const { page, errors, context } = await open(forged);
    try {
      const alert = page.getByRole('alert');
      await alert.filter({ hasText: 'This link has expired or is not valid.' }).waitFor();
      assert.equal(await page.locator('video').count(), 0);
      assert.deepEqual(await axe(page), []);
      if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/my-consultation-expired.png`, fullPage: true });
      assert.deepEqual(await cspViolations(page), []);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('the vendor console lists the recording, plays it, shows its audit, sends a link and deletes it; axe finds nothing', async () => {
    const { page, errors, context } = await watchedPage(browser, { viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(`${server.url}/examples/vendor-console/`);
      // A clinician (a receptionist may not open recordings).
      await signInToConsole(page);
      await page.getByRole('heading', { name: 'Recordings' }).waitFor();
      await page.getByLabel('Patient (FHIR Patient id)').fill(patientId);
      await page.getByRole('button', { name: 'Show recordings' }).click();
      await page.getByRole('status').filter({ hasText: '1 recording listed.' }).waitFor();
      const table = page.getByRole('table', { name: "Recordings of this patient's consultations" });
      await table.getByRole('cell', { name: 'ready' }).waitFor();
      await table.getByRole('button', { name: /^Play the recording of / }).click();
      await page.waitForFunction(
        () => (document.querySelector<HTMLVideoElement>('#player')?.readyState ?? 0) >= 1,
        undefined,
        {
          timeout: 30_000,
        },
      );
      assert.ok(Math.abs((await page.locator('#player').evaluate((v: HTMLVideoElement) => v.duration)) - 10) <= 1);
      await table.getByRole('button', { name: /^Audit of the recording of / }).click();
      const audit = page.getByRole('table', { name: /^Who opened the recording of / });
      await audit.getByRole('cell', { name: 'Grace Hopper (retrieval-link)' }).first().waitFor();
      // The console signed in as a named clinician: the audit names her.
      await audit.getByRole('cell', { name: 'Dr Amina Khan (staff)' }).first().waitFor();
      assert.deepEqual(await axe(page), []);
      if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/vendor-console-recordings.png`, fullPage: true });
      await table.getByRole('button', { name: /^Send link: e-mail the patient a link/ }).click();
      await page
        .getByRole('status')
        .filter({ hasText: /^A link was e-mailed to watch-/ })
        .waitFor();
      page.once('dialog', (dialog) => void dialog.accept());
      await table.getByRole('button', { name: /^Delete the recording of / }).click();
      await page
        .getByRole('status')
        .filter({ hasText: /was deleted\.$/ })
        .waitFor();
      await table.getByRole('cell', { name: 'deleted' }).waitFor();
      const media = await fetch(`${server.url}/api/recordings/${recordingId}/media`, { headers: STAFF });
      assert.equal(media.status, 410);
      assert.deepEqual(await axe(page), []);
      assert.deepEqual(await cspViolations(page), []);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
