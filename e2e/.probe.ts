import { startTestServer } from '/work/wt-sfu-wire/packages/server/src/test-helpers.js';
const ck = await startTestServer({ CONSULTKIT_SEED_DEMO: 'false' });
for (const p of ['/', '/cdn/consultation.js', '/examples/two-party-call/']) {
  const r = await fetch(ck.url + p);
  console.log(p, r.status, r.headers.get('content-type'), r.headers.get('content-security-policy'));
}
await ck.server.close();
