/**
 * The browser side of the room benchmark, bundled by `room.bench.mjs` with esbuild (with
 * `join-page.ts`, whose `runAdmitPeerJS` is the two-party baseline). Every participant of a run
 * lives in this one page (one renderer process), as in the join benchmark.
 *
 * - `roomMesh`: a clinician and N − 1 waiting participants through `Consultation`; t0 just before
 *   the clinician admits them all; done when every participant has painted a first frame of every
 *   other (requestVideoFrameCallback on a muted <video> per remote stream).
 * - `roomSfu`: N participants through core's `SfuSession` (Janus), each with its camera open;
 *   t0 just before all N `open()` at once; done likewise.
 * Both keep the room open for `roomTraffic` (bytes sent per participant) until `roomClose`.
 */
import { Consultation, type ConsultationState, type JoinTicket } from '@consultkit/core';
import { SfuSession } from '../packages/core/src/consultation/sfu/session.js';
import './join-page.js';

interface Room {
  kind: 'mesh' | 'sfu';
  participants: { label: string; sent: () => RTCPeerConnection[]; close: () => void }[];
  stops: (() => void)[];
  modes: () => string[];
}

export interface RoomResult {
  /** t0 to the last first frame of all: every participant has seen every other. */
  allMs: number;
  /** Per participant: t0 to the first frame of the last other it saw. */
  perParticipantMs: number[];
  /** Every ordered pair's first frame, ms from t0. */
  pairsMs: number[];
  /** Mesh: the pairs with the clinician (their links warm before t0), and the others (placed after). */
  warmPairsMs: number[];
  coldPairsMs: number[];
  /** Frames painted before t0 (the mesh's waiting participants must show nothing: 0). */
  framesBeforeT0: number;
  /** ms before t0 (everyone joined/opened, warm links up). */
  readyMs: number;
  /** Media modes the pages report at the end (`mesh`, `sfu`). */
  modes: string[];
}

declare global {
  interface Window {
    roomMesh: (server: string, tickets: JoinTicket[], timeoutMs: number) => Promise<RoomResult>;
    roomSfu: (server: string, appointmentId: string, tokens: string[], timeoutMs: number) => Promise<RoomResult>;
    roomTraffic: () => Promise<{ bytesSent: number[]; bytesReceived: number[]; framesDecoded: number[] }>;
    roomClose: () => void;
  }
}

let room: Room | null = null;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(test: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await test())) {
    if (performance.now() > deadline) throw new Error(`room: timed out (${timeoutMs} ms) waiting for ${what}`);
    await sleep(5);
  }
}

/** Paints `stream` in a muted <video>; `seen` gets the time of its first frame. */
function watch(stream: MediaStream, seen: (at: number) => void, stops: (() => void)[]): void {
  const video = document.createElement('video');
  video.muted = true;
  video.autoplay = true;
  video.playsInline = true;
  video.width = 160;
  video.height = 120;
  video.srcObject = stream;
  document.body.append(video);
  stops.push(() => {
    video.srcObject = null;
    video.remove();
  });
  video.requestVideoFrameCallback(() => seen(performance.now()));
  void video.play().catch(() => undefined);
}

/** Sums outbound/inbound RTP of `pcs`. */
async function traffic(pcs: RTCPeerConnection[]) {
  const totals = { bytesSent: 0, bytesReceived: 0, framesDecoded: 0 };
  for (const pc of pcs) {
    (await pc.getStats()).forEach(
      (r: { type: string; kind?: string; bytesSent?: number; bytesReceived?: number; framesDecoded?: number }) => {
        if (r.type === 'outbound-rtp') totals.bytesSent += r.bytesSent ?? 0;
        if (r.type === 'inbound-rtp') {
          totals.bytesReceived += r.bytesReceived ?? 0;
          if (r.kind === 'video') totals.framesDecoded += r.framesDecoded ?? 0;
        }
      },
    );
  }
  return totals;
}

