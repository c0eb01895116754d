/**
 * Numbered, idempotent appends (in-call chat, `room/chat.ts`; messages between staff,
 * `staff/messages.ts`): items numbered 1, 2, 3, … per thread with no gaps, each stored once per
 * id its client made.
 *
 * One transaction: take the thread's counter row lock first, then look for the id, then move the
 * counter on and insert. The lock orders the appends of one thread by commit, on one instance or
 * several on one PostgreSQL; taken before the look-up, it also makes a second append of the same id
 * wait for the first and then find it (rather than both missing it and one failing on the unique
 * key).
 */
import type { SqlExecutor, Storage } from './index.js';

/** The largest sequence number (PostgreSQL's `integer`). */
export const SEQ_MAX = 2_147_483_647;

/** A sequence number a client may name: a whole number from 0 to {@link SEQ_MAX}. */
export function isSeq(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= SEQ_MAX;
}

/** A sequence number in a query string (`?after=12`), or undefined when it is none. */
export function parseSeq(raw: unknown): number | undefined {
  if (typeof raw !== 'string' || !/^\d{1,10}$/.test(raw)) return undefined;
  const value = Number(raw);
  return isSeq(value) ? value : undefined;
}

export interface NumberedAppend<T> {
  /** Takes the thread's counter row lock (making the row when the thread has none yet). */
  lock(tx: SqlExecutor): Promise<void>;
  /** The item already stored under this id, if any. */
  find(tx: SqlExecutor): Promise<T | undefined>;
  /** Moves the counter on; the new number. */
  next(tx: SqlExecutor): Promise<number>;
  /** Stores the item under `seq`. */
  insert(tx: SqlExecutor, seq: number): Promise<T>;
}

/** Appends once: `created` is false when the id was already stored (its item is answered). */
export async function appendNumbered<T>(
  storage: Storage,
  steps: NumberedAppend<T>,
): Promise<{ item: T; created: boolean }> {
  return storage.transaction(async (tx) => {
    await steps.lock(tx);
    const known = await steps.find(tx);
    if (known !== undefined) return { item: known, created: false };
    return { item: await steps.insert(tx, await steps.next(tx)), created: true };
  });
}
