import { expect } from '@open-wc/testing';
import { ConsultKitError } from '../errors.js';
import { LazyPart } from './lazy.js';

/** A part's module as a promise the test settles. */
function module<T>() {
  let settle!: { resolve: (value: T) => void; reject: (error: unknown) => void };
  const promise = new Promise<T>((resolve, reject) => (settle = { resolve, reject }));
  return { promise, ...settle };
}

describe('LazyPart (a consultation part made on first use)', () => {
  it('imports once and makes one part, however many ask meanwhile; told once when made', async () => {
    let imports = 0;
    const made: object[] = [];
    const gate = module<object>();
    const part = new LazyPart(
      'the part',
      () => {
        imports++;
        return gate.promise;
      },
      (value) => made.push(value),
    );
    expect(part.value).to.equal(null);
    const first = part.get();
    part.want();
    const second = part.get();
    const value = { made: true };
    gate.resolve(value);
    expect(await first).to.equal(value);
    expect(await second).to.equal(value);
    expect(await part.get()).to.equal(value);
    expect(part.value).to.equal(value);
    expect(imports).to.equal(1);
    expect(made).to.deep.equal([value]);
  });

  it('a failed import rejects with a ConsultKitError `network`, and the next use tries again', async () => {
    let imports = 0;
    const part = new LazyPart('screen sharing', async () => {
      imports++;
      if (imports === 1) throw new TypeError('Failed to fetch dynamically imported module');
      return { ok: true };
    });
    const error = await part.get().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ConsultKitError);
    expect((error as ConsultKitError).code).to.equal('network');
    expect((error as ConsultKitError).message).to.contain('screen sharing');
    expect(part.value).to.equal(null);
    expect(await part.get()).to.deep.equal({ ok: true });
    expect(imports).to.equal(2);
  });

  it('closed: a part on its way is not made, and asking again rejects with `invalid-state`', async () => {
    const made: unknown[] = [];
    const gate = module<object>();
    const part = new LazyPart(
      'the documents',
      () => gate.promise,
      (value) => made.push(value),
    );
    const pending = part.get().then(
      () => null,
      (e: unknown) => e,
    );
    part.close();
    gate.resolve({});
    expect(((await pending) as ConsultKitError).code).to.equal('invalid-state');
    expect(part.value).to.equal(null);
    expect(made).to.deep.equal([]);
    const again = await part.get().then(
      () => null,
      (e: unknown) => e,
    );
    expect((again as ConsultKitError).code).to.equal('invalid-state');
  });
});
