/** The scripted-booking example, run as a user would, against the server as `npm start` runs it. */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';

const ROOT = new URL('..', import.meta.url).pathname;

describe('scripted booking example', () => {
  let child: ChildProcess;
  let url: string;
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ck-e2e-script-'));
    child = spawn(process.execPath, [`${ROOT}packages/server/dist/bin/consultkit-server.js`], {
      env: { ...process.env, PORT: '0', CONSULTKIT_DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /ConsultKit server (http:\/\/\S+)/.exec(out);
        if (match?.[1]) resolve(match[1].replace('localhost', '127.0.0.1'));
      });
      child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
    });
  });

  after(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('searches, books, is confirmed by the practice, and reads the booking back', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [`${ROOT}examples/scripted-booking/book.mjs`, url], {
      cwd: ROOT,
    });
    assert.match(stdout, /^Free slot: /m);
    assert.match(stdout, /^Booked: Appointment\/\d+, pending, reference CK-[2-9A-HJ-NP-Z]{4}-/m);
    assert.match(stdout, /^Confirmed by the practice: booked$/m);
    assert.match(stdout, /^The patient sees: booked at /m);
  });
});
