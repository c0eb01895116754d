/**
 * The little of Janus's Admin API the server needs, over plain HTTP (`fetch`): adding and removing
 * tokens (`token_auth`), and synchronous VideoRoom requests through `message_plugin` (create,
 * destroy, exists, allowed). One POST per call; no Janus session to keep alive
 * (docs/decisions/0013-janus-auth.md says why not janode).
 */
import { randomBytes } from 'node:crypto';
import { SFU_PLUGIN } from '@consultkit/core/contract';

export const VIDEOROOM = SFU_PLUGIN;

/** A refusal from Janus (its core `error.code`, or the VideoRoom `error_code`). */
export class JanusError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'JanusError';
  }
}

/** Janus could not be reached, or answered something that is not its protocol. */
export class JanusUnreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JanusUnreachable';
  }
}

/** VideoRoom error codes the server acts on (janus_videoroom.c). */
export const VIDEOROOM_NO_SUCH_ROOM = 426;
export const VIDEOROOM_ROOM_EXISTS = 427;

export interface JanusAdminOptions {
  /** The Admin API endpoint, e.g. `http://127.0.0.1:7088/admin`. */
  url: string;
  adminSecret: string;
  /** The VideoRoom `admin_key`, when its configuration sets one (needed to create rooms). */
  roomAdminKey?: string | undefined;
  /** Per request (5 s). */
  timeoutMs?: number;
}

export class JanusAdmin {
  constructor(private readonly options: JanusAdminOptions) {}

  async #post(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const transaction = randomBytes(9).toString('base64url');
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...body, transaction, admin_secret: this.options.adminSecret }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
    } catch (error) {
      throw new JanusUnreachable(`Janus Admin API unreachable: ${(error as Error).message}`);
    }
    let answer: Record<string, unknown>;
    try {
      answer = (await response.json()) as Record<string, unknown>;
    } catch {
      throw new JanusUnreachable(`Janus Admin API answered ${response.status} without JSON`);
    }
    if (answer['transaction'] !== transaction) throw new JanusUnreachable('Janus Admin API answered another request');
    if (answer['janus'] === 'error') {
      const error = answer['error'] as { code?: number; reason?: string } | undefined;
      throw new JanusError(error?.code ?? 0, error?.reason ?? 'Janus refused the request');
    }
    return answer;
  }

  /** `token` may use `plugins` (and nothing else) through Janus's API. */
  async addToken(token: string, plugins: string[] = [VIDEOROOM]): Promise<void> {
    await this.#post({ janus: 'add_token', token, plugins });
  }

  /** `token` no longer works for any request; resolves false when Janus did not know it. */
  async removeToken(token: string): Promise<boolean> {
    try {
      await this.#post({ janus: 'remove_token', token });
      return true;
    } catch (error) {
      if (error instanceof JanusError) return false;
      throw error;
    }
  }

  /** The tokens Janus holds (`list_tokens`). */
  async listTokens(): Promise<string[]> {
    const answer = await this.#post({ janus: 'list_tokens' });
    const tokens = (answer['data'] as { tokens?: { token: string }[] } | undefined)?.tokens ?? [];
    return tokens.map((t) => t.token);
  }

  /**
   * A synchronous VideoRoom request (`message_plugin`): its `response`, or a `JanusError` with the
   * VideoRoom error code.
   */
  async videoroom(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    const answer = await this.#post({ janus: 'message_plugin', plugin: VIDEOROOM, request });
    const response = (answer['response'] ?? {}) as Record<string, unknown>;
    if (response['videoroom'] === 'event' && typeof response['error_code'] === 'number') {
      throw new JanusError(response['error_code'], String(response['error'] ?? 'VideoRoom refused the request'));
    }
    return response;
  }

  /** Creates `room`; true, or false when it already existed. */
  async createRoom(room: RoomSpec): Promise<boolean> {
    try {
      await this.videoroom({
        request: 'create',
        ...(this.options.roomAdminKey ? { admin_key: this.options.roomAdminKey } : {}),
        room: room.room,
        description: room.description,
        secret: room.secret,
        pin: room.pin,
        is_private: true,
        permanent: false,
        publishers: room.publishers,
        videocodec: 'vp8',
        audiocodec: 'opus',
        // Only tokens on the room's list may join it as publishers (`allowed`).
        allowed: room.allowed,
        notify_joining: true,
        require_pvtid: true,
        // Only the server (with the room's secret) starts or stops recording: never a participant.
        lock_record: true,
        bitrate: 1_024_000,
        fir_freq: 10,
      });
      return true;
    } catch (error) {
      if (error instanceof JanusError && error.code === VIDEOROOM_ROOM_EXISTS) return false;
      throw error;
    }
  }

  async roomExists(room: number): Promise<boolean> {
    const response = await this.videoroom({ request: 'exists', room });
    return response['exists'] === true;
  }

  /** Destroys `room`; false when it was already gone. */
  async destroyRoom(room: number, secret: string): Promise<boolean> {
    try {
      await this.videoroom({ request: 'destroy', room, secret, permanent: false });
      return true;
    } catch (error) {
      if (error instanceof JanusError && error.code === VIDEOROOM_NO_SUCH_ROOM) return false;
      throw error;
    }
  }

  /** Adds tokens to, or removes them from, the room's `allowed` list. */
  async allowed(room: number, secret: string, action: 'add' | 'remove', tokens: string[]): Promise<void> {
    await this.videoroom({ request: 'allowed', room, secret, action, allowed: tokens });
  }

  /** Changes the room's pin (participants already in the room stay). */
  async editPin(room: number, secret: string, pin: string): Promise<void> {
    await this.videoroom({ request: 'edit', room, secret, new_pin: pin });
  }

  /** Removes publisher `id` from the room (its media stops); false when no such participant. */
  async kick(room: number, secret: string, id: number): Promise<boolean> {
    try {
      await this.videoroom({ request: 'kick', room, secret, id });
      return true;
    } catch (error) {
      if (error instanceof JanusError) return false;
      throw error;
    }
  }
}

export interface RoomSpec {
  room: number;
  description: string;
  secret: string;
  pin: string;
  publishers: number;
  allowed: string[];
}
