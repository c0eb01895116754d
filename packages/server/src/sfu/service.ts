/**
 * Rooms on Janus for calls past four (docs/decisions/0013-janus-auth.md).
 *
 * One VideoRoom room per consultation, on one Janus instance (the `sfu_room` row says which), made
 * by the server through the Admin API with a random `secret` (to manage it) and `pin` (to join it).
 * A participant asks for its access with its join session and gets a Janus token minted for that
 * session: added to Janus (`add_token`, allowed the VideoRoom plugin only) and to the room's
 * `allowed` list. Revoking the session removes both and kicks the participant's publisher; the
 * consultation ending destroys the room and removes every token of its sessions.
 */
import { createHmac, randomBytes, randomInt } from 'node:crypto';
import type { SfuAccess } from '@consultkit/core/contract';
import type { Storage } from '../storage/index.js';
import { JanusAdmin, JanusError, VIDEOROOM, VIDEOROOM_NO_SUCH_ROOM } from './janus.js';

/** What the server knows of one Janus instance. */
export interface JanusInstance {
  /** The Janus API participants use (ws(s):// or http(s)://…/janus); also the instance's name. */
  url: string;
  admin: JanusAdmin;
}

/** Appointment statuses in which a room may be used. */
const LIVE = new Set(['booked', 'arrived']);

/** Statuses that end the consultation, and with it the room. */
export const ENDS_ROOM = new Set(['fulfilled', 'cancelled', 'noshow', 'entered-in-error']);

export class SfuEnded extends Error {
  constructor() {
    super('This consultation has ended: its video room is closed.');
    this.name = 'SfuEnded';
  }
}

interface RoomRow {
  appointment_id: number;
  instance: string;
  room: string | number;
  secret: string;
  pin: string;
  destroyed_at: Date | null;
}

export interface SfuOptions {
  storage: Storage;
  /** The Janus instances by name; new rooms go to `pick()`. */
  instances: JanusInstance[];
  /** Derives participants' tokens (the server's secret). */
  secret: string;
  /** Publishers per room (≥ 6). */
  publishers?: number;
  now?: () => Date;
  /** Chooses the instance of a new room (the first by default). */
  pick?: (instances: JanusInstance[]) => JanusInstance;
}

export class SfuService {
  readonly #now: () => Date;
  readonly #publishers: number;

  constructor(private readonly options: SfuOptions) {
    if (options.instances.length === 0) throw new Error('SfuService needs a Janus instance');
    this.#now = options.now ?? (() => new Date());
    this.#publishers = Math.max(6, options.publishers ?? 12);
  }

