/**
 * For the recording tests: tones made with ffmpeg, and how loud each tone is in a window of a
 * recorded file (decoded to PCM by ffmpeg, measured with the Goertzel algorithm: the power of one
 * frequency), so a test can say "A's voice is here, B's is not".
 */
import { runTool } from './media-tools.js';

/** Writes a WAV (48 kHz mono) of a `frequency` Hz sine, `seconds` long. */
export async function toneWav(file: string, frequency: number, seconds: number): Promise<void> {
  await runTool(
    [
      'ffmpeg',
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=${frequency}:sample_rate=48000:duration=${seconds}`,
      '-af',
      'volume=4',
      '-ac',
      '1',
      '-c:a',
      'pcm_s16le',
      file,
    ],
    60_000,
  );
}

export const PCM_RATE = 16_000;

/** The file's first audio stream as mono float samples at 16 kHz. */
export async function decodePcm(file: string): Promise<Float32Array> {
  const child = await import('node:child_process');
  const pcm = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const ffmpeg = child.spawn(
      'ffmpeg',
      [
        '-hide_banner',
        '-nostdin',
        '-loglevel',
        'error',
        '-i',
        file,
        '-vn',
        '-ac',
        '1',
        '-ar',
        String(PCM_RATE),
        '-f',
        'f32le',
        '-',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    ffmpeg.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    ffmpeg.stderr.on('data', (chunk: Buffer) => (err += String(chunk)));
    const timer = setTimeout(() => ffmpeg.kill('SIGKILL'), 120_000);
    ffmpeg.once('error', reject);
    ffmpeg.once('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(chunks));
      else reject(new Error(`ffmpeg could not decode ${file}: ${err}`));
    });
  });
  const copy = new Uint8Array(pcm.byteLength);
  copy.set(pcm);
  return new Float32Array(copy.buffer, 0, Math.floor(pcm.byteLength / 4));
}

/**
 * The amplitude (0…1, a full-scale sine is 1) of `frequency` in `samples` between `from` and `to`
 * seconds: Goertzel over the window.
 */
export function toneLevel(samples: Float32Array, frequency: number, from: number, to: number): number {
  const start = Math.max(0, Math.floor(from * PCM_RATE));
  const end = Math.min(samples.length, Math.floor(to * PCM_RATE));
  const n = end - start;
  if (n <= 0) return 0;
  const k = (2 * Math.PI * frequency) / PCM_RATE;
  const coefficient = 2 * Math.cos(k);
  let s1 = 0;
  let s2 = 0;
  for (let i = start; i < end; i++) {
    const s0 = samples[i]! + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
  return (2 * Math.sqrt(Math.max(0, power))) / n;
}

/** The RMS level of `samples` between `from` and `to` seconds (everything, whatever frequency). */
export function rmsLevel(samples: Float32Array, from: number, to: number): number {
  const start = Math.max(0, Math.floor(from * PCM_RATE));
  const end = Math.min(samples.length, Math.floor(to * PCM_RATE));
  let sum = 0;
  for (let i = start; i < end; i++) sum += samples[i]! * samples[i]!;
  return end > start ? Math.sqrt(sum / (end - start)) : 0;
}

/** What ffprobe says of a file: its streams' codec types and names, and its duration. */
export async function probe(
  file: string,
): Promise<{ streams: { codec_type: string; codec_name: string }[]; duration: number }> {
  const { stdout } = await runTool(
    ['ffprobe', '-v', 'error', '-show_entries', 'stream=codec_type,codec_name:format=duration', '-of', 'json', file],
    60_000,
  );
  const json = JSON.parse(stdout) as {
    streams: { codec_type: string; codec_name: string }[];
    format: { duration?: string };
  };
  return { streams: json.streams, duration: Number(json.format.duration) };
}