/** Waits until `firsts` (one map per participant) holds `others` first frames each. */
async function everyoneSeen(
  firsts: Map<string, number>[],
  others: number,
  t0: number,
  timeoutMs: number,
  explain: () => string,
  warm: (participant: number, other: string) => boolean = () => false,
): Promise<Pick<RoomResult, 'allMs' | 'perParticipantMs' | 'pairsMs' | 'warmPairsMs' | 'coldPairsMs'>> {
  try {
    await waitFor(() => firsts.every((seen) => seen.size >= others), 'every participant to see every other', timeoutMs);
  } catch (error) {
    throw new Error(
      `${(error as Error).message} (first frames per participant: ${firsts.map((s) => s.size).join(', ')}; ${explain()})`,
    );
  }
  const perParticipantMs = firsts.map((seen) => Math.max(...seen.values()) - t0);
  const pairs = firsts.flatMap((seen, i) => [...seen].map(([other, at]) => ({ warm: warm(i, other), ms: at - t0 })));
  return {
    allMs: Math.max(...perParticipantMs),
    perParticipantMs,
    pairsMs: pairs.map((p) => p.ms),
    warmPairsMs: pairs.filter((p) => p.warm).map((p) => p.ms),
    coldPairsMs: pairs.filter((p) => !p.warm).map((p) => p.ms),
  };
}

