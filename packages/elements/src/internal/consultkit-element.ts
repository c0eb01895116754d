import { LitElement } from 'lit';
import type { CkEventMap } from './events.js';

type Detail<K extends keyof CkEventMap> = CkEventMap[K] extends CustomEvent<infer D> ? D : never;

/** Base of every ConsultKit element: a typed `emit` for the `ck-` events. */
export class ConsultKitElement extends LitElement {
  /**
   * Fires `name` with `detail`, bubbling and composed. Returns `false` when the event was
   * cancelable and a listener called `preventDefault()`.
   */
  protected emit<K extends keyof CkEventMap>(name: K, detail: Detail<K>, options: { cancelable?: boolean } = {}): boolean {
    return this.dispatchEvent(
      new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable: options.cancelable ?? false }),
    );
  }
}
