// A Janus WebRTC server for a test run: Debian's `janus` package with a configuration folder
// generated in a temporary directory (never /etc/janus). Loopback only: the WebSockets transport,
// the HTTP transport and its Admin API listen on 127.0.0.1 on free ports, ICE gathers on loopback
// only (`ice_enforce_list`: `lo`, and inside the tests' network namespace a private veth link, see
// `iceLink`), `token_auth` is on, and only the VideoRoom plugin loads. `startJanus()` resolves to `{ wsUrl, httpUrl, adminUrl, adminSecret, roomAdminKey, stop }`,
// or `{ skip }` saying why not.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolated } from './netns.mjs';

/** The link Janus gathers on inside the tests' network namespace (see `iceLink`). */
const ICE_LINK = 'ckjanus0';
const ICE_ADDRESS = '10.213.0.1/32';

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/** The folder holding Janus's `plugins/` and `transports/` (Debian puts it under the multiarch lib). */
export function janusLibDir() {
  const candidates = [];
  for (const lib of ['/usr/lib', '/usr/local/lib']) {
    candidates.push(join(lib, 'janus'));
    if (!existsSync(lib)) continue;
    for (const entry of readdirSync(lib)) if (entry.endsWith('-linux-gnu')) candidates.push(join(lib, entry, 'janus'));
  }
  return candidates.find((dir) => existsSync(join(dir, 'plugins', 'libjanus_videoroom.so')));
}

/** Why Janus cannot run here, or null when it can. */
export function janusMissing() {
  if (spawnSync('sh', ['-c', 'command -v janus'], { stdio: 'ignore' }).status !== 0) {
    return "the `janus` binary is absent: Janus (SFU) tests skipped (.ci/run installs Debian's janus package)";
  }
  const lib = janusLibDir();
  if (!lib)
    return 'Janus is installed but its VideoRoom plugin (libjanus_videoroom.so) was not found: Janus tests skipped';
  for (const transport of ['libjanus_http.so', 'libjanus_websockets.so']) {
    if (!existsSync(join(lib, 'transports', transport))) return `Janus has no ${transport}: Janus tests skipped`;
  }
  return null;
}

/**
 * Janus gathers no loopback candidates (libnice skips loopback interfaces), so inside the tests'
 * loopback-only network namespace (scripts/netns.mjs) it finds no address and every PeerConnection
 * fails ("Error gathering candidates"). There, give it a veth pair of its own with a private
 * address: both ends stay in the namespace, the kernel delivers its traffic over `lo` like any
 * local traffic, and nothing can leave the machine. It lives as long as the namespace. Returns why
 * not, or null.
 */
function iceLink() {
  if (!isolated()) return null;
  const ip = (...args) => spawnSync('ip', args, { encoding: 'utf8' });
  if (ip('link', 'show', ICE_LINK).status === 0) return null;
  const steps = [
    ['link', 'add', ICE_LINK, 'type', 'veth', 'peer', 'name', `${ICE_LINK}p`],
    ['addr', 'add', ICE_ADDRESS, 'dev', ICE_LINK],
    ['link', 'set', ICE_LINK, 'up'],
    ['link', 'set', `${ICE_LINK}p`, 'up'],
  ];
  for (const step of steps) {
    const result = ip(...step);
    // Another test process made it a moment ago: fine.
    if (result.status !== 0 && !/File exists/.test(result.stderr)) {
      return `could not give Janus an address in the network namespace (ip ${step.join(' ')}: ${result.stderr.trim()})`;
    }
  }
  return null;
}

/** Every `.so` in `dir` except `keep`: what `disable = "…"` lists so only `keep` loads. */
function allBut(dir, keep) {
  if (!existsSync(dir)) return '';
  return readdirSync(dir)
    .filter((name) => /^libjanus_.*\.so$/.test(name) && !keep.includes(name))
    .join(',');
}

