/**
 * Finishing a recording's file (docs/recording.md, "Storage and access"): a remux with
 * `ffmpeg -c copy` into a seekable file (a WebM recorded with a timeslice has no duration and no
 * cues; an MP4 gets its index in front, `+faststart`), then its duration (`ffprobe`), size, SHA-256
 * (hex) and SHA-1 (base64, for FHIR's `Attachment.hash`). The composite path (the chunks a page
 * sent) and the Janus path (the file `janus-pp-rec` and ffmpeg muxed) both end here.
 *
 * ffmpeg and ffprobe run from argument arrays (never a shell), with a time limit, and their
 * absence is an error of its own ({@link ToolMissing}) so the caller can keep what it has.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import type { FinishedFile, RecordingRow, Recordings } from './repository.js';

/** How long one ffmpeg or ffprobe run may take (a copy of an hour's call takes seconds). */
export const FINISH_TIMEOUT_MS = 5 * 60 * 1000;

export interface FinishTools {
  /** The ffmpeg executable (`ffmpeg` on the PATH by default). */
  ffmpeg?: string;
  ffprobe?: string;
  timeoutMs?: number;
}

/** ffmpeg or ffprobe is not installed: nothing was changed. */
export class ToolMissing extends Error {
  constructor(readonly tool: string) {
    super(`${tool} is not installed on the server (Debian: apt-get install ffmpeg)`);
  }
}

/** ffmpeg refused the input, or took too long: the reason, in its last lines. */
export class FinishFailed extends Error {}

function run(tool: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      tool,
      args,
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 4 * 1024 * 1024, windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return reject(new ToolMissing(tool));
        const killed = (error as { killed?: boolean }).killed;
        const tail = String(stderr).trim().split('\n').slice(-3).join(' ').slice(0, 300);
        reject(
          new FinishFailed(
            killed ? `${tool} took longer than ${Math.round(timeoutMs / 1000)} s` : `${tool} failed: ${tail}`,
          ),
        );
      },
    );
  });
}

/** Whether ffmpeg and ffprobe answer (the server warns at start when they do not). */
export async function finishToolsPresent(tools: FinishTools = {}): Promise<string[]> {
  const missing: string[] = [];
  for (const tool of [tools.ffmpeg ?? 'ffmpeg', tools.ffprobe ?? 'ffprobe']) {
    try {
      await run(tool, ['-version'], 10_000);
    } catch {
      missing.push(tool);
    }
  }
  return missing;
}

/**
 * Remuxes `input` into `output` (`video/webm` or `video/mp4`, by `contentType`'s type) and returns
 * the finished file's facts. `output` appears only once it is complete (written beside, renamed).
 */
export async function finishRecordingFile(
  input: string,
  output: string,
  contentType: string,
  tools: FinishTools = {},
): Promise<FinishedFile> {
  const timeoutMs = tools.timeoutMs ?? FINISH_TIMEOUT_MS;
  const mp4 = /^video\/mp4\b/i.test(contentType);
  const partial = `${output}.part`;
  const format = mp4 ? ['-f', 'mp4', '-movflags', '+faststart'] : ['-f', 'webm'];
  try {
    await run(
      tools.ffmpeg ?? 'ffmpeg',
      [
        '-hide_banner',
        '-nostdin',
        '-loglevel',
        'error',
        '-y',
        '-i',
        input,
        '-map',
        '0',
        '-c',
        'copy',
        ...format,
        partial,
      ],
      timeoutMs,
    );
    const probed = JSON.parse(
      await run(
        tools.ffprobe ?? 'ffprobe',
        ['-v', 'error', '-show_entries', 'format=duration', '-of', 'json', partial],
        timeoutMs,
      ),
    ) as { format?: { duration?: string } };
    const durationSeconds = Number(probed.format?.duration);
    if (!Number.isFinite(durationSeconds) || durationSeconds <= 0) {
      throw new FinishFailed('ffprobe found no duration in the finished file');
    }
    const sha256 = createHash('sha256');
    const sha1 = createHash('sha1');
    for await (const chunk of createReadStream(partial)) {
      sha256.update(chunk as Buffer);
      sha1.update(chunk as Buffer);
    }
    const { size } = await stat(partial);
    await rename(partial, output);
    return {
      contentType: mp4 ? 'video/mp4' : 'video/webm',
      durationSeconds,
      size,
      sha256: sha256.digest('hex'),
      sha1: sha1.digest('base64'),
    };
  } finally {
    await rm(partial, { force: true });
  }
}

/**
 * Finishes recording `row` from the file `input` (the joined chunks, or Janus's muxed file):
 * `processing` must already be set by the caller ({@link Recordings.startProcessing}); on success
 * the row is `ready` with the file's facts, on failure `failed` with the reason. A missing tool
 * puts the row back to `capturing` and throws {@link ToolMissing}: nothing is lost.
 */
export async function finishRecording(
  recordings: Recordings,
  row: RecordingRow,
  input: string,
  contentType: string,
  tools: FinishTools = {},
): Promise<RecordingRow> {
  try {
    const file = await finishRecordingFile(input, recordings.path(row.id), contentType, tools);
    return await recordings.markReady(row.id, file);
  } catch (error) {
    if (error instanceof ToolMissing) {
      await recordings.backToCapturing(row.id);
      throw error;
    }
    if (error instanceof FinishFailed) return recordings.failed(row.id, error.message);
    throw error;
  }
}
