/**
 * The composite of a mesh call (docs/recording.md, "Capture"; decision 0038): every participant's
 * camera drawn on one canvas at a fixed rate (the shared screen large when someone presents, the
 * cameras in a row beneath it; else the cameras in a grid), each with their name, and every voice
 * mixed with WebAudio into one track. A participant who is not recorded (`isRecorded` false: not
 * agreed yet, or let in later) is drawn as a placeholder with no picture, and their voice is
 * disconnected from the mix. `stream` (the canvas's track and the mixed audio) is what
 * `MediaRecorder` records; `update()` re-lays it out as participants come and go.
 *
 * Streams are decoded by `<video>` elements that are never put in the document (media objects,
 * not rendering): muted, since the voices reach the recording through WebAudio only.
 */

/** One participant as the composite draws them. */
export interface CompositeSource {
  peerId: string;
  name: string;
  /** Their camera and microphone (this page's own for the local participant); null before media flows. */
  stream: MediaStream | null;
  /** In the recording (picture and voice): `isRecorded(state, peerId)`. */
  recorded: boolean;
  /** Their camera is off (drawn as a placeholder; their voice is still mixed). */
  cameraOff?: boolean;
}

export interface CompositeScene {
  /** The participants, in the order they are drawn. */
  participants: readonly CompositeSource[];
  /** The shared screen, drawn large, when someone recorded presents. */
  screen: { peerId: string; stream: MediaStream } | null;
}

export interface CompositorOptions {
  width?: number;
  height?: number;
  /** Frames drawn (and captured) per second. */
  fps?: number;
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Where each camera (and the screen) goes on a `width` × `height` canvas: with a screen, the screen
 * takes the top three quarters and the cameras share a row beneath; without, the cameras fill a grid
 * of about as many columns as rows, the last row centred.
 */
export function compositeLayout(
  count: number,
  screen: boolean,
  width: number,
  height: number,
): { screen: Rect | null; tiles: Rect[] } {
  if (screen) {
    const top = Math.round(height * 0.75);
    const rowHeight = height - top;
    const tileWidth = count ? Math.min(width / count, (rowHeight * 16) / 9) : 0;
    const start = (width - tileWidth * count) / 2;
    return {
      screen: { x: 0, y: 0, w: width, h: top },
      tiles: Array.from({ length: count }, (_, i) => ({
        x: start + i * tileWidth,
        y: top,
        w: tileWidth,
        h: rowHeight,
      })),
    };
  }
  if (count === 0) return { screen: null, tiles: [] };
  const cols = Math.ceil(Math.sqrt(count));
  const rows = Math.ceil(count / cols);
  const w = width / cols;
  const h = height / rows;
  const tiles: Rect[] = [];
  for (let i = 0; i < count; i++) {
    const row = Math.floor(i / cols);
    const inRow = row === rows - 1 ? count - row * cols : cols;
    const start = (width - inRow * w) / 2;
    tiles.push({ x: start + (i - row * cols) * w, y: row * h, w, h });
  }
  return { screen: null, tiles };
}

interface Input {
  video: HTMLVideoElement;
  stream: MediaStream;
  /** The audio track the mix listens to, and its node (null when not mixed). */
  audioTrack: MediaStreamTrack | null;
  audio: MediaStreamAudioSourceNode | null;
}

const BACKGROUND = '#1d1f21';
const TILE = '#2e3134';
const LABEL = 'rgba(0, 0, 0, 0.6)';

export class Compositor {
  readonly #canvas: HTMLCanvasElement;
  readonly #context: CanvasRenderingContext2D;
  readonly #audio: AudioContext;
  readonly #mix: MediaStreamAudioDestinationNode;
  readonly #inputs = new Map<string, Input>();
  readonly #timer: ReturnType<typeof setInterval>;
  readonly stream: MediaStream;
  #scene: CompositeScene = { participants: [], screen: null };
  #closed = false;
  /** Frames drawn so far (for tests and the benchmark). */
  frames = 0;

  constructor(options: CompositorOptions = {}) {
    const width = options.width ?? 1280;
    const height = options.height ?? 720;
    const fps = options.fps ?? 15;
    this.#canvas = document.createElement('canvas');
    this.#canvas.width = width;
    this.#canvas.height = height;
    const context = this.#canvas.getContext('2d', { alpha: false });
    if (!context) throw new Error('No 2D canvas context');
    this.#context = context;
    this.#audio = new AudioContext();
    void this.#audio.resume().catch(() => undefined);
    this.#mix = this.#audio.createMediaStreamDestination();
    this.#draw();
    const [video] = this.#canvas.captureStream(fps).getVideoTracks();
    const [voice] = this.#mix.stream.getAudioTracks();
    this.stream = new MediaStream([video!, voice!]);
    this.#timer = setInterval(() => this.#draw(), 1000 / fps);
  }

