/**
 * Signalling: the PeerJS server (`peer`) mounted on our HTTP server at `/signal`. The websocket
 * lives at `/signal/peerjs`; an upgrade is accepted only with a valid signalling token whose peer
 * id is the one asked for (and, for a join session, a session still live), else it is answered
 * `401` before upgrading. The query may hold only what the PeerJS client sends (`key`, `id`,
 * `token`, `version`), each once; the `peer` server is then shown a query we write, with the peer
 * id of the verified token alone. Messages are relayed only between participants of the same
 * consultation, and only when one of the two is a clinician or both are admitted. Room commands
 * (`CK-ADMIT`, …) go to the room registry (`../room/registry.ts`), which sends every page the
 * roster after its socket opens and after every change. The PeerJS HTTP API (id generation, peer
 * listing) is not exposed: the server assigns peer ids.
 *
 * One socket per peer id: a second one with a valid ticket replaces the first, which is sent
 * `CK-SESSION-ENDED` `{ reason: 'replaced' }` and closed (docs/decisions/0009-one-socket-per-peer.md).
 * Revoked sessions' sockets are closed the same way, with the revocation's reason.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  RELAYED_TYPES,
  SESSION_ENDED,
  SESSION_ENDED_CLOSE_CODE,
  SIGNALLING_CHECK_PATH,
  type SessionEndReason,
} from '@consultkit/core/contract';
import type { FastifyInstance } from 'fastify';
import { ExpressPeerServer } from 'peer';
import { type WebSocket, WebSocketServer } from 'ws';
import { HttpError } from '../errors.js';
import { ChatService } from '../room/chat.js';
import type { RelayedMessage, RoomCluster } from '../room/cluster.js';
import { endSocket, Rooms } from '../room/registry.js';
import { DEMO_NAMESPACE, TokenError, type SignallingClaims, type SignallingTokens } from '../tokens.js';

export const SIGNAL_PATH = '/signal';
export const SIGNAL_KEY = 'consultkit';
const SOCKET_PATH = `${SIGNAL_PATH}/peerjs`;

export { SESSION_ENDED, SESSION_ENDED_CLOSE_CODE, type SessionEndReason };

/**
 * The live signalling sockets, by peer id and by join session: what lets a revocation close the
 * sockets of the sessions it ended, and a second socket for a peer id replace the first.
 */
export class LiveSessions {
  readonly #byPeer = new Map<string, { ws: WebSocket; sid: string | undefined; address?: string | undefined }>();
  /** Sessions ended lately, with when: an upgrade checked just before its revocation is closed at once. */
  readonly #ended = new Map<string, { at: number; reason: SessionEndReason }>();

