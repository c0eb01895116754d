/**
 * The one file of a Janus recording (docs/decisions/0039-janus-recording.md): every recorded
 * participant's voice mixed (`adelay` by when their file starts, `amix`), and every recorded
 * camera (and shared screen) as a tile of a grid on a black canvas, each placed on the recording's
 * timeline by when its file starts. A participant is heard and seen only inside the intervals in
 * which their consent was `agreed`: outside them their audio is zeroed (`volume=0`) and their tile
 * not drawn (the canvas stays black there), so a late joiner's frames before they agreed never
 * reach the file. Pure: builds ffmpeg's argv; `janus-capture.ts` runs it.
 */

/** A span of the recording's timeline, in seconds from its start. */
export interface Interval {
  from: number;
  to: number;
}

/** One post-processed stream of one publisher. */
export interface MixTrack {
  kind: 'audio' | 'video';
  /** The `.opus` (audio) or `.webm` (video) `janus-pp-rec` wrote. */
  file: string;
  /** When its first packet was written, in seconds after the recording started (≥ 0). */
  offsetSeconds: number;
  /** When this stream may be heard or seen (its participant's `agreed` spans); never empty. */
  consent: readonly Interval[];
  /** Video: the grid cell it is drawn in (one per publisher, whatever its files); default the file. */
  tile?: string;
}

export interface MixPlan {
  ffmpeg: string;
  tracks: readonly MixTrack[];
  /** The recording's length (start to stop). */
  durationSeconds: number;
  output: string;
  /** Canvas size (640×480) and frame rate (15) of the video. */
  width?: number;
  height?: number;
  fps?: number;
}

const seconds = (value: number) => Math.max(0, value).toFixed(3);

/** ffmpeg's timeline expression: true while `t` lies in one of `spans`. */
export function within(spans: readonly Interval[]): string {
  return spans.map((s) => `between(t\\,${seconds(s.from)}\\,${seconds(s.to)})`).join('+') || '0';
}

/** The grid for `n` tiles: columns, rows. */
export function grid(n: number): { columns: number; rows: number } {
  const columns = Math.max(1, Math.ceil(Math.sqrt(n)));
  return { columns, rows: Math.max(1, Math.ceil(n / columns)) };
}

const even = (value: number) => Math.max(2, Math.floor(value / 2) * 2);

/**
 * The ffmpeg argv writing `output` (WebM: VP8 and Opus, or Opus alone when nobody's video was
 * recorded), or throws when there is no audio at all (nothing to hear is not a recording).
 */
export function mixArgs(plan: MixPlan): { argv: string[]; contentType: string } {
  const audio = plan.tracks.filter((t) => t.kind === 'audio');
  const video = plan.tracks.filter((t) => t.kind === 'video');
  if (audio.length === 0) throw new Error('no recorded participant’s audio to mix');
  const width = plan.width ?? 640;
  const height = plan.height ?? 480;
  const fps = plan.fps ?? 15;
  const duration = seconds(plan.durationSeconds);
  const inputs: string[] = [];
  const graph: string[] = [];
  let index = 0;

  const mixed: string[] = [];
  for (const track of audio) {
    inputs.push('-i', track.file);
    const delayMs = Math.round(Math.max(0, track.offsetSeconds) * 1000);
    graph.push(
      // Gaps (a muted microphone sends nothing) filled with silence by their timestamps; then the
      // file's place on the timeline; then timestamps by sample count, which the consent gate reads.
      `[${index}:a]asetpts=PTS-STARTPTS,aresample=48000:async=1:first_pts=0,` +
        `aformat=sample_fmts=fltp:channel_layouts=stereo,adelay=${delayMs}:all=1,asetpts=N/SR/TB,` +
        `volume=0:enable='not(${within(track.consent)})'[a${index}]`,
    );
    mixed.push(`[a${index}]`);
    index++;
  }
  graph.push(
    (mixed.length > 1
      ? `${mixed.join('')}amix=inputs=${mixed.length}:duration=longest:dropout_transition=0:normalize=0,`
      : `${mixed[0]}anull,`) + `apad,atrim=0:${duration},asetpts=N/SR/TB[aout]`,
  );

  const maps = ['-map', '[aout]'];
  if (video.length > 0) {
    const tiles = [...new Set(video.map((t) => t.tile ?? t.file))];
    const { columns, rows } = grid(tiles.length);
    const tileW = even(width / columns);
    const tileH = even(height / rows);
    graph.push(`color=c=black:s=${width}x${height}:r=${fps}:d=${duration}[base]`);
    let canvas = '[base]';
    video.forEach((track, n) => {
      const cell = tiles.indexOf(track.tile ?? track.file);
      inputs.push('-i', track.file);
      const offset = seconds(track.offsetSeconds);
      graph.push(
        `[${index}:v]setpts=PTS-STARTPTS+${offset}/TB,fps=${fps},` +
          `scale=${tileW}:${tileH}:force_original_aspect_ratio=decrease,` +
          `pad=${tileW}:${tileH}:(ow-iw)/2:(oh-ih)/2,setsar=1[v${index}]`,
      );
      const x = (cell % columns) * tileW;
      const y = Math.floor(cell / columns) * tileH;
      const next = `[c${n}]`;
      graph.push(`${canvas}[v${index}]overlay=x=${x}:y=${y}:eof_action=pass:enable='${within(track.consent)}'${next}`);
      canvas = next;
      index++;
    });
    graph.push(`${canvas}format=yuv420p[vout]`);
    maps.push('-map', '[vout]');
  }

  const argv = [
    plan.ffmpeg,
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-y',
    ...inputs,
    '-filter_complex',
    graph.join(';'),
    ...maps,
    ...(video.length > 0
      ? ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '700k', '-g', String(fps * 4)]
      : []),
    '-c:a',
    'libopus',
    '-b:a',
    '64k',
    '-t',
    duration,
    '-f',
    'webm',
    plan.output,
  ];
  return { argv, contentType: video.length > 0 ? 'video/webm' : 'audio/webm' };
}
