/* global window, document */
// A participant's page for the Janus end-to-end tests: core's `SfuSession` (served from
// packages/core/dist as built) driven by the test through `window.ck`. It holds the fake camera
// and microphone, shows every remote stream in a small <video>, and notes when each one's first
// frame was painted (requestVideoFrameCallback), in ms after `open()` was called.
import { SfuSession } from '/core/consultation/sfu/session.js';
import { monitorQuality } from '/core/media/quality.js';

const state = {
  sfu: null,
  camera: null,
  openedAt: 0,
  firstFrames: new Map(),
  errors: [],
  samples: [],
  marks: {},
  added: new Map(),
};

function watch({ sfuId, stream }) {
  if (!state.added.has(sfuId)) state.added.set(sfuId, performance.now() - state.openedAt);
  const video = document.createElement('video');
  video.muted = true;
  video.autoplay = true;
  video.playsInline = true;
  video.width = 160;
  video.dataset.sfuId = String(sfuId);
  video.srcObject = stream;
  document.body.append(video);
  const openedAt = state.openedAt;
  video.requestVideoFrameCallback(() => {
    if (state.openedAt === openedAt && !state.firstFrames.has(sfuId)) {
      state.firstFrames.set(sfuId, performance.now() - openedAt);
    }
  });
  void video.play().catch(() => undefined);
}

function unwatch({ sfuId }) {
  document.querySelector(`video[data-sfu-id="${sfuId}"]`)?.remove();
}

const describeError = (error) => ({ name: error?.name, code: error?.code, message: error?.message });

window.ck = {
  /** Opens the camera and microphone (before `open()`, as a page already in a call has them). */
  async camera() {
    state.camera ??= await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: true });
    return state.camera.getTracks().length;
  },

  /** `SfuSession.open()`; resolves to what the test checks, or `{ error }`. */
  async open(server, appointmentId, token, options = {}) {
    await window.ck.camera();
    for (const video of document.querySelectorAll('video')) video.remove();
    state.firstFrames = new Map();
    state.added = new Map();
    state.openedAt = performance.now();
    try {
      const sfu = await SfuSession.open({
        server,
        appointmentId,
        token,
        localStream: state.camera,
        iceServers: [],
        ...options,
      });
      state.sfu = sfu;
      window.sfu = sfu;
      state.marks = { opened: performance.now() - state.openedAt };
      state.samples = [];
      state.stopSamples?.();
      state.stopSamples = undefined;
      /** Once there is a subscriber connection: when it connects, and its quality samples. */
      const observe = () => {
        const subscriber = sfu.subscriberConnection;
        if (!subscriber || state.stopSamples) return;
        const openedAt = state.openedAt;
        const connected = () => {
          if (subscriber.connectionState === 'connected' && state.marks.subscriberConnected === undefined) {
            state.marks.subscriberConnected = performance.now() - openedAt;
          }
        };
        connected();
        subscriber.addEventListener('connectionstatechange', connected);
        // The same figures the session adapts by, kept for a failing test to show.
        state.stopSamples = monitorQuality(subscriber, (sample) => state.samples.push(sample), 1000);
      };
      observe();
      sfu.on('stream-added', observe);
      for (const [sfuId, stream] of sfu.state.get().streams) watch({ sfuId, stream });
      sfu.on('stream-added', watch);
      sfu.on('stream-removed', unwatch);
      sfu.on('error', (error) => state.errors.push(describeError(error)));
      return {
        timings: sfu.timings,
        openMs: performance.now() - state.openedAt,
        publisherId: sfu.access.publisherId,
        simulcast: /a=simulcast:send h;m;l/.test(sfu.publisherConnection.localDescription.sdp),
      };
    } catch (error) {
      return { error: describeError(error) };
    }
  },

  /** Per remote feed: frames decoded and the decoded width, from the subscriber connection. */
  async received() {
    const sfu = state.sfu;
    const pc = sfu?.subscriberConnection;
    const out = [];
    for (const [feed, stream] of sfu?.state.get().streams ?? []) {
      const track = stream.getVideoTracks()[0];
      let frames = 0;
      let width = 0;
      if (pc && track) {
        (await pc.getStats(track)).forEach((r) => {
          if (r.type === 'inbound-rtp' && r.kind === 'video') {
            frames = r.framesDecoded ?? 0;
            width = r.frameWidth ?? 0;
          }
        });
      }
      out.push({ feed, frames, width });
    }
    return out.sort((a, b) => a.feed - b.feed);
  },

  /** Layers the publisher is sending (rid → frames encoded). */
  async sent() {
    const out = {};
    (await state.sfu.publisherConnection.getStats()).forEach((r) => {
      if (r.type === 'outbound-rtp' && r.kind === 'video') out[r.rid] = r.framesEncoded ?? 0;
    });
    return out;
  },

  /** When each remote feed's first frame was painted, ms after `open()`. */
  firstFrames() {
    return Object.fromEntries(state.firstFrames);
  },

  /** The session's layer state: the network's layer, its quality, what Janus sends per feed. */
  layers() {
    const s = state.sfu.state.get();
    return { networkLayer: s.networkLayer, quality: s.quality, layers: Object.fromEntries(s.layers), status: s.status };
  },

  /** `setMediaFlags` on this page's session. */
  async flags(flags) {
    await state.sfu.setMediaFlags({ muted: false, cameraOff: false, audioOnly: false, ...flags });
  },

  /** Caps every feed at `layer` (`setPreferredLayer`). */
  prefer(layer) {
    for (const feed of state.sfu.state.get().streams.keys()) state.sfu.setPreferredLayer(feed, layer);
  },

  /** The local UDP port of the subscriber connection's selected candidate pair (null until there is one). */
  async subscriberPort() {
    const stats = await state.sfu.subscriberConnection.getStats();
    let pair;
    stats.forEach((r) => {
      if (r.type === 'transport' && r.selectedCandidatePairId) pair = stats.get(r.selectedCandidatePairId);
    });
    const local = pair && stats.get(pair.localCandidateId);
    return local?.port ?? null;
  },

  errors() {
    return state.errors;
  },

  /** The subscriber connection's last quality samples, and when it connected (ms after `open()`). */
  diagnostics(last = 8) {
    return {
      marks: state.marks,
      added: Object.fromEntries(state.added),
      samples: state.samples.slice(-last).map((s) => ({
        quality: s.quality,
        rttMs: Math.round(s.rttMs ?? -1),
        lossPercent: Math.round(s.lossPercent),
        jitterMs: Math.round(s.jitterMs),
        receiveKbps: Math.round(s.receiveKbps),
      })),
    };
  },

  close() {
    state.stopSamples?.();
    state.sfu?.close();
    state.sfu = null;
  },
};
window.ckReady = true;
