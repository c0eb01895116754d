// Room benchmark (issue 8): admission → every participant's first frame of every other, for 2 and
// 4 participants in a mesh (`Consultation`) and 6 through Janus, against bare PeerJS's two-party
// call in the same run; then bytes sent and CPU per participant, 4 in a mesh against 4 through
// Janus. All participants of a run live in one headless Chromium page. Writes
// bench/results/room.json; see bench/README.md.
import { createServer as createHttpServer } from 'node:http';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { register } from 'tsx/esm/api';
import { bounded, bundlePage, median, round, summarise } from './support.mjs';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
/** Per step of a run in the page: the warm state, then every first frame (each). */
const STEP_TIMEOUT_MS = 45_000;
/** A whole run (joining, both steps): past this the benchmark fails. */
const RUN_TIMEOUT_MS = 120_000;
const PAUSE_MS = 300;
/** Before the traffic window: every participant decodes every other, then the rates settle. */
const SETTLE_MS = 3_000;
/**
 * How the six are measured: `sfu-session` (core's `SfuSession` opened by all six at once, as a
 * mesh moving to the SFU does), or `consultation` (a clinician admits five through `Consultation`,
 * once it moves to Janus by itself: branch `sfu-wire`).
 */
const SIX = process.env.ROOM_SIX === 'consultation' ? 'consultation' : 'sfu-session';

function whole(name, fallback, min = 1) {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min) throw new Error(`${name}: expected a whole number ≥ ${min}`);
  return Number(raw);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The page and its script on 127.0.0.1; `/api/…` goes on to the ConsultKit server, so the SFU
 * access request is same-origin as in a deployment (`Consultation` talks to the server directly,
 * as in the join benchmark).
 */
async function servePage(script, api) {
  const html =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ConsultKit room bench</title></head>' +
    '<body><script type="module" src="/room-page.js"></script></body></html>';
  const server = createHttpServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path.startsWith('/api/')) {
      const chunks = [];
      request.on('data', (chunk) => chunks.push(chunk));
      request.on('end', () => {
        const headers = {};
        for (const name of ['authorization', 'content-type']) {
          if (typeof request.headers[name] === 'string') headers[name] = request.headers[name];
        }
        fetch(`${api}${request.url}`, {
          method: request.method ?? 'GET',
          headers,
          ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
        }).then(
          async (answer) =>
            response
              .writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' })
              .end(Buffer.from(await answer.arrayBuffer())),
          () => response.writeHead(502).end(),
        );
      });
    } else if (path === '/') response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    else if (path === '/room-page.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else response.writeHead(404).end();
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) };
}

/** The CPU time (ms) of every process of the browser, by type, from CDP `SystemInfo.getProcessInfo`. */
async function browserCpu(cdp) {
  const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
  const byType = {};
  for (const p of processInfo) byType[p.type] = (byType[p.type] ?? 0) + p.cpuTime * 1000;
  return { byType, renderers: processInfo.filter((p) => p.type === 'renderer').map((p) => p.id) };
}

/** The Janus process's CPU time (ms) from `/proc/<pid>/stat` (utime + stime), or null. */
async function janusCpu(configDir) {
  const ticks = 100; // USER_HZ on Linux
  for (const pid of await readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!cmdline.startsWith('janus') && !cmdline.includes('/janus\0')) continue;
    if (configDir && !cmdline.includes(configDir)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
  }
  return null;
}

