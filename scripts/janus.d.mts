// Types of scripts/janus.mjs for the TypeScript tests that start Janus.
export interface RunningJanus {
  skip?: undefined;
  /** The Janus API over WebSockets: `ws://127.0.0.1:<port>`. */
  wsUrl: string;
  /** The Janus API over HTTP: `http://127.0.0.1:<port>/janus`. */
  httpUrl: string;
  /** The Admin API: `http://127.0.0.1:<port>/admin`. */
  adminUrl: string;
  adminSecret: string;
  /** The VideoRoom plugin's `admin_key` (needed to create rooms). */
  roomAdminKey: string;
  configDir: string;
  /** What Janus printed lately. */
  output(): string;
  stop(): Promise<void>;
}
export function janusLibDir(): string | undefined;
export function janusMissing(): string | null;
export function startJanus(options?: { log?: (line: string) => void }): Promise<RunningJanus | { skip: string }>;
