// Janus recording benchmark: the server's post-processing time for a Janus-recorded call
// (docs/decisions/0039-janus-recording.md). Three participants (headless Chromium, fake camera and
// microphone, core's SfuSession through the Janus page harness) publish to a real Janus for
// `JANUS_BENCH_SECONDS` (default 300) while the room records; then the same `.mjr` files are made
// into one file twice, one after the other, with the browsers closed:
//   - consultkit: `JanusCapture.stop()` (janus-pp-rec per file, then one ffmpeg run mixing every
//     voice and every camera as a tile, VP8 + Opus, consent gates);
//   - baseline: janus-pp-rec per file, then a plain `ffmpeg -c copy` putting one camera and every
//     voice, unmixed, in one file (the least any "one file" costs).
// Wall time and the tools' CPU time (user + system of the finished child processes) are both
// reported: on a shared machine the CPU time is the figure that does not depend on the neighbours.
// Writes bench/results/janus-recording.json; see bench/README.md.
import { spawn, spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { register } from 'tsx/esm/api';
import { round } from './support.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const PARTICIPANTS = 3;

function seconds() {
  const raw = process.env.JANUS_BENCH_SECONDS;
  if (raw === undefined || raw.trim() === '') return 300;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 5) {
    throw new Error(`JANUS_BENCH_SECONDS: expected a whole number ≥ 5, got "${raw}"`);
  }
  return Number(raw);
}

const has = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;

/** Runs argv (no shell); resolves to the elapsed milliseconds, rejects on a non-zero exit. */
function timed(argv, limitMs) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-2000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(performance.now() - start);
      else reject(new Error(`${argv[0]} exited ${code}: ${stderr}`));
    });
  });
}

/**
 * CPU seconds (user + system) of this process's finished children (Linux: `/proc/self/stat`
 * cutime + cstime): what the tools cost, whatever else the machine is doing.
 */
async function childCpuSeconds() {
  const stat = await readFile('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 16 and 17 of the file (cutime, cstime) are 13 and 14 after the command name.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

async function durationOf(file) {
  const probe = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], {
    encoding: 'utf8',
  });
  return round(Number(probe.stdout.trim()), 2);
}

