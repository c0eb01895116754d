/**
 * The compositor in real Chromium with the fake camera and microphone: the layout, a recorded
 * participant's moving picture beside an unrecorded one's still placeholder, and the voice of a
 * participant who is not recorded kept out of the mix until they are.
 */
import { expect } from '@open-wc/testing';
import { compositeLayout, Compositor } from './compositor.js';

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The loudest sample a stream carries now (0 for silence), through an analyser. */
function loudness(context: AudioContext, stream: MediaStream): () => number {
  const analyser = context.createAnalyser();
  analyser.fftSize = 2048;
  context.createMediaStreamSource(stream).connect(analyser);
  const data = new Float32Array(analyser.fftSize);
  return () => {
    analyser.getFloatTimeDomainData(data);
    let max = 0;
    for (const v of data) max = Math.max(max, Math.abs(v));
    return max;
  };
}

describe('compositeLayout', () => {
  it('a grid of about as many columns as rows, the last row centred', () => {
    const two = compositeLayout(2, false, 1280, 720).tiles;
    expect(two).to.deep.equal([
      { x: 0, y: 0, w: 640, h: 720 },
      { x: 640, y: 0, w: 640, h: 720 },
    ]);
    const three = compositeLayout(3, false, 1280, 720).tiles;
    expect(three.map((t) => [t.x, t.y])).to.deep.equal([
      [0, 0],
      [640, 0],
      [320, 360],
    ]);
    expect(compositeLayout(5, false, 1200, 720).tiles).to.have.length(5);
    expect(compositeLayout(0, false, 1280, 720)).to.deep.equal({ screen: null, tiles: [] });
  });

  it('with a shared screen: the screen large on top, the cameras in a row beneath', () => {
    const { screen, tiles } = compositeLayout(3, true, 1280, 720);
    expect(screen).to.deep.equal({ x: 0, y: 0, w: 1280, h: 540 });
    expect(tiles).to.have.length(3);
    for (const tile of tiles) expect(tile).to.include({ y: 540, h: 180 });
    expect(tiles[0]!.x + tiles[2]!.x + tiles[2]!.w).to.equal(1280);
  });
});

describe('Compositor (the mesh call on one canvas, every voice in one track)', () => {
  let camera: MediaStream;
  let compositor: Compositor | null = null;
  let listening: AudioContext | null = null;

  before(async () => {
    camera = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
  });
  after(() => camera?.getTracks().forEach((t) => t.stop()));
  afterEach(async () => {
    compositor?.close();
    compositor = null;
    await listening?.close();
    listening = null;
  });

  it('records one video and one audio track, and draws at its rate', async () => {
    compositor = new Compositor({ fps: 10 });
    compositor.update({ participants: [{ peerId: 'a', name: 'Dr A', stream: camera, recorded: true }], screen: null });
    expect(compositor.stream.getVideoTracks()).to.have.length(1);
    expect(compositor.stream.getAudioTracks()).to.have.length(1);
    const before = compositor.frames;
    await until(() => compositor!.frames >= before + 5, 'five frames drawn');
  });

  it('draws a recorded participant’s moving picture, and a still placeholder for one not recorded', async () => {
    compositor = new Compositor({ width: 640, height: 360, fps: 15 });
    compositor.update({
      participants: [
        { peerId: 'a', name: 'Recorded', stream: camera, recorded: true },
        { peerId: 'b', name: 'Not recorded', stream: camera.clone(), recorded: false },
      ],
      screen: null,
    });
    const video = document.createElement('video');
    video.muted = true;
    video.srcObject = compositor.stream;
    await video.play();
    await until(() => video.videoWidth === 640, 'the composite decoded');
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 360;
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    // Above the name labels: the top 80% of each half.
    const grab = (x: number) => {
      ctx.drawImage(video, 0, 0);
      return ctx.getImageData(x + 8, 8, 304, 270).data;
    };
    const changed = (a: Uint8ClampedArray, b: Uint8ClampedArray) => {
      let n = 0;
      for (let i = 0; i < a.length; i += 4)
        if (Math.abs(a[i]! - b[i]!) + Math.abs(a[i + 1]! - b[i + 1]!) + Math.abs(a[i + 2]! - b[i + 2]!) > 60) n++;
      return n;
    };
    // The composite's first frames may predate the layout: wait until the picture moves once.
    const start = grab(0);
    await until(() => changed(start, grab(0)) > 200, 'the composite showing the camera');
    const firstLeft = grab(0);
    const firstRight = grab(320);
    // The sentinel: the recorded camera's half moves (frames go on being drawn)…
    await until(() => changed(firstLeft, grab(0)) > 200, 'the recorded camera moving in the composite');
    // …while the other half, over the same time, stayed the placeholder.
    expect(changed(firstRight, grab(320))).to.equal(0);
  });

  it('mixes only the voices of participants recorded, and takes a voice in once they are', async () => {
    compositor = new Compositor({ fps: 5 });
    const participant = { peerId: 'b', name: 'Patient', stream: camera, recorded: false };
    compositor.update({ participants: [participant], screen: null });
    listening = new AudioContext();
    await listening.resume();
    const source = loudness(listening, camera);
    const mix = loudness(listening, compositor.stream);
    // The fake microphone beeps now and then: hear it several times at the source while the mix stays silent.
    let beeps = 0;
    let heardInMix = 0;
    let loud = false;
    await until(() => {
      const now = source() > 0.05;
      if (now && !loud) beeps++;
      loud = now;
      heardInMix = Math.max(heardInMix, mix());
      return beeps >= 3;
    }, 'three beeps at the microphone');
    expect(heardInMix).to.equal(0);
    compositor.update({ participants: [{ ...participant, recorded: true }], screen: null });
    await until(() => mix() > 0.05, 'the voice in the mix once recorded');
  });
});
