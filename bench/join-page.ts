/**
 * The browser side of the join benchmark, bundled by `join.bench.mjs` with esbuild. Both
 * participants of a run live in this one page. Each run function resolves to the milliseconds
 * from its t0 to the first decoded remote video frame, plus where the time went.
 *
 * Two scenarios (see bench/README.md):
 * - `admit` (the headline): everything that can be ready before admission is ready (ConsultKit:
 *   patient waiting, clinician in the room, their empty call connected; PeerJS: both peers open
 *   with their cameras); t0 just before admission (ConsultKit `admit()`) or the call (PeerJS
 *   `call()`).
 * - `cold`: the first participant waits; t0 just before the second one starts from nothing.
 */
import { Consultation, type ConsultationState, type JoinTicket } from '@consultkit/core';
import { Peer, type MediaConnection } from 'peerjs';

/** How a first frame was seen: `rvfc` (requestVideoFrameCallback) or `stats` (getStats polling). */
type FrameProbe = 'rvfc' | 'stats';

/**
 * Milliseconds from t0 to each step of a run (to see where time goes), by name. Steps before t0
 * (`ready`: from the start of the run to t0) are positive durations too. Which steps a run reports
 * depends on the scenario and kind; bench/README.md lists them.
 */
type Phases = Record<string, number>;

interface RunResult {
  ms: number;
  probe: FrameProbe;
  phases: Phases;
  /** RTCPeerConnections the page created from t0 to the first frame (both participants). */
  peerConnections: number;
}

type RunFunction = (server: string, firstTicket: JoinTicket, secondTicket: JoinTicket) => Promise<RunResult>;

const RUN_TIMEOUT_MS = 15_000;
/** `admit`: how long the warm state (patient waiting, call connected, remote stream) may take. */
const WARM_TIMEOUT_MS = 10_000;
/** `admit`, ConsultKit: how long after the first frame both sides may take to reach `in-call`. */
const IN_CALL_TIMEOUT_MS = 5_000;

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
    runAdmitConsultKit: RunFunction;
    runAdmitPeerJS: RunFunction;
    runColdConsultKit: RunFunction;
    runColdPeerJS: RunFunction;
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
    timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What `pc` has received so far: video frames decoded, audio packets received. */
async function received(pc: RTCPeerConnection | null): Promise<{ framesDecoded: number; audioPackets: number }> {
  const totals = { framesDecoded: 0, audioPackets: 0 };
  if (!pc) return totals;
  (await pc.getStats()).forEach(
    (report: { type: string; kind?: string; framesDecoded?: number; packetsReceived?: number }) => {
      if (report.type !== 'inbound-rtp') return;
      if (report.kind === 'video') totals.framesDecoded += report.framesDecoded ?? 0;
      if (report.kind === 'audio') totals.audioPackets += report.packetsReceived ?? 0;
    },
  );
  return totals;
}

/**
 * Resolves at the first decoded frame of `stream`: shown in a muted, autoplaying <video> and seen
 * by requestVideoFrameCallback, or (where that is missing) by polling the inbound video's
 * `framesDecoded` every 5 ms. The callback is registered at once, so this may be called before
 * any frame can arrive.
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
      if ((await received(peerConnection())).framesDecoded > 0) resolve({ at: performance.now(), probe: 'stats' });
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

/** A promise that rejects as soon as `consultation` fails, for racing against the steps of a run. */
function failure(consultation: Consultation, who: string, cleanup: Cleanup): Promise<never> {
  return new Promise<never>((_, reject) => {
    const check = (state: ConsultationState): void => {
      if (state.status === 'failed') reject(new Error(`${who} failed: ${state.error?.message ?? 'no error given'}`));
    };
    cleanup.add(consultation.state.subscribe(check));
    check(consultation.state.get());
  });
}

/** Resolves once `test` holds for `consultation`'s state (checked now and on every change). */
function until(consultation: Consultation, test: (state: ConsultationState) => boolean, cleanup: Cleanup) {
  return new Promise<void>((resolve) => {
    if (test(consultation.state.get())) return resolve();
    const unsubscribe = consultation.state.subscribe((state) => {
      if (!test(state)) return;
      unsubscribe();
      resolve();
    });
    cleanup.add(unsubscribe);
  });
}

const iceUp = (pc: RTCPeerConnection | null): boolean =>
  pc?.iceConnectionState === 'connected' || pc?.iceConnectionState === 'completed';

/** What the warm state of an `admit` run looks like now, for a timeout message. */
function warmReport(patient: Consultation, clinician: Consultation): string {
  const p = patient.state.get();
  const c = clinician.state.get();
  return (
    `patient status ${p.status}; clinician status ${c.status}, sees the patient as ` +
    `${c.participants[0]?.presence ?? 'nobody'}, call ICE ${clinician.peerConnection?.iceConnectionState ?? 'no call'}, ` +
    `remote stream ${c.remoteStream ? 'present' : 'absent'}`
  );
}

