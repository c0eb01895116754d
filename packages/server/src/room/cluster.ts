/**
 * Several server instances on one PostgreSQL (docs/decisions/0035-instances.md): what one instance
 * needs to know of the others, and what it tells them.
 *
 * - Room changes ({@link RoomChange}) are written to `room_participant` (field by field, so an
 *   instance starting later loads every room), then published on the bus channel `rooms`; every
 *   other instance applies them to its replica.
 * - Signalling for a peer whose socket another instance holds goes on that instance's own channel
 *   (`sig-{instance}`), and is delivered to the socket there.
 * - Ended sessions are announced on `sessions`: every instance closes the sockets it holds of them.
 * - Each instance writes its row in `server_instance` every `heartbeatMs`; a row not written for
 *   `expireMs` is deleted by whichever instance sees it first, which announces the instance gone:
 *   its pages are shown disconnected until they reconnect elsewhere.
 */
import { randomBytes } from 'node:crypto';
import type { SessionEndReason } from '@consultkit/core/contract';
import type { Bus } from '../bus.js';
import type { SqlExecutor, Storage } from '../storage/index.js';
import type { ParticipantState, RoomChange, Rooms, RoomSync } from './registry.js';

/** A signalling message as PeerJS relays it. */
export interface RelayedMessage {
  type: string;
  src: string;
  dst: string;
  payload?: unknown;
}

export interface ClusterOptions {
  storage: Storage;
  bus: Bus;
  /** This instance's id (random when not given). */
  instance?: string;
  heartbeatMs?: number;
  expireMs?: number;
  log: { warn(object: object, message: string): void; error(object: object, message: string): void };
}

/** An instance id: it names a bus channel (`sig-{id}`). */
export const INSTANCE_ID = /^[a-z0-9-]{1,30}$/;

const ROOMS = 'rooms';
const SESSIONS = 'sessions';

export class RoomCluster implements RoomSync {
  readonly instance: string;
  readonly #options: ClusterOptions;
  #rooms: Rooms | undefined;
  #stops: (() => void)[] = [];
  #timer: NodeJS.Timeout | undefined;
  #beats = 0;
  /** Writes and publishes in the order the changes were made. */
  #tail: Promise<void> = Promise.resolve();
  #pending: RoomChange[] = [];
  #draining = false;
  #onRelay: (message: RelayedMessage) => void = () => undefined;
  #onSessionsEnded: (ids: string[], reason: SessionEndReason) => void = () => undefined;

  constructor(options: ClusterOptions) {
    this.#options = options;
    this.instance = options.instance ?? randomBytes(6).toString('hex');
    if (!INSTANCE_ID.test(this.instance))
      throw new Error('an instance id is 1 to 30 lower-case letters, digits or "-"');
  }

