// Documents benchmark: upload throughput of a 20 MB file on loopback, through ConsultKit's
// resumable path (core's `Files`: tus-js-client, 4 MB PATCHes, to the server's tus routes, bytes
// written to the documents folder) against a raw `fetch` PUT of the same bytes to the same server
// (a bench-only route that writes them to a file in the same folder), alternating the two kinds
// run by run in one headless Chromium page. Goal: ConsultKit ≥ 0.8 × the raw PUT's throughput
// (medians). Writes bench/results/files.json; see bench/README.md.
/* global window, location -- the page functions run in Chromium */
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { register } from 'tsx/esm/api';
import { benchServer, round, summarise } from './support.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const SIZE = 20 * 1024 * 1024;
const WARM_UP = 1;
const BAR = 0.8;
const KINDS = ['consultkit', 'raw_put'];
const STAFF_KEY = 'bench-staff-key-bench-staff-key-bench-staff';

function runsPerKind() {
  const raw = process.env.BENCH_N;
  if (raw === undefined || raw.trim() === '') return 10;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1)
    throw new Error(`BENCH_N: expected a whole number ≥ 1, got "${raw}"`);
  return Number(raw);
}

/** The server in this process, with a bench-only raw PUT sink beside the tus routes. */
async function startServer(documentsDir) {
  register();
  const { DEFAULT_SERVE } = await import('../packages/server/src/app.ts');
  const { seedAroundTheClockPractice } = await import('../packages/server/src/test-helpers.ts');
  const server = await benchServer(
    {
      CONSULTKIT_DEMO: 'off',
      CONSULTKIT_DOCUMENTS_DIR: documentsDir,
      CONSULTKIT_SECRET: 'bench-secret-bench-secret-bench-secret-bench',
      CONSULTKIT_STAFF_KEY: STAFF_KEY,
      CONSULTKIT_JOIN_EARLY_MINUTES: '1440',
    },
    { serve: DEFAULT_SERVE },
  );
  await seedAroundTheClockPractice(server.storage, 'Europe/London');
  await server.booking.generateHorizon();
  // The baseline: the same bytes, one PUT, streamed to a file in the same folder (no checks, no database).
  let sink = 0;
  server.app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));
  server.app.put('/bench/raw-put', async (request, reply) => {
    await pipeline(request.body, createWriteStream(join(documentsDir, `raw-${++sink}`)));
    return reply.code(204).send();
  });
  const url = await server.listen();
  return { server, url };
}