// ---- scenario `admit`: from admission (PeerJS: the call) on a ready connection ----

window.runAdmitConsultKit = async (server, patientTicket, clinicianTicket) => {
  const cleanup = new Cleanup();
  try {
    const start = performance.now();
    const patient = new Consultation({ server, ticket: patientTicket });
    cleanup.add(() => patient.hangUp());
    const clinician = new Consultation({ server, ticket: clinicianTicket });
    cleanup.add(() => clinician.hangUp());
    const failed = Promise.race([
      failure(patient, 'ConsultKit patient', cleanup),
      failure(clinician, 'ConsultKit clinician', cleanup),
    ]);
    failed.catch(() => undefined);
    await withTimeout(Promise.race([patient.join(), failed]), 'ConsultKit patient join()');
    await withTimeout(Promise.race([clinician.join(), failed]), 'ConsultKit clinician join()');

    // The warm state: the clinician sees the patient waiting and the call (camera attached,
    // encodings inactive) is connected. The state holds no stream of a waiting participant: it
    // appears there on admission, and is watched from then on.
    const warm = (async () => {
      while (clinician.state.get().participants[0]?.presence !== 'waiting' || !iceUp(clinician.peerConnection)) {
        await sleep(5);
      }
    })();
    try {
      await withTimeout(Promise.race([warm, failed]), 'ConsultKit warm state', WARM_TIMEOUT_MS);
    } catch (error) {
      throw new Error(`${(error as Error).message} (${warmReport(patient, clinician)})`);
    }
    if (patient.state.get().status !== 'waiting' || patient.state.get().admitted) {
      throw new Error(`ConsultKit: the patient should still be waiting, but is ${patient.state.get().status}`);
    }

    if (clinician.state.get().remoteStream || clinician.state.get().participants[0]?.stream) {
      throw new Error('ConsultKit: the waiting patient’s stream is in the clinician’s state before admission');
    }
    // Watch the patient's video on the clinician's side as soon as the state has it.
    let t0 = Infinity;
    const shown = { beforeAdmission: false };
    const frame = until(clinician, (s) => !!s.remoteStream, cleanup)
      .then(() => firstFrame(clinician.state.get().remoteStream!, () => clinician.peerConnection, cleanup))
      .then((seen) => {
        if (seen.at < t0) shown.beforeAdmission = true;
        return seen;
      });

    // Nobody seen or heard before admission: nothing decoded on either side.
    const [atClinician, atPatient] = await Promise.all([
      received(clinician.peerConnection),
      received(patient.peerConnection),
    ]);
    if (atClinician.framesDecoded || atPatient.framesDecoded || atClinician.audioPackets || atPatient.audioPackets) {
      throw new Error(
        `ConsultKit: media before admission: the clinician decoded ${atClinician.framesDecoded} video frames and ` +
          `received ${atClinician.audioPackets} audio packets from the waiting patient; the patient decoded ` +
          `${atPatient.framesDecoded} frames and received ${atPatient.audioPackets} audio packets`,
      );
    }
    if (shown.beforeAdmission) throw new Error('ConsultKit: a remote frame was shown before admission');

    const marks: Phases = { admitted: NaN, in_call: NaN };
    const pcs = peerConnectionsCreated;
    const ready = performance.now() - start;
    t0 = performance.now();
    clinician.admit();
    const patientAdmitted = until(patient, (s) => s.admitted, cleanup).then(
      () => (marks.admitted = performance.now() - t0),
    );
    const inCall = Promise.all([
      until(patient, (s) => s.status === 'in-call', cleanup),
      until(clinician, (s) => s.status === 'in-call', cleanup),
    ]).then(() => (marks.in_call = performance.now() - t0));

    const { at, probe } = await withTimeout(Promise.race([frame, failed]), 'ConsultKit first frame after admit()');
    const ms = at - t0;
    const created = peerConnectionsCreated - pcs;
    if (shown.beforeAdmission) throw new Error('ConsultKit: a remote frame was shown before admission');
    try {
      await withTimeout(
        Promise.race([Promise.all([patientAdmitted, inCall]), failed]),
        'both in-call',
        IN_CALL_TIMEOUT_MS,
      );
    } catch (error) {
      throw new Error(
        `ConsultKit: first frame ${ms.toFixed(1)} ms after admit(), but ${(error as Error).message}: ` +
          `patient ${patient.state.get().status} (admitted ${patient.state.get().admitted}), ` +
          `clinician ${clinician.state.get().status}`,
      );
    }
    return { ms, probe, phases: { ready, ...marks, frame: ms }, peerConnections: created };
  } finally {
    cleanup.run();
  }
};

