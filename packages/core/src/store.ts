/**
 * A tiny subscribable store: the one shape of state in ConsultKit. Elements bind to it through a
 * single reactive controller; scripts call `get()` and `subscribe()` directly.
 */

/** Read side of a store: what views and scripts see. */
export interface ReadableStore<T> {
  /** The current value. */
  get(): T;
  /**
   * Calls `listener` with every new value (not the current one) until the returned function is
   * called.
   */
  subscribe(listener: (value: T) => void): () => void;
}

/** A store its owner can write. Values are replaced, never mutated, so views can compare. */
export interface WritableStore<T> extends ReadableStore<T> {
  /** Merges `patch` into the value; listeners hear of it only if something changed. */
  update(patch: Partial<T>): void;
}

export function createStore<T extends object>(initial: T): WritableStore<T> {
  let value = Object.freeze({ ...initial });
  const listeners = new Set<(value: T) => void>();
  return {
    get: () => value,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    update(patch) {
      const changed = (Object.keys(patch) as (keyof T)[]).some((key) => !Object.is(value[key], patch[key]));
      if (!changed) return;
      value = Object.freeze({ ...value, ...patch });
      for (const listener of [...listeners]) listener(value);
    },
  };
}
