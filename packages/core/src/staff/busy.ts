/**
 * A staff command's pending state beside its result (not exported from the package): the key of
 * the command at work listed in the store while it runs, and its failure as the store's error.
 */
import type { WritableStore } from '../store.js';

/** The fields of a state `S` that list keys (`sending`, `calling`). */
type KeyList<S> = { [K in keyof S]: S[K] extends readonly string[] ? K : never }[keyof S];

/**
 * Runs `run` with `key` listed once in `store`'s `field` meanwhile (a button shows it waits), and
 * takes the key out when it is done. On success the store's `error` is cleared; a failure becomes
 * the store's `error` as `asFailure` makes it, and is thrown.
 */
export async function whileListed<S extends { error: Error | null }, T>(
  store: WritableStore<S>,
  field: KeyList<S>,
  key: string,
  asFailure: (error: unknown) => NonNullable<S['error']>,
  run: () => Promise<T>,
): Promise<T> {
  const others = () => (store.get()[field] as readonly string[]).filter((k) => k !== key);
  store.update({ [field]: [...others(), key] } as Partial<S>);
  try {
    const result = await run();
    store.update({ error: null } as Partial<S>);
    return result;
  } catch (error) {
    const failure = asFailure(error);
    store.update({ error: failure } as Partial<S>);
    throw failure;
  } finally {
    store.update({ [field]: others() } as Partial<S>);
  }
}