window.runAdmitPeerJS = async (server, ticketA, ticketB) => {
  const cleanup = new Cleanup();
  try {
    const start = performance.now();
    // Peer A (the patient's part): camera open, connected, answering calls with its stream.
    const streamA = await camera();
    cleanup.add(() => stopStream(streamA));
    const peerA = await withTimeout(openPeer(server, ticketA, cleanup), 'PeerJS peer A open');
    peerA.on('call', (call) => {
      cleanup.add(() => call.close());
      call.answer(streamA);
    });
    // Peer B (the caller): camera open and connected too, before t0.
    const streamB = await camera();
    cleanup.add(() => stopStream(streamB));
    const peerB = await withTimeout(openPeer(server, ticketB, cleanup), 'PeerJS peer B open');

    const marks: Phases = { stream: NaN, ice: NaN };
    const pcs = peerConnectionsCreated;
    const ready = performance.now() - start;
    const t0 = performance.now();
    const call: MediaConnection = peerB.call(ticketA.peerId, streamB);
    cleanup.add(() => call.close());
    const pc = call.peerConnection;
    const onIce = (): void => {
      if (iceUp(pc) && Number.isNaN(marks.ice)) marks.ice = performance.now() - t0;
    };
    pc?.addEventListener('iceconnectionstatechange', onIce);
    cleanup.add(() => pc?.removeEventListener('iceconnectionstatechange', onIce));
    const frame = (async () => {
      const remote = await new Promise<MediaStream>((resolve, reject) => {
        call.once('stream', resolve);
        call.on('error', reject);
      });
      marks.stream = performance.now() - t0;
      return firstFrame(remote, () => call.peerConnection, cleanup);
    })();
    const { at, probe } = await withTimeout(frame, 'PeerJS first frame after call()');
    const ms = at - t0;
    return { ms, probe, phases: { ready, ...marks, frame: ms }, peerConnections: peerConnectionsCreated - pcs };
  } finally {
    cleanup.run();
  }
};

// ---- scenario `cold`: the second participant from nothing ----

window.runColdConsultKit = async (server, patientTicket, clinicianTicket) => {
  const cleanup = new Cleanup();
  try {
    const patient = new Consultation({ server, ticket: patientTicket });
    cleanup.add(() => patient.hangUp());
    await withTimeout(patient.join(), 'ConsultKit patient join()');

    const pcs = peerConnectionsCreated;
    const t0 = performance.now();
    const clinician = new Consultation({ server, ticket: clinicianTicket });
    cleanup.add(() => clinician.hangUp());
    const marks: Phases = { media: NaN, signalling: NaN, waiting: NaN, stream: NaN };
    const frame = new Promise<{ at: number; probe: FrameProbe }>((resolve, reject) => {
      let watching = false;
      let admitted = false;
      const seen = (state: ConsultationState): void => {
        if (state.status === 'failed') reject(state.error ?? new Error('clinician failed'));
        if (state.localStream && Number.isNaN(marks.media)) marks.media = performance.now() - t0;
        if (!admitted && state.participants[0]?.presence === 'waiting') {
          // Admit as soon as the patient shows as waiting (outside the store's notification).
          admitted = true;
          marks.waiting = performance.now() - t0;
          queueMicrotask(() => {
            try {
              clinician.admit();
            } catch (error) {
              reject(error);
            }
          });
        }
        if (watching || !state.remoteStream) return;
        watching = true;
        marks.stream = performance.now() - t0;
        firstFrame(state.remoteStream, () => clinician.peerConnection, cleanup).then(resolve, reject);
      };
      cleanup.add(clinician.state.subscribe(seen));
    });
    const joined = clinician.join().then(() => (marks.signalling = performance.now() - t0));
    const [, { at, probe }] = await withTimeout(Promise.all([joined, frame]), 'ConsultKit cold join');
    const ms = at - t0;
    return { ms, probe, phases: { ...marks, frame: ms }, peerConnections: peerConnectionsCreated - pcs };
  } finally {
    cleanup.run();
  }
};

window.runColdPeerJS = async (server, ticketA, ticketB) => {
  const cleanup = new Cleanup();
  try {
    // Peer A (the patient's part): its camera open, connected, answering calls with its stream.
    const streamA = await camera();
    cleanup.add(() => stopStream(streamA));
    const peerA = await withTimeout(openPeer(server, ticketA, cleanup), 'PeerJS peer A open');
    peerA.on('call', (call) => {
      cleanup.add(() => call.close());
      call.answer(streamA);
    });

    const pcs = peerConnectionsCreated;
    const t0 = performance.now();
    const marks: Phases = { media: NaN, signalling: NaN, stream: NaN };
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
    const { at, probe } = await withTimeout(frame, 'PeerJS cold join');
    const ms = at - t0;
    return { ms, probe, phases: { ...marks, frame: ms }, peerConnections: peerConnectionsCreated - pcs };
  } finally {
    cleanup.run();
  }
};
