/**
 * A short hold on a chosen time while the patient fills the form (docs/decisions/0029-picker-speed-and-holds.md).
 * The picker holds the slot when a time is chosen; other searches stop offering it; the booking
 * made with the hold's token takes it over; releasing it, or its lapse, frees it again. A client
 * (an address, as the rate limits key it) has at most `perClient` live holds, and a new hold may
 * replace the client's previous one, so a stranger cannot hold a whole diary.
 */
import { createHash, randomBytes } from 'node:crypto';
import { HttpError } from '../errors.js';
import type { Storage } from '../storage/index.js';
import { BookingRepository } from './repository.js';

/** How long a hold lasts, by default: time to fill the form, not to think about it for an hour. */
export const HOLD_MINUTES = 5;
/** Live holds one client may have at once, by default. */
export const HOLDS_PER_CLIENT = 3;

export interface SlotHoldsOptions {
  storage: Storage;
  now: () => number;
  minutes?: number;
  perClient?: number;
}

export interface Hold {
  /** The hold's token: it releases the hold, and the booking made with it takes the slot over. */
  token: string;
  slotId: number;
  expiresAt: Date;
}

/** The digest a hold's token is stored as. */
export function holdDigest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export class SlotHolds {
  readonly minutes: number;
  readonly perClient: number;
  readonly #storage: Storage;
  readonly #now: () => number;

  constructor(options: SlotHoldsOptions) {
    this.#storage = options.storage;
    this.#now = options.now;
    this.minutes = options.minutes ?? HOLD_MINUTES;
    this.perClient = options.perClient ?? HOLDS_PER_CLIENT;
  }

  /**
   * Holds `slotId` for `clientKey`, first ending the client's hold `replaces` (its token) if given.
   * 404 for no such slot, 409 when it is not free or someone else holds it, 422 when it has
   * started, 429 (with `Retry-After`) when the client holds `perClient` slots already.
   */
  async place(slotId: number, clientKey: string, replaces?: string): Promise<Hold> {
    const now = new Date(this.#now());
    const token = randomBytes(18).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.minutes * 60_000);
    await this.#storage.transaction(async (tx) => {
      const repo = new BookingRepository(tx);
      await repo.deleteLapsedHolds(now);
      if (replaces !== undefined) await repo.deleteHold(holdDigest(replaces));
      const slot = await repo.slot(slotId);
      if (!slot) throw new HttpError(404, 'not-found', `Slot/${slotId} does not exist`);
      if (slot.start_at.getTime() <= now.getTime()) {
        throw new HttpError(422, 'business-rule', `Slot/${slotId} has started; choose a later time`);
      }
      if (slot.status !== 'free') {
        throw new HttpError(409, 'conflict', `Slot/${slotId} is no longer free; choose another time`);
      }
      const live = await repo.liveHolds(clientKey, now);
      if (live.count >= this.perClient) {
        const seconds = Math.max(1, Math.ceil(((live.firstLapse?.getTime() ?? now.getTime()) - now.getTime()) / 1000));
        throw new HttpError(
          429,
          'throttled',
          `This address holds ${live.count} times already (at most ${this.perClient}); book one, or let one go, or try again in ${seconds} seconds`,
          { 'retry-after': String(seconds) },
        );
      }
      const held = await repo.insertHold({ slotId, tokenDigest: holdDigest(token), clientKey, expiresAt, now });
      if (!held) {
        throw new HttpError(409, 'conflict', `Slot/${slotId} is being booked by someone else; choose another time`);
      }
    });
    return { token, slotId, expiresAt };
  }

  /** Ends the hold on `slotId` with this token: `false` when there was none (lapsed, taken, or not this token). */
  async release(slotId: number, token: string): Promise<boolean> {
    return new BookingRepository(this.#storage).deleteHold(holdDigest(token), slotId);
  }
}
