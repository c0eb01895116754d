// Rollup builds the browser-facing packages:
// - @consultkit/core and @consultkit/elements as ESM with bare imports (one file per module), for
//   npm consumers and their bundlers; their type declarations come from `tsc -b`.
// - one self-contained CDN bundle per element (Lit, core and PeerJS inside) in
//   packages/elements/dist/cdn/, for a page with one <script type="module"> and no build step.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';
import { minifyTemplates } from './scripts/minify-templates.mjs';
import { peerjsMediaOnly } from './scripts/peerjs-media-only.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const CORE_SRC = here('./packages/core/src/index.ts');
const CORE_BOOKING_SRC = here('./packages/core/src/booking/index.ts');
const CORE_CONTRACT_SRC = here('./packages/core/src/contract/index.ts');
const ELEMENTS_SRC = here('./packages/elements/src/');

/** Resolves `@consultkit/core` to its source, so bundles never depend on build order. */
const coreFromSource = {
  name: 'consultkit-core-from-source',
  resolveId: (id) => ({ '@consultkit/core': CORE_SRC, '@consultkit/core/booking': CORE_BOOKING_SRC })[id] ?? null,
};

/** TypeScript sources are written with `.js` specifiers (NodeNext); find the `.ts` file. */
const tsExtensions = {
  name: 'ts-from-js-specifiers',
  async resolveId(source, importer, options) {
    if (!importer || !source.startsWith('.') || !source.endsWith('.js') || !importer.endsWith('.ts')) return null;
    return this.resolve(source.replace(/\.js$/, '.ts'), importer, { ...options, skipSelf: true });
  },
};

const ts = (define = {}) =>
  esbuild({ target: 'es2022', sourceMap: true, tsconfig: here('./packages/elements/tsconfig.json'), define });
