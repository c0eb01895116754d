/**
 * End to end: documents in a consultation, on the reference server as `npm start` runs it, in
 * Debian's Chromium driven by Playwright. The patient joins by link and is let in; each side has
 * a real `<consult-room>` with its `<file-share>`. A 5 MB picture from the patient arrives intact
 * at the clinician (its SHA-256), with progress on both sides that never goes backwards; files
 * refused in the page; a name with markup stays text; a participant of another consultation gets
 * 403; and an upload resumes after the server is restarted in its middle.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { openStorage } from '../packages/server/src/storage/index.js';
import { seedAroundTheClockPractice } from '../packages/server/src/test-helpers.js';
import {
  admitWhenWaiting,
  clinicianPage as joinedClinicianPage,
  clinicianTicket,
  joinToWaitingRoom,
  startServer,
  type RunningServer,
  videoAppointment as bookVideoAppointment,
} from './support.js';
// @ts-expect-error -- plain ESM helper without types
import { CHROME_ARGS, findChrome, NO_CHROME_MESSAGE } from '../scripts/chrome.mjs';

const STAFF_KEY = 'e2e-staff-key-e2e-staff-key-e2e-staff-key';
const STAFF = { authorization: `Bearer ${STAFF_KEY}` };

/** CRC-32 (PNG chunks). */
function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

/** A real PNG of random pixels (random data does not compress: about width × height × 3 bytes). */
function noisePng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  const noise = randomBytes(width * 3 * height);
  for (let y = 0; y < height; y++) noise.copy(rows, y * (width * 3 + 1) + 1, y * width * 3, (y + 1) * width * 3);
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 0 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

interface Seen {
  id: string;
  progress: number;
  status: string;
}

/** Starts recording every document state the page's `window.consultation.files` goes through. */
function recordProgress(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as unknown as {
      seen: { id: string; progress: number; status: string }[];
      consultation: {
        files: {
          state: {
            subscribe(f: (s: { documents: { id: string; progress: number; status: string }[] }) => void): void;
          };
        };
      };
    };
    w.seen = [];
    w.consultation.files.state.subscribe((s) => {
      for (const d of s.documents) w.seen.push({ id: d.id, progress: d.progress, status: d.status });
    });
  });
}

const seen = (page: Page) => page.evaluate(() => (window as unknown as { seen: Seen[] }).seen);

/** The SHA-256 of what the page's link to the document gives. */
function hashInPage(page: Page, url: string): Promise<string> {
  return page.evaluate(async (href) => {
    const bytes = await (await fetch(href)).arrayBuffer();
    return [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))]
      .map((b) => b.toString(16).padStart(2, '0'))
      .join('');
  }, url);
}

function assertNeverBackwards(values: number[], what: string): void {
  for (let i = 1; i < values.length; i++) {
    assert.ok(values[i]! >= values[i - 1]!, `${what}: ${values[i - 1]} then ${values[i]} (${values.join(', ')})`);
  }
}

