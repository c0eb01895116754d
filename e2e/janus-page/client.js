/* global window, RTCPeerConnection */
// A participant of a Janus VideoRoom, with nothing but the browser: the Janus JSON protocol over
// WebSocket (token in every request) and plain RTCPeerConnections, no janus.js. Loaded by the
// end-to-end test's page (janus-simulcast.test.ts), which drives it through `window.janusRoom`.
// Publishes the fake camera with simulcast (rids h, m, l); subscribes to other feeds on one
// connection and picks each feed's layer with `configure`.

/** One Janus session on one WebSocket; `request` resolves to the first answer that is not an ack. */
async function connect(url, token) {
  const ws = new WebSocket(url, 'janus-protocol');
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error(`cannot open ${url}`));
  });
  const waiting = new Map();
  ws.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.janus === 'ack' || !message.transaction) return;
    const done = waiting.get(message.transaction);
    if (done) {
      waiting.delete(message.transaction);
      done(message);
    }
  };
  let sessionId;
  let sequence = 0;
  const request = (body) =>
    new Promise((resolve, reject) => {
      const transaction = `t${++sequence}`;
      const timer = setTimeout(() => reject(new Error(`no answer to ${JSON.stringify(body)}`)), 15_000);
      waiting.set(transaction, (message) => {
        clearTimeout(timer);
        if (message.janus === 'error') reject(new Error(`Janus: ${message.error.code} ${message.error.reason}`));
        else resolve(message);
      });
      ws.send(JSON.stringify({ ...body, transaction, token, ...(sessionId ? { session_id: sessionId } : {}) }));
    });
  sessionId = (await request({ janus: 'create' })).data.id;
  const keepAlive = setInterval(() => request({ janus: 'keepalive' }).catch(() => undefined), 20_000);
  const attach = async () => {
    const handleId = (await request({ janus: 'attach', plugin: 'janus.plugin.videoroom' })).data.id;
    /** A VideoRoom message; resolves to `{ data, jsep }`, rejects on a VideoRoom error. */
    return async (body, jsep) => {
      const answer = await request({ janus: 'message', handle_id: handleId, body, ...(jsep ? { jsep } : {}) });
      const data = answer.plugindata?.data ?? {};
      if (data.error_code) throw new Error(`VideoRoom: ${data.error_code} ${data.error}`);
      return { data, jsep: answer.jsep };
    };
  };
  return {
    attach,
    close() {
      clearInterval(keepAlive);
      ws.close();
    },
  };
}

/** Waits for ICE gathering to finish, so the SDP carries every candidate (no trickle). */
async function gathered(pc) {
  if (pc.iceGatheringState === 'complete') return;
  await new Promise((resolve) => {
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') resolve();
    });
  });
}

/** Waits for the connection to be up (ICE and DTLS). */
async function connected(pc) {
  if (pc.connectionState === 'connected') return;
  await new Promise((resolve, reject) => {
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'connected') resolve();
      if (pc.connectionState === 'failed') reject(new Error('the connection to Janus failed'));
    });
  });
}

const description = (pc) => ({ type: pc.localDescription.type, sdp: pc.localDescription.sdp, trickle: false });

const state = { session: null, publisher: null, subscriber: null, feeds: [], privateId: undefined };

window.janusRoom = {
  /** Joins the room as publisher `access.publisherId` and publishes the fake camera in three layers. */
  async publish(access) {
    state.session = await connect(access.janusUrl, access.token);
    const send = await state.session.attach();
    const { data: joined } = await send({
      request: 'join',
      ptype: 'publisher',
      room: access.room,
      pin: access.pin,
      token: access.token,
      id: access.publisherId,
    });
    const camera = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
    const pc = new RTCPeerConnection({ iceServers: [] });
    pc.addTransceiver(camera.getVideoTracks()[0], {
      direction: 'sendonly',
      sendEncodings: [
        { rid: 'h', maxBitrate: 900_000 },
        { rid: 'm', maxBitrate: 300_000, scaleResolutionDownBy: 2 },
        { rid: 'l', maxBitrate: 100_000, scaleResolutionDownBy: 4 },
      ],
    });
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    const { data, jsep } = await send({ request: 'publish', video: true, audio: false }, description(pc));
    if (data.configured !== 'ok' || !jsep) throw new Error(`not published: ${JSON.stringify(data)}`);
    await pc.setRemoteDescription(jsep);
    state.publisher = pc;
    // Janus offers a feed to subscribers once its media is up.
    await connected(pc);
    state.privateId = joined.private_id;
    return { simulcast: /a=simulcast:send h;m;l/.test(pc.localDescription.sdp) };
  },

  /** Subscribes to `feeds` (publisher ids) on one connection. */
  async subscribe(access, feeds) {
    const send = await state.session.attach();
    const { data, jsep } = await send({
      request: 'join',
      ptype: 'subscriber',
      room: access.room,
      pin: access.pin,
      token: access.token,
      // The room requires it (`require_pvtid`): only a publisher of the room may subscribe.
      private_id: state.privateId,
      streams: feeds.map((feed) => ({ feed })),
    });
    if (data.videoroom !== 'attached' || !jsep) throw new Error(`not attached: ${JSON.stringify(data)}`);
    state.feeds = (data.streams ?? []).map((s) => ({ feed: s.feed_id, mid: s.mid }));
    const pc = new RTCPeerConnection({ iceServers: [] });
    await pc.setRemoteDescription(jsep);
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc);
    await send({ request: 'start' }, description(pc));
    state.subscriber = pc;
    state.sendSubscriber = send;
    return state.feeds;
  },

  /** Asks Janus for `substream` (0 low … 2 high) of every subscribed feed. */
  async layer(substream) {
    await state.sendSubscriber({
      request: 'configure',
      streams: state.feeds.map(({ mid }) => ({ mid, substream, temporal: 2 })),
    });
  },

  /** Per subscribed feed: frames decoded and the decoded width. */
  async received() {
    const stats = await state.subscriber.getStats();
    const byMid = new Map();
    stats.forEach((report) => {
      if (report.type === 'inbound-rtp' && report.kind === 'video') byMid.set(report.mid, report);
    });
    return state.feeds.map(({ feed, mid }) => ({
      feed,
      frames: byMid.get(mid)?.framesDecoded ?? 0,
      width: byMid.get(mid)?.frameWidth ?? 0,
    }));
  },

  /** Layers the publisher is sending (rid → frames encoded). */
  async sent() {
    const stats = await state.publisher.getStats();
    const out = {};
    stats.forEach((report) => {
      if (report.type === 'outbound-rtp' && report.kind === 'video') out[report.rid] = report.framesEncoded ?? 0;
    });
    return out;
  },

  close() {
    state.publisher?.close();
    state.subscriber?.close();
    state.session?.close();
  },
};
window.janusReady = true;