  /** Closes the sockets of `sessionIds`, telling each page `reason`. */
  end(sessionIds: readonly string[], reason: SessionEndReason): void {
    if (sessionIds.length === 0) return;
    const now = Date.now();
    for (const [sid, { at }] of this.#ended) if (now - at > 10 * 60_000) this.#ended.delete(sid);
    const ids = new Set(sessionIds);
    for (const sid of ids) this.#ended.set(sid, { at: now, reason });
    for (const { ws, sid } of [...this.#byPeer.values()]) if (sid && ids.has(sid)) endSocket(ws, reason);
  }

  /** The socket now live for `peerId`, if any. */
  socketOf(peerId: string): WebSocket | undefined {
    return this.#byPeer.get(peerId)?.ws;
  }

  /** The address the live socket of session `sid` connected from (the staff audit's `from`), if any. */
  addressOf(sid: string): string | undefined {
    for (const entry of this.#byPeer.values()) if (entry.sid === sid) return entry.address;
    return undefined;
  }

  /** `ws` is now `peerId`'s socket; returns false (and closes it) when its session has just ended. */
  add(peerId: string, ws: WebSocket, sid: string | undefined, address?: string): boolean {
    const ended = sid ? this.#ended.get(sid) : undefined;
    if (ended) {
      endSocket(ws, ended.reason);
      return false;
    }
    this.#byPeer.set(peerId, { ws, sid, address });
    ws.once('close', () => {
      if (this.#byPeer.get(peerId)?.ws === ws) this.#byPeer.delete(peerId);
    });
    return true;
  }
}

export interface SignallingOptions {
  tokens: SignallingTokens;
  /** The live sockets, shared with whatever revokes sessions. */
  sessions: LiveSessions;
  /**
   * Checks the join session behind a ticket with a session id (`sid`); resolves to why it may not
   * signal (revoked, expired, appointment cancelled), or null when it may.
   */
  checkSession?: (token: string) => Promise<string | null>;
  /** The room registry: the roster, room commands and the relay policy (src/room/registry.ts). */
  rooms: Rooms;
  /** In-call chat (`CK-CHAT`, …): handled there, never relayed (src/room/chat.ts). */
  chat?: ChatService;
  /**
   * The other instances, with several on PostgreSQL (src/room/cluster.ts): a message for a peer
   * whose socket another instance holds goes there.
   */
  cluster?: RoomCluster | undefined;
}

/** The query parameters the PeerJS client sends; nothing else is accepted. */
const PARAMETERS = new Set(['key', 'id', 'token', 'version']);

/** Why an upgrade (its query) was refused, for the log, or the verified claims. */
function refusal(
  query: URLSearchParams,
  tokens: SignallingTokens,
): string | { claims: SignallingClaims; token: string } {
  const seen = new Set<string>();
  for (const name of query.keys()) {
    if (!PARAMETERS.has(name)) return `unexpected parameter ${name.slice(0, 40)}`;
    if (seen.has(name)) return `repeated parameter ${name}`;
    seen.add(name);
  }
  const token = query.get('token');
  const id = query.get('id');
  if (query.get('key') !== SIGNAL_KEY) return 'wrong key';
  if (!token) return 'no token';
  let claims: SignallingClaims;
  try {
    claims = tokens.verify(token);
  } catch (error) {
    if (error instanceof TokenError) return `token ${error.problem}`;
    throw error;
  }
  if (id !== claims.pid) return 'peer id not the token’s';
  if (!claims.sid && !claims.cid.startsWith(DEMO_NAMESPACE)) {
    return 'a ticket without a session for a real consultation';
  }
  return { claims, token };
}

/** Message types relayed between peers: PeerJS's own and our ICE restarts. */
const RELAYED = new Set(RELAYED_TYPES);

/** Why a message from a peer may not be relayed, or null if it may. */
function relayProblem(
  message: { type?: unknown; dst?: unknown },
  claims: SignallingClaims,
  rooms: Rooms,
): string | null {
  if (message.type === 'HEARTBEAT') return null;
  if (typeof message.type !== 'string' || !RELAYED.has(message.type))
    return `type ${String(message.type).slice(0, 40)} not relayed`;
  if (typeof message.dst !== 'string') return 'no destination';
  if (message.dst === claims.pid) return 'addressed to itself';
  return rooms.relayProblem(claims.cid, claims.pid, message.dst);
}

function refuse(socket: Duplex, status: 401 | 404 | 503, reason: string): void {
  const text = { 401: 'Unauthorized', 404: 'Not Found', 503: 'Service Unavailable' }[status];
  const body = `${text}: ${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export async function signallingPlugin(
  app: FastifyInstance,
  { tokens, sessions, checkSession, rooms, chat, cluster }: SignallingOptions,
): Promise<void> {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const peerServer = ExpressPeerServer(app.server, {
    path: SIGNAL_PATH,
    key: SIGNAL_KEY,
    allow_discovery: false,
    proxied: false,
    createWebSocketServer: () => wss as never,
  });
  // `peer` starts when its Express app is mounted. We serve only its websocket, so start it by
  // emitting that event, with a parent whose prototypes are the app's own (Express re-parents them).
  const keep = (o: object): object => Object.getPrototypeOf(o) as object;
  peerServer.emit('mount', {
    settings: keep(peerServer.settings),
    request: keep(peerServer.request),
    response: keep(peerServer.response),
    engines: keep((peerServer as unknown as { engines: object }).engines),
  });

  // The peer ids the `peer` server holds a client for: a socket for one of them is swapped in
  // under the same client, and `peer` then sends no OPEN (we do).
  const registered = new Map<string, unknown>();
  peerServer.on('connection', (client: { getId(): string }) => registered.set(client.getId(), client));
  peerServer.on('disconnect', (client: { getId(): string }) => {
    if (registered.get(client.getId()) === client) registered.delete(client.getId());
  });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== SOCKET_PATH) {
      refuse(socket, 404, 'no websocket here');
      return;
    }
    const verdict = refusal(new URL(req.url ?? '/', 'http://localhost').searchParams, tokens);
    const refused = (reason: string, status: 401 | 503 = 401) => {
      app.log.warn({ reason, remote: req.socket.remoteAddress }, 'signalling upgrade refused');
      refuse(socket, status, reason);
    };
    if (typeof verdict === 'string') return refused(verdict);
    const { claims, token } = verdict;
    const onError = () => socket.destroy();
    socket.on('error', onError);
    const sessionProblem = claims.sid && checkSession ? checkSession(token) : Promise.resolve(null);
    sessionProblem.then(
      (problem) => {
        socket.off('error', onError);
        if (socket.destroyed) return;
        if (problem) return refused(`session ${problem}`);
        accept(req, socket, head, claims);
      },
      (error: unknown) => {
        socket.off('error', onError);
        app.log.error({ err: error }, 'signalling session check failed');
        if (!socket.destroyed) refused('session check failed', 503);
      },
    );
  };

  const accept = (req: IncomingMessage, socket: Duplex, head: Buffer, claims: SignallingClaims): void => {
    // `peer` reads the peer id from this query: the verified token's alone. Its own token check is
    // ours already done, so every ticket of one peer id shows it the same one.
    req.url = `${SOCKET_PATH}?key=${SIGNAL_KEY}&id=${encodeURIComponent(claims.pid)}&token=ck`;
    wss.handleUpgrade(req, socket, head, (ws) => {
      const previous = sessions.socketOf(claims.pid);
      if (!sessions.add(claims.pid, ws, claims.sid, req.socket.remoteAddress)) return;
      scope(ws, claims);
      const swapped = registered.has(claims.pid);
      wss.emit('connection', ws, req);
      if (swapped) ws.send(JSON.stringify({ type: 'OPEN' }));
      if (previous && previous !== ws) {
        app.log.info({ peer: claims.pid, consultation: claims.cid }, 'signalling socket replaced');
        endSocket(previous, 'replaced');
      }
      // After PeerJS's OPEN: the page is in the roster, and every page of the consultation hears.
      rooms.connect(claims, ws);
    });
  };

  /**
   * Room commands (`CK-ADMIT`, …) go to the room registry and never to PeerJS. Other messages
   * reach PeerJS only when they are of a type we relay, addressed to a participant of the same
   * consultation, and the relay policy allows it (a clinician on one end, or both admitted):
   * anything else is dropped and logged. The patient's and the default clinician's peer ids are
   * derived from the consultation and role, so this holds for them before they connect too
   * (PeerJS queues messages for them).
   */
  const scope = (ws: WebSocket, claims: SignallingClaims): void => {
    const emit = ws.emit.bind(ws) as (event: string | symbol, ...args: unknown[]) => boolean;
    /** Messages of this socket waiting for a look-up in PostgreSQL (several instances). */
    let backlog: Promise<void> | undefined;
    const relayTo = (where: string, message: Record<string, unknown>, dst: string): void => {
      const relayed: RelayedMessage = { type: message['type'] as string, src: claims.pid, dst };
      if ('payload' in message) relayed.payload = message['payload'];
      cluster!.relay(where, relayed);
    };
    /**
     * A destination whose socket another instance holds: the message goes there, as PeerJS would
     * have sent it (type, src, dst, payload). One this replica does not place (not connected here,
     * or it has not heard yet) is looked up in PostgreSQL first. Otherwise PeerJS delivers or
     * queues it here. Returns a promise when it had to look.
     */
    const route = (message: Record<string, unknown>, args: unknown[]): void | Promise<void> => {
      const dst = message['dst'] as string | undefined;
      if (!dst || sessions.socketOf(dst)) return void emit('message', ...args);
      const where = rooms.instanceOf(claims.cid, dst);
      if (where && where !== cluster!.instance) return relayTo(where, message, dst);
      return cluster!.locate(claims.cid, dst).then(
        (found) => {
          if (found && found !== cluster!.instance && !sessions.socketOf(dst)) relayTo(found, message, dst);
          else emit('message', ...args);
        },
        (error: unknown) => {
          app.log.error({ err: error }, 'locating a peer failed');
          emit('message', ...args);
        },
      );
    };
    ws.emit = ((event: string | symbol, ...args: unknown[]) => {
      if (event !== 'message') return emit(event, ...args);
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(String(args[0])) as Record<string, unknown>;
      } catch {
        message = {};
      }
      if (typeof message !== 'object' || message === null || Array.isArray(message)) message = {};
      if (Rooms.isCommand(message['type'])) {
        try {
          rooms.command(claims, ws, message);
        } catch (error) {
          app.log.error({ err: error, from: claims.pid }, 'a room command failed');
        }
        return false;
      }
      if (chat && ChatService.isCommand(message['type'])) {
        try {
          chat.command(claims, ws, message);
        } catch (error) {
          app.log.error({ err: error, from: claims.pid }, 'a chat command failed');
        }
        return false;
      }
      const problem = relayProblem(message, claims, rooms);
      if (problem) {
        app.log.warn({ from: claims.pid, consultation: claims.cid, problem }, 'signalling message dropped');
        return false;
      }
      if (!cluster) return emit(event, ...args);
      // Several instances: in order, each message after the ones this socket sent before it.
      if (backlog) {
        const after = (backlog = backlog.then(() => route(message, args)));
        void after.then(() => {
          if (backlog === after) backlog = undefined;
        });
        return true;
      }
      const routed = route(message, args);
      if (routed instanceof Promise) {
        const after = (backlog = routed);
        void after.then(() => {
          if (backlog === after) backlog = undefined;
        });
      }
      return true;
    }) as typeof ws.emit;
  };
  app.server.on('upgrade', onUpgrade);

  /** A message another instance relays to a socket held here (it checked the relay rules). */
  const deliver = (message: RelayedMessage): void => {
    const ws = typeof message?.dst === 'string' ? sessions.socketOf(message.dst) : undefined;
    if (!ws || ws.readyState !== ws.OPEN) {
      app.log.warn({ to: message?.dst, type: message?.type }, 'a relayed message found no socket here: dropped');
      return;
    }
    ws.send(JSON.stringify({ type: message.type, src: message.src, dst: message.dst, payload: message.payload }));
  };
  cluster?.handleRelays(deliver);

  /**
   * Would an upgrade with this token be accepted? A browser cannot read the status of a refused
   * upgrade, so a page whose socket failed to open asks here, to tell a refused token
   * (`signalling-refused`: 401) from a server it cannot reach
   * (docs/decisions/0015-refused-or-unreachable.md).
   * The same checks as the upgrade; the token travels in the body, never in a URL. Any origin may
   * ask, as any may open the socket: the answer says nothing to whoever does not hold the token,
   * and no cookie is involved. Sent as `text/plain` (JSON inside), it needs no CORS preflight.
   */
  app.post<{ Body: unknown }>(SIGNALLING_CHECK_PATH, async (request, reply) => {
    reply.header('access-control-allow-origin', '*');
    let body = request.body;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body) as unknown;
      } catch {
        body = undefined;
      }
    }
    const { peerId, token } = (body ?? {}) as { peerId?: unknown; token?: unknown };
    if (typeof peerId !== 'string' || typeof token !== 'string') {
      throw new HttpError(400, 'required', 'Expected a JSON body { "peerId": "…", "token": "…" }');
    }
    const verdict = refusal(new URLSearchParams({ key: SIGNAL_KEY, id: peerId, token }), tokens);
    const problem =
      typeof verdict === 'string'
        ? verdict
        : verdict.claims.sid && checkSession
          ? await checkSession(verdict.token).then((p) => p && `session ${p}`)
          : null;
    if (problem) throw new HttpError(401, 'security', `The signalling server refuses this token (${problem}).`);
    return reply.code(204).send();
  });

  // Before the HTTP server closes: it waits for every socket, upgraded ones included.
  app.addHook('preClose', async () => {
    app.server.off('upgrade', onUpgrade);
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });
}
