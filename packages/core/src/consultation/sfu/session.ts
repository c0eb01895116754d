/**
 * `SfuSession`: one participant's media through its consultation's Janus VideoRoom room. The API
 * is described in `./index.ts`; decision 0027 says why it is shaped so.
 */
import type { MediaFlags } from '../../contract/room.js';
import { SFU_PLUGIN, type SfuAccessResponse } from '../../contract/sfu.js';
import { ConsultKitError } from '../../contract/errors.js';
import { Emitter } from '../../emitter.js';
import { monitorQuality, type NetworkQuality, type QualitySample } from '../../media/quality.js';
import { createStore, type ReadableStore, type WritableStore } from '../../store.js';
import {
  JanusConnection,
  SfuError,
  type JanusHandle,
  type JanusMessage,
  type PluginAnswer,
  type WebSocketConstructor,
} from './janus.js';
import {
  diffFeeds,
  feedLayer,
  feedsByMid,
  initialLayerState,
  nextLayer,
  publishersToWatch,
  simulcastEncodings,
  type LayerState,
} from './layers.js';

export interface SfuOpenOptions {
  /** The ConsultKit server's base URL (`https://gp.example/`). */
  server: string;
  /** The consultation's appointment id (the ticket's `appointmentId`). */
  appointmentId: string | number;
  /** The ticket's signalling token: the Bearer of `POST /api/consultations/:id/sfu`. */
  token: string;
  /** What to publish: its first audio and first video track (either may be missing). */
  localStream: MediaStream;
  /** ICE servers for both connections; the server's (our TURN) by default. */
  iceServers?: RTCIceServer[];
  /** The name Janus shows for this publisher (nothing relies on it; the roster has names). */
  display?: string;
  /** Choose layers by this receiver's network (true). Off, every feed gets its preferred layer. */
  adaptive?: boolean;
  /** How often inbound quality is sampled, ms (1000). */
  qualityIntervalMs?: number;
  /** Per request to our server and to Janus, ms (10 000). */
  timeoutMs?: number;
  /** For Node or tests: the `fetch` and `WebSocket` to use. */
  fetch?: typeof fetch;
  WebSocket?: WebSocketConstructor;
}

export type SfuStatus = 'connecting' | 'connected' | 'closed' | 'failed';

export interface SfuState {
  /** `connecting` until `open()` resolves; `failed` after a fatal error (see `error`); `closed` after `close()`. */
  status: SfuStatus;
  /** Every other publisher's media, by its Janus publisher id (the roster's `sfuId`). */
  streams: ReadonlyMap<number, MediaStream>;
  /** This receiver's inbound network quality (null before the first sample). */
  quality: NetworkQuality | null;
  /** The highest layer this receiver's network allows now (0 lowest … top). */
  networkLayer: number;
  /** Per feed, the layer Janus says it now sends us (absent until Janus has said). */
  layers: ReadonlyMap<number, number>;
  error: ConsultKitError | null;
}

/**
 * When each step of `open()` finished, ms after it was called (for benchmarks and diagnostics):
 * the server's access, the Janus session, the room joined, our media published (Janus's answer
 * applied), and the first subscription negotiated (absent when nobody else was publishing).
 */
export interface SfuTimings {
  access: number;
  janusSession: number;
  joined?: number;
  published?: number;
  subscribed?: number;
}

export interface SfuEvents {
  'stream-added': { sfuId: number; stream: MediaStream };
  'stream-removed': { sfuId: number; stream: MediaStream };
  /** A fatal error: the session is over (state `failed`). */
  error: ConsultKitError;
}