/** Writes the configuration folder; returns its path. */
function writeConfig({ lib, httpPort, adminPort, wsPort, adminSecret, roomAdminKey, debugLevel }) {
  const dir = mkdtempSync(join(tmpdir(), 'consultkit-janus-'));
  writeFileSync(
    join(dir, 'janus.jcfg'),
    `general: {
	configs_folder = "${dir}"
	plugins_folder = "${lib}/plugins"
	transports_folder = "${lib}/transports"
	events_folder = "${lib}/events"
	loggers_folder = "${lib}/loggers"
	log_to_stdout = true
	debug_level = ${debugLevel}
	server_name = "ConsultKit test Janus"
	admin_secret = "${adminSecret}"
	token_auth = true
	session_timeout = 60
}
certificates: {
}
media: {
	rtp_port_range = "40000-40999"
}
nat: {
	ice_enforce_list = "lo,${ICE_LINK}"
	nice_debug = false
}
plugins: {
	disable = "${allBut(join(lib, 'plugins'), ['libjanus_videoroom.so'])}"
}
transports: {
	disable = "${allBut(join(lib, 'transports'), ['libjanus_http.so', 'libjanus_websockets.so'])}"
}
loggers: {
	disable = "${allBut(join(lib, 'loggers'), [])}"
}
events: {
	broadcast = false
	disable = "${allBut(join(lib, 'events'), [])}"
}
`,
  );
  writeFileSync(
    join(dir, 'janus.transport.http.jcfg'),
    `general: {
	json = "compact"
	base_path = "/janus"
	http = true
	port = ${httpPort}
	ip = "127.0.0.1"
	https = false
}
admin: {
	admin_base_path = "/admin"
	admin_http = true
	admin_port = ${adminPort}
	admin_ip = "127.0.0.1"
	admin_https = false
}
cors: {
}
`,
  );
  writeFileSync(
    join(dir, 'janus.transport.websockets.jcfg'),
    `general: {
	json = "compact"
	ws = true
	ws_port = ${wsPort}
	ws_ip = "127.0.0.1"
	wss = false
}
admin: {
	admin_ws = false
	admin_wss = false
}
cors: {
}
`,
  );
  writeFileSync(
    join(dir, 'janus.plugin.videoroom.jcfg'),
    `general: {
	admin_key = "${roomAdminKey}"
	lock_rtp_forward = true
}
`,
  );
  return dir;
}

/** Answers of Janus's `info` (HTTP) and Admin API `ping`: both mean Janus is up. */
async function answers(httpUrl, adminUrl, adminSecret) {
  try {
    const info = await fetch(`${httpUrl}/info`, { signal: AbortSignal.timeout(1000) });
    if (!info.ok) return false;
    const ping = await fetch(adminUrl, {
      method: 'POST',
      body: JSON.stringify({ janus: 'ping', transaction: 'ready', admin_secret: adminSecret }),
      signal: AbortSignal.timeout(1000),
    });
    return ping.ok && (await ping.json()).janus === 'pong';
  } catch {
    return false;
  }
}

/**
 * Starts Janus with a generated configuration. Output goes to `log` (a function of each line),
 * kept otherwise so a failed start can say what Janus said; `debugLevel` 0–7 (3: warnings).
 */
export async function startJanus({ log, debugLevel = 3 } = {}) {
  // CONSULTKIT_JANUS_LOG=5 (a debug level) shows what Janus says, on standard error.
  const fromEnv = Number(process.env.CONSULTKIT_JANUS_LOG);
  if (fromEnv > 0) {
    debugLevel = fromEnv;
    log ??= (line) => process.stderr.write(`[janus] ${line}\n`);
  }
  const missing = janusMissing();
  if (missing) return { skip: missing };
  const noLink = iceLink();
  if (noLink) return { skip: noLink };
  const lib = janusLibDir();
  const [httpPort, adminPort, wsPort] = [await freePort(), await freePort(), await freePort()];
  const adminSecret = randomBytes(16).toString('hex');
  const roomAdminKey = randomBytes(16).toString('hex');
  const dir = writeConfig({ lib, httpPort, adminPort, wsPort, adminSecret, roomAdminKey, debugLevel });
  const child = spawn('janus', ['-F', dir, '-C', join(dir, 'janus.jcfg')], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  const keep = (chunk) => {
    for (const line of String(chunk).split('\n')) {
      if (!line) continue;
      if (log) log(line);
      output.push(line);
      if (output.length > 200) output.shift();
    }
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // A test process that ends without stopping it (a failure, `--test-force-exit`) takes it along.
  const orphan = () => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', orphan);
  const cleanUp = () => {
    process.off('exit', orphan);
    rmSync(dir, { recursive: true, force: true });
  };

  const httpUrl = `http://127.0.0.1:${httpPort}/janus`;
  const adminUrl = `http://127.0.0.1:${adminPort}/admin`;
  const deadline = Date.now() + 20_000;
  while (!(await answers(httpUrl, adminUrl, adminSecret))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      cleanUp();
      return { skip: `janus did not start (exit ${child.exitCode}): ${output.slice(-15).join(' | ')}` };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    wsUrl: `ws://127.0.0.1:${wsPort}`,
    httpUrl,
    adminUrl,
    adminSecret,
    roomAdminKey,
    configDir: dir,
    output: () => output.join('\n'),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      cleanUp();
    },
  };
}

// `node scripts/janus.mjs`: start one, print where it listens, stop on Ctrl-C.
if (import.meta.url === `file://${process.argv[1]}`) {
  const janus = await startJanus();
  if (janus.skip) {
    console.log(`janus: ${janus.skip}`);
    process.exit(0);
  }
  console.log(JSON.stringify({ ...janus, stop: undefined, output: undefined }, null, 2));
  process.once('SIGINT', () => janus.stop().then(() => process.exit(0)));
}
