/**
 * For tests and benchmarks that run calls through a real Janus (`scripts/janus.mjs` starts one):
 * the settings that point a test server at it, and the SFU service a test drives it with.
 */
import type { Storage } from '../storage/index.js';
import { TEST_SECRET } from '../test-helpers.js';
import { JanusAdmin } from './janus.js';
import { SfuService } from './service.js';

/** What `startJanus()` gives that a server needs to reach the Janus it started. */
export interface TestJanus {
  wsUrl: string;
  adminUrl: string;
  adminSecret: string;
  roomAdminKey: string;
}

/** The server's settings for calls through `janus` (spread them into `startTestServer`'s). */
export function janusSettings(janus: TestJanus): Record<string, string> {
  return {
    CONSULTKIT_JANUS_URL: janus.wsUrl,
    CONSULTKIT_JANUS_ADMIN_URL: janus.adminUrl,
    CONSULTKIT_JANUS_ADMIN_SECRET: janus.adminSecret,
    CONSULTKIT_JANUS_ROOM_KEY: janus.roomAdminKey,
  };
}

/**
 * An SFU service on `storage` (with the test secret) whose one instance is `janus`, and its Admin
 * API client (with the VideoRoom admin key, so that it can make rooms).
 */
export function janusSfu(storage: Storage, janus: TestJanus): { admin: JanusAdmin; sfu: SfuService } {
  const admin = new JanusAdmin({
    url: janus.adminUrl,
    adminSecret: janus.adminSecret,
    roomAdminKey: janus.roomAdminKey,
  });
  const sfu = new SfuService({ storage, secret: TEST_SECRET, instances: [{ url: janus.wsUrl, admin }] });
  return { admin, sfu };
}
