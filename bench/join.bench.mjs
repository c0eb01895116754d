// Join benchmark: time to the first decoded remote video frame, through ConsultKit's
// `Consultation` and through bare PeerJS on the same ConsultKit server, alternating the two kinds
// run by run in one headless Chromium page. Two scenarios: `admit` (the headline: from admission
// on a warm connection; PeerJS: from the call between two ready peers) and `cold` (informational:
// the second participant from nothing). Writes bench/results/join.json; see bench/README.md.
import { createServer as createHttpServer } from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { benchServer, bounded, bundlePage, round, sleep, summarise } from './support.mjs';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const WARM_UP = 2;
const RUN_TIMEOUT_MS = 15_000;
const PAUSE_MS = 100;
/** The project's bar for the headline ratio (consultkit / peerjs, `admit` medians). */
const BAR = 1.15;
const KINDS = ['consultkit', 'peerjs'];

/**
 * The scenarios, in the order they run: the page functions of each kind and the phases they
 * report (ms from t0; `ready` is the time before t0, from the start of the run).
 */
const SCENARIOS = {
  admit: {
    title: 'admit → first frame',
    t0: 't0 just before admission (ConsultKit clinician.admit() on the warm call; PeerJS peerB.call() between two open peers)',
    run: { consultkit: 'runAdmitConsultKit', peerjs: 'runAdmitPeerJS' },
    phases: { consultkit: ['ready', 'admitted', 'in_call', 'frame'], peerjs: ['ready', 'stream', 'ice', 'frame'] },
  },
  cold: {
    title: 'cold join → first frame',
    t0: 't0 just before the second participant starts from nothing (ConsultKit new Consultation + join() + admit(); PeerJS camera, open, call())',
    run: { consultkit: 'runColdConsultKit', peerjs: 'runColdPeerJS' },
    phases: {
      consultkit: ['media', 'signalling', 'waiting', 'stream', 'frame'],
      peerjs: ['media', 'signalling', 'stream', 'frame'],
    },
  },
};

/** Counted runs of each kind: `BENCH_N` (for quick trials it may be below 20), default 20. */
function runsPerKind() {
  const raw = process.env.BENCH_N;
  if (raw === undefined || raw.trim() === '') return 20;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1) {
    throw new Error(`BENCH_N: expected a whole number ≥ 1, got "${raw}"`);
  }
  return Number(raw);
}

/** A tiny static server on 127.0.0.1 for a blank page and its script. */
async function servePage(script) {
  const html =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ConsultKit join bench</title></head>' +
    '<body><script type="module" src="/join-page.js"></script></body></html>';
  const server = createHttpServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/') response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    else if (path === '/join-page.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else response.writeHead(404).end();
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) };
}

/** The ConsultKit server in this process, on an in-memory database. */
async function startConsultKit() {
  // Demo mode: its development join route hands out the tickets.
  const server = await benchServer();
  const url = await server.listen();
  return { server, url };
}

