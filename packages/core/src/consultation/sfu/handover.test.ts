import { expect } from '@open-wc/testing';
import { createStore } from '../../store.js';
import type { MediaTransport, RemoteMedia, TransportState } from '../transport.js';
import { Handover } from './handover.js';

/** A transport whose remotes the test sets; `closed` once closed. */
function fake(remotes: RemoteMedia[]) {
  const state = createStore<TransportState>({ remotes });
  const transport = {
    state,
    closed: false,
    synced: 0,
    sync() {
      transport.synced++;
    },
    refresh() {},
    resetAdaptation() {},
    close() {
      transport.closed = true;
      state.update({ remotes: [] });
    },
  };
  return transport satisfies MediaTransport;
}

const remote = (peerId: string, extra: Partial<RemoteMedia> = {}): RemoteMedia => ({
  peerId,
  status: 'connecting',
  stream: null,
  quality: null,
  audioOnlyForNetwork: false,
  speaking: false,
  peerConnection: null,
  ...extra,
});

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A real connection pair carrying a painted canvas: the receiving end, its stream, and a stop. */
async function videoLink() {
  const canvas = Object.assign(document.createElement('canvas'), { width: 160, height: 120 });
  const context = canvas.getContext('2d')!;
  let hue = 0;
  const paint = setInterval(() => {
    context.fillStyle = `hsl(${(hue += 20) % 360} 80% 50%)`;
    context.fillRect(0, 0, 160, 120);
  }, 30);
  const source = canvas.captureStream(30);
  const sender = new RTCPeerConnection();
  const receiver = new RTCPeerConnection();
  sender.onicecandidate = (e) => void receiver.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
  receiver.onicecandidate = (e) => void sender.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
  const arrived = new Promise<MediaStream>((resolve) => (receiver.ontrack = (e) => resolve(e.streams[0]!)));
  sender.addTrack(source.getVideoTracks()[0]!, source);
  await sender.setLocalDescription();
  await receiver.setRemoteDescription(sender.localDescription!);
  await receiver.setLocalDescription();
  await sender.setRemoteDescription(receiver.localDescription!);
  const stream = await arrived;
  return {
    receiver,
    stream,
    stop() {
      clearInterval(paint);
      sender.close();
      receiver.close();
    },
  };
}

describe('Handover: mesh to SFU, make before break', () => {
  it('shows the mesh link until the SFU feed has decoded a frame, then closes the mesh', async () => {
    const meshStream = new MediaStream();
    const mesh = fake([remote('a', { status: 'connected', stream: meshStream })]);
    const sfu = fake([remote('a')]);
    const handover = new Handover(mesh, sfu);
    handover.sync('me', []);
    expect(sfu.synced, 'the roster goes to the SFU').to.equal(1);
    expect(mesh.synced, 'and not to the mesh').to.equal(0);
    expect(handover.state.get().remotes[0]!.stream).to.equal(meshStream);

    const link = await videoLink();
    try {
      sfu.state.update({
        remotes: [remote('a', { status: 'connected', stream: link.stream, peerConnection: link.receiver })],
      });
      // The SFU has a stream, but until a frame of it is decoded the mesh's is shown.
      expect(handover.state.get().remotes[0]!.stream).to.equal(meshStream);
      await until(() => mesh.closed, 'the mesh closed');
      expect(handover.timings.timedOut).to.equal(false);
      expect(handover.timings.switched['a']).to.be.a('number');
      expect(handover.state.get().remotes[0]!.stream).to.equal(link.stream);
      let frames = 0;
      (await link.receiver.getStats()).forEach((s: { type: string; framesDecoded?: number }) => {
        if (s.type === 'inbound-rtp') frames = s.framesDecoded ?? 0;
      });
      expect(frames, 'switched only once a frame was decoded').to.be.greaterThan(0);
    } finally {
      handover.close();
      link.stop();
    }
    expect(sfu.closed).to.equal(true);
  });

  it('closes the mesh after the timeout when an SFU feed never comes', async () => {
    const meshStream = new MediaStream();
    const mesh = fake([remote('a', { status: 'connected', stream: meshStream })]);
    const sfu = fake([remote('a')]);
    const handover = new Handover(mesh, sfu, 300);
    expect(handover.state.get().remotes[0]!.stream).to.equal(meshStream);
    await until(() => mesh.closed, 'the mesh closed by the timeout');
    expect(handover.timings.timedOut).to.equal(true);
    expect(handover.state.get().remotes).to.deep.equal(sfu.state.get().remotes);
    handover.close();
  });
});
