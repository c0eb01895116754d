import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { HttpError, installErrorHandlers } from './errors.js';

describe('error handler', () => {
  async function answer(thrown: unknown) {
    const app = Fastify({ logger: false });
    installErrorHandlers(app);
    app.get('/', async () => {
      throw thrown;
    });
    const response = await app.inject({ method: 'GET', url: '/' });
    await app.close();
    return { status: response.statusCode, headers: response.headers, body: response.json() };
  }

  it('answers an HttpError with its status, code, message and headers', async () => {
    const { status, headers, body } = await answer(
      new HttpError(401, 'login', 'who are you?', { 'www-authenticate': 'Bearer realm="consultkit"' }),
    );
    assert.equal(status, 401);
    assert.equal(headers['www-authenticate'], 'Bearer realm="consultkit"');
    assert.match(String(headers['content-type']), /^application\/fhir\+json/);
    assert.deepEqual(body, {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'login', diagnostics: 'who are you?' }],
    });
  });

  it('answers a value the database refuses (SQLSTATE class 22) with a 400, not a 500', async () => {
    const refused = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' });
    const { status, body } = await answer(refused);
    assert.equal(status, 400);
    assert.equal(body.issue[0].code, 'value');
    assert.doesNotMatch(body.issue[0].diagnostics, /UTF8/, 'no database internals in the answer');
  });

  it('answers anything else with a 500 OperationOutcome that gives nothing away', async () => {
    const { status, body } = await answer(
      Object.assign(new Error('relation "secret" does not exist'), { code: '42P01' }),
    );
    assert.equal(status, 500);
    assert.equal(body.issue[0].code, 'exception');
    assert.doesNotMatch(body.issue[0].diagnostics, /secret/);
  });
});
