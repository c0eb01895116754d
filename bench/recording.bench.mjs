// Composite recording benchmark (issue 10, decision 0038): a two-party mesh call (clinician and
// patient, fake camera and microphone, headless Chromium, the server in this process on loopback)
// held for RECORDING_BENCH_SECONDS (default 300) without recording (the baseline), then the same
// length while the clinician's page records the composite. Measured on the clinician's page:
// - JS heap growth over the recording (CDP `Runtime.getHeapUsage` after a forced GC, start → end;
//   goal ≤ 50 MB), and the largest heap seen;
// - the upload backlog: the most chunks kept in IndexedDB and not yet acknowledged (goal ≤ 1 on
//   loopback);
// - CPU: CDP `Performance.getMetrics` TaskDuration and ScriptDuration per second of call, recording
//   minus the baseline (what the compositor, MediaRecorder and the upload cost).
// Writes bench/results/recording.json; see bench/README.md.
/* global window, location -- the page functions run in Chromium */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { register } from 'tsx/esm/api';
import { bounded, round } from './support.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const STAFF_KEY = 'bench-staff-key-bench-staff-key-bench-staff';
const STAFF = { authorization: `Bearer ${STAFF_KEY}` };
const GOALS = { heapGrowthMB: 50, backlogChunks: 1 };
const MB = 1024 * 1024;

function seconds() {
  const raw = process.env.RECORDING_BENCH_SECONDS;
  if (raw === undefined || raw.trim() === '') return 300;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 10)
    throw new Error(`RECORDING_BENCH_SECONDS: expected a whole number ≥ 10, got "${raw}"`);
  return Number(raw);
}

async function startServer(dataDir) {
  register();
  const { createServer, loadConfig } = await import('../packages/server/src/index.ts');
  const { DEFAULT_SERVE } = await import('../packages/server/src/app.ts');
  const { seedAroundTheClockPractice } = await import('../packages/server/src/test-helpers.ts');
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    CONSULTKIT_DATA_DIR: join(dataDir, 'db'),
    CONSULTKIT_DOCUMENTS_DIR: join(dataDir, 'documents'),
    CONSULTKIT_RECORDINGS_DIR: join(dataDir, 'recordings'),
    LOG_LEVEL: 'warn',
    CONSULTKIT_SECRET: 'bench-secret-bench-secret-bench-secret-bench',
    CONSULTKIT_STAFF_KEY: STAFF_KEY,
    CONSULTKIT_SEED_DEMO: 'off',
    CONSULTKIT_RATE_LIMITS: 'off',
    CONSULTKIT_JOIN_EARLY_MINUTES: '1440',
  });
  const server = await createServer(config, DEFAULT_SERVE);
  await seedAroundTheClockPractice(server.storage, 'Europe/London');
  await server.booking.generateHorizon();
  return { server, url: await server.listen() };
}

/** A confirmed video appointment: the clinician's ticket and the patient's join link. */
async function appointment(url) {
  const { appointmentRequest } = await import('../packages/server/src/test-helpers.ts');
  // The first free slots of the practice: the first whose session offers video (not every one does).
  const bundle = await (await fetch(`${url}/fhir/Slot?status=free&_count=50`)).json();
  const slots = bundle.entry.filter((e) => e.search?.mode === 'match').map((e) => e.resource);
  let booked;
  for (const slot of slots) {
    const body = appointmentRequest(slot, `bench-rec-${Date.now()}@example.org`, { channel: 'Video' });
    booked = await fetch(`${url}/fhir/Appointment`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (booked.status === 201) break;
  }
  if (booked?.status !== 201) throw new Error(`booking: ${booked?.status} ${await booked?.text()}`);
  const { id } = await booked.json();
  const current = await (await fetch(`${url}/fhir/Appointment/${id}`, { headers: STAFF })).json();
  const confirmed = await fetch(`${url}/fhir/Appointment/${id}`, {
    method: 'PUT',
    headers: { ...STAFF, 'content-type': 'application/json', 'if-match': `W/"${current.meta.versionId}"` },
    body: JSON.stringify({ ...current, status: 'booked' }),
  });
  if (!confirmed.ok) throw new Error(`confirming: ${confirmed.status} ${await confirmed.text()}`);
  const post = async (path) => {
    const response = await fetch(`${url}${path}`, { method: 'POST', headers: STAFF });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const ticket = await post(`/api/consultations/${id}/clinician-token`);
  const { url: link } = await post(`/api/consultations/${id}/invitations`);
  return { ticket, link };
}

/** In the page: a consultation joined (from the ticket, or the link redeemed). */
async function joinIn(page, url, args) {
  await page.goto(`${url}/`);
  return page.evaluate(async ({ ticket, link }) => {
    const { Consultation } = await import('/cdn/consult-room.js');
    const t = ticket ?? (await Consultation.redeem(location.origin, link));
    const consultation = new Consultation({ server: location.origin, ticket: t });
    window.consultation = consultation;
    window.saved = null;
    consultation.on('recording-saved', (detail) => (window.saved = detail));
    consultation.on('recording-failed', (detail) => (window.saved = { failed: String(detail.error?.message) }));
    await consultation.join();
    return t.peerId;
  }, args);
}

const waitFor = (page, fn, arg, what) =>
  bounded(page.waitForFunction(fn, arg, { polling: 100, timeout: 0 }), 180_000, `recording bench: ${what}`);

/** Heap after a forced GC, and the CPU counters, of the page (CDP). */
async function sample(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name) => metrics.find((m) => m.name === name)?.value ?? 0;
  return { heap: usedSize, task: metric('TaskDuration'), script: metric('ScriptDuration') };
}

/** Holds the call for `s` seconds, sampling every 2 s: heap, and (while recording) the backlog. */
async function hold(page, cdp, s) {
  const start = await sample(cdp);
  let heapMax = start.heap;
  let backlogMax = 0;
  const end = Date.now() + s * 1000;
  while (Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(2000, Math.max(0, end - Date.now()))));
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    heapMax = Math.max(heapMax, usedSize);
    const pending = await page.evaluate(() => window.consultation.recorder.state.get().pending);
    backlogMax = Math.max(backlogMax, pending);
  }
  const stop = await sample(cdp);
  return {
    heapStartMB: round(start.heap / MB, 2),
    heapEndMB: round(stop.heap / MB, 2),
    heapGrowthMB: round((stop.heap - start.heap) / MB, 2),
    heapMaxMB: round(heapMax / MB, 2),
    taskMsPerSecond: round(((stop.task - start.task) * 1000) / s, 1),
    scriptMsPerSecond: round(((stop.script - start.script) * 1000) / s, 1),
    backlogMaxSampled: backlogMax,
  };
}

