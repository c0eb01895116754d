/**
 * The version of `@consultkit/elements` this code was built from: its `package.json` version,
 * written in at build time (rollup and the test runner's esbuild `define`), so two copies on one
 * page can be told apart (decision 32).
 */
declare const __CONSULTKIT_ELEMENTS_VERSION__: string | undefined;

export const VERSION: string =
  typeof __CONSULTKIT_ELEMENTS_VERSION__ === 'string' ? __CONSULTKIT_ELEMENTS_VERSION__ : '0.0.0-unbuilt';
