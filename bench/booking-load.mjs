// The booking benchmark's HTTP client, run in a worker thread: patients' browsers are not in the
// server's process, so their fetch and JSON parsing must not queue on its event loop (at
// concurrency 4 an in-process client's parse of four 80 kB Bundles was most of the wait). It
// fetches the URLs it is given, `concurrency` at a time, and answers each one's ms and, per URL,
// the ids of the page's matches (or the total), to compare with the SQL baseline.
//
// It speaks HTTP/1.1 with `node:http` over kept-alive connections, one per concurrent request, as a
// browser keeps its connection to a site: undici's `fetch` costs about 1 ms more CPU per 80 kB
// answer (measured: 1.4–1.8 against 0.6–0.8 ms, client and a static server together), and on two
// cores the client's CPU is taken from the server's.
import http from 'node:http';
import { parentPort } from 'node:worker_threads';

const FHIR_JSON = 'application/fhir+json';
const REQUEST_TIMEOUT_MS = 30_000;

function answerOf(kind, bundle) {
  if (kind === 'year') return bundle.total;
  return (bundle.entry ?? [])
    .filter((entry) => entry.search?.mode === 'match')
    .map((entry) => Number(entry.resource.id))
    .join(',');
}

/** GET `url` over `agent`: the status and the body as text. */
function get(url, agent) {
  return new Promise((resolve, reject) => {
    const request = http.get(
      url,
      { agent, headers: { accept: FHIR_JSON }, timeout: REQUEST_TIMEOUT_MS },
      (response) => {
        response.setEncoding('utf8');
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode, text }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`GET ${url}: no answer in ${REQUEST_TIMEOUT_MS} ms`)));
    request.on('error', reject);
  });
}

parentPort.on('message', async ({ id, kind, urls, concurrency }) => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    const samples = new Array(urls.length);
    const answers = new Array(urls.length);
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: Math.min(concurrency, urls.length) }, async () => {
        while (next < urls.length) {
          const i = next++;
          const t0 = performance.now();
          const { status, text } = await get(urls[i], agent);
          samples[i] = performance.now() - t0;
          if (status !== 200) throw new Error(`GET ${urls[i]}: ${status} ${text.slice(0, 300)}`);
          answers[i] = answerOf(kind, JSON.parse(text));
        }
      }),
    );
    parentPort.postMessage({ id, samples, answers, wallMs: performance.now() - started });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  } finally {
    agent.destroy();
  }
});