  #instance(name: string): JanusInstance {
    const instance = this.options.instances.find((i) => i.url === name);
    if (!instance) throw new Error(`Room on a Janus instance this server no longer knows: ${name}`);
    return instance;
  }

  /** The Janus token of a join session: derived, so it is never stored. */
  tokenOf(sessionId: string): string {
    return createHmac('sha256', this.options.secret).update(`consultkit:janus-token:${sessionId}`).digest('base64url');
  }

  /**
   * The publisher id a session joins with (1 … 2^48: JSON keeps it whole); `'screen'`: the one of
   * its shared screen, a second publisher of the same session.
   */
  publisherIdOf(sessionId: string, stream?: 'screen'): number {
    const label = stream === 'screen' ? 'janus-screen-publisher' : 'janus-publisher';
    const digest = createHmac('sha256', this.options.secret).update(`consultkit:${label}:${sessionId}`).digest();
    return digest.readUIntBE(0, 6) + 1;
  }

  /** The room row of an appointment, made (in the database) when there is none yet. */
  async #roomRow(appointmentId: number): Promise<RoomRow> {
    const [existing] = await this.options.storage.query<RoomRow>(
      'SELECT appointment_id, instance, room, secret, pin, destroyed_at FROM sfu_room WHERE appointment_id = $1',
      [appointmentId],
    );
    if (existing) return existing;
    const instance = (this.options.pick ?? ((all) => all[0]!))(this.options.instances);
    const secret = randomBytes(24).toString('base64url');
    const pin = randomBytes(12).toString('base64url');
    // VideoRoom room ids are integers: below 2^48, JSON keeps them whole.
    const room = randomInt(1, 2 ** 48);
    // Two participants asking at once: one row wins, both use it.
    await this.options.storage.query(
      `INSERT INTO sfu_room (appointment_id, instance, room, secret, pin, created_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (appointment_id) DO NOTHING`,
      [appointmentId, instance.url, room, secret, pin, this.#now()],
    );
    const [row] = await this.options.storage.query<RoomRow>(
      'SELECT appointment_id, instance, room, secret, pin, destroyed_at FROM sfu_room WHERE appointment_id = $1',
      [appointmentId],
    );
    return row!;
  }

  /**
   * Access to the room of `appointmentId` for the live join session `sessionId`: creates the room
   * (on first use, or again after Janus restarted) and mints the session's token.
   */
  async access(appointmentId: number, appointmentStatus: string, sessionId: string): Promise<SfuAccess> {
    if (!LIVE.has(appointmentStatus)) throw new SfuEnded();
    const row = await this.#roomRow(appointmentId);
    if (row.destroyed_at) throw new SfuEnded();
    const instance = this.#instance(row.instance);
    const room = Number(row.room);
    const token = this.tokenOf(sessionId);
    if (!(await instance.admin.roomExists(room))) {
      await instance.admin.createRoom({
        room,
        description: `ConsultKit consultation ${appointmentId}`,
        secret: row.secret,
        pin: row.pin,
        publishers: this.#publishers,
        allowed: [],
      });
    }
    await instance.admin.addToken(token, [VIDEOROOM]);
    await instance.admin.allowed(room, row.secret, 'add', [token]);
    return {
      janusUrl: instance.url,
      plugin: VIDEOROOM,
      room,
      pin: row.pin,
      token,
      publisherId: this.publisherIdOf(sessionId),
      screenPublisherId: this.publisherIdOf(sessionId, 'screen'),
      publishers: this.#publishers,
      simulcast: { rids: ['h', 'm', 'l'] },
    };
  }

  /**
   * The sessions were revoked: their tokens stop working in Janus (every request), leave their
   * room's `allowed` list, their publishers are kicked, and the room's pin changes (a subscriber
   * joins with the pin alone, so a pin someone kept from a revoked session must stop working; the
   * participants still in the call get the new pin when they next ask).
   */
  async revoke(sessionIds: readonly string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    const rows = await this.options.storage.query<RoomRow & { session_id: string }>(
      `SELECT s.id AS session_id, r.appointment_id, r.instance, r.room, r.secret, r.pin, r.destroyed_at
         FROM join_session s JOIN sfu_room r ON r.appointment_id = s.appointment_id
        WHERE s.id = ANY($1::text[])`,
      [[...sessionIds]],
    );
    // First the tokens: from now on their holders can make no request to Janus at all.
    const byRoom = new Map<number, { row: RoomRow; sessions: string[] }>();
    for (const row of rows) {
      await this.#instance(row.instance).admin.removeToken(this.tokenOf(row.session_id));
      if (row.destroyed_at) continue;
      const entry = byRoom.get(row.appointment_id) ?? { row, sessions: [] };
      entry.sessions.push(row.session_id);
      byRoom.set(row.appointment_id, entry);
    }
    // Then each room: a new pin, the tokens off its list, their publishers out.
    for (const { row, sessions } of byRoom.values()) {
      const pin = randomBytes(12).toString('base64url');
      await this.options.storage.query('UPDATE sfu_room SET pin = $2 WHERE appointment_id = $1', [
        row.appointment_id,
        pin,
      ]);
      const instance = this.#instance(row.instance);
      const room = Number(row.room);
      try {
        await instance.admin.editPin(room, row.secret, pin);
        await instance.admin.allowed(
          room,
          row.secret,
          'remove',
          sessions.map((id) => this.tokenOf(id)),
        );
        for (const id of sessions) {
          await instance.admin.kick(room, row.secret, this.publisherIdOf(id));
          await instance.admin.kick(room, row.secret, this.publisherIdOf(id, 'screen'));
        }
      } catch (error) {
        // No room (never made on this Janus, or destroyed as the consultation ended): nothing to do.
        if (!(error instanceof JanusError && error.code === VIDEOROOM_NO_SUCH_ROOM)) throw error;
      }
    }
  }

  /** The consultation ended: its room is destroyed and every token of its sessions removed. */
  async end(appointmentId: number): Promise<boolean> {
    const [row] = await this.options.storage.query<RoomRow>(
      `UPDATE sfu_room SET destroyed_at = $2 WHERE appointment_id = $1 AND destroyed_at IS NULL
       RETURNING appointment_id, instance, room, secret, pin, destroyed_at`,
      [appointmentId, this.#now()],
    );
    if (!row) return false;
    const instance = this.#instance(row.instance);
    await instance.admin.destroyRoom(Number(row.room), row.secret);
    const sessions = await this.options.storage.query<{ id: string }>(
      'SELECT id FROM join_session WHERE appointment_id = $1',
      [appointmentId],
    );
    for (const { id } of sessions) await instance.admin.removeToken(this.tokenOf(id));
    return true;
  }
}
