import { ConsultKitError } from '../errors.js';

/**
 * A part of the consultation made on first use (decision 47): its module is imported, and the part
 * made from it, once; until then `value` is null. A failed import rejects with a `ConsultKitError`
 * (`network`: the practice's service could not be reached) and is tried again at the next use.
 * Once closed (the consultation is over), a part still on its way is not made.
 */
export class LazyPart<T> {
  #value: T | null = null;
  #loading: Promise<T> | null = null;
  #closed = false;

  constructor(
    private readonly what: string,
    private readonly make: () => Promise<T>,
    private readonly made: (value: T) => void = () => undefined,
  ) {}

  /** The part, once made. */
  get value(): T | null {
    return this.#value;
  }

  /** The part: imported and made at the first call, the same one afterwards. */
  get(): Promise<T> {
    if (this.#value) return Promise.resolve(this.#value);
    if (this.#closed)
      return Promise.reject(new ConsultKitError('invalid-state', `${this.what}: the consultation is over`));
    this.#loading ??= this.make().then(
      (value) => {
        if (this.#closed) throw new ConsultKitError('invalid-state', `${this.what}: the consultation is over`);
        this.#value = value;
        this.made(value);
        return value;
      },
      (cause: unknown) => {
        this.#loading = null;
        throw new ConsultKitError('network', `Could not load ${this.what}: ${String(cause)}`, { cause });
      },
    );
    return this.#loading;
  }

  /** Loads the part if it is not here, telling no one of a failure (the next use tries again). */
  want(): void {
    if (!this.#value && !this.#closed) this.get().catch(() => undefined);
  }

  /** The consultation is over: nothing more is made. */
  close(): void {
    this.#closed = true;
  }
}