window.roomMesh = async (server, tickets, timeoutMs) => {
  window.roomClose();
  const start = performance.now();
  const stops: (() => void)[] = [];
  const pages = tickets.map((ticket) => new Consultation({ server, ticket }));
  stops.push(() => pages.forEach((page) => page.hangUp()));
  room = {
    kind: 'mesh',
    stops,
    modes: () => pages.map((page) => page.state.get().mode),
    participants: pages.map((page, i) => ({
      label: `${tickets[i]!.role} ${i}`,
      sent: () =>
        page.state
          .get()
          .participants.map((p) => page.peerConnectionWith(p.peerId))
          .filter((pc): pc is RTCPeerConnection => pc !== null),
      close: () => page.hangUp(),
    })),
  };
  const [clinician, ...waiting] = pages as [Consultation, ...Consultation[]];
  const failure = () => pages.find((page) => page.state.get().status === 'failed');
  await clinician.join();
  for (const page of waiting) await page.join();
  const peerIds = pages.map((page) => page.state.get().self!.peerId);
  const iceUp = (pc: RTCPeerConnection | null) =>
    pc?.iceConnectionState === 'connected' || pc?.iceConnectionState === 'completed';
  // Warm: the clinician sees everyone waiting, and its link with each of them is up.
  const describe = () =>
    pages
      .map((page, i) => {
        const s: ConsultationState = page.state.get();
        return `${i}: ${s.status}${s.error ? ` (${s.error.message})` : ''}, sees ${s.participants
          .map((p) => `${p.peerId}=${p.presence}${p.stream ? '+stream' : ''}`)
          .join(' ')}`;
      })
      .join('; ');
  try {
    await waitFor(
      () => {
        if (failure()) throw new Error(`a participant failed: ${describe()}`);
        const seen = clinician.state.get().participants;
        return peerIds
          .slice(1)
          .every(
            (id) =>
              seen.find((p) => p.peerId === id)?.presence === 'waiting' && iceUp(clinician.peerConnectionWith(id)),
          );
      },
      'everyone waiting, warm links up',
      timeoutMs,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message} (${describe()})`);
  }

  // Every participant paints every other's stream as soon as it is in its state.
  let t0 = Infinity;
  let framesBeforeT0 = 0;
  const firsts = pages.map(() => new Map<string, number>());
  pages.forEach((page, i) => {
    const watching = new Set<string>();
    const check = (state: ConsultationState) => {
      for (const p of state.participants) {
        if (!p.stream || watching.has(p.peerId)) continue;
        watching.add(p.peerId);
        watch(
          p.stream,
          (at) => {
            if (at < t0) framesBeforeT0++;
            if (!firsts[i]!.has(p.peerId)) firsts[i]!.set(p.peerId, at);
          },
          stops,
        );
      }
    };
    stops.push(page.state.subscribe(check));
    check(page.state.get());
  });
  const readyMs = performance.now() - start;
  t0 = performance.now();
  for (const id of peerIds.slice(1)) clinician.admit(id);
  // The clinician's links with those waiting were up before t0; the others are placed on admission.
  const seen = await everyoneSeen(
    firsts,
    pages.length - 1,
    t0,
    timeoutMs,
    describe,
    (i, other) => i === 0 || other === peerIds[0],
  );
  if (failure()) throw new Error(`a participant failed: ${describe()}`);
  return { ...seen, framesBeforeT0, readyMs, modes: room.modes() };
};

window.roomSfu = async (server, appointmentId, tokens, timeoutMs) => {
  window.roomClose();
  const start = performance.now();
  const stops: (() => void)[] = [];
  const cameras = await Promise.all(
    tokens.map(() => navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: true })),
  );
  stops.push(() => cameras.forEach((camera) => camera.getTracks().forEach((track) => track.stop())));
  const sessions: (SfuSession | null)[] = tokens.map(() => null);
  stops.push(() => sessions.forEach((session) => session?.close()));
  room = {
    kind: 'sfu',
    stops,
    modes: () => sessions.map(() => 'sfu'),
    participants: tokens.map((_, i) => ({
      label: `sfu ${i}`,
      sent: () =>
        [sessions[i]?.publisherConnection, sessions[i]?.subscriberConnection].filter(
          (pc): pc is RTCPeerConnection => !!pc,
        ),
      close: () => sessions[i]?.close(),
    })),
  };
  const firsts = tokens.map(() => new Map<string, number>());
  const errors: string[] = [];
  const readyMs = performance.now() - start;
  const t0 = performance.now();
  await Promise.all(
    tokens.map(async (token, i) => {
      const session = await SfuSession.open({
        server,
        appointmentId,
        token,
        localStream: cameras[i]!,
        iceServers: [],
      });
      sessions[i] = session;
      session.on('error', (error: { code?: string; message?: string }) =>
        errors.push(`${i}: ${error.code ?? 'error'}: ${error.message ?? ''}`),
      );
      const watching = new Set<number>();
      const add = ({ sfuId, stream }: { sfuId: number; stream: MediaStream }) => {
        if (watching.has(sfuId)) return;
        watching.add(sfuId);
        watch(stream, (at) => firsts[i]!.has(String(sfuId)) || firsts[i]!.set(String(sfuId), at), stops);
      };
      for (const [sfuId, stream] of session.state.get().streams) add({ sfuId, stream });
      session.on('stream-added', add);
    }),
  );
  const seen = await everyoneSeen(firsts, tokens.length - 1, t0, timeoutMs, () =>
    [
      ...sessions.map((s, i) => `${i}: ${s?.state.get().status} with ${s?.state.get().streams.size} streams`),
      ...(errors.length ? [`errors: ${errors.join(' | ')}`] : []),
    ].join('; '),
  );
  return { ...seen, framesBeforeT0: 0, readyMs, modes: room.modes() };
};

window.roomTraffic = async () => {
  const out = { bytesSent: [] as number[], bytesReceived: [] as number[], framesDecoded: [] as number[] };
  for (const participant of room?.participants ?? []) {
    const t = await traffic(participant.sent());
    out.bytesSent.push(t.bytesSent);
    out.bytesReceived.push(t.bytesReceived);
    out.framesDecoded.push(t.framesDecoded);
  }
  return out;
};

window.roomClose = () => {
  for (const stop of room?.stops.splice(0) ?? []) {
    try {
      stop();
    } catch {
      // closing what is already closed
    }
  }
  room = null;
};
