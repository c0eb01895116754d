/**
 * HAProxy (Debian's `haproxy`, installed by `.ci/run`) in front of server instances, for tests of
 * several instances on one PostgreSQL: health checks on `/healthz`, websockets kept open through
 * `timeout tunnel`, and a client pinned to an instance by the cookie `ck_instance` (set by the test,
 * never by HAProxy) for as long as that instance is up; `option redispatch` sends it elsewhere once
 * it is down.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Balancer {
  /** Base URL of the balancer, on 127.0.0.1. */
  url: string;
  stop(): Promise<void>;
}

/** A port free now on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts HAProxy in front of `backends` (name → base URL); resolves once it answers `/healthz`. */
export async function startBalancer(backends: Record<string, string>): Promise<Balancer> {
  const dir = await mkdtemp(join(tmpdir(), 'ck-haproxy-'));
  const port = await freePort();
  const servers = Object.entries(backends).map(([name, url]) => {
    const { hostname, port: backendPort } = new URL(url);
    return `  server ${name} ${hostname}:${backendPort} check cookie ${name}`;
  });
  const config = [
    'global',
    '  maxconn 9000',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    // Websockets (signalling) stay open for a whole consultation.
    '  timeout tunnel 2h',
    '  retries 3',
    '  option redispatch',
    '  option forwardfor',
    'frontend consultkit',
    `  bind 127.0.0.1:${port}`,
    '  default_backend instances',
    'backend instances',
    '  balance roundrobin',
    '  option httpchk GET /healthz',
    '  http-check expect status 200',
    // Persistence by a cookie the client brings; HAProxy never sets it.
    '  cookie ck_instance indirect nocache',
    '  default-server inter 500ms fall 2 rise 1',
    ...servers,
    '',
  ].join('\n');
  const file = join(dir, 'haproxy.cfg');
  await writeFile(file, config);
  const child: ChildProcess = spawn('haproxy', ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited ${child.exitCode}: ${errors}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`haproxy did not answer /healthz: ${errors}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