  /** Lays the composite out again: who is there, who is recorded, who presents. */
  update(scene: CompositeScene): void {
    if (this.#closed) return;
    this.#scene = scene;
    const wanted = new Map<string, { stream: MediaStream; recorded: boolean }>();
    for (const p of scene.participants) if (p.stream) wanted.set(p.peerId, { stream: p.stream, recorded: p.recorded });
    if (scene.screen) wanted.set(`screen:${scene.screen.peerId}`, { stream: scene.screen.stream, recorded: false });
    for (const [key, input] of this.#inputs)
      if (wanted.get(key)?.stream !== input.stream) {
        this.#release(input);
        this.#inputs.delete(key);
      }
    for (const [key, { stream, recorded }] of wanted) {
      let input = this.#inputs.get(key);
      if (!input) {
        const video = document.createElement('video');
        video.muted = true;
        video.playsInline = true;
        video.autoplay = true;
        video.srcObject = stream;
        void video.play().catch(() => undefined);
        input = { video, stream, audioTrack: null, audio: null };
        this.#inputs.set(key, input);
      }
      this.#mixVoice(input, recorded);
    }
  }

  /** Connects the participant's voice to the mix while they are recorded; disconnects it otherwise. */
  #mixVoice(input: Input, recorded: boolean): void {
    const track = recorded ? (input.stream.getAudioTracks().find((t) => t.readyState === 'live') ?? null) : null;
    if (track === input.audioTrack) return;
    input.audio?.disconnect();
    input.audio = null;
    input.audioTrack = track;
    if (!track) return;
    input.audio = this.#audio.createMediaStreamSource(new MediaStream([track]));
    input.audio.connect(this.#mix);
  }

  #release(input: Input): void {
    input.audio?.disconnect();
    input.video.pause();
    input.video.srcObject = null;
  }

  #draw(): void {
    if (this.#closed) return;
    const ctx = this.#context;
    const { width, height } = this.#canvas;
    ctx.fillStyle = BACKGROUND;
    ctx.fillRect(0, 0, width, height);
    const { participants, screen } = this.#scene;
    const layout = compositeLayout(participants.length, !!screen, width, height);
    if (screen && layout.screen) {
      const video = this.#inputs.get(`screen:${screen.peerId}`)?.video;
      if (video) this.#fit(video, layout.screen);
    }
    participants.forEach((p, i) => {
      const rect = layout.tiles[i]!;
      const inner = { x: rect.x + 4, y: rect.y + 4, w: rect.w - 8, h: rect.h - 8 };
      ctx.fillStyle = TILE;
      ctx.fillRect(inner.x, inner.y, inner.w, inner.h);
      const video = this.#inputs.get(p.peerId)?.video;
      if (p.recorded && !p.cameraOff && video) this.#fit(video, inner);
      else this.#placeholder(inner);
      this.#name(p.name, inner);
    });
    this.frames++;
  }

  /** The video, whole and centred in `rect` (letterboxed). */
  #fit(video: HTMLVideoElement, rect: Rect): void {
    if (video.readyState < 2 || !video.videoWidth || !video.videoHeight) return;
    const scale = Math.min(rect.w / video.videoWidth, rect.h / video.videoHeight);
    const w = video.videoWidth * scale;
    const h = video.videoHeight * scale;
    this.#context.drawImage(video, rect.x + (rect.w - w) / 2, rect.y + (rect.h - h) / 2, w, h);
  }

  /** No picture: a head-and-shoulders outline in the middle of the tile. */
  #placeholder(rect: Rect): void {
    const ctx = this.#context;
    const r = Math.min(rect.w, rect.h) / 8;
    const cx = rect.x + rect.w / 2;
    const cy = rect.y + rect.h / 2 - r / 2;
    ctx.fillStyle = '#5f6368';
    ctx.beginPath();
    ctx.arc(cx, cy, r, 0, Math.PI * 2);
    ctx.fill();
    ctx.beginPath();
    ctx.ellipse(cx, cy + r * 2.2, r * 1.7, r, 0, Math.PI, 0);
    ctx.fill();
  }

  #name(name: string, rect: Rect): void {
    if (!name) return;
    const ctx = this.#context;
    const size = Math.max(12, Math.min(24, Math.round(rect.h / 12)));
    ctx.font = `${size}px system-ui, sans-serif`;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'start';
    const text = name.length > 40 ? `${name.slice(0, 39)}…` : name;
    const w = Math.min(ctx.measureText(text).width + size, rect.w);
    ctx.fillStyle = LABEL;
    ctx.fillRect(rect.x, rect.y + rect.h - size * 1.6, w, size * 1.6);
    ctx.fillStyle = '#ffffff';
    ctx.fillText(text, rect.x + size / 2, rect.y + rect.h - size * 0.8, rect.w - size);
  }

  /** Stops drawing and mixing; the captured tracks end. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    for (const input of this.#inputs.values()) this.#release(input);
    this.#inputs.clear();
    for (const track of this.stream.getTracks()) track.stop();
    void this.#audio.close().catch(() => undefined);
  }
}
