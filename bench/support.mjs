// What the benchmarks share: statistics, a bound on anything that could hang, a PostgreSQL
// database of their own, and a page script bundled with `@consultkit/core` from source.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import pg from 'pg';
import { register } from 'tsx/esm/api';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Nearest-rank percentile of sorted `values`. */
export function percentile(sorted, p) {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** The median of `values` (in any order). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const round = (x, digits = 1) => Number(x.toFixed(digits));

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Count, p50, p95, p99 and max of `samples` (ms), to `digits` places. */
export function latencySummary(samples, digits = 2) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50), digits),
    p95: round(percentile(sorted, 95), digits),
    p99: round(percentile(sorted, 99), digits),
    max: round(sorted.at(-1), digits),
  };
}

/**
 * A server for a benchmark, not yet listening: on loopback, an embedded database in memory, no demo
 * practice, demo mode (the development secret and staff key) and no rate limits (a benchmark
 * floods from one address on purpose). `env` adds or overrides settings; `serve` is what it serves
 * (nothing by default), the rest of `options` goes to `createServer` (e.g. `{ storage }`).
 */
export async function benchServer(env = {}, { serve = {}, ...options } = {}) {
  register();
  const { createServer, loadConfig } = await import('../packages/server/src/index.ts');
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    CONSULTKIT_DATA_DIR: 'memory://',
    CONSULTKIT_SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    CONSULTKIT_DEMO: 'on',
    CONSULTKIT_RATE_LIMITS: 'off',
    ...env,
  });
  return createServer(config, serve, options);
}

/** Median, p95, min and max of `samples` (ms), to 0.1. */
export function summarise(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    median: round(median(sorted)),
    p95: round(percentile(sorted, 95)),
    min: round(sorted[0]),
    max: round(sorted.at(-1)),
  };
}

/** Rejects after `ms` with `message`, so nothing in a benchmark can hang. */
export function bounded(promise, ms, message) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A new, empty database on the PostgreSQL server at `base` (a URL), dropped by `dispose()`. */
export async function freshPostgresDatabase(base) {
  const name = `consultkit_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async dispose() {
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      } finally {
        await admin.end();
      }
    },
  };
}

/** A page's script (`bench/<file>`), bundled for the browser with `@consultkit/core` from source. */
export async function bundlePage(file) {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(`./${file}`, import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    minify: false,
    sourcemap: false,
    logLevel: 'silent',
    alias: { '@consultkit/core': `${ROOT}packages/core/src/index.ts` },
  });
  return result.outputFiles[0].text;
}
