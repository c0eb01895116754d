/**
 * The pure parts of the SFU session: which simulcast layer a receiver asks Janus for, and which
 * publishers to subscribe to or drop. No WebRTC here, so both are unit-tested as plain functions.
 *
 * Layers are Janus substreams: 0 is the lowest (rid `l`, a quarter of the width), the top is the
 * publisher's full picture. Each receiver judges its own network (the inbound quality of its one
 * subscriber connection, `media/quality.ts`, sampled every second) and steps every feed down
 * together, because they share that one network:
 *
 * - down one layer after `DOWN_AFTER` poor samples in a row (2: within 2–3 s of trouble);
 * - up one layer after `upAfter` good samples in a row (4 at first: slower up than down, so one
 *   good second does not flip it back);
 * - a step up that is followed by a step down within `PROBE_WINDOW` samples was a failed probe:
 *   the next step up waits twice as long (up to `UP_AFTER_MAX`); a long good stretch resets it;
 * - fair samples hold the layer: they end a good run, and neither add to nor clear a poor run.
 *
 * What a feed gets is the lower of the network's layer and the layer its tile wants
 * (`setPreferredLayer`: a small tile needs no more than the lowest).
 */
import type { NetworkQuality } from '../../media/quality.js';

export const DOWN_AFTER = 2;
export const UP_AFTER = 4;
export const UP_AFTER_MAX = 32;
export const PROBE_WINDOW = 6;

export interface LayerState {
  /** The layer the network allows now (0 … top). */
  layer: number;
  /** Poor samples in a row. */
  poor: number;
  /** Good samples in a row. */
  good: number;
  /** Good samples needed for the next step up. */
  upAfter: number;
  /** Samples since the last step up (Infinity when there was none). */
  sinceUp: number;
}

/** The state of a receiver that starts at the top layer `top`. */
export function initialLayerState(top: number): LayerState {
  return { layer: top, poor: 0, good: 0, upAfter: UP_AFTER, sinceUp: Infinity };
}

/** The next state after one quality sample; `top` is the highest layer there is. */
export function nextLayer(state: LayerState, quality: NetworkQuality, top: number): LayerState {
  const sinceUp = state.sinceUp + 1;
  const poor = quality === 'poor' ? state.poor + 1 : quality === 'good' ? 0 : state.poor;
  const good = quality === 'good' ? state.good + 1 : 0;
  if (poor >= DOWN_AFTER && state.layer > 0) {
    const failedProbe = sinceUp <= PROBE_WINDOW;
    const upAfter = failedProbe ? Math.min(UP_AFTER_MAX, state.upAfter * 2) : state.upAfter;
    return { layer: state.layer - 1, poor: 0, good: 0, upAfter, sinceUp: Infinity };
  }
  if (good >= state.upAfter && state.layer < top) {
    return { layer: state.layer + 1, poor: 0, good: 0, upAfter: state.upAfter, sinceUp: 0 };
  }
  // A long good stretch at the top (or anywhere) forgives earlier failed probes.
  const upAfter = good >= UP_AFTER_MAX ? UP_AFTER : state.upAfter;
  return { layer: state.layer, poor, good, upAfter, sinceUp };
}

/** The layer to ask for a feed: the network's, lowered to what its tile wants. */
export function feedLayer(network: number, preferred: number | undefined): number {
  return preferred === undefined ? network : Math.max(0, Math.min(network, preferred));
}

/** A publisher in the room, as VideoRoom events describe it. */
export interface RoomPublisher {
  id: number;
  /** Its streams; a publisher with none (joined, not publishing) is nothing to subscribe to. */
  streams?: readonly { type?: string; disabled?: boolean }[];
}

/** The publishers in a VideoRoom event's `publishers` list worth subscribing to (not ourselves). */
export function publishersToWatch(list: unknown, self: number): number[] {
  if (!Array.isArray(list)) return [];
  const ids: number[] = [];
  for (const entry of list as RoomPublisher[]) {
    if (typeof entry?.id !== 'number' || entry.id === self) continue;
    // Janus 1.x lists streams; a publisher whose every stream is disabled sends nothing.
    if (Array.isArray(entry.streams) && !entry.streams.some((s) => !s.disabled && s.type !== 'data')) continue;
    ids.push(entry.id);
  }
  return ids;
}

/** What to ask Janus to change so the subscription matches `wanted`. */
export function diffFeeds(
  subscribed: ReadonlySet<number>,
  wanted: ReadonlySet<number>,
): { subscribe: number[]; unsubscribe: number[] } {
  return {
    subscribe: [...wanted].filter((id) => !subscribed.has(id)).sort((a, b) => a - b),
    unsubscribe: [...subscribed].filter((id) => !wanted.has(id)).sort((a, b) => a - b),
  };
}

/** A stream of the subscription, as Janus lists them in `attached` and `updated`. */
export interface SubscribedStream {
  mid?: string;
  type?: string;
  feed_id?: number;
  active?: boolean;
}

/**
 * Which feed each active media line carries (`mid` → publisher id), from Janus's `streams` list:
 * inactive lines (a publisher that left; Janus reuses them for the next) carry nothing.
 */
export function feedsByMid(streams: unknown): Map<string, { feed: number; kind: 'audio' | 'video' }> {
  const out = new Map<string, { feed: number; kind: 'audio' | 'video' }>();
  if (!Array.isArray(streams)) return out;
  for (const s of streams as SubscribedStream[]) {
    if (s.active === false || typeof s.mid !== 'string' || typeof s.feed_id !== 'number') continue;
    if (s.type !== 'audio' && s.type !== 'video') continue;
    out.set(s.mid, { feed: s.feed_id, kind: s.type });
  }
  return out;
}

/**
 * The encodings a publisher sends for `rids` (highest first): each layer half the size of the one
 * above, with bitrate caps that keep three layers within about 1.3 Mbit/s.
 */
export function simulcastEncodings(rids: readonly string[]): RTCRtpEncodingParameters[] {
  const caps = [900_000, 300_000, 100_000];
  return rids.map((rid, i) => ({
    rid,
    active: true,
    maxBitrate: caps[Math.min(i, caps.length - 1)]!,
    scaleResolutionDownBy: 2 ** i,
  }));
}
