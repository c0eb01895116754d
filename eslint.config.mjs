// ESLint 9 flat config for the whole monorepo (`npm run lint`).
// typescript-eslint runs WITHOUT type information (no `parserOptions.project`), to stay fast;
// lit-analyzer (`lit-analyzer --strict`) does the type-aware checking of Lit templates.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import { configs as litConfigs } from 'eslint-plugin-lit';
import litA11y from 'eslint-plugin-lit-a11y';
import { configs as wcConfigs } from 'eslint-plugin-wc';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const ELEMENTS = ['packages/elements/src/**/*.ts'];

export default defineConfig([
  globalIgnores([
    '**/dist/',
    '**/node_modules/',
    '**/coverage/',
    'docs/api/',
    'bench/results/',
    '**/.consultkit-data/',
    '.test-results/',
    'packages/elements/custom-elements.json',
  ]),

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_`-prefixed bindings are deliberately unused (placeholders, rest-omission).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },

  // Node: build and tooling scripts, configs, benchmarks, end-to-end tests, the server.
  {
    files: ['**/*.{js,mjs,cjs}', 'scripts/**', 'bench/**', 'e2e/**', 'packages/server/**'],
    languageOptions: { globals: { ...globals.node } },
  },

  // Browser: the client packages and the browser test helpers.
  {
    files: ['packages/core/**/*.ts', 'packages/elements/**/*.ts', 'test-support/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },

  // Browser tests run under web-test-runner's mocha (describe/it/before/after… are globals).
  {
    files: ['packages/core/**/*.test.ts', 'packages/elements/**/*.test.ts'],
    languageOptions: { globals: { ...globals.mocha } },
  },

  // Lit custom elements.
  {
    files: ELEMENTS,
    extends: [litConfigs['flat/recommended'], wcConfigs['flat/best-practice'], litA11y.configs.recommended],
    settings: {
      // Lets eslint-plugin-wc recognise `class X extends LitElement` (and our base) as custom elements.
      wc: { elementBaseClasses: ['LitElement', 'ConsultKitElement'] },
    },
    rules: {
      // LitElement implements every lifecycle callback, so `super.connectedCallback()` needs no guard.
      'wc/guard-super-call': 'off',
    },
  },
]);
