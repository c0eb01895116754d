/**
 * Signalling: the PeerJS server (`peer`) mounted on our HTTP server at `/signal`. The websocket
 * lives at `/signal/peerjs`; an upgrade is accepted only with a valid signalling token whose peer
 * id is the one asked for, else it is answered `401`. The PeerJS HTTP API (id generation, peer
 * listing) is not exposed: the server assigns peer ids.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { ExpressPeerServer } from 'peer';
import { WebSocketServer } from 'ws';
import { TokenError, type SignallingClaims, type SignallingTokens } from '../tokens.js';

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
  return claims;
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
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  app.server.on('upgrade', onUpgrade);

  // Before the HTTP server closes: it waits for every socket, upgraded ones included.
  app.addHook('preClose', async () => {
    app.server.off('upgrade', onUpgrade);
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });
}
