/**
 * The mesh: one connection with every other participant this page should reach (the roster says
 * whom: `wantedLinks` in `roster.ts`), each a `PeerLink`. Up to `MESH_LIMIT` participants; beyond,
 * the room runs through the SFU.
 */
import type { MediaConnection, Peer } from 'peerjs';
import type { RosterEntry } from '../contract/room.js';
import { DEGRADE_STEPS } from '../media/adapt.js';
import { createStore, type WritableStore } from '../store.js';
import { handleIceRestarts } from './ice-restart.js';
import { PeerLink, type LinkDeps } from './link.js';
import { placesCall, sends, wantedLinks } from './roster.js';
import type { MediaTransport, TransportState } from './transport.js';

/** How long a call that came before its roster is held. */
const HOLD_MS = 5000;

export interface MeshOptions extends Omit<LinkDeps, 'onChange'> {
  peer: () => Peer | null;
}

export class Mesh implements MediaTransport {
  readonly state: WritableStore<TransportState> = createStore<TransportState>({ remotes: [] });
  readonly #links = new Map<string, PeerLink>();
  readonly #stops: (() => void)[] = [];
  /** Calls that came before the roster that wants them (it is on its way): taken when it comes. */
  readonly #held = new Map<string, { call: MediaConnection; timer: ReturnType<typeof setTimeout> }>();
  #you = '';
  #roster: readonly RosterEntry[] = [];
  #closed = false;

  constructor(private readonly options: MeshOptions) {}

  /** Starts answering calls and ICE restarts on `peer` (once signalling is open). */
  attach(peer: Peer): void {
    this.#stops.push(
      handleIceRestarts(peer, (peerId, callId) => {
        const call = this.#links.get(peerId)?.call;
        return call?.connectionId === callId ? call : null;
      }),
    );
  }

  /**
   * A call from another participant: taken when the roster says we connect; held a few seconds
   * when it does not yet (their roster may be newer than ours), then refused.
   */
  incoming(call: MediaConnection): void {
    if (this.#closed) return call.close();
    const link = this.#linkFor(call.peer);
    if (link) return link.answer(call);
    const held = this.#held.get(call.peer);
    if (held) {
      clearTimeout(held.timer);
      held.call.close();
    }
    const timer = setTimeout(() => {
      if (this.#held.get(call.peer)?.call !== call) return;
      this.#held.delete(call.peer);
      call.close();
    }, HOLD_MS);
    this.#held.set(call.peer, { call, timer });
  }

  /** Something sent to `peerId` expired unanswered. */
  unavailable(peerId: string): void {
    this.#links.get(peerId)?.unavailable();
  }

  link(peerId: string): PeerLink | undefined {
    return this.#links.get(peerId);
  }

  sync(you: string, roster: readonly RosterEntry[]): void {
    if (this.#closed) return;
    this.#you = you;
    this.#roster = roster;
    const self = roster.find((entry) => entry.peerId === you);
    const wanted = new Map(wantedLinks(you, roster).map((entry) => [entry.peerId, entry]));
    for (const [peerId, link] of this.#links) {
      // A link the roster no longer wants is kept while its media is up (the roster may be stale:
      // a signalling outage, a server restart), unless they left or their recovery gave up.
      const entry = roster.find((e) => e.peerId === peerId);
      const status = link.state.get().status;
      const keep = wanted.has(peerId) || (!entry?.left && (status === 'connected' || status === 'reconnecting'));
      if (!keep || status === 'gone') {
        link.close();
        this.#links.delete(peerId);
      }
    }
    for (const entry of wanted.values()) this.#linkFor(entry.peerId);
    for (const [peerId, { call, timer }] of this.#held) {
      const link = this.#links.get(peerId);
      if (!link) continue;
      clearTimeout(timer);
      this.#held.delete(peerId);
      link.answer(call);
    }
    for (const [peerId, link] of this.#links) {
      const entry = roster.find((e) => e.peerId === peerId);
      link.setSending(!!self && !!entry && sends(self, entry));
      if (wanted.has(peerId) && link.state.get().status === 'idle') link.place();
    }
    this.#publish();
  }

  /** Re-applies the senders everywhere (the local stream or audio only changed). */
  refresh(): void {
    for (const link of this.#links.values()) link.applySenders();
  }

  resetAdaptation(): void {
    for (const link of this.#links.values()) link.resetAdaptation();
  }

  close(): void {
    this.#closed = true;
    for (const stop of this.#stops.splice(0)) stop();
    for (const { call, timer } of this.#held.values()) {
      clearTimeout(timer);
      call.close();
    }
    this.#held.clear();
    for (const link of this.#links.values()) link.close();
    this.#links.clear();
    this.#publish();
  }

  /** The link with `peerId`, made if the roster wants one; undefined if it does not. */
  #linkFor(peerId: string): PeerLink | undefined {
    const existing = this.#links.get(peerId);
    if (existing) return existing;
    if (!wantedLinks(this.#you, this.#roster).some((entry) => entry.peerId === peerId)) return undefined;
    const link = new PeerLink(peerId, placesCall(this.#you, peerId), {
      ...this.options,
      onChange: () => this.#changed(link),
    });
    this.#links.set(peerId, link);
    const self = this.#roster.find((entry) => entry.peerId === this.#you);
    const entry = this.#roster.find((e) => e.peerId === peerId);
    link.setSending(!!self && !!entry && sends(self, entry));
    return link;
  }

  #changed(link: PeerLink): void {
    if (this.#links.get(link.peerId) !== link) return;
    if (link.state.get().status === 'gone') {
      link.close();
      this.#links.delete(link.peerId);
    }
    this.#publish();
  }

  #publish(): void {
    const top = DEGRADE_STEPS.length - 1;
    this.state.update({
      remotes: [...this.#links.values()].map((link) => {
        const state = link.state.get();
        return {
          peerId: link.peerId,
          status: state.status,
          stream: state.stream,
          quality: state.quality,
          audioOnlyForNetwork: state.level === top,
          speaking: state.speaking,
          peerConnection: link.peerConnection,
        };
      }),
    });
  }
}
