/**
 * The browser side of the join benchmark, bundled by `join.bench.mjs` with esbuild. Both
 * participants of a run live in this one page. Each function resolves to the milliseconds from
 * t0 (just before the second participant starts, the first one already connected and waiting)
 * to the first decoded remote video frame on the second participant's side.
 */
import { Consultation, type JoinTicket } from '@consultkit/core';
import { Peer, type MediaConnection } from 'peerjs';

/** How a first frame was seen: `rvfc` (requestVideoFrameCallback) or `stats` (getStats polling). */
type FrameProbe = 'rvfc' | 'stats';

/** Milliseconds from t0 to each step on the second participant's side, to see where time goes. */
interface Phases {
  /** Camera and microphone open (getUserMedia resolved). */
  media: number;
  /** Signalling open (ConsultKit: `join()` resolved; PeerJS: the peer's `open`). */
  signalling: number;
  /** The remote stream arrived (ConsultKit: `remoteStream` in state; PeerJS: the call's `stream`). */
  stream: number;
  /** First decoded remote frame: `ms`. */
  frame: number;
}

interface RunResult {
  ms: number;
  probe: FrameProbe;
  phases: Phases;
  /** RTCPeerConnections the page created from t0 to the first frame (both participants). */
  peerConnections: number;
}

const RUN_TIMEOUT_MS = 15_000;

// Count RTCPeerConnections, to show how many each way of joining sets up. PeerJS constructs them
// through the global at call time, so a subclass installed here sees them all.
let peerConnectionsCreated = 0;
const NativePeerConnection = window.RTCPeerConnection;
window.RTCPeerConnection = class extends NativePeerConnection {
  constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
    super(...args);
    peerConnectionsCreated++;
  }
};

declare global {
  interface Window {
    runConsultKit(server: string, patientTicket: JoinTicket, clinicianTicket: JoinTicket): Promise<RunResult>;
    runPeerJS(server: string, ticketA: JoinTicket, ticketB: JoinTicket): Promise<RunResult>;
  }
}

/** Everything a run opened, released whatever happens. */
class Cleanup {
  readonly #steps: (() => void)[] = [];
  add(step: () => void): void {
    this.#steps.push(step);
  }
  run(): void {
    for (const step of this.#steps.splice(0).reverse()) {
      try {
        step();
      } catch {
        // Best effort: the next run uses fresh peers anyway.
      }
    }
  }
}

function stopStream(stream: MediaStream | null | undefined): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

