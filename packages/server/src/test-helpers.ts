/** Starting a real server for node tests: in-memory PGlite, an ephemeral port on 127.0.0.1. */
import { loadConfig } from './config.js';
import { createServer, type ConsultKitServer, type ServeOptions } from './app.js';

export async function startTestServer(
  env: Record<string, string> = {},
  serve: ServeOptions = {},
): Promise<{ server: ConsultKitServer; url: string }> {
  const config = loadConfig({ PORT: '0', CONSULTKIT_DATA_DIR: 'memory://', LOG_LEVEL: 'silent', ...env });
  const server = await createServer(config, serve);
  const url = await server.listen();
  return { server, url };
}