async function tickets(server, consultation) {
  const ticket = async (role) => {
    const response = await fetch(`${server}/api/dev/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ consultation, role }),
    });
    if (!response.ok) throw new Error(`POST /api/dev/join (${role}): ${response.status} ${await response.text()}`);
    return response.json();
  };
  return { patient: await ticket('patient'), clinician: await ticket('clinician') };
}

/**
 * One scenario: `WARM_UP + n` runs of each kind, strictly alternating. Throws if any run fails.
 * `evaluate(fn, tickets)` runs page function `fn` with a fresh consultation's tickets.
 */
async function runScenario(name, scenario, { n, serverUrl, evaluate, pageErrors, suffix }) {
  const samples = { consultkit: [], peerjs: [] };
  const phases = { consultkit: [], peerjs: [] };
  const peerConnections = { consultkit: new Set(), peerjs: new Set() };
  const probes = new Set();
  const total = WARM_UP + n;
  for (let i = 0; i < total; i++) {
    // Strictly alternating, run by run: consultkit, peerjs, consultkit, peerjs, …
    for (const kind of KINDS) {
      const consultation = `b${name[0]}${i}x${suffix}${kind === 'consultkit' ? 'c' : 'p'}`;
      const t = await tickets(serverUrl, consultation);
      let result;
      try {
        result = await bounded(
          evaluate(scenario.run[kind], t),
          RUN_TIMEOUT_MS + 1_000,
          `took more than ${RUN_TIMEOUT_MS / 1000} s`,
        );
      } catch (error) {
        const detail = pageErrors.length ? ` (page errors: ${pageErrors.join('; ')})` : '';
        throw new Error(
          `join ${name}: ${kind} run ${i + 1} of ${total} failed: ${error.message.split('\n')[0]}${detail}`,
        );
      }
      if (!(result.ms > 0 && result.ms < RUN_TIMEOUT_MS)) {
        throw new Error(`join ${name}: ${kind} run ${i + 1} gave an implausible time: ${result.ms} ms`);
      }
      probes.add(result.probe);
      if (i >= WARM_UP) {
        samples[kind].push(round(result.ms, 2));
        phases[kind].push(result.phases);
        peerConnections[kind].add(result.peerConnections);
      }
      await sleep(PAUSE_MS);
    }
  }

  const stats = { consultkit: summarise(samples.consultkit), peerjs: summarise(samples.peerjs) };
  const phaseMedians = (kind) =>
    Object.fromEntries(
      scenario.phases[kind].map((key) => {
        const values = phases[kind].map((p) => p[key]).filter((x) => Number.isFinite(x));
        return [key, values.length ? summarise(values).median : null];
      }),
    );
  const pcs = (kind) => [...peerConnections[kind]].sort((a, b) => a - b).join('/');
  return {
    title: scenario.title,
    t0: scenario.t0,
    consultkit_ms: stats.consultkit.median,
    peerjs_ms: stats.peerjs.median,
    ratio: round(stats.consultkit.median / stats.peerjs.median, 3),
    stats,
    phases_median_ms: { consultkit: phaseMedians('consultkit'), peerjs: phaseMedians('peerjs') },
    peer_connections_after_t0: { consultkit: pcs('consultkit'), peerjs: pcs('peerjs') },
    samples,
    probes: [...probes],
  };
}

/** The table of one scenario, as log lines. */
function table(name, result, n) {
  const number = (x) => (x === null ? '–' : x.toFixed(1));
  const lines = [
    `join: scenario ${name} (${result.title}), ms to the first decoded remote frame; n=${n} each, alternating, ${WARM_UP} warm-up runs each`,
    `join:   ${result.t0}`,
    `join:   kind          median     p95     min     max | RTCPeerConnections created after t0`,
  ];
  for (const kind of KINDS) {
    const s = result.stats[kind];
    lines.push(
      `join:   ${kind.padEnd(10)} ${[s.median, s.p95, s.min, s.max].map((x) => x.toFixed(1).padStart(7)).join(' ')} | ${result.peer_connections_after_t0[kind]}`,
    );
  }
  for (const kind of KINDS) {
    const phases = Object.entries(result.phases_median_ms[kind])
      .map(([key, value]) => `${key} ${number(value)}`)
      .join(', ');
    lines.push(`join:   ${kind.padEnd(10)} phases (median ms from t0; ready = before t0): ${phases}`);
  }
  lines.push(
    `join:   ratio consultkit/peerjs ${result.ratio.toFixed(2)} (medians ${result.consultkit_ms.toFixed(1)} / ${result.peerjs_ms.toFixed(1)} ms)`,
  );
  return lines;
}

/**
 * Runs the benchmark; returns its summary. `chrome`: { executablePath, args }.
 * @param {{ executablePath: string, args: string[], log: (line: string) => void }} chrome
 */
export async function run({ executablePath, args, log }) {
  const n = runsPerKind();
  const closers = [];
  try {
    const [{ server, url: serverUrl }, script] = await Promise.all([startConsultKit(), bundlePage('join-page.ts')]);
    closers.push(() => server.close());
    const page = await servePage(script);
    closers.push(page.close);

    const browser = await chromium.launch({ executablePath, args, headless: true, timeout: 30_000 });
    closers.push(() => browser.close());
    const chromiumVersion = browser.version();
    const tab = await browser.newPage();
    const pageErrors = [];
    tab.on('pageerror', (error) => pageErrors.push(error.message));
    await tab.goto(page.url);
    // The run functions live in the page, where the bundle put them on `window` (`globalThis`).
    const names = Object.values(SCENARIOS).flatMap((scenario) => Object.values(scenario.run));
    await tab.waitForFunction((fns) => fns.every((fn) => typeof globalThis[fn] === 'function'), names, {
      timeout: 10_000,
    });
    const evaluate = (fn, t) =>
      tab.evaluate(([f, s, a, b]) => globalThis[f](s, a, b), [fn, serverUrl, t.patient, t.clinician]);

    const suffix = Math.random().toString(36).slice(2, 8);
    const scenarios = {};
    for (const [name, scenario] of Object.entries(SCENARIOS)) {
      scenarios[name] = await runScenario(name, scenario, { n, serverUrl, evaluate, pageErrors, suffix });
      for (const line of table(name, scenarios[name], n)) log(line);
    }

    const { admit } = scenarios;
    const withinBar = admit.ratio <= BAR;
    const probes = new Set(Object.values(scenarios).flatMap((s) => s.probes));
    for (const s of Object.values(scenarios)) delete s.probes;
    const report = {
      consultkit_ms: admit.consultkit_ms,
      peerjs_ms: admit.peerjs_ms,
      ratio: admit.ratio,
      bar: BAR,
      within_bar: withinBar,
      headline: 'admit',
      n,
      warm_up: WARM_UP,
      alternating: true,
      scenarios,
      first_frame_probe: [...probes].join(','),
      chromium: chromiumVersion,
      date: new Date().toISOString(),
    };
    await mkdir(RESULTS, { recursive: true });
    await writeFile(`${RESULTS}join.json`, `${JSON.stringify(report, null, 2)}\n`);

    log(
      `join (admit → first frame): consultkit ${admit.consultkit_ms.toFixed(1)} ms | peerjs ${admit.peerjs_ms.toFixed(1)} ms | ` +
        `ratio ${admit.ratio.toFixed(2)} (bar ${BAR}: ${withinBar ? 'within' : 'OVER'})`,
    );
    log(`join: Chromium ${chromiumVersion}; wrote bench/results/join.json`);
    return report;
  } finally {
    for (const close of closers.reverse()) {
      await bounded(Promise.resolve().then(close), 10_000, 'close timed out').catch(() => undefined);
    }
  }
}
