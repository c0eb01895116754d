/**
 * `consultkit.js`, the CDN loader (decision 32): an element's entry is imported the first time its
 * tag is in the document, not before; tags inside shadow roots are left to `load()`.
 */
import { expect } from '@open-wc/testing';
import { until } from '../../../../test-support/browser.js';

/**
 * Entry modules of the CDN folder this page has requested so far, by name (`waiting-room`, …;
 * the test runner may serve them as `.js` or `.ts`), this test file aside.
 */
const requested = () =>
  performance
    .getEntriesByType('resource')
    .map((entry) => new URL(entry.name).pathname)
    .filter((path) => path.includes('/src/cdn/'))
    .map((path) => path.slice(path.lastIndexOf('/') + 1).replace(/\.(js|ts)$/, ''))
    .filter((name) => name !== 'consultkit.test');

describe('consultkit.js (the one-script-tag loader)', () => {
  let loader: typeof import('./consultkit.js');

  before(async () => {
    expect(customElements.get('waiting-room')).to.equal(undefined);
    loader = await import('./consultkit.js');
  });

  it('fetches nothing for elements that are not on the page', () => {
    expect(requested().filter((name) => name !== 'consultkit')).to.deep.equal([]);
  });

  it('defines an element once its tag appears, with the entry of that element only', async () => {
    document.body.append(document.createElement('waiting-room'));
    await until(() => customElements.get('waiting-room') !== undefined, '<waiting-room> defined', 20_000);
    expect(requested()).to.include('waiting-room');
    expect(requested()).to.not.include('consult-room');
    expect(requested()).to.not.include('slot-picker');
  });

  it('leaves tags inside shadow roots to load(), which defines them', async () => {
    const host = document.createElement('div');
    host.attachShadow({ mode: 'open' }).append(document.createElement('device-check'));
    document.body.append(host);
    // The sentinel: a tag added after it, in the light DOM, is defined; the one in the shadow root
    // would have been seen by the same scan.
    document.body.append(document.createElement('guest-invite'));
    await until(() => customElements.get('guest-invite') !== undefined, '<guest-invite> defined', 20_000);
    expect(customElements.get('device-check')).to.equal(undefined);
    expect(requested()).to.not.include('device-check');
    await loader.load('device-check');
    expect(customElements.get('device-check')).to.not.equal(undefined);
  });

  it('refuses a tag ConsultKit does not have', async () => {
    let error: unknown;
    await loader.load('no-such-element').catch((caught: unknown) => (error = caught));
    expect(error).to.be.instanceOf(TypeError);
    expect(String(error)).to.include('<no-such-element>');
  });
});
