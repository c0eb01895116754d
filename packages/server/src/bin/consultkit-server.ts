#!/usr/bin/env node
/**
 * `consultkit-server`: starts the reference server with configuration from the environment.
 * `--demo` runs the demo (as `CONSULTKIT_DEMO=on`): development routes, the demo practice and
 * development secrets, for a developer's machine only. Prints the deployment checklist when
 * something on it is missing (in production, a missing required item stops the start). Stops
 * cleanly on SIGINT (Ctrl-C) and SIGTERM.
 */
import { deploymentChecklist, formatChecklist } from '../checklist.js';
import { ConfigError, loadConfig } from '../config.js';
import { createServer, DEFAULT_SERVE } from '../app.js';
import { INSTANCE_ID } from '../room/cluster.js';

async function main(): Promise<void> {
  let config;
  try {
    const env = { ...process.env };
    if (process.argv.includes('--demo')) env['CONSULTKIT_DEMO'] = 'on';
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`consultkit-server: configuration error: ${error.message}`);
      if (!process.argv.includes('--demo') && !process.env['CONSULTKIT_DEMO']) {
        console.error('consultkit-server: to try it on this machine, run the demo: npx consultkit-server --demo');
      }
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  // In production, a failed required check was a configuration error above.
  const checks = deploymentChecklist(config);
  if (checks.some((check) => !check.ok)) {
    console.warn(
      ['consultkit-server: deployment checklist (docs/security.md):', ...formatChecklist(checks)].join('\n'),
    );
  }
  if (config.demo) {
    console.warn(
      `consultkit-server: DEMO MODE, for a developer's machine only: staff sign in without a password and calls take "Authorization: Bearer ${config.staffKey}".`,
    );
  }
  // Several instances on one PostgreSQL: an instance may be named (logs, `server_instance`);
  // unnamed, it takes a random id (docs/deploying.md).
  const instance = process.env['CONSULTKIT_INSTANCE']?.trim() || undefined;
  if (instance !== undefined && !INSTANCE_ID.test(instance)) {
    console.error(
      'consultkit-server: configuration error: CONSULTKIT_INSTANCE: 1 to 30 lower-case letters, digits or "-"',
    );
    process.exit(78);
  }
  const server = await createServer(config, undefined, { instance });
  // People read and click these: localhost rather than 127.0.0.1.
  const url = (await server.listen()).replace('//127.0.0.1:', '//localhost:');
  const storage = server.storage.kind === 'pglite' ? `PGlite in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)';
  console.log(
    [
      `ConsultKit server ${url}  (storage: ${storage})`,
      // Installed from npm, the server has no examples (the join page is inside the package).
      ...(DEFAULT_SERVE.examplesDir
        ? [`  examples   ${url}/`, `  two-party  ${url}/examples/two-party-call/`]
        : [`  join page  ${url}/join/`]),
      `  health     ${url}/healthz`,
      `  FHIR       ${url}/fhir/metadata  (practice time zone ${config.timeZone})`,
      `  signalling ${url.replace(/^http/, 'ws')}/signal/peerjs`,
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`consultkit-server: ${signal}, stopping…`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('consultkit-server: failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
