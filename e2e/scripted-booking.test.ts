/** The scripted-booking example, run as a user would, against the server as `npm start` runs it. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from './support.js';

const ROOT = new URL('..', import.meta.url).pathname;

describe('scripted booking example', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.stop());

  it('searches, books, is confirmed by the practice, and reads the booking back', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [`${ROOT}examples/scripted-booking/book.mjs`, server.url],
      {
        cwd: ROOT,
      },
    );
    assert.match(stdout, /^Free slot: /m);
    assert.match(stdout, /^Booked: Appointment\/\d+, pending, reference CK-[2-9A-HJ-NP-Z]{4}-/m);
    assert.match(stdout, /^Confirmed by the practice: booked$/m);
    assert.match(stdout, /^The patient sees: booked at /m);
  });
});
