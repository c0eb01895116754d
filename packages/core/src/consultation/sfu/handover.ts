/**
 * Make before break: the room moves from the mesh to the SFU without a blank. While the SFU
 * session opens and its feeds start, each participant is shown through their mesh link; once their
 * SFU feed has decoded a frame (or, with no video, received audio) they are shown through the SFU.
 * When every participant the mesh showed is on the SFU, or after `timeoutMs`, the mesh closes.
 * Decision 0027 and docs/consultation.md say how long the switch takes.
 */
import type { RosterEntry } from '../../contract/room.js';
import { createStore, type WritableStore } from '../../store.js';
import type { MediaTransport, RemoteMedia, TransportState } from '../transport.js';

/** How long the mesh is kept at most while the SFU's feeds start, ms. */
export const HANDOVER_TIMEOUT_MS = 20_000;
const POLL_MS = 100;

/** When each step of the handover happened (`performance.now()`), for diagnostics and benchmarks. */
export interface HandoverTimings {
  started: number;
  /** Each participant shown through the SFU from then. */
  switched: Record<string, number>;
  /** The mesh closed; `timedOut` when it was the timeout, not every feed ready. */
  meshClosed?: number;
  timedOut?: boolean;
}

export class Handover implements MediaTransport {
  readonly state: WritableStore<TransportState> = createStore<TransportState>({ remotes: [] });
  readonly timings: HandoverTimings = { started: performance.now(), switched: {} };
  #mesh: MediaTransport | null;
  readonly #sfu: MediaTransport;
  /** Participants whose SFU feed has shown media: from the SFU from now on. */
  readonly #ready = new Set<string>();
  readonly #stops: (() => void)[] = [];
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #deadline: ReturnType<typeof setTimeout>;
  #roster: readonly RosterEntry[] = [];
  #checking = false;

  constructor(mesh: MediaTransport, sfu: MediaTransport, timeoutMs = HANDOVER_TIMEOUT_MS) {
    this.#mesh = mesh;
    this.#sfu = sfu;
    this.#stops.push(
      mesh.state.subscribe(() => this.#publish()),
      sfu.state.subscribe(() => this.#publish()),
    );
    this.#timer = setInterval(() => void this.#check(), POLL_MS);
    this.#deadline = setTimeout(() => this.#finish(true), timeoutMs);
    this.#publish();
  }

  /** The SFU transport's session, once open (the shared screen is published on it). */
  get session(): unknown {
    return (this.#sfu as { session?: unknown }).session ?? null;
  }

  /** The new roster goes to the SFU only: the mesh keeps what it has until it closes. */
  sync(you: string, roster: readonly RosterEntry[]): void {
    this.#roster = roster;
    this.#sfu.sync(you, roster);
  }

  refresh(): void {
    this.#mesh?.refresh();
    this.#sfu.refresh();
  }

  resetAdaptation(): void {
    this.#mesh?.resetAdaptation();
    this.#sfu.resetAdaptation();
  }

  close(): void {
    this.#finish(false);
    for (const stop of this.#stops.splice(0)) stop();
    this.#sfu.close();
  }

  /** Marks the participants whose SFU feed now carries media; closes the mesh when all do. */
  async #check(): Promise<void> {
    if (this.#checking || !this.#mesh) return;
    this.#checking = true;
    try {
      const sfu = this.#sfu.state.get().remotes;
      const pcs = new Set(sfu.map((r) => r.peerConnection).filter((pc): pc is RTCPeerConnection => !!pc));
      const decoded = new Map<string, number>();
      for (const pc of pcs) {
        const report = await pc.getStats().catch(() => null);
        report?.forEach(
          (stat: {
            type: string;
            trackIdentifier?: string;
            framesDecoded?: number;
            packetsReceived?: number;
            kind?: string;
          }) => {
            if (stat.type !== 'inbound-rtp' || !stat.trackIdentifier) return;
            const count = stat.kind === 'video' ? (stat.framesDecoded ?? 0) : (stat.packetsReceived ?? 0);
            decoded.set(stat.trackIdentifier, count);
          },
        );
      }
      let changed = false;
      for (const remote of sfu) {
        if (this.#ready.has(remote.peerId) || !remote.stream) continue;
        const entry = this.#roster.find((e) => e.peerId === remote.peerId);
        const noVideo = !!entry && (entry.media.cameraOff || entry.media.audioOnly);
        const tracks = noVideo ? remote.stream.getAudioTracks() : remote.stream.getVideoTracks();
        if (!tracks.some((track) => (decoded.get(track.id) ?? 0) > 0)) continue;
        this.#ready.add(remote.peerId);
        this.timings.switched[remote.peerId] = performance.now();
        changed = true;
      }
      if (changed) this.#publish();
      const shown = this.#mesh?.state.get().remotes.filter((r) => r.stream) ?? [];
      if (
        sfu.length > 0 &&
        shown.every((r) => this.#ready.has(r.peerId)) &&
        sfu.every((r) => this.#ready.has(r.peerId))
      )
        this.#finish(false);
    } finally {
      this.#checking = false;
    }
  }

  /** The mesh goes: every participant is shown through the SFU from now on. */
  #finish(timedOut: boolean): void {
    clearInterval(this.#timer);
    clearTimeout(this.#deadline);
    if (!this.#mesh) return;
    const mesh = this.#mesh;
    this.#mesh = null;
    mesh.close();
    this.timings.meshClosed = performance.now();
    this.timings.timedOut = timedOut;
    this.#publish();
  }

  /** Per participant: the SFU's media once it carries theirs, else the mesh link's while it lasts. */
  #publish(): void {
    const sfu = this.#sfu.state.get().remotes;
    if (!this.#mesh) {
      this.state.update({ remotes: sfu });
      return;
    }
    const mesh = new Map(this.#mesh.state.get().remotes.map((r) => [r.peerId, r]));
    const remotes: RemoteMedia[] = sfu.map((remote) => {
      if (this.#ready.has(remote.peerId)) return remote;
      return mesh.get(remote.peerId) ?? remote;
    });
    for (const [peerId, remote] of mesh) if (!sfu.some((r) => r.peerId === peerId)) remotes.push(remote);
    this.state.update({ remotes });
  }
}
