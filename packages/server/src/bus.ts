/**
 * The bus between server instances: publish a JSON message on a channel, every subscriber of that
 * channel on every instance (the publisher's own included) receives it, in the order one instance
 * published (docs/decisions/0035-instances.md).
 *
 * Two implementations: {@link LocalBus} in this process (the embedded PGlite default, one
 * instance), and {@link PostgresBus} over PostgreSQL `LISTEN/NOTIFY`, which a deployment with
 * `DATABASE_URL` already runs. A NOTIFY payload is limited to 8,000 bytes: a message over
 * {@link INLINE_LIMIT} bytes waits in the `bus_payload` table and only its id is notified.
 * Delivery is at most once: a message published while an instance's listening connection is down
 * does not reach it (what depends on the bus also keeps its state in PostgreSQL).
 */
import pg from 'pg';

export type BusHandler = (message: unknown) => void;

export interface Bus {
  /** Sends `message` (JSON-serialisable) to every subscriber of `channel`, on every instance. */
  publish(channel: string, message: unknown): Promise<void>;
  /** Calls `handler` with every message on `channel`; returns the function that stops it. */
  subscribe(channel: string, handler: BusHandler): () => void;
  /** Resolves once every subscription asked for so far receives what is published from now on. */
  ready(): Promise<void>;
  /** Stops delivering and releases connections. */
  close(): Promise<void>;
}

/** A channel name: lower-case letters, digits, `_` and `-`, up to 40 characters (a PostgreSQL identifier once prefixed). */
const CHANNEL = /^[a-z0-9_-]{1,40}$/;

function checkChannel(channel: string): void {
  if (!CHANNEL.test(channel)) throw new Error(`bus channel "${channel.slice(0, 60)}": expected [a-z0-9_-]{1,40}`);
}

