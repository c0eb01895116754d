// A coturn TURN server for a test run: loopback only, relaying to loopback, shared-secret (REST)
// credentials. `startTurn()` resolves to `{ url, secret, stop }`, or `{ skip }` saying why not.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, connect } from 'node:net';

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const listening = (port) =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

export async function startTurn() {
  if (spawnSync('sh', ['-c', 'command -v turnserver'], { stdio: 'ignore' }).status !== 0) {
    return { skip: 'the `turnserver` binary (coturn) is absent: TURN relay tests skipped (.ci/run installs coturn)' };
  }
  const port = await freePort();
  const secret = randomBytes(16).toString('hex');
  const child = spawn(
    'turnserver',
    [
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      '--min-port=49160',
      '--max-port=49400',
      '--allow-loopback-peers',
      '--no-tls',
      '--no-dtls',
      '--no-cli',
      '--no-stdout-log',
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--realm=consultkit.test',
      '--no-software-attribute',
    ],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 5000;
  while (!(await listening(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      return { skip: `turnserver did not start (exit ${child.exitCode})` };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `turn:127.0.0.1:${port}`,
    secret,
    stop: () => child.kill('SIGTERM'),
  };
}
