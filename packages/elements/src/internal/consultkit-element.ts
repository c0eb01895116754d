import { LitElement } from 'lit';
import type { CkEventMap } from './events.js';

type Detail<K extends keyof CkEventMap> = CkEventMap[K] extends CustomEvent<infer D> ? D : never;

/** A `ck-` event: bubbling and composed, so hosts can listen on the element or any ancestor. */
function ckEvent<K extends keyof CkEventMap>(name: K, detail: Detail<K>, cancelable: boolean): CustomEvent<Detail<K>> {
  return new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable });
}

/** Base of every ConsultKit element: a typed `emit` for the `ck-` events. */
export class ConsultKitElement extends LitElement {
  /**
   * Fires `name` with `detail`. Returns `false` when the event was cancelable and a listener
   * called `preventDefault()`.
   * @internal
   */
  protected emit<K extends keyof CkEventMap>(
    name: K,
    detail: Detail<K>,
    options: { cancelable?: boolean } = {},
  ): boolean {
    return this.dispatchEvent(ckEvent(name, detail, options.cancelable ?? false));
  }
}
