/**
 * Running the media tools the server post-processes recordings with (`janus-pp-rec`, `ffmpeg`,
 * `ffprobe`): an argv array, never a shell; a time limit per run (the process is killed past it);
 * a bounded tail of what it printed, for the failure reason.
 */
import { spawn } from 'node:child_process';

/** A tool failed: it could not start, it exited non-zero, or it ran past its time limit. */
export class MediaToolError extends Error {
  constructor(
    readonly tool: string,
    message: string,
  ) {
    super(message);
    this.name = 'MediaToolError';
  }
}

export interface ToolRun {
  stdout: string;
  stderr: string;
}

/** The last `max` characters of `text`, on one line (for a failure reason kept in the database). */
export function tail(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `…${flat.slice(-max)}` : flat;
}

/**
 * Runs `argv[0]` with the rest as its arguments; resolves to what it printed when it exits 0,
 * rejects with a `MediaToolError` otherwise. Output kept is bounded (1 MB each).
 */
export function runTool(argv: readonly string[], timeoutMs: number): Promise<ToolRun> {
  const [command, ...args] = argv;
  if (!command) return Promise.reject(new MediaToolError('?', 'no command'));
  const name = command.split('/').pop() ?? command;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    let stdout = '';
    let stderr = '';
    const keep = (into: 'out' | 'err') => (chunk: Buffer) => {
      if (into === 'out') stdout = (stdout + String(chunk)).slice(-1_000_000);
      else stderr = (stderr + String(chunk)).slice(-1_000_000);
    };
    child.stdout.on('data', keep('out'));
    child.stderr.on('data', keep('err'));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new MediaToolError(name, `${name} could not run: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut)
        reject(new MediaToolError(name, `${name} ran past its time limit (${Math.round(timeoutMs / 1000)} s)`));
      else if (code !== 0) {
        reject(new MediaToolError(name, `${name} failed (exit ${code ?? signal}): ${tail(stderr || stdout)}`));
      } else resolve({ stdout, stderr });
    });
  });
}

/** What `janus-pp-rec --json` says of a `.mjr` file. */
export interface MjrHeader {
  /** `a` audio, `v` video, `d` data. */
  kind: 'audio' | 'video' | 'data';
  /** The codec (`opus`, `vp8`, …). */
  codec: string;
  /** When Janus created the file, and wrote its first packet (µs since the epoch, Janus's clock). */
  createdUs: number;
  firstPacketUs: number;
}

/** Reads a `.mjr` file's header with `janus-pp-rec --json`. */
export async function mjrHeader(ppRec: string, file: string, timeoutMs: number): Promise<MjrHeader> {
  const { stdout } = await runTool([ppRec, '--json', '--debug-level=0', file], timeoutMs);
  const start = stdout.indexOf('{');
  let json: { t?: unknown; c?: unknown; s?: unknown; u?: unknown };
  try {
    json = JSON.parse(stdout.slice(start, stdout.lastIndexOf('}') + 1)) as typeof json;
  } catch {
    throw new MediaToolError('janus-pp-rec', `janus-pp-rec printed no header for ${file.split('/').pop()}`);
  }
  const kind = json.t === 'a' ? 'audio' : json.t === 'v' ? 'video' : json.t === 'd' ? 'data' : undefined;
  if (!kind || typeof json.c !== 'string' || typeof json.s !== 'number') {
    throw new MediaToolError('janus-pp-rec', `unexpected header for ${file.split('/').pop()}: ${tail(stdout, 120)}`);
  }
  return {
    kind,
    codec: json.c,
    createdUs: json.s,
    firstPacketUs: typeof json.u === 'number' && json.u > 0 ? json.u : json.s,
  };
}
