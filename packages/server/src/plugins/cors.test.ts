import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConsultKitServer } from '../app.js';
import { startTestServer } from '../test-helpers.js';

describe('CORS on the FHIR API', () => {
  let server: ConsultKitServer;
  let url: string;
  before(async () => {
    ({ server, url } = await startTestServer({
      CONSULTKIT_SEED_DEMO: 'false',
      CONSULTKIT_CORS_ORIGINS: 'https://www.riverside.example',
    }));
  });
  after(() => server.close());

  it('lets an allowed practice website search slots and read the ETag', async () => {
    const response = await fetch(`${url}/fhir/Slot?status=free`, {
      headers: { origin: 'https://www.riverside.example' },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), 'https://www.riverside.example');
    assert.match(response.headers.get('access-control-expose-headers') ?? '', /etag/);
    assert.match(
      response.headers.get('access-control-expose-headers') ?? '',
      /retry-after/,
      'a page elsewhere can say when to try again',
    );
    assert.equal(response.headers.get('access-control-allow-credentials'), null, 'never cookies across origins');
  });

  it('answers the preflight of a booking POST with the headers it needs', async () => {
    const response = await fetch(`${url}/fhir/Appointment`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://www.riverside.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, if-none-exist',
      },
    });
    assert.equal(response.status, 204);
    assert.match(response.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.match(response.headers.get('access-control-allow-headers') ?? '', /if-none-exist/);
  });

  it('gives other origins nothing, and leaves the rest of the server alone', async () => {
    const other = await fetch(`${url}/fhir/Slot`, { headers: { origin: 'https://evil.example' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    const health = await fetch(`${url}/healthz`, { headers: { origin: 'https://www.riverside.example' } });
    assert.equal(health.headers.get('access-control-allow-origin'), null);
  });
});

describe('caching', () => {
  it('marks API and FHIR answers no-store: personal data stays out of caches', async () => {
    const { server, url } = await startTestServer({ CONSULTKIT_SEED_DEMO: 'false' });
    try {
      for (const path of ['/fhir/Slot', '/fhir/metadata', '/fhir/Appointment/1', '/api/outbox']) {
        assert.equal((await fetch(`${url}${path}`)).headers.get('cache-control'), 'no-store', path);
      }
    } finally {
      await server.close();
    }
  });
});
