/**
 * Usable outside a browser page: `@consultkit/core` and `@consultkit/core/booking` import in Node
 * from the built package (packages/core/dist, built by `npm run build`), PeerJS only when a call
 * starts; the elements' class modules import without side effects (no tag registered, no
 * stylesheet built), so SSR frameworks and Node test runners can import them.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const DIST = fileURLToPath(new URL('../../core/dist/', import.meta.url));

/** Every JavaScript file of core's build, relative to dist. */
function builtModules(dir = DIST): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? builtModules(join(dir, entry.name))
      : entry.name.endsWith('.js')
        ? [join(dir, entry.name).slice(DIST.length)]
        : [],
  );
}

describe('@consultkit/core in Node', () => {
  it('imports the package and its booking entry from the build', async () => {
    const core = (await import(new URL('index.js', `file://${DIST}`).href)) as Record<string, unknown>;
    const booking = (await import(new URL('booking/index.js', `file://${DIST}`).href)) as Record<string, unknown>;
    assert.equal(typeof core['Consultation'], 'function');
    assert.equal(typeof core['BookingClient'], 'function');
    assert.equal(typeof core['LinkError'], 'function');
    assert.equal(typeof booking['BookingClient'], 'function');
    assert.equal(typeof booking['validateDetails'], 'function');
  });

  it('imports by its package names, as a Node program or an SSR framework would', async () => {
    // Resolved through node_modules and core's `exports`, not through the source.
    const core = (await import('@consultkit/core')) as Record<string, unknown>;
    const booking = (await import('@consultkit/core/booking')) as Record<string, unknown>;
    assert.equal(typeof core['Consultation'], 'function');
    assert.equal(typeof booking['BookingClient'], 'function');
  });

  it('loads PeerJS only when a call starts: no module of the build imports it statically', () => {
    const modules = builtModules();
    assert.ok(modules.includes('consultation/consultation.js'), `core is built (${modules.length} modules)`);
    for (const module of modules) {
      const code = readFileSync(join(DIST, module), 'utf8');
      assert.doesNotMatch(code, /^\s*import\b[^()]*['"]peerjs['"]/m, `${module} imports peerjs at load`);
    }
  });
});

describe('@consultkit/elements class modules in Node', () => {
  it('import from the build without registering a tag', async () => {
    const classes = {
      'slot-picker': 'SlotPicker',
      'booking-desk': 'BookingDesk',
      'consult-room': 'ConsultRoom',
      'device-check': 'DeviceCheckElement',
      'waiting-room': 'WaitingRoom',
    };
    for (const [tag, name] of Object.entries(classes)) {
      const module = (await import(`@consultkit/elements/${tag}/${tag}.js`)) as Record<string, unknown>;
      assert.equal(typeof module[name], 'function', tag);
      // Lit's Node build gives a `customElements` registry: nothing is defined by importing a class.
      const registry = (globalThis as { customElements?: { get(name: string): unknown } }).customElements;
      assert.ok(registry, 'Lit’s Node build provides customElements');
      assert.equal(registry.get(tag), undefined, `${tag} registered itself`);
    }
  });
});
