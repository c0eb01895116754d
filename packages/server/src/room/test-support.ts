/**
 * For the room's tests (room, chat, recording consent, documents, SFU): a page's signalling socket
 * as a bare `ws` client speaking PeerJS's socket protocol, with a ticket from the join endpoints.
 */
import assert from 'node:assert/strict';
import type { RosterMessage } from '@consultkit/core/contract';
import WebSocket from 'ws';
import { until } from '../notify/test-support.js';

/** A message the signalling server sent. */
export interface SignalMessage {
  type: string;
  src?: string;
  payload?: Record<string, unknown>;
}

/** A page's signalling socket: everything it received, and the newest roster. */
export interface SignalPage<T> {
  ticket: T;
  ws: WebSocket;
  received: SignalMessage[];
  /** Resolves when the server closes the socket (or it is closed here). */
  closed: Promise<{ code: number; reason: string }>;
  /** Sends `message` as JSON while the socket is open (nothing after it closed). */
  send(message: object): void;
  close(): void;
  /** The newest roster. */
  roster(): RosterMessage['payload'] | undefined;
  /** Waits for a newest roster that satisfies `check`, and returns it. */
  rosterWhere(what: string, check: (roster: RosterMessage['payload']) => boolean): Promise<RosterMessage['payload']>;
}

/**
 * Opens the signalling socket of `ticket` on the server at `url`; resolves once the server said
 * OPEN, rejects with `upgrade refused: <status>` when the upgrade is refused.
 */
export async function openSignalling<T extends { token: string; peerId: string }>(
  url: string,
  ticket: T,
): Promise<SignalPage<T>> {
  const ws = new WebSocket(
    `${url.replace('http', 'ws')}/signal/peerjs?key=consultkit&id=${ticket.peerId}&token=${ticket.token}`,
  );
  const received: SignalMessage[] = [];
  const opened = new Promise<void>((resolve, reject) => {
    ws.on('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as SignalMessage;
      received.push(message);
      if (message.type === 'OPEN') resolve();
    });
    ws.on('error', () => undefined);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  await opened;
  const roster = () => (received.filter((m) => m.type === 'CK-ROSTER').at(-1) as RosterMessage | undefined)?.payload;
  return {
    ticket,
    ws,
    received,
    closed,
    send: (message) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
    },
    close: () => ws.close(),
    roster,
    rosterWhere: (what, check) =>
      until(what, () => {
        const latest = roster();
        return latest && check(latest) ? latest : undefined;
      }),
  };
}

/** Sends `message` from `page`, which must be refused (`CK-REFUSED` naming it): the reason given. */
export async function refused(
  page: Pick<SignalPage<unknown>, 'received' | 'send'>,
  message: { type: string; payload?: unknown },
): Promise<string> {
  const refusals = () => page.received.filter((m) => m.type === 'CK-REFUSED');
  const before = refusals().length;
  page.send(message);
  const answer = await until(`${message.type} refused`, () => refusals()[before]);
  assert.equal(answer.payload?.['command'], message.type);
  return String(answer.payload?.['reason']);
}
