/**
 * Presence (docs/staff.md, "Presence"; docs/decisions/0042-directory-and-presence.md): what each
 * member of staff set (available, busy, away), overridden by what is derived: a live join session
 * in a call is "in a consultation", no staff connection open is "offline".
 *
 * State lives in PostgreSQL (or PGlite): the state each person set with their last-seen time, and
 * one row per open staff connection, named with the instance that holds it (a row of an instance
 * no longer alive does not count). Any change is announced on the bus (`presence`) with the ids it
 * concerns; every instance then works their presence out again and tells its own viewers what
 * changed. Who is in a call each instance reads from its replica of the rooms.
 */
import { randomBytes } from 'node:crypto';
import { PRESENCE_EVENT, type Presence, type PresenceState, type SettablePresence } from '@consultkit/core/contract';
import type { Bus } from '../bus.js';
import type { Storage } from '../storage/index.js';

/** A staff connection: it hears every presence change, and the call-ins meant for its person. */
export interface PresenceViewer {
  /** The practitioner signed in on it, or undefined (a system watching with the staff key). */
  person: number | undefined;
  send(event: string, data: unknown): void;
}

export interface PresenceOptions {
  storage: Storage;
  bus: Bus;
  instance: string;
  now: () => number;
  /** The sessions in a call now (connected, let in, not left): from the rooms. */
  liveSessions: () => string[];
  /** Whether instances share one PostgreSQL (then a connection counts only if its instance is alive). */
  clustered: boolean;
  log: { error(object: object, message: string): void };
}

const CHANNEL = 'presence';
/** An instance whose heartbeat is older than this holds no connection (room/cluster.ts beats every 2 s). */
const INSTANCE_ALIVE_SECONDS = 10;

type BusMessage = { kind: 'changed'; ids: number[] } | { kind: 'notify'; person: number; event: string; data: unknown };

export class PresenceService {
  readonly #viewers = new Set<PresenceViewer>();
  /** What this instance last told its viewers, per person. */
  readonly #told = new Map<number, string>();
  /** Who is in a call, as last worked out from the rooms. */
  #inCall = new Set<number>();
  #roomsTimer: NodeJS.Timeout | undefined;
  #stop: () => void;
  #stopped = false;

  constructor(private readonly options: PresenceOptions) {
    this.#stop = options.bus.subscribe(CHANNEL, (message) => this.#received(message as BusMessage));
  }

  /** Forgets connections this instance held before a restart (alone on the database: every stale row). */
  async start(): Promise<void> {
    if (this.options.clustered) {
      await this.options.storage.query(
        `DELETE FROM staff_presence_socket WHERE instance = $1
            OR instance NOT IN (SELECT id FROM server_instance WHERE seen_at > now() - make_interval(secs => $2))`,
        [this.options.instance, INSTANCE_ALIVE_SECONDS],
      );
    } else {
      await this.options.storage.query('DELETE FROM staff_presence_socket WHERE instance <> $1', [
        this.options.instance,
      ]);
    }
  }