  get #channel(): string {
    return `sig-${this.instance}`;
  }

  /**
   * Joins the cluster: subscribes, loads the rooms as PostgreSQL holds them, and starts the
   * heartbeat. `rooms` is the registry this instance's changes come from.
   */
  async start(handlers: {
    rooms: Rooms;
    sessionsEnded: (ids: string[], reason: SessionEndReason) => void;
  }): Promise<void> {
    const { bus, storage } = this.#options;
    this.#rooms = handlers.rooms;
    this.#onSessionsEnded = handlers.sessionsEnded;
    // Changes arriving while the rooms load are applied after them.
    const early: RoomChange[] = [];
    let loaded = false;
    this.#stops.push(
      bus.subscribe(ROOMS, (message) => {
        const { from, change } = message as { from: string; change: RoomChange };
        if (from === this.instance) return;
        if (!loaded) early.push(change);
        else this.#apply(change);
      }),
      bus.subscribe(this.#channel, (message) => this.#onRelay(message as RelayedMessage)),
      bus.subscribe(SESSIONS, (message) => {
        const { from, ids, reason } = message as { from: string; ids: string[]; reason: SessionEndReason };
        if (from !== this.instance) this.#onSessionsEnded(ids, reason);
      }),
    );
    await bus.ready();
    await this.#beat();
    // A socket held by an instance no longer alive is no socket.
    const rows = await storage.query<{ consultation: string; state: ParticipantState; instance: string | null }>(
      `SELECT p.consultation, p.state, i.id AS instance
         FROM room_participant p LEFT JOIN server_instance i ON i.id = p.instance`,
    );
    handlers.rooms.load(
      rows.map((row) => ({
        cid: row.consultation,
        state: { ...row.state, instance: row.instance, connected: row.instance !== null && row.state.connected },
      })),
    );
    loaded = true;
    for (const change of early.splice(0)) this.#apply(change);
    const beat = () => {
      this.#beat()
        .then(() => this.#reap())
        .catch((error: unknown) => this.#options.log.error({ err: error }, 'instance heartbeat failed'))
        .finally(() => {
          if (this.#stops.length > 0) {
            this.#timer = setTimeout(beat, this.#options.heartbeatMs ?? 2_000);
            this.#timer.unref();
          }
        });
    };
    this.#timer = setTimeout(beat, this.#options.heartbeatMs ?? 2_000);
    this.#timer.unref();
  }

  #apply(change: RoomChange): void {
    try {
      this.#rooms?.apply(change);
    } catch (error) {
      this.#options.log.error({ err: error, change: change.kind }, 'applying a room change failed');
    }
  }

  async #beat(): Promise<void> {
    await this.#options.storage.query(
      `INSERT INTO server_instance (id) VALUES ($1) ON CONFLICT (id) DO UPDATE SET seen_at = now()`,
      [this.instance],
    );
  }

  /** Deletes the instances not seen for `expireMs`; for each one deleted here, everyone hears it is gone. */
  async #reap(): Promise<void> {
    const gone = await this.#options.storage.query<{ id: string }>(
      `DELETE FROM server_instance WHERE seen_at < now() - make_interval(secs => $1) AND id <> $2 RETURNING id`,
      [(this.#options.expireMs ?? 8_000) / 1000, this.instance],
    );
    // Rooms nobody has held a socket in for six hours are forgotten, as each replica forgets them
    // (the registry's IDLE_ROOM_MS): names and session ids are not kept longer than needed.
    // Every thirtieth beat (a minute) is often enough.
    if (++this.#beats % 30 === 0)
      await this.#options.storage.query(
        `DELETE FROM room_participant r WHERE NOT EXISTS (
         SELECT 1 FROM room_participant p
          WHERE p.consultation = r.consultation AND (p.instance IS NOT NULL OR p.updated_at > now() - interval '6 hours'))`,
      );
    for (const { id } of gone) {
      this.#options.log.warn({ instance: id }, 'a server instance stopped answering: its pages are shown disconnected');
      this.publish({ kind: 'gone', instance: id });
      this.#apply({ kind: 'gone', instance: id });
    }
  }

  /** Stores a change made here, then tells the other instances (in the order changes were made). */
  publish(change: RoomChange): void {
    this.#pending.push(change);
    if (this.#draining) return;
    this.#draining = true;
    this.#tail = this.#tail.then(() => this.#drain());
  }

  /**
   * Stores what is pending in one transaction (one commit for a burst: a practice's morning of
   * connections), then publishes it, in order; changes made meanwhile make the next batch.
   */
  async #drain(): Promise<void> {
    const { storage, bus, log } = this.#options;
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending.splice(0, 500);
        try {
          await storage.transaction(async (tx) => {
            for (const change of batch) await this.#store(tx, change);
          });
        } catch (error) {
          log.error({ err: error, changes: batch.length }, 'storing room changes failed');
        }
        await Promise.all(batch.map((change) => bus.publish(ROOMS, { from: this.instance, change }))).catch(
          (error: unknown) => log.error({ err: error }, 'publishing room changes failed'),
        );
      }
    } finally {
      this.#draining = false;
    }
  }

  async #store(storage: SqlExecutor, change: RoomChange): Promise<void> {
    switch (change.kind) {
      case 'patch': {
        const { instance, ...fields } = change.patch;
        await storage.query(
          `INSERT INTO room_participant (consultation, peer_id, state, instance, version)
           VALUES ($1, $2, $3::jsonb, $4, nextval('room_participant_version'))
           ON CONFLICT (consultation, peer_id) DO UPDATE SET
             state = room_participant.state || EXCLUDED.state,
             instance = CASE WHEN $5 THEN EXCLUDED.instance ELSE room_participant.instance END,
             version = EXCLUDED.version, updated_at = now()`,
          [change.cid, change.peerId, JSON.stringify(fields), instance ?? null, instance !== undefined],
        );
        return;
      }
      case 'delete':
        await storage.query('DELETE FROM room_participant WHERE consultation = $1 AND peer_id = $2', [
          change.cid,
          change.peerId,
        ]);
        return;
      case 'end':
        await storage.query('DELETE FROM room_participant WHERE consultation = $1', [change.cid]);
        return;
      case 'gone':
        await storage.query(
          `UPDATE room_participant SET instance = NULL, state = state || '{"connected":false}'::jsonb WHERE instance = $1`,
          [change.instance],
        );
        return;
      // Broadcasts are not stored; nor is the recording state, which travels on the bus only (an
      // instance starting later learns it at the next change).
      case 'broadcast':
      case 'recording':
        return;
    }
  }

  /** The live instance holding the socket of `peerId` in `cid`, as PostgreSQL has it, or null. */
  async locate(cid: string, peerId: string): Promise<string | null> {
    const [row] = await this.#options.storage.query<{ instance: string }>(
      `SELECT p.instance FROM room_participant p JOIN server_instance i ON i.id = p.instance
        WHERE p.consultation = $1 AND p.peer_id = $2`,
      [cid, peerId],
    );
    return row?.instance ?? null;
  }

  /** Where messages relayed to this instance go (the signalling plugin's sockets). */
  handleRelays(deliver: (message: RelayedMessage) => void): void {
    this.#onRelay = deliver;
  }

  /** Sends a signalling message to the instance holding its destination's socket. */
  relay(instance: string, message: RelayedMessage): void {
    this.#options.bus
      .publish(`sig-${instance}`, message)
      .catch((error: unknown) => this.#options.log.error({ err: error }, 'relaying to another instance failed'));
  }

  /** Sessions ended (revoked): every instance closes the sockets it holds of them. */
  endSessions(ids: readonly string[], reason: SessionEndReason): void {
    if (ids.length === 0) return;
    // Their participants leave the stored rooms too (each replica forgets them on hearing this).
    this.#tail = this.#tail
      .then(async () => {
        await this.#options.storage.query(`DELETE FROM room_participant WHERE state->>'sid' = ANY($1::text[])`, [
          [...ids],
        ]);
      })
      .catch((error: unknown) => this.#options.log.error({ err: error }, 'forgetting ended sessions failed'));
    this.#options.bus
      .publish(SESSIONS, { from: this.instance, ids, reason })
      .catch((error: unknown) => this.#options.log.error({ err: error }, 'announcing ended sessions failed'));
  }

  /** Waits for the changes made so far to be stored and published. */
  async flushed(): Promise<void> {
    await this.#tail;
  }

  /** Leaves: the sockets this instance held are shown disconnected to the others. */
  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    for (const stop of this.#stops.splice(0)) stop();
    await this.#tail;
    await this.#options.storage
      .query('DELETE FROM server_instance WHERE id = $1', [this.instance])
      .catch(() => undefined);
  }
}