/** A confirmed video appointment and a clinician's ticket for it (staff routes, as a vendor backend). */
async function clinicianTicket(url) {
  const staff = { authorization: `Bearer ${STAFF_KEY}` };
  const { appointmentRequest } = await import('../packages/server/src/test-helpers.ts');
  const bundle = await (await fetch(`${url}/fhir/Slot?status=free&_count=1`)).json();
  const slot = bundle.entry.find((e) => e.search?.mode === 'match').resource;
  const body = appointmentRequest(slot, `bench-${Date.now()}@example.org`, { channel: 'Video' });
  const booked = await fetch(`${url}/fhir/Appointment`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (booked.status !== 201) throw new Error(`booking: ${booked.status} ${await booked.text()}`);
  const appointment = await booked.json();
  const current = await (await fetch(`${url}/fhir/Appointment/${appointment.id}`, { headers: staff })).json();
  const confirmed = await fetch(`${url}/fhir/Appointment/${appointment.id}`, {
    method: 'PUT',
    headers: { ...staff, 'content-type': 'application/json', 'if-match': `W/"${current.meta.versionId}"` },
    body: JSON.stringify({ ...current, status: 'booked' }),
  });
  if (!confirmed.ok) throw new Error(`confirming: ${confirmed.status} ${await confirmed.text()}`);
  const token = await fetch(`${url}/api/consultations/${appointment.id}/clinician-token`, {
    method: 'POST',
    headers: staff,
  });
  if (!token.ok) throw new Error(`clinician token: ${token.status} ${await token.text()}`);
  return token.json();
}

export async function run({ executablePath, args, log }) {
  if (!existsSync(`${ROOT}packages/elements/dist/cdn/consultation.js`)) {
    throw new Error('no CDN bundles in packages/elements/dist/cdn: run `npm run build` first');
  }
  const n = runsPerKind();
  const documentsDir = await mkdtemp(join(tmpdir(), 'ck-bench-files-'));
  const { server, url } = await startServer(documentsDir);
  const browser = await chromium.launch({ executablePath, args, headless: true });
  try {
    const ticket = await clinicianTicket(url);
    const page = await browser.newPage();
    page.on('pageerror', (error) => log(`files: page error: ${error.message}`));
    await page.goto(`${url}/`);
    // One 20 MB PNG-headed buffer for every run (the server checks the first bytes).
    await page.evaluate(
      async ({ ticket, size }) => {
        const { Consultation } = await import(`${location.origin}/cdn/consultation.js`);
        const bytes = new Uint8Array(size);
        crypto.getRandomValues(bytes.subarray(0, 65536));
        for (let i = 65536; i < size; i += 65536) bytes.copyWithin(i, 0, Math.min(65536, size - i));
        bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
        const w = window;
        w.bench = {
          consultation: new Consultation({ server: location.origin, ticket }),
          file: new File([bytes], 'bench.png', { type: 'image/png' }),
        };
      },
      { ticket, size: SIZE },
    );
    const once = (kind) =>
      page.evaluate(async (kind) => {
        const { consultation, file } = window.bench;
        const started = performance.now();
        if (kind === 'consultkit') await consultation.files.send(file);
        else {
          const response = await fetch('/bench/raw-put', {
            method: 'PUT',
            headers: { 'content-type': 'application/octet-stream' },
            body: file,
          });
          if (response.status !== 204) throw new Error(`raw PUT: ${response.status}`);
        }
        return performance.now() - started;
      }, kind);
    const samples = { consultkit: [], raw_put: [] };
    for (let i = 0; i < WARM_UP + n; i++) {
      // Alternate which goes first, so neither always gets the warmer turn.
      const order = i % 2 ? [...KINDS].reverse() : KINDS;
      for (const kind of order) {
        const ms = await once(kind);
        if (i >= WARM_UP) samples[kind].push(SIZE / (1024 * 1024) / (ms / 1000));
      }
    }
    const stats = { consultkit: summarise(samples.consultkit), raw_put: summarise(samples.raw_put) };
    const ratio = round(stats.consultkit.median / stats.raw_put.median, 3);
    const summary = {
      consultkit_mb_per_s: stats.consultkit.median,
      raw_put_mb_per_s: stats.raw_put.median,
      ratio,
      bar: BAR,
      within_bar: ratio >= BAR,
      size_bytes: SIZE,
      chunk_bytes: 4 * 1024 * 1024,
      n,
      warm_up: WARM_UP,
      alternating: true,
      what:
        'MB/s (MiB) of one 20 MB file from headless Chromium to the server on loopback: ConsultKit = consultation.files.send() ' +
        '(tus-js-client, POST + 5 PATCHes of 4 MB, first-bytes check, SHA-256 and SHA-1 of the file, database rows); ' +
        'raw_put = one fetch PUT of the same File to a bench-only route that streams it to a file in the same folder.',
      stats,
      samples_mb_per_s: {
        consultkit: samples.consultkit.map((x) => round(x)),
        raw_put: samples.raw_put.map((x) => round(x)),
      },
    };
    await mkdir(RESULTS, { recursive: true });
    await writeFile(`${RESULTS}files.json`, `${JSON.stringify(summary, null, 2)}\n`);
    log(
      `files: ConsultKit ${stats.consultkit.median} MB/s, raw PUT ${stats.raw_put.median} MB/s, ratio ${ratio} ` +
        `(goal ≥ ${BAR}: ${ratio >= BAR ? 'met' : 'NOT met'}; n=${n})`,
    );
    return summary;
  } finally {
    await browser.close();
    await server.close();
    await rm(documentsDir, { recursive: true, force: true });
  }
}
