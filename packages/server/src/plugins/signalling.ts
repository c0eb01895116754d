/**
 * Signalling: the PeerJS server (`peer`) mounted on our HTTP server at `/signal`. The websocket
 * lives at `/signal/peerjs`; an upgrade is accepted only with a valid signalling token whose peer
 * id is the one asked for, else it is answered `401`. Messages are relayed only between
 * participants of the same consultation. The PeerJS HTTP API (id generation, peer listing) is not
 * exposed: the server assigns peer ids.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { ExpressPeerServer } from 'peer';
import { WebSocketServer, type WebSocket } from 'ws';
import { DEMO_NAMESPACE, ROLES, TokenError, type SignallingClaims, type SignallingTokens } from '../tokens.js';

export const SIGNAL_PATH = '/signal';
export const SIGNAL_KEY = 'consultkit';
const SOCKET_PATH = `${SIGNAL_PATH}/peerjs`;

export interface SignallingOptions {
  tokens: SignallingTokens;
}

/** Why an upgrade was refused, for the log. */
function refusal(req: IncomingMessage, tokens: SignallingTokens): string | SignallingClaims {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const token = url.searchParams.get('token');
  const id = url.searchParams.get('id');
  if (url.searchParams.get('key') !== SIGNAL_KEY) return 'wrong key';
  if (!token) return 'no token';
  let claims: SignallingClaims;
  try {
    claims = tokens.verify(token);
  } catch (error) {
    if (error instanceof TokenError) return `token ${error.problem}`;
    throw error;
  }
  if (id !== claims.pid) return 'peer id not the token’s';
  if (!claims.sid && !claims.cid.startsWith(DEMO_NAMESPACE))
    return 'a ticket without a session for a real consultation';
  return claims;
}

/** Message types relayed between peers: PeerJS's own and our ICE restarts. */
const RELAYED = new Set(['OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE', 'CK-ICE-RESTART-OFFER', 'CK-ICE-RESTART-ANSWER']);

/** Why a message from a peer may not be relayed, or null if it may. */
function relayProblem(data: unknown, claims: SignallingClaims, sameConsultation: Set<string>): string | null {
  let message: { type?: unknown; dst?: unknown };
  try {
    message = JSON.parse(String(data)) as typeof message;
  } catch {
    return 'not JSON';
  }
  if (message?.type === 'HEARTBEAT') return null;
  if (typeof message?.type !== 'string' || !RELAYED.has(message.type))
    return `type ${String(message?.type)} not relayed`;
  if (typeof message.dst !== 'string') return 'no destination';
  if (message.dst === claims.pid) return 'addressed to itself';
  if (!sameConsultation.has(message.dst)) return 'destination outside the consultation';
  return null;
}

function refuse(socket: Duplex, status: 401 | 404, reason: string): void {
  const text = status === 401 ? 'Unauthorized' : 'Not Found';
  const body = `${text}: ${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export async function signallingPlugin(app: FastifyInstance, { tokens }: SignallingOptions): Promise<void> {
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

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== SOCKET_PATH) {
      refuse(socket, 404, 'no websocket here');
      return;
    }
    const verdict = refusal(req, tokens);
    if (typeof verdict === 'string') {
      app.log.warn({ reason: verdict, remote: req.socket.remoteAddress }, 'signalling upgrade refused');
      refuse(socket, 401, verdict);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      scope(ws, verdict);
      wss.emit('connection', ws, req);
    });
  };

  /**
   * Lets a socket's messages reach PeerJS only when they are addressed to a participant of the
   * same consultation (and are of a type we relay): anything else is dropped and logged. Peer
   * ids are derived from the consultation and role, so this holds for peers not connected yet too
   * (PeerJS queues messages for them).
   */
  const scope = (ws: WebSocket, claims: SignallingClaims): void => {
    const sameConsultation = new Set(ROLES.map((role) => tokens.peerId(claims.cid, role)));
    const emit = ws.emit.bind(ws) as (event: string | symbol, ...args: unknown[]) => boolean;
    ws.emit = ((event: string | symbol, ...args: unknown[]) => {
      if (event !== 'message') return emit(event, ...args);
      const problem = relayProblem(args[0], claims, sameConsultation);
      if (problem) {
        app.log.warn({ from: claims.pid, consultation: claims.cid, problem }, 'signalling message dropped');
        return false;
      }
      return emit(event, ...args);
    }) as typeof ws.emit;
  };
  app.server.on('upgrade', onUpgrade);

  // Before the HTTP server closes: it waits for every socket, upgraded ones included.
  app.addHook('preClose', async () => {
    app.server.off('upgrade', onUpgrade);
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });
}
