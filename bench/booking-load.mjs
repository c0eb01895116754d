// The booking benchmark's HTTP client, run in a worker thread: patients' browsers are not in the
// server's process, so their fetch and JSON parsing must not queue on its event loop (at
// concurrency 4 an in-process client's parse of four 80 kB Bundles was most of the wait). It
// fetches the URLs it is given, `concurrency` at a time, and answers each one's ms and, per URL,
// the ids of the page's matches (or the total), to compare with the SQL baseline.
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

parentPort.on('message', async ({ id, kind, urls, concurrency }) => {
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
          const response = await fetch(urls[i], {
            headers: { accept: FHIR_JSON },
            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
          });
          const text = await response.text();
          samples[i] = performance.now() - t0;
          if (response.status !== 200) throw new Error(`GET ${urls[i]}: ${response.status} ${text.slice(0, 300)}`);
          answers[i] = answerOf(kind, JSON.parse(text));
        }
      }),
    );
    parentPort.postMessage({ id, samples, answers, wallMs: performance.now() - started });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