const isBare = (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0');

const library = (pkg, input) => ({
  input,
  external: isBare,
  plugins: [tsExtensions, ts()],
  output: {
    dir: here(`./packages/${pkg}/dist`),
    format: 'esm',
    preserveModules: true,
    preserveModulesRoot: here(`./packages/${pkg}/src`),
    sourcemap: true,
  },
});

/** The CDN entries: one per element, `consultation` (a join page's three), and the `consultkit` loader. */
const cdnEntries = readdirSync(`${ELEMENTS_SRC}cdn`).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
/** The translations, one module per locale (`locales/cy.ts`, …), loaded by `localization.ts` on first use. */
const localeFiles = readdirSync(`${ELEMENTS_SRC}locales`).filter((f) => f.endsWith('.ts') && f !== 'locale-codes.ts');

const pkgVersion = (pkg) => JSON.parse(readFileSync(here(`./packages/${pkg}/package.json`), 'utf8')).version;
/** `internal/version.ts` reads this: the version two copies of the elements on one page are told apart by. */
const define = { __CONSULTKIT_ELEMENTS_VERSION__: JSON.stringify(pkgVersion('elements')) };

/**
 * PeerJS imports `webrtc-adapter` for one thing, `browserDetails` (its supported-browser check);
 * importing the adapter also shims RTCPeerConnection for browsers older than any we support, and
 * brings `sdp` along: a third of the consultation's code. The CDN build gives PeerJS the adapter's
 * own browser detection alone (decision 32). npm consumers' bundlers still get the real adapter.
 */
const WEBRTC_ADAPTER_LITE = '\0webrtc-adapter-lite';
const webrtcAdapterLite = {
  name: 'webrtc-adapter-lite',
  resolveId: (id) => (id === 'webrtc-adapter' ? WEBRTC_ADAPTER_LITE : null),
  load: (id) =>
    id === WEBRTC_ADAPTER_LITE
      ? `import { detectBrowser } from ${JSON.stringify(here('./node_modules/webrtc-adapter/src/js/utils.js'))};
export default { browserDetails: detectBrowser(window) };`
      : null,
};

/**
 * PeerJS's binary serialization (`peerjs-js-binarypack`, 2.2 kB gzipped) serves its data
 * connections of the default `binary` kind; ConsultKit opens none (signalling goes through the
 * PeerServer socket, chat and documents through the server), so the CDN build gives PeerJS a
 * stand-in that refuses (decision 43). A data connection another client opened to us would fail on
 * its first message; npm consumers' bundlers still get the real package.
 */
const BINARYPACK_REFUSED = '\0peerjs-binarypack-refused';
const binarypackRefused = {
  name: 'peerjs-binarypack-refused',
  resolveId: (id) => (id === 'peerjs-js-binarypack' ? BINARYPACK_REFUSED : null),
  load: (id) =>
    id === BINARYPACK_REFUSED
      ? `const refuse = () => { throw new Error('ConsultKit: no binary data connections in this build.'); };
export { refuse as pack, refuse as unpack };`
      : null,
};

/**
 * Writes `dist/cdn/cdn-manifest.json` once the CDN build is on disk: every file with its SRI hash
 * (`sha384-…`, of the bytes served), and for each entry the chunks it imports statically (what a
 * page referencing it loads) and dynamically (what it may load later). Removes the chunks of
 * earlier builds, so the folder holds one release.
 */
function cdnManifest() {
  const integrity = (path) => `sha384-${createHash('sha384').update(readFileSync(path)).digest('base64')}`;
  return {
    name: 'cdn-manifest',
    writeBundle(options, bundle) {
      const dir = options.dir;
      const chunks = Object.values(bundle).filter((file) => file.type === 'chunk');
      const written = new Set(Object.keys(bundle));
      for (const file of readdirSync(dir)) {
        if (/\.js(\.map)?$/.test(file) && !written.has(file)) rmSync(join(dir, file));
      }
      const locales = readdirSync(join(dir, 'locales')).map((file) => `locales/${file}`);
      const files = {};
      for (const file of locales) files[file] = { integrity: integrity(join(dir, file)), immutable: false };
      for (const chunk of chunks) {
        files[chunk.fileName] = {
          integrity: integrity(join(dir, chunk.fileName)),
          // Content-hashed: its name changes whenever its bytes do.
          immutable: !chunk.isEntry,
          name: chunk.name,
          imports: chunk.imports,
          dynamicImports: chunk.dynamicImports,
        };
      }
      const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)));
      const entries = chunks
        .filter((chunk) => chunk.isEntry)
        .map((chunk) => chunk.fileName)
        .sort();
      const manifest = { package: '@consultkit/elements', version: pkgVersion('elements'), entries, files: sorted };
      writeFileSync(join(dir, 'cdn-manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    },
  };
}

export default [
  library('core', { index: CORE_SRC, 'booking/index': CORE_BOOKING_SRC, 'contract/index': CORE_CONTRACT_SRC }),
  {
    ...library('elements', {
      index: `${ELEMENTS_SRC}index.ts`,
      ...Object.fromEntries(
        [
          'consult-room',
          'slot-picker',
          'booking-desk',
          'device-check',
          'waiting-room',
          'participant-grid',
          'participant-tile',
          'guest-invite',
          'screen-share',
          'consult-chat',
          'file-share',
          'consult-recorder',
          'clinician-directory',
          'staff-chat',
        ].flatMap((el) => [
          [`${el}/define`, `${ELEMENTS_SRC}${el}/define.ts`],
          [`${el}/index`, `${ELEMENTS_SRC}${el}/index.ts`],
        ]),
      ),
      // Not imported statically (`import(\`./locales/${locale}.js\`)`): each is an entry of its own.
      ...Object.fromEntries(
        localeFiles.map((f) => [`locales/${f.replace(/\.ts$/, '')}`, `${ELEMENTS_SRC}locales/${f}`]),
      ),
    }),
    plugins: [tsExtensions, ts(define)],
  },
  // (Built before the CDN entries, whose manifest lists them.) The translations beside the CDN bundles (`cdn/locales/cy.js`), where the bundles' `localization`
  // code asks for them: small self-contained modules (the `str` tag inside), never in a bundle.
  ...localeFiles.map((file) => ({
    input: `${ELEMENTS_SRC}locales/${file}`,
    plugins: [nodeResolve({ browser: true }), ts(), terser({ format: { comments: false }, ecma: 2020 })],
    output: { file: here(`./packages/elements/dist/cdn/locales/${file.replace(/\.ts$/, '.js')}`), format: 'esm' },
  })),
  // The CDN: every entry in one build, so that they share chunks (one Lit, one core on a page that
  // loads several). Entries keep stable names (pages reference them; served with a short max-age);
  // everything else is a content-hashed chunk (served as immutable). `cdn-manifest.json` lists
  // every file with its SRI hash and what each entry loads.
  {
    input: Object.fromEntries(cdnEntries.map((file) => [file.replace(/\.ts$/, ''), `${ELEMENTS_SRC}cdn/${file}`])),
    plugins: [
      coreFromSource,
      webrtcAdapterLite,
      binarypackRefused,
      peerjsMediaOnly(),
      tsExtensions,
      nodeResolve({ browser: true, exportConditions: ['browser', 'module', 'import', 'production'] }),
      commonjs(),
      ts(define),
      minifyTemplates(),
      terser({ format: { comments: false }, ecma: 2020, module: true, compress: { passes: 2 } }),
      cdnManifest(),
    ],
    // An entry exports exactly what its source does: shared code lives in chunks, never in an
    // entry another entry would then have to import (and re-fetch when that entry changes).
    preserveEntrySignatures: 'strict',
    // `@lit/localize` re-exports its whole runtime from its main module; its modules only declare
    // things, so what an English page never calls (`configureLocalization`) can leave the bundle.
    treeshake: { moduleSideEffects: (id) => !id.includes('/node_modules/@lit/localize/') },
    output: {
      dir: here('./packages/elements/dist/cdn/'),
      entryFileNames: '[name].js',
      // Named for what a reader looks for: `lit-…` holds Lit (and what every element shares); `consult-room-…`
      // the room and the elements it renders (shared by `consult-room.js` and `consultation.js`).
      // `tus-…` the uploader (imported on a page's first document), `sfu-…` core's Janus session
      // (imported when a room moves to the SFU), `recording-…` the composite capture (imported
      // when the clinician's page starts recording a mesh call), `core-chat-…` core's chat (made on
      // first need, decision 47).
      chunkFileNames: (chunk) => {
        const holds = (part) => chunk.moduleIds.some((id) => id.includes(part));
        if (holds('/node_modules/lit-html/lit-html.js')) return 'lit-[hash].js';
        if (holds('/node_modules/tus-js-client/')) return 'tus-[hash].js';
        if (holds('/src/consult-room/consult-room.ts')) return 'consult-room-[hash].js';
        if (holds('/core/src/consultation/sfu/session.ts')) return 'sfu-[hash].js';
        if (holds('/core/src/recording/session.ts')) return 'recording-[hash].js';
        if (holds('/core/src/consultation/chat.ts')) return 'core-chat-[hash].js';
        return '[name]-[hash].js';
      },
      // PeerJS in a chunk of its own (loaded when a call starts); the rest is chunked by which
      // entries share it, so a page loads no code only other elements need.
      manualChunks: (id) =>
        /\/node_modules\/(peerjs|peerjs-js-binarypack|@msgpack|eventemitter3)\//.test(id) ? 'peerjs' : undefined,
      format: 'esm',
      // Maps beside the files but no `//# sourceMappingURL=` comment (about 40 B gzipped a file,
      // on every page): the server's `/cdn/` sends a `SourceMap` header instead (decision 46).
      sourcemap: 'hidden',
    },
    onwarn(warning, warn) {
      // PeerJS's bundle uses `this` at module level; it is harmless in an ES module.
      if (warning.code === 'THIS_IS_UNDEFINED') return;
      warn(warning);
    },
  },
];
