/**
 * The SFU session: one participant's media through its consultation's Janus VideoRoom room, for
 * calls past four participants (the roster's `mode` is `sfu`). No UI and no Janus library: Janus's
 * JSON protocol over WebSocket (`./janus.ts`) and two RTCPeerConnections. Decision 0027 says why.
 *
 * ```ts
 * const sfu = await SfuSession.open({ server, appointmentId, token, localStream });
 * sfu.on('stream-added', ({ sfuId, stream }) => …);   // sfuId = the roster entry's `sfuId`
 * sfu.on('stream-removed', ({ sfuId }) => …);
 * sfu.on('error', (error) => …);                       // fatal: the session is over
 * sfu.state.subscribe(({ streams, quality, networkLayer, layers }) => …);
 * await sfu.setMediaFlags({ muted, cameraOff, audioOnly });
 * await sfu.replaceTrack('video', screenTrack);
 * sfu.setPreferredLayer(sfuId, 0);                     // a small tile
 * sfu.close();
 * ```
 *
 * - `open()` asks our server for access (`POST /api/consultations/:id/sfu`, the ticket's
 *   signalling token as Bearer), joins the room as publisher `access.publisherId` with the
 *   access's token and pin, publishes `localStream` (its first audio track; its first video track
 *   in the simulcast layers the access lists, `h`, `m`, `l`) on one connection, and subscribes to
 *   every other publisher on a second one, updated as publishers come and go. It resolves once
 *   both are negotiated, or rejects with a `ConsultKitError` and leaves nothing open.
 * - `state.streams`: every other publisher's media by publisher id; `stream-added` and
 *   `stream-removed` say when one comes or goes. A feed's `MediaStream` stays the same object
 *   while it lasts (tracks may be added to it).
 * - Layers: the subscriber connection's inbound quality (`media/quality.ts`, every second) steps
 *   every feed down a layer after two poor samples and back up after four good ones (longer after
 *   a failed step up; `./layers.ts` has the rules); `setPreferredLayer` caps one feed lower.
 * - Errors: `sfu-refused` (the server or Janus refused this session: do not retry), `sfu-closed`
 *   (the consultation ended, or this participant was removed), `sfu-unavailable` (no Janus, no
 *   answer, the socket or a media connection lost: may retry with a new `open()`), `network` and
 *   `server-error` from our server. After an `error` event the state is `failed`.
 * - `close()` destroys the Janus session (Janus unpublishes and leaves for us) and both connections;
 *   the state becomes `closed` with no streams.
 * - Options beyond the four: `iceServers` (the server's, our TURN, by default), `adaptive: false`
 *   (no network-driven layers: each feed at its preferred layer), `qualityIntervalMs`, `timeoutMs`,
 *   and `fetch`/`WebSocket` for Node. `timings` says how long each step of `open()` took;
 *   `publisherConnection` and `subscriberConnection` are there for statistics.
 *
 * What it does not do: signalling (the roster and `CK-MEDIA` flags still travel through our
 * server's socket), ICE restarts (a failed connection is an `sfu-unavailable` error: open again).
 *
 * @module
 */
export { SfuSession, requestSfuAccess } from './session.js';
export { SfuTransport, sfuTransport, type SfuTransportOptions } from './transport.js';
export { Handover, HANDOVER_TIMEOUT_MS, type HandoverTimings } from './handover.js';
export type { SfuEvents, SfuOpenOptions, SfuState, SfuStatus, SfuTimings } from './session.js';
export { SfuError, type WebSocketConstructor } from './janus.js';
