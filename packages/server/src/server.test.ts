import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { DEFAULT_SERVE, VERSION, type ConsultKitServer } from './app.js';
import { startTestServer } from './test-helpers.js';
import { SignallingTokens } from './tokens.js';

/** Opens the signalling socket; resolves to the HTTP status of a refusal or the first message. */
function upgrade(url: string, query: Record<string, string>): Promise<{ status?: number; message?: { type: string } }> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/signal/peerjs?${new URLSearchParams(query)}`);
  return new Promise((resolve, reject) => {
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode });
      ws.terminate();
    });
    ws.on('message', (data) => {
      resolve({ message: JSON.parse(String(data)) as { type: string } });
      ws.close();
    });
    ws.on('error', reject);
  });
}

const SECRET = 'test-secret-test-secret-test-secret-0123';

describe('reference server', () => {
  let server: ConsultKitServer;
  let url: string;

  before(async () => {
    ({ server, url } = await startTestServer({ CONSULTKIT_SECRET: SECRET }, DEFAULT_SERVE));
  });
  after(() => server.close());

  it('GET /healthz answers ok, the version and the storage engine', async () => {
    const response = await fetch(`${url}/healthz`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /application\/json/);
    assert.deepEqual(await response.json(), { status: 'ok', version: VERSION, storage: 'pglite' });
  });

  it('GET / lists the examples', async () => {
    const response = await fetch(`${url}/`);
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.match(html, /href="\/examples\/two-party-call\/"/);
  });

  it('answers an unknown path with a FHIR OperationOutcome, not an HTML page', async () => {
    const response = await fetch(`${url}/no/such/thing`);
    assert.equal(response.status, 404);
    const body = (await response.json()) as { resourceType: string; issue: { code: string; diagnostics: string }[] };
    assert.equal(body.resourceType, 'OperationOutcome');
    assert.equal(body.issue[0]?.code, 'not-found');
  });

  describe('signalling websocket', () => {
    let tokens: SignallingTokens;
    before(() => {
      tokens = server.tokens;
    });

    it('refuses an upgrade without a token with 401', async () => {
      assert.deepEqual(await upgrade(url, { key: 'consultkit', id: 'ck-abc' }), { status: 401 });
    });

    it('refuses a token with a forged signature with 401', async () => {
      const { token, claims } = tokens.issue('demo-forgery', 'patient');
      const forged = `${token.split('.')[0]}.${Buffer.alloc(32, 7).toString('base64url')}`;
      assert.deepEqual(await upgrade(url, { key: 'consultkit', id: claims.pid, token: forged }), { status: 401 });
    });

    it('refuses a token signed with another secret with 401', async () => {
      const other = new SignallingTokens('another-secret-another-secret-another', 600);
      const { token, claims } = other.issue('demo-forgery', 'patient');
      assert.deepEqual(await upgrade(url, { key: 'consultkit', id: claims.pid, token }), { status: 401 });
    });

    it('refuses garbage and an expired token with 401', async () => {
      assert.deepEqual(await upgrade(url, { key: 'consultkit', id: 'ck-x', token: 'garbage' }), { status: 401 });
      // Signed with the server's secret, but issued two hours ago with a one-minute lifetime.
      const stale = new SignallingTokens(SECRET, 60, () => Date.now() - 2 * 3600_000).issue('demo-stale', 'patient');
      assert.deepEqual(await upgrade(url, { key: 'consultkit', id: stale.claims.pid, token: stale.token }), {
        status: 401,
      });
    });

    it('refuses a valid token used for another peer id with 401', async () => {
      const { token } = tokens.issue('demo-impostor', 'patient');
      const clinicianId = tokens.peerId('demo-impostor', 'clinician');
      assert.deepEqual(await upgrade(url, { key: 'consultkit', id: clinicianId, token }), { status: 401 });
    });

    it('refuses the wrong PeerJS key with 401', async () => {
      const { token, claims } = tokens.issue('demo-key', 'patient');
      assert.deepEqual(await upgrade(url, { key: 'peerjs', id: claims.pid, token }), { status: 401 });
    });

    it('accepts a valid token for its own peer id: PeerJS answers OPEN', async () => {
      const { token, claims } = tokens.issue('demo-welcome', 'patient');
      assert.deepEqual(await upgrade(url, { key: 'consultkit', id: claims.pid, token }), { message: { type: 'OPEN' } });
    });

    it('refuses a ticket without a session for a real consultation, even one signed with the secret', async () => {
      // Only demo consultations are joined without a session; an appointment's needs a join link.
      const { token, claims } = tokens.issue('appt-3', 'clinician');
      assert.deepEqual(await upgrade(url, { key: 'consultkit', id: claims.pid, token }), { status: 401 });
    });

    it('refuses websockets anywhere else with 404', async () => {
      const ws = new WebSocket(`${url.replace('http', 'ws')}/elsewhere`);
      ws.on('error', () => undefined);
      const status = await new Promise<number>((resolve) =>
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
      );
      ws.terminate();
      assert.equal(status, 404);
    });

    it('does not expose the PeerJS HTTP API (ids are assigned by the server)', async () => {
      assert.equal((await fetch(`${url}/signal/consultkit/id`)).status, 404);
      assert.equal((await fetch(`${url}/signal/consultkit/peers`)).status, 404);
    });
  });

  describe('development join endpoint (demo mode)', () => {
    let demo: ConsultKitServer;
    let demoUrl: string;
    before(async () => {
      ({ server: demo, url: demoUrl } = await startTestServer({ CONSULTKIT_DEMO: 'on', CONSULTKIT_SEED_DEMO: 'off' }));
    });
    after(() => demo.close());

    it('issues a ticket whose peer ids are stable and distinct per role', async () => {
      const join = async (role: string) =>
        (await (
          await fetch(`${demoUrl}/api/dev/join`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ consultation: 'room1', role }),
          })
        ).json()) as { peerId: string; remotePeerId: string; token: string; iceServers: unknown[] };
      const patient = await join('patient');
      const clinician = await join('clinician');
      assert.equal(patient.remotePeerId, clinician.peerId);
      assert.equal(clinician.remotePeerId, patient.peerId);
      assert.notEqual(patient.peerId, clinician.peerId);
      assert.deepEqual(patient.iceServers, [], 'no public STUN');
    });

    it('keeps demo consultations apart from appointments: "appt-3" is demo-appt-3, with other peer ids', async () => {
      const response = await fetch(`${demoUrl}/api/dev/join`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ consultation: 'appt-3', role: 'clinician' }),
      });
      const ticket = (await response.json()) as { consultationId: string; peerId: string; remotePeerId: string };
      assert.equal(ticket.consultationId, 'demo-appt-3');
      assert.notEqual(ticket.peerId, demo.tokens.peerId('appt-3', 'clinician'));
      assert.notEqual(ticket.remotePeerId, demo.tokens.peerId('appt-3', 'patient'), 'never the real patient');
    });

    for (const [body, diagnostics] of [
      [{ role: 'surgeon' }, /role: expected one of patient, clinician/],
      [{ role: 'patient', consultation: 'no spaces allowed' }, /consultation:/],
      [{ role: 'patient', consultation: 7 }, /consultation:/],
    ] as const) {
      it(`answers ${JSON.stringify(body)} with a 400 OperationOutcome`, async () => {
        const response = await fetch(`${demoUrl}/api/dev/join`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        assert.equal(response.status, 400);
        const outcome = (await response.json()) as { resourceType: string; issue: { diagnostics: string }[] };
        assert.equal(outcome.resourceType, 'OperationOutcome');
        assert.match(outcome.issue[0]?.diagnostics ?? '', diagnostics);
      });
    }

    it('answers malformed JSON with a 400 OperationOutcome', async () => {
      const response = await fetch(`${demoUrl}/api/dev/join`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"role": ',
      });
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as { resourceType: string }).resourceType, 'OperationOutcome');
    });
  });

  it('has no demo endpoint when CONSULTKIT_DEMO is off', async () => {
    const { server: quiet, url: quietUrl } = await startTestServer({ CONSULTKIT_DEMO: 'false' });
    try {
      const response = await fetch(`${quietUrl}/api/dev/join`, { method: 'POST', body: '{}' });
      assert.equal(response.status, 404);
    } finally {
      await quiet.close();
    }
  });
});

describe('consultkit-server command', () => {
  it('--demo (npm start) starts on PGlite in CONSULTKIT_DATA_DIR, prints its URLs, and stops cleanly on SIGTERM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ck-start-'));
    const bin = fileURLToPath(new URL('./bin/consultkit-server.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', bin, '--demo'], {
      env: { ...process.env, PORT: '0', CONSULTKIT_DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      let stdout = '';
      const baseUrl = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const match = /ConsultKit server (http:\/\/\S+)/.exec(stdout);
          if (match?.[1]) resolve(match[1]);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code} before listening: ${stdout}`)));
      });
      assert.match(stdout, /two-party-call/);
      assert.match(stdout, /FHIR +http:\/\/\S+\/fhir\/metadata +\(practice time zone Europe\/London\)/);
      assert.match(stderr, /DEMO MODE.*"Authorization: Bearer consultkit-development-staff-key"/);
      assert.match(stderr, /✗ demo mode is off: unset CONSULTKIT_DEMO/, 'the deployment checklist says what is unsafe');
      const practitioners = (await (await fetch(`${baseUrl}/fhir/Practitioner?_total=accurate`)).json()) as {
        total: number;
      };
      assert.ok(practitioners.total >= 3, 'npm start seeds the demo practice');
      assert.match(stdout, new RegExp(`PGlite in ${dataDir}`));
      const health = (await (await fetch(`${baseUrl}/healthz`)).json()) as { storage: string };
      assert.equal(health.storage, 'pglite');
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      assert.equal(code, 0);
    } finally {
      child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
