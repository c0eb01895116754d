/** The scripted-booking example, run as a user would, against the server as `npm start` runs it. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from './support.js';

const ROOT = new URL('..', import.meta.url).pathname;
const EXAMPLE = `${ROOT}examples/scripted-booking/book.mjs`;

/** Runs the example with `args` and `env` (on top of this environment, without PORT or CONSULTKIT_URL). */
async function book(args: string[], env: Record<string, string> = {}) {
  const { PORT: _port, CONSULTKIT_URL: _url, ...rest } = process.env;
  return promisify(execFile)(process.execPath, [EXAMPLE, ...args], { cwd: ROOT, env: { ...rest, ...env } });
}

function assertBooked(stdout: string): void {
  assert.match(stdout, /^Free slot: /m);
  assert.match(stdout, /^Booked: Appointment\/\d+, pending, reference CK-[2-9A-HJ-NP-Z]{4}-/m);
  assert.match(stdout, /^Confirmed by the practice: booked$/m);
  assert.match(stdout, /^The patient sees: booked at /m);
}

/** A port on 127.0.0.1 that nothing listens on (taken, then let go). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('scripted booking example', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.stop());

  it('searches, books, is confirmed by the practice, and reads the booking back', async () => {
    const { stdout } = await book([server.url]);
    assertBooked(stdout);
  });

  it('without an argument, finds the server at CONSULTKIT_URL, or on localhost at PORT as npm start does', async () => {
    assertBooked((await book([], { CONSULTKIT_URL: server.url })).stdout);
    const port = new URL(server.url).port;
    assertBooked((await book([], { PORT: port })).stdout);
  });

  it('says "Nothing answers at <URL>" (not "the server said no (0)") when nothing listens, and exits 1', async () => {
    const port = await closedPort();
    for (const [args, env, url] of [
      [[], { PORT: String(port) }, `http://localhost:${port}`],
      [[`http://127.0.0.1:${port}/`], {}, `http://127.0.0.1:${port}`],
    ] as const) {
      const failed = await book([...args], env).then(
        () => assert.fail('the example should fail'),
        (error: { code: number; stderr: string }) => error,
      );
      assert.equal(failed.code, 1);
      assert.match(
        failed.stderr,
        new RegExp(`^Nothing answers at ${url.replace(/[.]/g, '\\.')}: start the server`, 'm'),
      );
      assert.doesNotMatch(failed.stderr, /said no/);
    }
  });
});
