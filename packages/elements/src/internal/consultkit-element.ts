import { LitElement, type PropertyDeclarations } from 'lit';
import { LOCALE_STATUS_EVENT } from '@lit/localize';
import type { CkEventMap } from './events.js';
import { followActiveLocale } from './active-locale.js';
import { langAround } from './lang.js';
import { matchLocale } from './locale-match.js';
import { sourceLocale } from '../locales/locale-codes.js';
import { VERSION } from './version.js';

type Detail<K extends keyof CkEventMap> = CkEventMap[K] extends CustomEvent<infer D> ? D : never;

/** A `ck-` event: bubbling and composed, so hosts can listen on the element or any ancestor. */
function ckEvent<K extends keyof CkEventMap>(name: K, detail: Detail<K>, cancelable: boolean): CustomEvent<Detail<K>> {
  return new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable });
}

/** The connected elements, to follow `lang` changes and re-render when a language is ready. */
const connected = new Set<ConsultKitElement>();
let observer: MutationObserver | undefined;
const watched = new WeakSet<Node>();
/** The localization runtime, once a page has asked for a language other than English. */
let runtime: Promise<typeof import('../localization.js')> | undefined;

/** One observer of `lang` for every element (on the document and the shadow roots they sit in). */
function watch(root: Node): void {
  if (!observer) {
    observer = new MutationObserver(() => connected.forEach((element) => element.followLang()));
    addEventListener(LOCALE_STATUS_EVENT, (event) => {
      if ((event as CustomEvent<{ status: string }>).detail.status === 'ready')
        connected.forEach((element) => element.requestUpdate());
    });
  }
  const target = root instanceof Document ? root.documentElement : root;
  if (watched.has(target)) return;
  watched.add(target);
  observer.observe(target, { attributes: true, attributeFilter: ['lang'], subtree: true });
}

/**
 * Base of every ConsultKit element: a typed `emit` for the `ck-` events, and the language it
 * speaks: its `locale`, else the nearest `lang` around it (decision 31). Its `dir` follows the
 * language (right to left for Arabic and Urdu) unless the page set `dir` on it.
 */
export class ConsultKitElement extends LitElement {
  /** The version of `@consultkit/elements` this element comes from (named when two versions meet on a page). */
  static readonly version: string = VERSION;

  static override properties: PropertyDeclarations = { locale: { noAccessor: true } };

  #locale = '';

  /**
   * The language to show, as a BCP 47 tag (`cy`, `pl`, `pa-Guru`, `ur-PK`); '' (the default) to
   * follow the nearest `lang` attribute. Languages without translations show British English.
   */
  get locale(): string {
    return this.#locale;
  }

  set locale(value: string) {
    const old = this.#locale;
    this.#locale = value ?? '';
    this.requestUpdate('locale', old);
    if (this.isConnected) this.followLang();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    followActiveLocale();
    connected.add(this);
    watch(document);
    watch(this.getRootNode());
    this.followLang();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    connected.delete(this);
  }

  /**
   * Asks for the messages of this element's language and sets its direction. Called when it
   * connects, when its `locale` changes and when a `lang` attribute changes. In English, until a
   * page asks for another language, nothing is loaded.
   * @internal
   */
  followLang(): void {
    const tag = this.#locale || langAround(this);
    // A page with no `lang` anywhere keeps whatever language is shown.
    if (!tag || (!runtime && matchLocale(tag) === sourceLocale)) return;
    (runtime ??= import('../localization.js')).then(
      (localization) => localization.follow(this, tag),
      () => (runtime = undefined),
    );
  }

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