export async function run({ executablePath, args, log }) {
  const runs = { 2: whole('BENCH_N', 7), 4: whole('BENCH_N', 7), 6: whole('ROOM_N6', 3) };
  const windowMs = whole('ROOM_WINDOW_S', 10) * 1000;
  register();
  const { startTestServer, TEST_NOW } = await import('../packages/server/src/test-helpers.ts');
  const { janusSettings } = await import('../packages/server/src/sfu/test-support.ts');
  const { demoTicket } = await import('../packages/server/src/plugins/dev.ts');
  const { consultation, seedPractice } = await import('../e2e/janus-support.ts');
  const { startJanus } = await import('../scripts/janus.mjs');

  const closers = [];
  try {
    const janus = await startJanus();
    if (!janus.skip) closers.push(() => janus.stop());
    else log(`room: ${janus.skip}: the SFU figures are skipped`);
    const ck = await startTestServer(
      {
        LOG_LEVEL: 'warn',
        CONSULTKIT_SEED_DEMO: 'false',
        CONSULTKIT_RATE_LIMITS: 'off',
        CONSULTKIT_JOIN_EARLY_MINUTES: '1440',
        ...(janus.skip ? {} : janusSettings(janus)),
      },
      {},
      { now: () => TEST_NOW },
    );
    closers.push(() => ck.server.close());
    const page$ = await servePage(await bundlePage('room-page.ts'), ck.url);
    closers.push(page$.close);
    // Three simulcast layers from the 640×480 fake camera (as e2e/janus-support.ts launches it),
    // for the mesh too, so both run in the same browser.
    const browser = await chromium.launch({
      executablePath,
      args: [...args, '--force-fieldtrials=WebRTC-LegacySimulcastLayerLimit/Disabled/'],
      headless: true,
    });
    closers.push(() => browser.close());
    const chromiumVersion = browser.version();
    const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(page$.url);
    await page.waitForFunction(() => typeof globalThis.roomMesh === 'function');
    const cdp = await browser.newBrowserCDPSession();
    const schedule = janus.skip ? null : await seedPractice(ck);

    let serial = 0;
    /** A demo consultation's tickets: a clinician, then the patient, then guests (carer, interpreter…). */
    const meshTickets = (size) => {
      const id = `room${process.pid}x${serial++}`;
      const tickets = [demoTicket(ck.server.tokens, id, 'clinician'), demoTicket(ck.server.tokens, id, 'patient')];
      for (let i = 2; i < size; i++) {
        const demo = demoTicket(ck.server.tokens, id, 'guest');
        const { token, claims } = ck.server.tokens.issue(demo.consultationId, 'guest', {
          who: `g${i}`,
          name: `Guest ${i}`,
          kind: i % 2 ? 'interpreter' : 'carer',
        });
        tickets.push({ ...demo, peerId: claims.pid, token, name: claims.name, kind: claims.kind });
      }
      return tickets;
    };
    const evaluate = async (what, fn, ...params) => {
      try {
        return await bounded(
          page.evaluate(([name, p]) => globalThis[name](...p), [fn, params]),
          RUN_TIMEOUT_MS,
          `took more than ${RUN_TIMEOUT_MS / 1000} s`,
        );
      } catch (error) {
        const detail = pageErrors.length ? ` (page errors: ${pageErrors.join('; ')})` : '';
        throw new Error(`${what}: ${error instanceof Error ? error.message : String(error)}${detail}`);
      }
    };
    const mesh = (size) => evaluate(`mesh of ${size}`, 'roomMesh', ck.url, meshTickets(size), STEP_TIMEOUT_MS);
    const sfu = async (size) => {
      const c = await consultation(ck, schedule, `room-${serial++}@example.org`, size - 1);
      return evaluate(
        `${size} through Janus`,
        'roomSfu',
        page$.url,
        c.id,
        [c.patient, ...c.clinicians],
        STEP_TIMEOUT_MS,
      );
    };
    const six = () => (SIX === 'consultation' ? mesh(6) : sfu(6));
    const peerjs = async () => {
      const [a, b] = meshTickets(2);
      return evaluate('bare PeerJS', 'runAdmitPeerJS', ck.url, b, a);
    };
    const close = () => page.evaluate(() => globalThis.roomClose());

    // 1. Admission → every first frame, alternating with the PeerJS baseline run by run.
    const samples = { peerjs: [], mesh2: [], mesh4: [], sfu6: [] };
    const pairs = { mesh2: [], mesh4: [], sfu6: [] };
    const warmPairs = { mesh2: [], mesh4: [], sfu6: [] };
    const coldPairs = { mesh2: [], mesh4: [], sfu6: [] };
    const ready = { mesh2: [], mesh4: [], sfu6: [] };
    const modes = { mesh2: new Set(), mesh4: new Set(), sfu6: new Set() };
    let framesBeforeT0 = 0;
    const record = (key, result) => {
      samples[key].push(result.allMs);
      pairs[key].push(...result.pairsMs);
      warmPairs[key].push(...result.warmPairsMs);
      coldPairs[key].push(...result.coldPairsMs);
      ready[key].push(result.readyMs);
      for (const mode of result.modes) modes[key].add(mode);
      framesBeforeT0 += result.framesBeforeT0;
    };
    const plan = [
      ['mesh2', () => mesh(2), runs[2]],
      ['mesh4', () => mesh(4), runs[4]],
      ...(janus.skip && SIX === 'sfu-session' ? [] : [['sfu6', six, runs[6]]]),
    ];
    // One uncounted warm-up of each.
    await peerjs();
    for (const [, go] of plan) {
      await go();
      await close();
    }
    for (const [key, go, n] of plan) {
      for (let i = 0; i < n; i++) {
        samples.peerjs.push((await peerjs()).ms);
        await sleep(PAUSE_MS);
        record(key, await go());
        await close();
        await sleep(PAUSE_MS);
      }
      log(
        `room: ${key}: every first frame ${JSON.stringify(summarise(samples[key]))} ms` +
          (warmPairs[key].length && coldPairs[key].length
            ? ` (pairs with the clinician: median ${round(median(warmPairs[key]))} ms; between those admitted: median ${round(median(coldPairs[key]))} ms)`
            : '') +
          '; ' +
          `PeerJS two-party so far ${JSON.stringify(summarise(samples.peerjs))} ms`,
      );
    }
    if (framesBeforeT0) throw new Error(`${framesBeforeT0} frames were painted before admission`);

    // 2. Traffic and CPU, 4 in a mesh against 4 through Janus, one after the other.
    const measure = async (label, open) => {
      await open();
      await sleep(SETTLE_MS);
      const cpu0 = await browserCpu(cdp);
      const janus0 = janus.skip ? null : await janusCpu(janus.configDir);
      const t0 = await page.evaluate(() => globalThis.roomTraffic());
      const started = performance.now();
      await sleep(windowMs);
      const t1 = await page.evaluate(() => globalThis.roomTraffic());
      const cpu1 = await browserCpu(cdp);
      const janus1 = janus.skip ? null : await janusCpu(janus.configDir);
      const seconds = (performance.now() - started) / 1000;
      await close();
      const perParticipant = t1.bytesSent.map((b, i) => ({
        sent_kbit_s: round(((b - t0.bytesSent[i]) * 8) / 1000 / seconds),
        received_kbit_s: round(((t1.bytesReceived[i] - t0.bytesReceived[i]) * 8) / 1000 / seconds),
        frames_decoded_per_s: round((t1.framesDecoded[i] - t0.framesDecoded[i]) / seconds),
      }));
      const n = perParticipant.length;
      const cpuOf = (type) => ((cpu1.byType[type] ?? 0) - (cpu0.byType[type] ?? 0)) / seconds / 10; // % of a core
      const allTypes = new Set([...Object.keys(cpu0.byType), ...Object.keys(cpu1.byType)]);
      const browserTotal = [...allTypes].reduce((sum, type) => sum + cpuOf(type), 0);
      const result = {
        window_s: round(seconds, 2),
        participants: perParticipant,
        sent_kbit_s_per_participant: round(perParticipant.reduce((s, p) => s + p.sent_kbit_s, 0) / n),
        bytes_sent_per_participant: round(t1.bytesSent.reduce((s, b, i) => s + b - t0.bytesSent[i], 0) / n, 0),
        renderer_cpu_percent_per_participant: round(cpuOf('renderer') / n),
        browser_cpu_percent_per_participant: round(browserTotal / n),
        browser_cpu_percent_by_process_type: Object.fromEntries([...allTypes].map((t) => [t, round(cpuOf(t))])),
        janus_cpu_percent: janus0 === null || janus1 === null ? null : round((janus1 - janus0) / seconds / 10),
      };
      log(
        `room: ${label}: sent ${result.sent_kbit_s_per_participant} kbit/s per participant ` +
          `(${perParticipant.map((p) => p.sent_kbit_s).join(' / ')}), renderer CPU ${result.renderer_cpu_percent_per_participant}% ` +
          `of a core per participant (browser ${result.browser_cpu_percent_per_participant}%)` +
          (result.janus_cpu_percent === null ? '' : `, Janus ${result.janus_cpu_percent}%`),
      );
      return result;
    };
    const traffic = { mesh4: await measure('4 in a mesh', () => mesh(4)) };
    if (!janus.skip) traffic.sfu4 = await measure('4 through Janus', () => sfu(4));

    const baseline = median(samples.peerjs);
    const figure = (key, size, how) =>
      samples[key].length
        ? {
            participants: size,
            how,
            all_ms: summarise(samples[key]),
            pairs_ms: summarise(pairs[key]),
            pairs_with_clinician_ms: warmPairs[key].length ? summarise(warmPairs[key]) : null,
            pairs_between_admitted_ms: coldPairs[key].length ? summarise(coldPairs[key]) : null,
            ready_ms_median: round(median(ready[key])),
            ratio_to_peerjs_two_party: round(median(samples[key]) / baseline, 2),
            modes: [...modes[key]],
            samples: samples[key].map((x) => round(x)),
          }
        : { skipped: janus.skip ?? 'not run' };
    const sixHow =
      SIX === 'consultation'
        ? 'Consultation: a clinician admits five (t0 just before the admits)'
        : 'SfuSession directly (Consultation does not switch to Janus by itself yet): t0 just before all six open() at once';
    const report = {
      baseline: {
        what: 'bare PeerJS two-party call between two open peers, t0 just before call() to the first decoded frame at the caller (the join benchmark’s admit baseline), alternated run by run with the room runs',
        peerjs_ms: summarise(samples.peerjs),
        samples: samples.peerjs.map((x) => round(x)),
      },
      first_frames: {
        mesh2: figure('mesh2', 2, 'Consultation, mesh: the clinician admits the waiting patient'),
        mesh4: figure('mesh4', 4, 'Consultation, mesh: the clinician admits the patient and two guests at once'),
        sfu6: figure('sfu6', 6, sixHow),
      },
      six_measured_with: SIX,
      traffic: {
        what: `getStats over a ${windowMs / 1000} s window, ${SETTLE_MS / 1000} s after every participant decoded every other; CPU from CDP SystemInfo.getProcessInfo (cpuTime per browser process; all participants in one page, so the renderer's time divided by the participants); Janus from /proc/<pid>/stat`,
        ...traffic,
      },
      n: { mesh2: runs[2], mesh4: runs[4], sfu6: janus.skip && SIX === 'sfu-session' ? 0 : runs[6] },
      chromium: chromiumVersion,
      date: new Date().toISOString(),
    };
    await mkdir(RESULTS, { recursive: true });
    await writeFile(`${RESULTS}room.json`, `${JSON.stringify(report, null, 2)}\n`);

    const line = (key, label) => {
      const f = report.first_frames[key];
      return f.skipped
        ? `${label} skipped`
        : `${label} ${f.all_ms.median} ms (×${f.ratio_to_peerjs_two_party} of PeerJS)`;
    };
    log(
      `room (admit → every first frame): ${line('mesh2', '2 mesh')} | ${line('mesh4', '4 mesh')} | ` +
        `${line('sfu6', SIX === 'consultation' ? '6 Janus' : '6 Janus (SfuSession, from open)')} | PeerJS two-party ${round(baseline)} ms`,
    );
    if (traffic.sfu4) {
      log(
        `room (4 participants): sent ${traffic.mesh4.sent_kbit_s_per_participant} kbit/s mesh vs ${traffic.sfu4.sent_kbit_s_per_participant} kbit/s Janus each; ` +
          `renderer CPU ${traffic.mesh4.renderer_cpu_percent_per_participant}% mesh vs ${traffic.sfu4.renderer_cpu_percent_per_participant}% Janus each`,
      );
    }
    log(`room: Chromium ${chromiumVersion}; wrote bench/results/room.json`);
    return report;
  } finally {
    for (const close of closers.reverse()) {
      await bounded(Promise.resolve().then(close), 10_000, 'close timed out').catch(() => undefined);
    }
  }
}