describe('documents in a consultation, end to end', () => {
  const executablePath = findChrome() as string | null;
  let browser: Browser;
  let server: RunningServer;
  let dataDir: string;

  before(async () => {
    assert.ok(executablePath, NO_CHROME_MESSAGE);
    dataDir = await mkdtemp(join(tmpdir(), 'ck-e2e-documents-'));
    const storage = await openStorage({ dataDir: join(dataDir, 'db') });
    try {
      await seedAroundTheClockPractice(storage, 'Europe/London');
    } finally {
      await storage.close();
    }
    server = await startServer(env(0));
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROME_ARGS, headless: true });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** The server's settings: its own database and documents folder, kept across a restart. */
  function env(port: number): Record<string, string> {
    return {
      PORT: String(port),
      CONSULTKIT_STAFF_KEY: STAFF_KEY,
      CONSULTKIT_DATA_DIR: join(dataDir, 'db'),
      CONSULTKIT_DOCUMENTS_DIR: join(dataDir, 'documents'),
      CONSULTKIT_JOIN_EARLY_MINUTES: '1440',
    };
  }

  /** A confirmed video appointment and its patient's join link (from the outbox). */
  async function videoAppointment() {
    const { booking, url } = await bookVideoAppointment(server.url, STAFF_KEY, 'documents');
    return { id: booking.id, link: url };
  }

  /** A clinician's page: a page of ours (the index) given a real <consult-room>, joined. */
  const clinicianPage = (id: string) => joinedClinicianPage(browser, server.url, STAFF_KEY, id, { room: true });

  it('a 5 MB picture arrives intact, progress on both sides never backwards; refusals; inert names; 403', async () => {
    const { id, link } = await videoAppointment();
    const patientContext = await browser.newContext({ permissions: ['camera', 'microphone'] });
    const patient = await patientContext.newPage();
    patient.on('pageerror', (error) => console.error('[patient]', error.message));
    await joinToWaitingRoom(patient, link);
    // Not let in yet: no documents.
    assert.equal(await patient.locator('file-share').count(), 0);

    const clinician = await clinicianPage(id);
    await admitWhenWaiting(clinician);
    const patientShare = patient.locator('consult-room file-share');
    const clinicianShare = clinician.locator('consult-room file-share');
    await patientShare.locator('[part~="choose"]').waitFor({ timeout: 30_000 });
    await clinicianShare.locator('[part~="choose"]').waitFor({ timeout: 30_000 });
    await recordProgress(patient);
    await recordProgress(clinician);

    // Refused in the patient's page, each with its sentence in a visible alert.
    const picture = noisePng(1300, 1300);
    assert.ok(picture.length > 5_000_000, `${picture.length} bytes`);
    const refusals: [string, Buffer, RegExp][] = [
      ['results.pdf', picture.subarray(0, 4096), /is not what its name says/],
      ['IMG_0042.HEIC', Buffer.from('000000186674797068656963', 'hex'), /HEIC photo/],
      ['notes.png', Buffer.from('<html><script>parent.pwned=1</script></html>'), /cannot be shared/],
    ];
    for (const [name, buffer, sentence] of refusals) {
      await patientShare
        .locator('input[type="file"]')
        .setInputFiles({ name, mimeType: 'image/png', buffer }, { timeout: 120_000 });
      await patientShare
        .locator('[part~="error"][role="alert"]')
        .filter({ hasText: sentence })
        .waitFor({ timeout: 15_000 });
    }
    // Over 20 MB: made in the page (a buffer that size is slow to hand over) and chosen as a person would.
    await patientShare.locator('input[type="file"]').evaluate((input: HTMLInputElement) => {
      const data = new DataTransfer();
      const bytes = new Uint8Array(20 * 1024 * 1024 + 1);
      bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      data.items.add(new File([bytes], 'huge.png', { type: 'image/png' }));
      input.files = data.files;
      input.dispatchEvent(new Event('change'));
    });
    await patientShare
      .locator('[part~="error"][role="alert"]')
      .filter({ hasText: /larger than 20 MB/ })
      .waitFor({ timeout: 15_000 });
    const listed = await fetch(`${server.url}/api/consultations/${id}/documents`, { headers: STAFF });
    assert.deepEqual(((await listed.json()) as { documents: unknown[] }).documents, [], 'nothing reached the server');

    // The 5 MB picture, named with markup.
    const name = '<img src=x onerror="parent.pwned=1">scan.png';
    // From a file on disk (the browser reads it itself: a 5 MB buffer is slow to hand over on a loaded machine).
    const onDisk = join(dataDir, name);
    await writeFile(onDisk, picture);
    await patientShare.locator('input[type="file"]').setInputFiles(onDisk, { timeout: 120_000 });
    await clinicianShare.locator('[part~="download"]').waitFor({ timeout: 60_000 });
    await patientShare.locator('[part~="status"]').filter({ hasText: 'is sent.' }).waitFor({ timeout: 60_000 });
    const documents = (await (
      await fetch(`${server.url}/api/consultations/${id}/documents`, { headers: STAFF })
    ).json()) as {
      documents: { id: string; sha256: string; name: string; size: number }[];
    };
    assert.equal(documents.documents.length, 1);
    const [shared] = documents.documents as [{ id: string; sha256: string; name: string; size: number }];
    assert.equal(shared.sha256, sha256(picture), 'the server has the same bytes');
    assert.equal(shared.size, picture.length);
    assert.equal(shared.name, '_img src=x onerror=_parent.pwned=1__scan.png');
    const viewUrl = (await clinicianShare.locator('[part~="open"]').getAttribute('href'))!;
    assert.equal(await hashInPage(clinician, viewUrl), sha256(picture), 'the clinician gets the same bytes');
    // The preview decodes; the name is text on both sides; nothing ran.
    await clinician.waitForFunction(
      () => {
        const roots: (Document | ShadowRoot)[] = [document];
        for (let i = 0; i < roots.length; i++) {
          for (const element of roots[i]!.querySelectorAll('*')) {
            if (element.shadowRoot) roots.push(element.shadowRoot);
            if (element.matches('img[part~="preview"]') && (element as HTMLImageElement).naturalWidth === 1300)
              return true;
          }
        }
        return false;
      },
      undefined,
      { timeout: 30_000 },
    );
    for (const page of [patient, clinician]) {
      const share = page.locator('consult-room file-share');
      assert.equal(await share.locator('.name').textContent(), shared.name);
      assert.equal(await share.locator('img').count(), 1, 'one image: the preview, not one from the name');
      assert.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
    }

    // Progress on both sides, never backwards, and the clinician saw it part-way.
    const onPatient = (await seen(patient)).filter((s) => s.id === shared.id).map((s) => s.progress);
    const onClinician = (await seen(clinician)).filter((s) => s.id === shared.id).map((s) => s.progress);
    assertNeverBackwards(onPatient, 'patient');
    assertNeverBackwards(onClinician, 'clinician');
    assert.equal(onPatient.at(-1), 1);
    assert.equal(onClinician.at(-1), 1);
    assert.ok(
      onClinician.some((p) => p > 0 && p < 1),
      `the clinician saw it arrive part-way: ${onClinician.join(', ')}`,
    );

    // Someone of another consultation: 403, for the list, the bytes and the link.
    const other = await videoAppointment();
    const stranger = await clinicianTicket(server.url, STAFF_KEY, other.id);
    for (const path of [
      `/api/consultations/${id}/documents`,
      `/api/consultations/${id}/documents/${shared.id}`,
      `/api/consultations/${id}/documents/${shared.id}/link`,
    ]) {
      const answer = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${stranger.token}` } });
      assert.equal(answer.status, 403, path);
      assert.equal(((await answer.json()) as { resourceType: string }).resourceType, 'OperationOutcome');
    }
    await patientContext.close();
    await clinician.context().close();
  });

  it('an upload resumes after the server is restarted in its middle; the bytes arrive intact', async () => {
    const { id } = await videoAppointment();
    const clinician = await clinicianPage(id);
    const share = clinician.locator('consult-room file-share');
    await share.locator('[part~="choose"]').waitFor({ timeout: 30_000 });
    await recordProgress(clinician);
    // A slow uplink (1 MB/s), so that the restart falls in the middle of the upload.
    const cdp = await clinician.context().newCDPSession(clinician);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 1024 * 1024,
    });
    const picture = noisePng(1300, 1300);
    const onDisk = join(dataDir, 'scan.png');
    await writeFile(onDisk, picture);
    await share.locator('input[type="file"]').setInputFiles(onDisk, { timeout: 120_000 });
    // The first 2 MB chunk confirmed: the server has part of it.
    await clinician.waitForFunction(
      () => (window as unknown as { seen: { progress: number }[] }).seen.some((s) => s.progress > 0 && s.progress < 1),
      undefined,
      { timeout: 60_000 },
    );
    const port = Number(new URL(server.url).port);
    await server.stop();
    server = await startServer(env(port));
    // tus-js-client retries on its own (about two minutes of retries); should the restart take
    // longer on a loaded machine, the upload stops and says so, and Resume goes on from the server's offset.
    const resumed = await Promise.race([
      share
        .locator('[part~="download"]')
        .waitFor({ timeout: 180_000 })
        .then(() => 'by itself' as const),
      share
        .locator('[part~="resume"]')
        .waitFor({ timeout: 180_000 })
        .then(() => 'stalled' as const),
    ]);
    if (resumed === 'stalled') {
      console.log('# the upload stalled during the restart: pressing Resume');
      await share.locator('[part~="resume"]').click();
      await share.locator('[part~="download"]').waitFor({ timeout: 120_000 });
    }
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    const progress = (await seen(clinician)).map((s) => s.progress);
    assertNeverBackwards(progress, 'across the restart');
    const documents = (await (
      await fetch(`${server.url}/api/consultations/${id}/documents`, { headers: STAFF })
    ).json()) as {
      documents: { id: string; sha256: string; status: string }[];
    };
    assert.deepEqual(
      documents.documents.map((d) => [d.status, d.sha256]),
      [['complete', sha256(picture)]],
    );
    const viewUrl = (await share.locator('[part~="open"]').getAttribute('href'))!;
    assert.equal(await hashInPage(clinician, viewUrl), sha256(picture));
    await clinician.context().close();
  });
});