/** The baseline: janus-pp-rec each file, then `ffmpeg -c copy` of one camera and every voice. */
async function baseline(dir, output) {
  const start = performance.now();
  const names = (await readdir(dir)).filter((n) => n.endsWith('.mjr')).sort();
  const audio = [];
  const video = [];
  for (const name of names) {
    const kind = /-(audio|video)-\d+\.mjr$/.exec(name)?.[1];
    if (!kind) continue;
    const out = join(dir, name.replace(/\.mjr$/, kind === 'audio' ? '.opus' : '.webm'));
    await timed(['janus-pp-rec', '--debug-level=1', join(dir, name), out], 600_000);
    (kind === 'audio' ? audio : video).push(out);
  }
  const inputs = [...video.slice(0, 1), ...audio].flatMap((file) => ['-i', file]);
  const maps = [...video.slice(0, 1), ...audio].flatMap((_, i) => ['-map', `${i}`]);
  await timed(
    ['ffmpeg', '-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...inputs, ...maps, '-c', 'copy', output],
    600_000,
  );
  return performance.now() - start;
}

export async function run({ executablePath, args, log }) {
  for (const tool of ['janus', 'janus-pp-rec', 'ffmpeg', 'ffprobe']) {
    if (!has(tool)) throw new Error(`${tool} is missing (Debian: janus, janus-tools, ffmpeg)`);
  }
  const length = seconds();
  register();
  const { startJanus } = await import('../scripts/janus.mjs');
  const support = await import('../e2e/janus-support.ts');
  const { startTestServer, TEST_NOW } = await import('../packages/server/src/test-helpers.ts');
  const capture$ = await import('../packages/server/src/recording/janus-capture.ts');
  const { janusSettings, janusSfu } = await import('../packages/server/src/sfu/test-support.ts');

  const janus = await startJanus();
  if (janus.skip) throw new Error(janus.skip);
  const work = await mkdtemp(join(tmpdir(), 'consultkit-bench-janus-rec-'));
  let ck;
  let pages;
  let browser;
  try {
    ck = await startTestServer(
      {
        CONSULTKIT_SEED_DEMO: 'false',
        CONSULTKIT_JOIN_EARLY_MINUTES: '1440',
        CONSULTKIT_RATE_LIMITS: 'off',
        ...janusSettings(janus),
      },
      {},
      { now: () => TEST_NOW },
    );
    pages = await support.pageServer(ck.url);
    browser = await chromium.launch({ executablePath, args, headless: true });
    const schedule = await support.seedPractice(ck);
    const call = await support.consultation(ck, schedule, 'bench-janus-recording@example.org', PARTICIPANTS - 1);
    const tokens = [...call.clinicians, call.patient];
    for (const [i, token] of tokens.entries()) {
      const page = await support.participantPage(browser, pages.url, `p${i}`);
      const opened = await support.ck.open(page, pages.url, call.id, token);
      if (opened.error) throw new Error(`participant ${i} could not open: ${JSON.stringify(opened.error)}`);
    }
    const { admin, sfu } = janusSfu(ck.server.storage, janus);
    const peers = (
      await ck.server.storage.query('SELECT peer_id FROM join_session WHERE appointment_id = $1', [Number(call.id)])
    ).map((row) => row.peer_id);
    const recordingId = 'be'.repeat(16);
    await ck.server.storage.query(
      `INSERT INTO recording (id, appointment_id, request_id, capture, status, asked_by, started_at)
       VALUES ($1, $2, 'bench', 'janus', 'capturing', $3, $4)`,
      [recordingId, Number(call.id), peers[0], new Date()],
    );
    const recordings = join(work, 'recordings');
    const finished = join(work, 'consultkit.webm');
    const capture = new capture$.JanusCapture({
      recordingsDir: recordings,
      room: capture$.roomFromStorage(ck.server.storage, [{ url: janus.wsUrl, admin }]),
      publishersOf: capture$.publishersFromStorage(ck.server.storage, (sid, stream) => sfu.publisherIdOf(sid, stream)),
      sink: capture$.storageSink(ck.server.storage, async (_id, file) => cp(file, finished)),
      mixPerSecondMs: 20_000,
    });
    if (!(await capture.start({ appointmentId: Number(call.id), recordingId, recorded: peers }))) {
      throw new Error('Janus did not start recording');
    }
    log(`janus-recording: recording ${PARTICIPANTS} participants for ${length} s…`);
    const until = Date.now() + length * 1000;
    while (Date.now() < until) {
      // The call itself: the benchmark's input is this long a recording.
      await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, until - Date.now())));
      if (Date.now() < until) log(`janus-recording: ${Math.round((until - Date.now()) / 1000)} s to go`);
    }
    // Janus closes the files; a copy of them for the baseline; the browsers go (nothing else runs).
    const [room] = await ck.server.storage.query('SELECT room, secret FROM sfu_room WHERE appointment_id = $1', [
      Number(call.id),
    ]);
    await admin.videoroom({ request: 'enable_recording', room: Number(room.room), secret: room.secret, record: false });
    const copy = join(work, 'baseline');
    await mkdir(copy);
    await cp(capture.folderOf(recordingId), copy, { recursive: true });
    await browser.close();
    browser = undefined;
    const files = (await readdir(copy)).filter((n) => n.endsWith('.mjr'));
    const mjrBytes = (await Promise.all(files.map((n) => stat(join(copy, n))))).reduce((sum, s) => sum + s.size, 0);

    log('janus-recording: post-processing (consultkit)…');
    const cpuBefore = await childCpuSeconds();
    const startOurs = performance.now();
    const result = await capture.stop({ recordingId });
    const oursMs = performance.now() - startOurs;
    const cpuOurs = (await childCpuSeconds()) - cpuBefore;
    if (result.status !== 'ready') throw new Error(`the recording failed: ${result.reason}`);
    log('janus-recording: post-processing (baseline: janus-pp-rec + ffmpeg -c copy)…');
    const baseFile = join(work, 'baseline.mkv');
    const cpuBase0 = await childCpuSeconds();
    const baseMs = await baseline(copy, baseFile);
    const cpuBase = (await childCpuSeconds()) - cpuBase0;

    const summary = {
      benchmark: 'janus-recording',
      when: new Date().toISOString(),
      machine: {
        cpus: (await import('node:os')).cpus().length,
        load: (await import('node:os')).loadavg().map((x) => round(x, 2)),
      },
      recordedSeconds: length,
      participants: PARTICIPANTS,
      mjr: { files: files.length, bytes: mjrBytes },
      consultkit: {
        ms: round(oursMs),
        cpuSeconds: round(cpuOurs, 2),
        perRecordedMinuteMs: round(oursMs / (length / 60)),
        cpuSecondsPerRecordedMinute: round(cpuOurs / (length / 60), 2),
        bytes: (await stat(finished)).size,
        durationSeconds: await durationOf(finished),
        what: 'janus-pp-rec per file + one ffmpeg: amix of every voice, a grid of every camera (VP8 re-encode, realtime, 640x480@15), Opus',
      },
      baseline: {
        ms: round(baseMs),
        cpuSeconds: round(cpuBase, 2),
        bytes: (await stat(baseFile)).size,
        durationSeconds: await durationOf(baseFile),
        what: 'janus-pp-rec per file + ffmpeg -c copy (one camera, every voice unmixed)',
      },
      ratio: round(oursMs / baseMs, 2),
      cpuRatio: round(cpuOurs / Math.max(0.01, cpuBase), 2),
      realtimeFactor: round(length / (oursMs / 1000), 2),
    };
    await mkdir(RESULTS, { recursive: true });
    await writeFile(join(RESULTS, 'janus-recording.json'), `${JSON.stringify(summary, null, 2)}\n`);
    log(
      `janus-recording: ${length} s of ${PARTICIPANTS} participants → consultkit ${round(oursMs / 1000)} s ` +
        `(${summary.realtimeFactor}× real time; ${round(cpuOurs)} s of CPU), baseline ${round(baseMs / 1000)} s ` +
        `(${round(cpuBase)} s of CPU), ratio ${summary.ratio} (CPU ${summary.cpuRatio})`,
    );
    return summary;
  } finally {
    await browser?.close().catch(() => undefined);
    pages?.server.close();
    await ck?.server.close();
    await janus.stop();
    await rm(work, { recursive: true, force: true });
    void ROOT;
  }
}

// `node bench/janus-recording.bench.mjs`: run it alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { CHROME_ARGS, findChrome } = await import('../scripts/chrome.mjs');
  await run({ executablePath: findChrome(), args: CHROME_ARGS, log: (line) => console.log(line) });
  process.exit(0);
}