/** Asks our server for this participant's access to the room. */
export async function requestSfuAccess(options: SfuOpenOptions): Promise<SfuAccessResponse> {
  const url = `${options.server.replace(/\/+$/, '')}/api/consultations/${encodeURIComponent(String(options.appointmentId))}/sfu`;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token}` },
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (cause) {
    throw new ConsultKitError('network', 'The consultation server could not be reached.', { cause });
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (response.ok) {
    const access = body as Partial<SfuAccessResponse> | undefined;
    if (!access || typeof access.janusUrl !== 'string' || typeof access.room !== 'number' || !access.simulcast) {
      throw new ConsultKitError('server-error', 'The server answered the video room request with something else.');
    }
    return access as SfuAccessResponse;
  }
  const issue = (body as { issue?: { code?: string; diagnostics?: string }[] } | undefined)?.issue?.[0];
  const words = issue?.diagnostics ?? `The server refused the video room (${response.status}).`;
  const status = response.status;
  if (status === 401 || status === 403) throw new SfuError('sfu-refused', words);
  if (status === 410) throw new SfuError('sfu-closed', words);
  if (status === 503 || status === 429 || (status === 404 && issue?.code === 'not-supported')) {
    throw new SfuError('sfu-unavailable', words);
  }
  if (status === 404) throw new SfuError('sfu-refused', words);
  if (status === 400) throw new ConsultKitError('invalid-argument', words);
  throw new ConsultKitError('server-error', words);
}

/** Holds a handle's local candidates until its SDP has gone to Janus, then trickles them. */
function trickler(handle: JanusHandle) {
  let open = false;
  const held: (RTCIceCandidate | null)[] = [];
  return {
    add(candidate: RTCIceCandidate | null) {
      if (open) handle.trickle(candidate);
      else held.push(candidate);
    },
    open() {
      if (open) return;
      open = true;
      for (const candidate of held.splice(0)) handle.trickle(candidate);
    },
  };
}

const data = (message: JanusMessage) => message.plugindata?.data ?? {};

/** The session version of an SDP (`o=- <id> <version> …`), which Janus raises with every offer. */
function offerVersion(sdp: string | undefined): bigint | null {
  const match = /^o=\S+ \S+ (\d+) /m.exec(sdp ?? '');
  return match ? BigInt(match[1]!) : null;
}

export class SfuSession extends Emitter<SfuEvents> {
  readonly #state: WritableStore<SfuState>;
  /** The session's state: status, remote streams, quality, layers. */
  readonly state: ReadableStore<SfuState>;
  /** What the server granted (room, publisher id, simulcast rids, ICE servers). */
  readonly access: SfuAccessResponse;
  /** How long each step of `open()` took. */
  readonly timings: SfuTimings;
  readonly #startedAt: number;

  readonly #options: SfuOpenOptions;
  readonly #janus: JanusConnection;
  readonly #iceServers: RTCIceServer[];
  readonly #top: number;
  #privateId: number | undefined;
  #publisher: RTCPeerConnection | null = null;
  #audio: RTCRtpTransceiver | null = null;
  #video: RTCRtpTransceiver | null = null;
  #subscriberHandle: JanusHandle | null = null;
  /** The shared screen's publisher (`publishScreen`), while there is one. */
  #screen: { handle: JanusHandle; pc: RTCPeerConnection } | null = null;
  #subscriber: RTCPeerConnection | null = null;
  #subscriberTrickle: ReturnType<typeof trickler> | null = null;
  #subscriberJoined = false;
  /** The version (`o=` line) of the last offer of Janus's we answered: older ones are stale. */
  #offerVersion: bigint | null = null;
  /** Publishers we want (in the room, publishing, not us) and those the subscription has. */
  readonly #wanted = new Set<number>();
  readonly #subscribed = new Set<number>();
  /** mid → feed of the subscription's active lines, and each feed's video mid. */
  #mids = new Map<string, { feed: number; kind: 'audio' | 'video' }>();
  readonly #videoMid = new Map<number, string>();
  /** The layer asked of Janus per feed, and each tile's wish. */
  readonly #requested = new Map<number, number>();
  readonly #preferred = new Map<number, number>();
  #network: LayerState;
  #stopQuality: (() => void) | null = null;
  /** Subscription changes run one at a time. */
  #queue: Promise<void> = Promise.resolve();
  #closing = false;

  private constructor(
    options: SfuOpenOptions,
    access: SfuAccessResponse,
    janus: JanusConnection,
    startedAt: number,
    timings: SfuTimings,
  ) {
    super();
    this.#options = options;
    this.access = access;
    this.#startedAt = startedAt;
    this.timings = timings;
    this.#janus = janus;
    this.#iceServers = options.iceServers ?? (access.iceServers as RTCIceServer[]) ?? [];
    this.#top = Math.max(0, access.simulcast.rids.length - 1);
    this.#network = initialLayerState(this.#top);
    this.#state = createStore<SfuState>({
      status: 'connecting',
      streams: new Map(),
      quality: null,
      networkLayer: this.#top,
      layers: new Map(),
      error: null,
    });
    this.state = this.#state;
    janus.onLost = (error) => this.#fail(error);
  }

  /**
   * Asks the server for access, joins the room as this participant's publisher, publishes
   * `localStream` with simulcast and subscribes to every other publisher. Resolves once both are
   * negotiated (media follows within moments); rejects with a `ConsultKitError` (`sfu-refused`,
   * `sfu-closed`, `sfu-unavailable`, `network`, …) and leaves nothing open.
   */
  static async open(options: SfuOpenOptions): Promise<SfuSession> {
    const startedAt = performance.now();
    const access = await requestSfuAccess(options);
    const accessAt = performance.now() - startedAt;
    const janus = await JanusConnection.open(access.janusUrl, {
      token: access.token,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.WebSocket ? { WebSocket: options.WebSocket } : {}),
    });
    const session = new SfuSession(options, access, janus, startedAt, {
      access: accessAt,
      janusSession: performance.now() - startedAt,
    });
    try {
      await session.#start();
    } catch (error) {
      session.close();
      throw error;
    }
    // A fatal event while opening (the socket lost, a connection failed) ends it here too.
    const { status, error } = session.#state.get();
    if (status === 'failed' && error) throw error;
    session.#state.update({ status: 'connected' });
    return session;
  }

  /** The connection that publishes (for statistics). */
  get publisherConnection(): RTCPeerConnection | null {
    return this.#publisher;
  }

  /** The one connection that receives every other publisher (null while there is nobody). */
  get subscriberConnection(): RTCPeerConnection | null {
    return this.#subscriber;
  }

  async #start(): Promise<void> {
    const handle = await this.#janus.attach(SFU_PLUGIN);
    handle.onEvent = (message) => this.#publisherEvent(message);
    const { data: joined } = await handle.message({
      request: 'join',
      ptype: 'publisher',
      room: this.access.room,
      pin: this.access.pin,
      token: this.access.token,
      id: this.access.publisherId,
      ...(this.#options.display ? { display: this.#options.display } : {}),
    });
    this.#mark('joined');
    this.#privateId = typeof joined['private_id'] === 'number' ? joined['private_id'] : undefined;
    for (const id of this.#others(joined['publishers'])) this.#wanted.add(id);
    // Subscribing needs only the private id: it runs while we publish.
    const subscribing = this.#sync();
    // Awaited below; if publishing fails first, its failure is the one reported.
    subscribing.catch(() => undefined);
    await this.#publish(handle);
    await subscribing;
  }

  async #publish(handle: JanusHandle): Promise<void> {
    const pc = new RTCPeerConnection({ iceServers: this.#iceServers });
    this.#publisher = pc;
    const stream = this.#options.localStream;
    const trickle = trickler(handle);
    pc.onicecandidate = (event) => trickle.add(event.candidate);
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed') {
        this.#fail(new SfuError('sfu-unavailable', 'The media connection to the video room failed.'));
      }
    };
    this.#audio = pc.addTransceiver(stream.getAudioTracks()[0] ?? 'audio', {
      direction: 'sendonly',
      streams: [stream],
    });
    this.#video = pc.addTransceiver(stream.getVideoTracks()[0] ?? 'video', {
      direction: 'sendonly',
      streams: [stream],
      sendEncodings: simulcastEncodings(this.access.simulcast.rids),
    });
    await pc.setLocalDescription(await pc.createOffer());
    const answer = handle.message({ request: 'publish', audio: true, video: true }, pc.localDescription!);
    trickle.open();
    const { data: published, jsep } = await answer;
    if (published['configured'] !== 'ok' || !jsep) {
      throw new SfuError('sfu-unavailable', 'The video room did not take this participant’s media.');
    }
    await pc.setRemoteDescription(jsep);
    this.#mark('published');
  }

  #mark(step: 'joined' | 'published' | 'subscribed'): void {
    (this.timings as { -readonly [K in keyof SfuTimings]: SfuTimings[K] })[step] ??=
      performance.now() - this.#startedAt;
  }

  /** A candidate Janus trickles (with `full_trickle`; by default it puts them in its SDP). */
  #remoteCandidate(pc: RTCPeerConnection | null, message: JanusMessage): void {
    const candidate = message.candidate;
    if (!pc || !candidate || this.#closing) return;
    pc.addIceCandidate(candidate.completed ? null : candidate).catch(() => undefined);
  }

  /** Events on our publisher handle: publishers coming and going, us kicked, the room gone. */
  #publisherEvent(message: JanusMessage): void {
    if (message.janus === 'trickle') return this.#remoteCandidate(this.#publisher, message);
    if (message.janus === 'hangup' && !this.#closing) {
      this.#fail(new SfuError('sfu-unavailable', `The video room hung up (${message.reason ?? 'no reason'}).`));
      return;
    }
    if (message.janus !== 'event') return;
    const event = data(message);
    if (event['videoroom'] === 'destroyed') {
      this.#fail(new SfuError('sfu-closed', 'The video room closed: the consultation has ended.'));
      return;
    }
    if (event['leaving'] === 'ok' && event['reason'] === 'kicked') {
      this.#fail(new SfuError('sfu-closed', 'This participant was removed from the video room.'));
      return;
    }
    let changed = false;
    for (const id of this.#others(event['publishers'])) {
      if (this.#wanted.has(id)) continue;
      this.#wanted.add(id);
      changed = true;
    }
    for (const key of ['unpublished', 'leaving']) {
      const id = event[key];
      if (typeof id !== 'number') continue;
      // Janus takes a departed publisher's streams out of every subscription itself (an `updated`
      // offer follows): forget it on both sides so the next sync does not ask again.
      this.#wanted.delete(id);
      this.#subscribed.delete(id);
      this.#requested.delete(id);
      changed = true;
    }
    if (changed) void this.#sync();
  }

  /** Runs `task` after the subscription changes before it; a failure is fatal. */
  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(async () => {
      if (this.#closing) return;
      try {
        await task();
      } catch (error) {
        this.#fail(
          error instanceof ConsultKitError
            ? error
            : new SfuError('sfu-unavailable', `The subscription failed: ${(error as Error).message}`, null, {
                cause: error,
              }),
        );
        throw error;
      }
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Brings the subscription in line with the publishers in the room. A VideoRoom refusal (not a
   * lost connection) is tried again a few times, with a growing pause, before it is fatal.
   */
  #sync(attempt = 0): Promise<void> {
    return this.#enqueue(async () => {
      const { subscribe, unsubscribe } = diffFeeds(this.#subscribed, this.#wanted);
      if (subscribe.length === 0 && unsubscribe.length === 0) return;
      if (!this.#subscriberJoined && subscribe.length === 0) return;
      if (!this.#subscriberHandle) {
        const handle = await this.#janus.attach(SFU_PLUGIN);
        handle.onEvent = (message) => this.#subscriberEvent(message);
        this.#subscriberHandle = handle;
        this.#subscriberTrickle = trickler(handle);
      }
      const handle = this.#subscriberHandle;
      const ask = async (feeds: number[], drop: number[]) => {
        if (this.#subscriberJoined) {
          return handle.message({
            request: 'update',
            ...(feeds.length ? { subscribe: feeds.map((feed) => ({ feed })) } : {}),
            ...(drop.length ? { unsubscribe: drop.map((feed) => ({ feed })) } : {}),
          });
        }
        const answer = await handle.message({
          request: 'join',
          ptype: 'subscriber',
          room: this.access.room,
          pin: this.access.pin,
          token: this.access.token,
          // The room requires it (`require_pvtid`): only a publisher of the room may subscribe.
          private_id: this.#privateId,
          streams: feeds.map((feed) => ({ feed })),
        });
        this.#subscriberJoined = true;
        return answer;
      };
      try {
        const answer = await this.#tryFeeds(subscribe, unsubscribe, ask);
        for (const id of unsubscribe) this.#subscribed.delete(id);
        if (answer?.jsep) await this.#answer(answer.jsep, answer.data['streams']);
      } catch (error) {
        const refusal = error instanceof SfuError && error.janusCode !== null && error.code === 'sfu-unavailable';
        if (!refusal || attempt >= 4) throw error;
        setTimeout(() => void this.#sync(attempt + 1).catch(() => undefined), 250 * 2 ** attempt);
      }
    });
  }

  /**
   * Asks for `feeds` (and to drop `drop`) at once; when Janus refuses because one of them has just
   * left (428, no such feed), asks for each alone and forgets those that are gone. Marks the feeds
   * subscribed; answers Janus's offers but the last, which it returns.
   */
  async #tryFeeds(
    feeds: number[],
    drop: number[],
    ask: (feeds: number[], drop: number[]) => Promise<PluginAnswer>,
  ): Promise<PluginAnswer | null> {
    try {
      const answer = await ask(feeds, drop);
      for (const id of feeds) this.#subscribed.add(id);
      return answer;
    } catch (error) {
      if (!(error instanceof SfuError && error.janusCode === 428)) throw error;
      if (feeds.length <= 1) {
        for (const id of feeds) this.#wanted.delete(id);
        return null;
      }
    }
    let last: PluginAnswer | null = null;
    for (const id of feeds) {
      if (last?.jsep) await this.#answer(last.jsep, last.data['streams']);
      last = (await this.#tryFeeds([id], [], ask)) ?? (last ? { data: last.data } : null);
    }
    return last;
  }

  #subscriberEvent(message: JanusMessage): void {
    if (message.janus === 'trickle') return this.#remoteCandidate(this.#subscriber, message);
    if (message.janus === 'hangup' && !this.#closing) {
      this.#fail(new SfuError('sfu-unavailable', `The video room hung up (${message.reason ?? 'no reason'}).`));
      return;
    }
    if (message.janus !== 'event') return;
    const event = data(message);
    if (event['videoroom'] === 'updated' && message.jsep) {
      // Janus renegotiates by itself when a publisher we watch leaves.
      const jsep = message.jsep;
      void this.#enqueue(() => this.#answer(jsep, event['streams'])).catch(() => undefined);
      return;
    }
    if (typeof event['substream'] === 'number' && typeof event['mid'] === 'string') {
      const feed = this.#mids.get(event['mid'])?.feed;
      if (feed === undefined) return;
      const layers = new Map(this.#state.get().layers);
      layers.set(feed, event['substream']);
      this.#state.update({ layers });
    }
  }

  #newSubscriber(): RTCPeerConnection {
    const pc = new RTCPeerConnection({ iceServers: this.#iceServers });
    pc.onicecandidate = (event) => this.#subscriberTrickle?.add(event.candidate);
    pc.ontrack = () => this.#refreshStreams();
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed') {
        this.#fail(new SfuError('sfu-unavailable', 'The media connection from the video room failed.'));
      }
    };
    this.#stopQuality = monitorQuality(
      pc,
      (sample) => this.#onQuality(sample),
      this.#options.qualityIntervalMs ?? 1000,
    );
    return pc;
  }

  /** Answers an offer of Janus's for the subscription, whose lines are `streams`. */
  async #answer(jsep: RTCSessionDescriptionInit, streams: unknown): Promise<void> {
    // Janus may send an offer of its own (a publisher left) while one we asked for is on its way:
    // answer them in the order Janus made them, and skip one overtaken by a newer.
    const version = offerVersion(jsep.sdp);
    if (version !== null && this.#offerVersion !== null && version <= this.#offerVersion) return;
    if (version !== null) this.#offerVersion = version;
    const pc = (this.#subscriber ??= this.#newSubscriber());
    this.#mids = feedsByMid(streams);
    await pc.setRemoteDescription(jsep);
    await pc.setLocalDescription(await pc.createAnswer());
    const started = this.#subscriberHandle!.message({ request: 'start' }, pc.localDescription!);
    this.#subscriberTrickle!.open();
    await started;
    this.#mark('subscribed');
    this.#refreshStreams();
    this.#applyLayers();
  }

  /** Rebuilds each feed's MediaStream from the subscription's receiving lines. */
  #refreshStreams(): void {
    const pc = this.#subscriber;
    if (!pc || this.#closing) return;
    const tracks = new Map<number, MediaStreamTrack[]>();
    this.#videoMid.clear();
    for (const transceiver of pc.getTransceivers()) {
      const line = transceiver.mid === null ? undefined : this.#mids.get(transceiver.mid);
      if (!line) continue;
      const list = tracks.get(line.feed) ?? [];
      list.push(transceiver.receiver.track);
      tracks.set(line.feed, list);
      if (line.kind === 'video') this.#videoMid.set(line.feed, transceiver.mid!);
    }
    const before = this.#state.get().streams;
    const streams = new Map<number, MediaStream>();
    const added: [number, MediaStream][] = [];
    for (const [feed, list] of tracks) {
      const stream = before.get(feed);
      if (!stream) {
        const fresh = new MediaStream(list);
        streams.set(feed, fresh);
        added.push([feed, fresh]);
        continue;
      }
      for (const track of stream.getTracks()) if (!list.includes(track)) stream.removeTrack(track);
      for (const track of list) if (!stream.getTracks().includes(track)) stream.addTrack(track);
      streams.set(feed, stream);
    }
    const removed = [...before].filter(([feed]) => !streams.has(feed));
    if (added.length === 0 && removed.length === 0) return;
    const layers = new Map([...this.#state.get().layers].filter(([feed]) => streams.has(feed)));
    this.#state.update({ streams, layers });
    for (const [sfuId, stream] of removed) this.emit('stream-removed', { sfuId, stream });
    for (const [sfuId, stream] of added) this.emit('stream-added', { sfuId, stream });
  }

  #onQuality(sample: QualitySample): void {
    if (this.#closing) return;
    this.#state.update({ quality: sample.quality });
    if (this.#options.adaptive === false) return;
    this.#network = nextLayer(this.#network, sample.quality, this.#top);
    if (this.#network.layer !== this.#state.get().networkLayer) {
      this.#state.update({ networkLayer: this.#network.layer });
      this.#applyLayers();
    }
  }

  /** Asks Janus for each feed's layer where it differs from what was last asked. */
  #applyLayers(): void {
    const handle = this.#subscriberHandle;
    if (!handle || this.#closing) return;
    const network = this.#options.adaptive === false ? this.#top : this.#network.layer;
    const changes: { mid: string; substream: number }[] = [];
    for (const [feed, mid] of this.#videoMid) {
      const target = feedLayer(network, this.#preferred.get(feed));
      // Janus starts every new subscription at the top layer.
      if ((this.#requested.get(feed) ?? this.#top) === target) continue;
      this.#requested.set(feed, target);
      changes.push({ mid, substream: target });
    }
    if (changes.length === 0) return;
    void this.#enqueue(async () => {
      await handle.message({ request: 'configure', streams: changes });
    }).catch(() => undefined);
  }

  /**
   * The highest layer feed `sfuId` needs (0 lowest … top; a small tile needs 0), or `undefined`
   * for no limit. The network may still choose a lower one.
   */
  setPreferredLayer(sfuId: number, layer: number | undefined): void {
    if (layer === undefined) this.#preferred.delete(sfuId);
    else this.#preferred.set(sfuId, Math.max(0, Math.min(this.#top, Math.floor(layer))));
    this.#applyLayers();
  }

  /** The publishers in a Janus list to watch: neither this participant's camera nor its own screen. */
  #others(list: unknown): number[] {
    return publishersToWatch(list, this.access.publisherId).filter((id) => id !== this.access.screenPublisherId);
  }

  /**
   * Publishes `track` (a shared screen) as this participant's second publisher
   * (`access.screenPublisherId`), on a connection of its own: one video layer, nothing received.
   * The others' sessions subscribe to it as to any publisher. Resolves once Janus took it.
   */
  async publishScreen(track: MediaStreamTrack): Promise<void> {
    if (this.#closing) throw new ConsultKitError('invalid-state', 'The SFU session is closed.');
    await this.unpublishScreen();
    const handle = await this.#janus.attach(SFU_PLUGIN);
    const pc = new RTCPeerConnection({ iceServers: this.#iceServers });
    this.#screen = { handle, pc };
    handle.onEvent = (message) => {
      if (message.janus === 'trickle') this.#remoteCandidate(pc, message);
    };
    const trickle = trickler(handle);
    pc.onicecandidate = (event) => trickle.add(event.candidate);
    try {
      await handle.message({
        request: 'join',
        ptype: 'publisher',
        room: this.access.room,
        pin: this.access.pin,
        token: this.access.token,
        id: this.access.screenPublisherId,
        display: 'screen',
      });
      pc.addTransceiver(track, { direction: 'sendonly', streams: [new MediaStream([track])] });
      await pc.setLocalDescription(await pc.createOffer());
      const answer = handle.message({ request: 'publish', audio: false, video: true }, pc.localDescription!);
      trickle.open();
      const { data: published, jsep } = await answer;
      if (published['configured'] !== 'ok' || !jsep) {
        throw new SfuError('sfu-unavailable', 'The video room did not take the shared screen.');
      }
      await pc.setRemoteDescription(jsep);
    } catch (error) {
      await this.unpublishScreen();
      throw error;
    }
  }

  /** Stops publishing the shared screen (its publisher leaves the room); nothing when there is none. */
  async unpublishScreen(): Promise<void> {
    const screen = this.#screen;
    if (!screen) return;
    this.#screen = null;
    screen.pc.close();
    if (this.#closing) return;
    try {
      await screen.handle.detach();
    } catch {
      // The session is going anyway, or Janus has already let the handle go.
    }
  }

  /** Sends `track` instead of the current audio or video track (null sends nothing). */
  async replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void> {
    const transceiver = kind === 'audio' ? this.#audio : this.#video;
    if (!transceiver) throw new ConsultKitError('invalid-state', 'The SFU session publishes nothing yet.');
    await transceiver.sender.replaceTrack(track);
  }

  /**
   * Stops or resumes sending: `muted` stops the audio, `cameraOff` or `audioOnly` every video layer
   * (nothing is sent, so nothing is spent). The tracks themselves are the caller's and stay as they are.
   */
  async setMediaFlags(flags: MediaFlags): Promise<void> {
    const set = async (transceiver: RTCRtpTransceiver | null, active: boolean) => {
      if (!transceiver) return;
      const parameters = transceiver.sender.getParameters();
      if (parameters.encodings.every((e) => e.active === active)) return;
      for (const encoding of parameters.encodings) encoding.active = active;
      await transceiver.sender.setParameters(parameters);
    };
    await set(this.#audio, !flags.muted);
    await set(this.#video, !(flags.cameraOff || flags.audioOnly));
  }

  #fail(error: ConsultKitError): void {
    if (this.#closing) return;
    this.#shutDown();
    this.#state.update({ status: 'failed', error });
    this.emit('error', error);
  }

  #shutDown(): void {
    this.#closing = true;
    this.#stopQuality?.();
    this.#publisher?.close();
    this.#subscriber?.close();
    this.#screen?.pc.close();
    this.#screen = null;
    this.#janus.close();
  }

  /** Leaves the room: both connections close and the Janus session is destroyed. */
  close(): void {
    if (this.#closing) return;
    this.#shutDown();
    this.#state.update({ status: 'closed', streams: new Map(), layers: new Map() });
  }
}