class Subscribers {
  readonly #handlers = new Map<string, Set<BusHandler>>();
  add(channel: string, handler: BusHandler): { first: boolean; stop: () => boolean } {
    checkChannel(channel);
    let set = this.#handlers.get(channel);
    const first = !set;
    if (!set) this.#handlers.set(channel, (set = new Set()));
    set.add(handler);
    return {
      first,
      stop: () => {
        set.delete(handler);
        if (set.size > 0 || this.#handlers.get(channel) !== set) return false;
        this.#handlers.delete(channel);
        return true;
      },
    };
  }
  deliver(channel: string, message: unknown, onError: (error: unknown) => void): void {
    for (const handler of [...(this.#handlers.get(channel) ?? [])]) {
      try {
        handler(message);
      } catch (error) {
        onError(error);
      }
    }
  }
  channels(): string[] {
    return [...this.#handlers.keys()];
  }
  clear(): void {
    this.#handlers.clear();
  }
}

/** The bus of one process: messages go through JSON, as they would between instances, and are delivered asynchronously. */
export class LocalBus implements Bus {
  readonly #subscribers = new Subscribers();
  #closed = false;

  constructor(private readonly onError: (error: unknown) => void = () => undefined) {}

  async publish(channel: string, message: unknown): Promise<void> {
    checkChannel(channel);
    if (this.#closed) return;
    const text = JSON.stringify(message);
    queueMicrotask(() => {
      if (!this.#closed) this.#subscribers.deliver(channel, JSON.parse(text) as unknown, this.onError);
    });
  }

  subscribe(channel: string, handler: BusHandler): () => void {
    return this.#subscribers.add(channel, handler).stop;
  }

  async ready(): Promise<void> {}

  async close(): Promise<void> {
    this.#closed = true;
    this.#subscribers.clear();
  }
}

/** Messages up to this many bytes of JSON travel in the NOTIFY payload itself. */
export const INLINE_LIMIT = 7_000;
/** A payload row is deleted this long after it was written (every listener has read it by then). */
const PAYLOAD_TTL_SECONDS = 60;
const PREFIX = 'ck_bus_';

export interface PostgresBusOptions {
  connectionString: string;
  /** Errors of the listening connection and of handlers. */
  onError?: (error: unknown) => void;
  /** Wait before reconnecting a lost listening connection (1 s). */
  reconnectMs?: number;
}

/**
 * The bus over PostgreSQL: one dedicated connection LISTENs, one dedicated connection publishes
 * (so one instance's messages keep their order). A lost listening connection is reopened, and
 * LISTENs again, after `reconnectMs`.
 */
export class PostgresBus implements Bus {
  readonly #subscribers = new Subscribers();
  readonly #options: PostgresBusOptions;
  #listener: pg.Client | undefined;
  #publisher: Promise<pg.Client> | undefined;
  #queue: { name: string; text: string; inline: boolean; resolve: () => void; reject: (error: unknown) => void }[] = [];
  #flushing = false;
  #sequence = 0;
  #incoming: Promise<void> = Promise.resolve();
  #closed = false;
  #sweep: NodeJS.Timeout | undefined;
  #reconnect: NodeJS.Timeout | undefined;
  /** Counters for the bench: messages published and received, and how many went through the table. */
  readonly stats = { published: 0, received: 0, large: 0 };

  private constructor(options: PostgresBusOptions) {
    this.#options = options;
  }

  static async open(options: PostgresBusOptions): Promise<PostgresBus> {
    const bus = new PostgresBus(options);
    await bus.#connectListener();
    bus.#sweep = setInterval(() => {
      bus
        .#onListener('DELETE FROM bus_payload WHERE created_at < now() - make_interval(secs => $1)', [
          PAYLOAD_TTL_SECONDS,
        ])
        .catch((error: unknown) => bus.#error(error));
    }, 30_000);
    bus.#sweep.unref();
    return bus;
  }

  #error(error: unknown): void {
    this.#options.onError?.(error);
  }

  async #connectListener(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#options.connectionString });
    client.on('error', (error) => {
      this.#error(error);
      this.#lost(client);
    });
    client.on('end', () => this.#lost(client));
    client.on('notification', (note) => this.#notified(note.channel, note.payload ?? ''));
    await client.connect();
    // Closed while this connection was being made (a reconnect in flight): let it go.
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#listener = client;
    this.#listenerTail = Promise.resolve();
    for (const channel of this.#subscribers.channels())
      await this.#onListener(`LISTEN ${PREFIX}${channel.replace(/-/g, '_')}`);
  }

  #lost(client: pg.Client): void {
    if (this.#listener !== client || this.#closed) return;
    this.#listener = undefined;
    const retry = () => {
      this.#reconnect = undefined;
      if (this.#closed) return;
      this.#connectListener().catch((error: unknown) => {
        this.#error(error);
        this.#reconnect = setTimeout(retry, this.#options.reconnectMs ?? 1000);
      });
    };
    this.#reconnect = setTimeout(retry, this.#options.reconnectMs ?? 1000);
  }

  #publisherClient(): Promise<pg.Client> {
    if (this.#publisher) return this.#publisher;
    const client = new pg.Client({ connectionString: this.#options.connectionString });
    // Bus messages are at most once anyway: their commits need not wait for the disk.
    const connected = client
      .connect()
      .then(() => client.query('SET synchronous_commit = off'))
      .then(() => client);
    const forget = () => {
      if (this.#publisher === connected) this.#publisher = undefined;
    };
    client.on('error', (error) => {
      this.#error(error);
      forget();
    });
    client.on('end', forget);
    connected.catch(forget);
    this.#publisher = connected;
    return connected;
  }

  #channelOf(notified: string): string | undefined {
    return notified.startsWith(PREFIX) ? notified.slice(PREFIX.length) : undefined;
  }

  #listenerTail: Promise<unknown> = Promise.resolve();
  /** A query on the listening connection, after those asked before it (pg wants one at a time). */
  #onListener<Row extends object>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<Row> | undefined> {
    const listener = this.#listener;
    const result = this.#listenerTail.then(() => listener?.query<Row>(sql, params));
    this.#listenerTail = result.catch(() => undefined);
    return result;
  }

  #pending = 0;
  /** Whether a large message's read is still under way (inline ones then queue behind it). */
  #waiting(): boolean {
    return this.#pending > 0;
  }

  #notified(notified: string, payload: string): void {
    const name = this.#channelOf(notified);
    if (name === undefined) return;
    // Channel names are kept with `_` for `-` in PostgreSQL: deliver to both spellings' subscribers.
    const channels = this.#subscribers.channels().filter((c) => c.replace(/-/g, '_') === name);
    const deliver = (text: string) => {
      let message: unknown;
      try {
        message = JSON.parse(text);
      } catch (error) {
        this.#error(error);
        return;
      }
      this.stats.received++;
      for (const channel of channels) this.#subscribers.deliver(channel, message, (e) => this.#error(e));
    };
    if (payload.startsWith('#')) {
      // A large message: its body is in the table. Later notifications wait for this read, so
      // messages keep their order.
      const id = payload.slice(1);
      this.#pending++;
      this.#incoming = this.#incoming
        .then(() => this.#onListener<{ body: string }>('SELECT body FROM bus_payload WHERE id = $1', [id]))
        .then((result) => {
          if (result?.rows[0]) deliver(result.rows[0].body);
        })
        .catch((error: unknown) => this.#error(error))
        .finally(() => this.#pending--);
      return;
    }
    const text = payload.slice(payload.indexOf('|') + 1);
    if (this.#waiting()) this.#incoming = this.#incoming.then(() => deliver(text));
    else deliver(text);
  }

  async publish(channel: string, message: unknown): Promise<void> {
    checkChannel(channel);
    if (this.#closed) return;
    const text = JSON.stringify(message);
    const name = `${PREFIX}${channel.replace(/-/g, '_')}`;
    this.stats.published++;
    const inline = Buffer.byteLength(text) <= INLINE_LIMIT;
    if (!inline) this.stats.large++;
    await new Promise<void>((resolve, reject) => {
      // A sequence number keeps identical messages apart: PostgreSQL folds identical
      // notifications of one transaction into one.
      this.#queue.push({ name, text: inline ? `${this.#sequence++}|${text}` : text, inline, resolve, reject });
      void this.#flush();
    });
  }

  /**
   * Sends what is queued, in order: consecutive small messages in one statement (one transaction,
   * one commit for the lot), a large one with its insert. While a batch is under way the next one
   * gathers, so the rate is not bound by one commit per message.
   */
  async #flush(): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      while (this.#queue.length > 0) {
        const first = this.#queue[0]!;
        let count = 1;
        if (first.inline) while (count < 1000 && this.#queue[count]?.inline) count++;
        const batch = this.#queue.splice(0, count);
        try {
          const client = await this.#publisherClient();
          if (first.inline) {
            await client.query(
              'SELECT pg_notify(c, p) FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(c, p, n) ORDER BY n',
              [batch.map((m) => m.name), batch.map((m) => m.text)],
            );
          } else {
            await client.query(
              'WITH row AS (INSERT INTO bus_payload (body) VALUES ($2) RETURNING id) ' +
                "SELECT pg_notify($1, '#' || id) FROM row",
              [first.name, first.text],
            );
          }
          for (const m of batch) m.resolve();
        } catch (error) {
          for (const m of batch) m.reject(error);
        }
      }
    } finally {
      this.#flushing = false;
    }
  }

  subscribe(channel: string, handler: BusHandler): () => void {
    const { first, stop } = this.#subscribers.add(channel, handler);
    const name = `${PREFIX}${channel.replace(/-/g, '_')}`;
    if (first) this.#onListener(`LISTEN ${name}`).catch((error: unknown) => this.#error(error));
    return () => {
      if (stop() && !this.#subscribers.channels().some((c) => c.replace(/-/g, '_') === channel.replace(/-/g, '_'))) {
        this.#onListener(`UNLISTEN ${name}`).catch((error: unknown) => this.#error(error));
      }
    };
  }

  /** Resolves once every LISTEN asked for so far is in place (a subscription is live after this). */
  async ready(): Promise<void> {
    await this.#onListener('SELECT 1');
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sweep);
    clearTimeout(this.#reconnect);
    this.#subscribers.clear();
    const listener = this.#listener;
    const publisher = this.#publisher;
    this.#listener = undefined;
    this.#publisher = undefined;
    await Promise.all([
      listener?.end().catch(() => undefined),
      publisher?.then((client) => client.end()).catch(() => undefined),
    ]);
  }
}