export async function run({ executablePath, args, log }) {
  if (!existsSync(`${ROOT}packages/elements/dist/cdn/consult-room.js`)) {
    throw new Error('no CDN bundles in packages/elements/dist/cdn: run `npm run build` first');
  }
  const s = seconds();
  const dataDir = await mkdtemp(join(tmpdir(), 'ck-bench-recording-'));
  const { server, url } = await startServer(dataDir);
  const browser = await chromium.launch({
    executablePath,
    args: [...args, '--enable-precise-memory-info'],
    headless: true,
  });
  try {
    const { ticket, link } = await appointment(url);
    const gpContext = await browser.newContext({ permissions: ['camera', 'microphone'] });
    const ptContext = await browser.newContext({ permissions: ['camera', 'microphone'] });
    const gp = await gpContext.newPage();
    const pt = await ptContext.newPage();
    for (const [who, page] of [
      ['clinician', gp],
      ['patient', pt],
    ])
      page.on('pageerror', (error) => log(`recording: ${who} page error: ${error.message}`));
    await joinIn(gp, url, { ticket });
    const patientId = await joinIn(pt, url, { link });
    await waitFor(
      gp,
      (id) => window.consultation.state.get().participants.some((p) => p.peerId === id && p.presence === 'waiting'),
      patientId,
      'the patient waiting',
    );
    await gp.evaluate((id) => window.consultation.admit(id), patientId);
    for (const page of [gp, pt])
      await waitFor(page, () => window.consultation.state.get().status === 'in-call', null, 'in call');
    const cdp = await gpContext.newCDPSession(gp);
    await cdp.send('Performance.enable');

    log(`recording: baseline, the call for ${s} s without recording`);
    const baseline = await hold(gp, cdp, s);

    await gp.evaluate(() => window.consultation.askToRecord());
    await waitFor(pt, () => window.consultation.state.get().recording?.status === 'asking', null, 'the patient asked');
    await pt.evaluate(() => window.consultation.answerRecording(true));
    await waitFor(
      gp,
      () => window.consultation.recorder.state.get().capturing,
      null,
      'the capture running in the clinician’s page',
    );
    log(`recording: the same call for ${s} s, recording`);
    const recording = await hold(gp, cdp, s);
    const upload = await gp.evaluate(() => window.consultation.recorder.state.get());
    const frames = await gp.evaluate(() => window.consultation.recorder.session?.frames ?? 0);
    await gp.evaluate(() => window.consultation.stopRecording());
    await waitFor(gp, () => window.saved !== null, null, 'the recording saved');
    const saved = await gp.evaluate(() => window.saved);
    if (saved.failed) throw new Error(`the recording failed: ${saved.failed}`);
    // The most chunks kept and not yet acknowledged, as the queue itself counts (every change, not sampled).
    const { pendingMax: backlogMax } = await gp.evaluate(() => window.consultation.recorder.state.get());

    const result = {
      benchmark: 'recording',
      when: new Date().toISOString(),
      seconds: s,
      setup:
        'two-party mesh call on loopback, headless Chromium with fake devices; the clinician’s page composites 1280×720 at 15 fps, MediaRecorder with a 2 s timeslice, chunks to IndexedDB then PUT to the server',
      goals: GOALS,
      baseline,
      recording: {
        ...recording,
        chunks: saved.chunks,
        megabytes: round(saved.bytes / MB, 2),
        backlogMax: backlogMax ?? recording.backlogMaxSampled,
        framesDrawn: frames,
        type: upload.type,
      },
      compositorCpu: {
        taskMsPerSecondOfCall: round(recording.taskMsPerSecond - baseline.taskMsPerSecond, 1),
        scriptMsPerSecondOfCall: round(recording.scriptMsPerSecond - baseline.scriptMsPerSecond, 1),
      },
    };
    result.met = {
      heapGrowth: recording.heapGrowthMB <= GOALS.heapGrowthMB,
      backlog: result.recording.backlogMax <= GOALS.backlogChunks,
    };
    await mkdir(RESULTS, { recursive: true });
    await writeFile(join(RESULTS, 'recording.json'), `${JSON.stringify(result, null, 2)}\n`);
    log(
      `recording: heap growth ${recording.heapGrowthMB} MB (baseline ${baseline.heapGrowthMB} MB; goal ≤ ${GOALS.heapGrowthMB}), ` +
        `backlog max ${result.recording.backlogMax} chunk(s) (goal ≤ ${GOALS.backlogChunks}), ` +
        `CPU +${result.compositorCpu.taskMsPerSecondOfCall} ms task / +${result.compositorCpu.scriptMsPerSecondOfCall} ms script per second of call, ` +
        `${saved.chunks} chunks, ${result.recording.megabytes} MB ${upload.type}`,
    );
    return result;
  } finally {
    await browser.close();
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
