import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ReadableStore } from '@consultkit/core';

/**
 * Binds a host element to a core store: the host re-renders when the store changes. The one way
 * elements read core state. The store may be swapped (`store = other`) at any time.
 */
export class StoreController<T> implements ReactiveController {
  #store: ReadableStore<T> | undefined;
  #unsubscribe: (() => void) | undefined;
  #connected = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly onChange?: (value: T, previous: T | undefined) => void,
  ) {
    host.addController(this);
  }

  /** The current value, or `undefined` without a store. */
  get value(): T | undefined {
    return this.#store?.get();
  }

  get store(): ReadableStore<T> | undefined {
    return this.#store;
  }

  set store(store: ReadableStore<T> | undefined) {
    if (store === this.#store) return;
    const previous = this.value;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#store = store;
    if (this.#connected) this.#subscribe();
    const value = this.value;
    if (value !== undefined) this.onChange?.(value, previous);
    this.host.requestUpdate();
  }

  hostConnected(): void {
    this.#connected = true;
    this.#subscribe();
    this.host.requestUpdate();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  #subscribe(): void {
    const store = this.#store;
    if (!store || this.#unsubscribe) return;
    let previous: T | undefined = store.get();
    this.#unsubscribe = store.subscribe((value) => {
      const before = previous;
      previous = value;
      this.onChange?.(value, before);
      this.host.requestUpdate();
    });
  }
}
