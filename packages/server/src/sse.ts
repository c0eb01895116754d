/**
 * Server-sent event streams (`text/event-stream`), as the staff live streams answer them
 * (`GET /api/staff/events`, `GET /api/presence/events`): the headers that keep proxies from
 * buffering, a `retry` hint and a first comment, a comment line every `heartbeatMs` so that idle
 * connections stay open, and one clean-up when the client goes or the server closes.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** One open stream. */
export interface EventStream {
  /** Writes `event:` with `data:` as JSON; nothing once the client has gone. */
  send(event: string, data: unknown): void;
  /** Runs `listener` once when the stream ends (the client went, or it was ended here). */
  onClose(listener: () => void): void;
  /** Whether the stream has ended. */
  readonly closed: boolean;
  /** Ends the stream. */
  end(): void;
}

/**
 * The event streams of one plugin: {@link EventStreams.open} answers a request with a stream, and
 * every stream still open is ended when `app` closes.
 */
export class EventStreams {
  readonly #responses = new Set<ServerResponse>();

  constructor(
    app: FastifyInstance,
    private readonly heartbeatMs: number,
  ) {
    app.addHook('onClose', async () => {
      for (const response of this.#responses) response.end();
      this.#responses.clear();
    });
  }

  /**
   * Takes the reply over (`reply.hijack()`) and answers 200 with a stream. A HEAD request has its
   * answer in the headers: the response ends and `undefined` comes back (else it would never end).
   */
  open(request: FastifyRequest, reply: FastifyReply): EventStream | undefined {
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    if (request.method === 'HEAD') {
      response.end();
      return undefined;
    }
    response.write('retry: 3000\n: connected\n\n');
    const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), this.heartbeatMs);
    heartbeat.unref();
    this.#responses.add(response);
    const listeners: (() => void)[] = [];
    let closed = false;
    const cleanUp = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      this.#responses.delete(response);
      for (const listener of listeners) listener();
    };
    response.on('close', cleanUp);
    request.raw.on('close', cleanUp);
    return {
      send(event, data) {
        if (!closed) response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      },
      onClose(listener) {
        listeners.push(listener);
      },
      get closed() {
        return closed;
      },
      end() {
        response.end();
      },
    };
  }
}