  stop(): void {
    this.#stopped = true;
    this.#stop();
    clearTimeout(this.#roomsTimer);
    this.#viewers.clear();
  }

  /**
   * A staff connection opened; the function returned closes it. The viewer hears what is told from
   * the moment this is called (before its first wait): the stream's headers are already sent, so the
   * page may act on them (catch up, start a conversation) while the connection's row is written, and
   * what it causes must reach it.
   */
  async open(viewer: PresenceViewer): Promise<() => Promise<void>> {
    const id = randomBytes(12).toString('base64url');
    const person = viewer.person;
    this.#viewers.add(viewer);
    if (person !== undefined) {
      const now = new Date(this.options.now());
      try {
        await this.options.storage.query(
          'INSERT INTO staff_presence_socket (id, practitioner_id, instance, opened_at) VALUES ($1, $2, $3, $4)',
          [id, person, this.options.instance, now],
        );
        await this.#seen(person, now);
      } catch (error) {
        this.#viewers.delete(viewer);
        throw error;
      }
    }
    viewer.send(PRESENCE_EVENT.snapshot, { people: await this.snapshot() });
    if (person !== undefined) await this.#announce([person]);
    let closed = false;
    return async () => {
      if (closed) return;
      closed = true;
      this.#viewers.delete(viewer);
      if (person === undefined || this.#stopped) return;
      await this.options.storage.query('DELETE FROM staff_presence_socket WHERE id = $1', [id]);
      await this.#seen(person, new Date(this.options.now()));
      await this.#announce([person]);
    };
  }

  /** The person sets their presence. */
  async set(person: number, state: SettablePresence): Promise<Presence> {
    const now = new Date(this.options.now());
    await this.options.storage.query(
      `INSERT INTO staff_presence (practitioner_id, state, last_seen_at, updated_at) VALUES ($1, $2, $3, $3)
       ON CONFLICT (practitioner_id) DO UPDATE SET state = $2, last_seen_at = $3, updated_at = $3`,
      [person, state, now],
    );
    await this.#announce([person]);
    return (await this.presenceOf([person]))[0]!;
  }

  /** Everyone in the directory. */
  async snapshot(): Promise<Presence[]> {
    const rows = await this.options.storage.query<{ id: number }>(
      'SELECT DISTINCT practitioner_id AS id FROM practitioner_role WHERE active ORDER BY 1',
    );
    return this.presenceOf(rows.map((row) => row.id));
  }

  /** Whether `person` has a staff connection open (on a live instance). */
  async connected(person: number): Promise<boolean> {
    return (await this.#connectedAmong([person])).has(person);
  }

  /** Sends `event` to every connection of `person`, on every instance. */
  async notify(person: number, event: string, data: unknown): Promise<void> {
    await this.options.bus.publish(CHANNEL, { kind: 'notify', person, event, data } satisfies BusMessage);
  }

  async presenceOf(ids: number[]): Promise<Presence[]> {
    if (ids.length === 0) return [];
    const set = await this.options.storage.query<{ id: number; state: SettablePresence; last_seen_at: Date | null }>(
      'SELECT practitioner_id AS id, state, last_seen_at FROM staff_presence WHERE practitioner_id = ANY($1::int[])',
      [ids],
    );
    const byId = new Map(set.map((row) => [row.id, row]));
    const online = await this.#connectedAmong(ids);
    return ids.map((id) => {
      const row = byId.get(id);
      const state: PresenceState = this.#inCall.has(id)
        ? 'in-consultation'
        : !online.has(id)
          ? 'offline'
          : (row?.state ?? 'available');
      return {
        practitioner: String(id),
        state,
        ...(row?.last_seen_at ? { lastSeen: new Date(row.last_seen_at).toISOString() } : {}),
      };
    });
  }

  /** The rooms changed (someone joined, left, was let in): who is in a call is worked out again, soon. */
  roomsChanged(): void {
    if (this.#roomsTimer) return;
    this.#roomsTimer = setTimeout(() => {
      this.#roomsTimer = undefined;
      this.#refreshCalls().catch((error: unknown) =>
        this.options.log.error({ err: error }, 'working out who is in a call failed'),
      );
    }, 50);
    this.#roomsTimer.unref();
  }

  async #refreshCalls(): Promise<void> {
    const sids = this.options.liveSessions();
    const rows =
      sids.length === 0
        ? []
        : await this.options.storage.query<{ id: number }>(
            `SELECT COALESCE(s.staff_practitioner_id, a.practitioner_id) AS id
               FROM join_session s JOIN appointment a ON a.id = s.appointment_id
              WHERE s.id = ANY($1::text[]) AND s.role = 'clinician'
             UNION
             SELECT c.practitioner_id AS id FROM join_session s JOIN staff_call_in c ON c.guest_id = s.guest_id
              WHERE s.id = ANY($1::text[]) AND s.role = 'guest'`,
            [sids],
          );
    const next = new Set(rows.map((row) => row.id));
    const changed = [...new Set([...next, ...this.#inCall])].filter((id) => next.has(id) !== this.#inCall.has(id));
    this.#inCall = next;
    if (changed.length === 0) return;
    const now = new Date(this.options.now());
    for (const id of changed) await this.#seen(id, now);
    await this.#tell(changed);
  }

  async #seen(person: number, at: Date): Promise<void> {
    await this.options.storage.query(
      `INSERT INTO staff_presence (practitioner_id, last_seen_at, updated_at) VALUES ($1, $2, $2)
       ON CONFLICT (practitioner_id) DO UPDATE SET last_seen_at = $2, updated_at = $2`,
      [person, at],
    );
  }

  async #connectedAmong(ids: number[]): Promise<Set<number>> {
    const rows = this.options.clustered
      ? await this.options.storage.query<{ id: number }>(
          `SELECT DISTINCT s.practitioner_id AS id FROM staff_presence_socket s
            WHERE s.practitioner_id = ANY($1::int[])
              AND (s.instance = $2 OR s.instance IN (
                SELECT id FROM server_instance WHERE seen_at > now() - make_interval(secs => $3)))`,
          [ids, this.options.instance, INSTANCE_ALIVE_SECONDS],
        )
      : await this.options.storage.query<{ id: number }>(
          'SELECT DISTINCT practitioner_id AS id FROM staff_presence_socket WHERE practitioner_id = ANY($1::int[])',
          [ids],
        );
    return new Set(rows.map((row) => row.id));
  }

  async #announce(ids: number[]): Promise<void> {
    await this.options.bus.publish(CHANNEL, { kind: 'changed', ids } satisfies BusMessage);
  }

  #received(message: BusMessage): void {
    if (message.kind === 'notify') {
      for (const viewer of this.#viewers)
        if (viewer.person === message.person) viewer.send(message.event, message.data);
      return;
    }
    this.#tell(message.ids).catch((error: unknown) =>
      this.options.log.error({ err: error }, 'telling a presence change failed'),
    );
  }

  /** Works out the presence of `ids` and sends what changed to this instance's viewers. */
  async #tell(ids: number[]): Promise<void> {
    for (const presence of await this.presenceOf(ids)) {
      const id = Number(presence.practitioner);
      const text = JSON.stringify(presence);
      if (this.#told.get(id) === text) continue;
      this.#told.set(id, text);
      for (const viewer of this.#viewers) viewer.send(PRESENCE_EVENT.change, presence);
    }
  }
}
