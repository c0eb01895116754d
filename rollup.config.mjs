// Rollup builds the browser-facing packages:
// - @consultkit/core and @consultkit/elements as ESM with bare imports (one file per module), for
//   npm consumers and their bundlers; their type declarations come from `tsc -b`.
// - one self-contained CDN bundle per element (Lit, core and PeerJS inside) in
//   packages/elements/dist/cdn/, for a page with one <script type="module"> and no build step.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';

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

const ts = () => esbuild({ target: 'es2022', sourceMap: true, tsconfig: here('./packages/elements/tsconfig.json') });
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

const cdnEntries = readdirSync(`${ELEMENTS_SRC}cdn`).filter((f) => f.endsWith('.ts'));
/** CDN bundles without PeerJS: their dynamic imports may be chunks of their own. */
const PEERJS_FREE = ['slot-picker.ts', 'booking-desk.ts'];
/** The translations, one module per locale (`locales/cy.ts`, …), loaded by `localization.ts` on first use. */
const localeFiles = readdirSync(`${ELEMENTS_SRC}locales`).filter((f) => f.endsWith('.ts') && f !== 'locale-codes.ts');

export default [
  library('core', { index: CORE_SRC, 'booking/index': CORE_BOOKING_SRC, 'contract/index': CORE_CONTRACT_SRC }),
  library('elements', {
    index: `${ELEMENTS_SRC}index.ts`,
    'consult-room/define': `${ELEMENTS_SRC}consult-room/define.ts`,
    'slot-picker/define': `${ELEMENTS_SRC}slot-picker/define.ts`,
    'booking-desk/define': `${ELEMENTS_SRC}booking-desk/define.ts`,
    'device-check/define': `${ELEMENTS_SRC}device-check/define.ts`,
    'waiting-room/define': `${ELEMENTS_SRC}waiting-room/define.ts`,
    'file-share/define': `${ELEMENTS_SRC}file-share/define.ts`,
    // Not imported statically (`import(\`./locales/${locale}.js\`)`): each is an entry of its own.
    ...Object.fromEntries(localeFiles.map((f) => [`locales/${f.replace(/\.ts$/, '')}`, `${ELEMENTS_SRC}locales/${f}`])),
  }),
  ...cdnEntries.map((file) => ({
    input: `${ELEMENTS_SRC}cdn/${file}`,
    plugins: [
      coreFromSource,
      tsExtensions,
      nodeResolve({ browser: true, exportConditions: ['browser', 'module', 'import'] }),
      commonjs(),
      ts(),
      terser({ format: { comments: false }, ecma: 2020 }),
    ],
    // The entry keeps its exports and gains those its chunk needs (no facade file in between).
    preserveEntrySignatures: 'allow-extension',
    // `@lit/localize` re-exports its whole runtime from its main module; its modules only declare
    // things, so what an English page never calls (`configureLocalization`) can leave the bundle.
    treeshake: { moduleSideEffects: (id) => !id.includes('/node_modules/@lit/localize/') },
    output: PEERJS_FREE.includes(file)
      ? {
          // The localization runtime, imported when a page first asks for another language than
          // English, is a chunk beside the bundle: a page in English never loads it.
          dir: here('./packages/elements/dist/cdn/'),
          entryFileNames: '[name].js',
          chunkFileNames: '[name]-[hash].js',
          format: 'esm',
          sourcemap: true,
        }
      : {
          file: here(`./packages/elements/dist/cdn/${file.replace(/\.ts$/, '.js')}`),
          format: 'esm',
          sourcemap: true,
          // PeerJS is imported when a call starts (import()): inside the one file, not a chunk
          // beside it; so is the localization runtime (small next to PeerJS).
          inlineDynamicImports: true,
        },
    onwarn(warning, warn) {
      // PeerJS's bundle uses `this` at module level; it is harmless in an ES module.
      if (warning.code === 'THIS_IS_UNDEFINED') return;
      warn(warning);
    },
  })),
  // The translations beside the CDN bundles (`cdn/locales/cy.js`), where the bundles' `localization`
  // code asks for them: small self-contained modules (the `str` tag inside), never in a bundle.
  ...localeFiles.map((file) => ({
    input: `${ELEMENTS_SRC}locales/${file}`,
    plugins: [nodeResolve({ browser: true }), ts(), terser({ format: { comments: false }, ecma: 2020 })],
    output: { file: here(`./packages/elements/dist/cdn/locales/${file.replace(/\.ts$/, '.js')}`), format: 'esm' },
  })),
];