function withTimeout<T>(promise: Promise<T>, what: string, ms = RUN_TIMEOUT_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no first remote frame within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Frames decoded so far on the inbound video of `pc`. */
async function framesDecoded(pc: RTCPeerConnection | null): Promise<number> {
  if (!pc) return 0;
  let frames = 0;
  (await pc.getStats()).forEach((report: { type: string; kind?: string; framesDecoded?: number }) => {
    if (report.type === 'inbound-rtp' && report.kind === 'video') frames += report.framesDecoded ?? 0;
  });
  return frames;
}

/**
 * Resolves at the first decoded frame of `stream`: shown in a muted, autoplaying <video> and seen
 * by requestVideoFrameCallback, or (where that is missing) by polling the inbound video's
 * `framesDecoded` every 5 ms.
 */
function firstFrame(
  stream: MediaStream,
  peerConnection: () => RTCPeerConnection | null,
  cleanup: Cleanup,
): Promise<{ at: number; probe: FrameProbe }> {
  const video = document.createElement('video');
  video.muted = true;
  video.autoplay = true;
  video.playsInline = true;
  video.width = 160;
  video.height = 120;
  video.srcObject = stream;
  document.body.append(video);
  cleanup.add(() => {
    video.srcObject = null;
    video.remove();
  });
  void video.play().catch(() => undefined);
  if ('requestVideoFrameCallback' in video) {
    return new Promise((resolve) => {
      video.requestVideoFrameCallback(() => resolve({ at: performance.now(), probe: 'rvfc' }));
    });
  }
  return new Promise((resolve) => {
    let stopped = false;
    cleanup.add(() => (stopped = true));
    const poll = async (): Promise<void> => {
      if (stopped) return;
      if ((await framesDecoded(peerConnection())) > 0) resolve({ at: performance.now(), probe: 'stats' });
      else setTimeout(() => void poll(), 5);
    };
    void poll();
  });
}

/** The part of a ticket PeerJS needs, exactly as `Consultation` builds it. */
function peerOptions(server: string, ticket: JoinTicket): ConstructorParameters<typeof Peer>[1] {
  const url = new URL(server);
  const secure = url.protocol === 'https:';
  return {
    host: url.hostname,
    port: Number(url.port) || (secure ? 443 : 80),
    path: ticket.signalling.path,
    key: ticket.signalling.key,
    secure,
    token: ticket.token,
    config: { iceServers: ticket.iceServers },
    debug: 0,
  };
}

function openPeer(server: string, ticket: JoinTicket, cleanup: Cleanup): Promise<Peer> {
  const peer = new Peer(ticket.peerId, peerOptions(server, ticket));
  cleanup.add(() => peer.destroy());
  return new Promise((resolve, reject) => {
    peer.once('open', () => resolve(peer));
    peer.on('error', (error) => reject(new Error(`PeerJS ${ticket.role}: ${error.type}: ${error.message}`)));
  });
}

const camera = (): Promise<MediaStream> => navigator.mediaDevices.getUserMedia({ audio: true, video: true });

window.runConsultKit = async (server, patientTicket, clinicianTicket) => {
  const cleanup = new Cleanup();
  try {
    const patient = new Consultation({ server, ticket: patientTicket });
    cleanup.add(() => patient.hangUp());
    await withTimeout(patient.join(), 'ConsultKit patient join');

    const pcs = peerConnectionsCreated;
    const t0 = performance.now();
    const clinician = new Consultation({ server, ticket: clinicianTicket });
    cleanup.add(() => clinician.hangUp());
    const marks = { media: NaN, signalling: NaN, stream: NaN };
    const frame = new Promise<{ at: number; probe: FrameProbe }>((resolve, reject) => {
      let watching = false;
      const unsubscribe = clinician.state.subscribe((state) => {
        if (state.status === 'failed') reject(state.error ?? new Error('clinician failed'));
        if (state.localStream && Number.isNaN(marks.media)) marks.media = performance.now() - t0;
        if (watching || !state.remoteStream) return;
        watching = true;
        marks.stream = performance.now() - t0;
        firstFrame(state.remoteStream, () => clinician.peerConnection, cleanup).then(resolve, reject);
      });
      cleanup.add(unsubscribe);
    });
    const joined = clinician.join().then(() => (marks.signalling = performance.now() - t0));
    const [, { at, probe }] = await withTimeout(Promise.all([joined, frame]), 'ConsultKit');
    const ms = at - t0;
    return { ms, probe, phases: { ...marks, frame: ms }, peerConnections: peerConnectionsCreated - pcs };
  } finally {
    cleanup.run();
  }
};

window.runPeerJS = async (server, ticketA, ticketB) => {
  const cleanup = new Cleanup();
  try {
    // Peer A (the patient's part): its camera open, connected, answering calls with its stream.
    const streamA = await camera();
    cleanup.add(() => stopStream(streamA));
    const peerA = await withTimeout(openPeer(server, ticketA, cleanup), 'PeerJS peer A open');
    peerA.on('call', (call) => call.answer(streamA));

    const pcs = peerConnectionsCreated;
    const t0 = performance.now();
    const marks = { media: NaN, signalling: NaN, stream: NaN };
    // Peer B (the caller) from nothing: camera, signalling, call.
    const frame = (async () => {
      const streamB = await camera();
      cleanup.add(() => stopStream(streamB));
      marks.media = performance.now() - t0;
      const peerB = await openPeer(server, ticketB, cleanup);
      marks.signalling = performance.now() - t0;
      const call: MediaConnection = peerB.call(ticketA.peerId, streamB);
      cleanup.add(() => call.close());
      const remote = await new Promise<MediaStream>((resolve, reject) => {
        call.once('stream', resolve);
        call.on('error', reject);
      });
      marks.stream = performance.now() - t0;
      return firstFrame(remote, () => call.peerConnection, cleanup);
    })();
    const { at, probe } = await withTimeout(frame, 'PeerJS');
    const ms = at - t0;
    return { ms, probe, phases: { ...marks, frame: ms }, peerConnections: peerConnectionsCreated - pcs };
  } finally {
    cleanup.run();
  }
};
