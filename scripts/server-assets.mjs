#!/usr/bin/env node
// Copies what the join page needs into @consultkit/server's `public/` folder, so a server installed
// from npm (no repository around it) serves `/join/*`, `/cdn/*` and `/themes/*` from its own package:
// the join page (examples/patient-join/index.html), the elements' CDN modules (without source maps
// or declarations) and the theme CSS files. Run by `npm run build` after rollup; `public/` is a build
// output (git-ignored) listed in the server's `files`.
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const out = root('packages/server/public/');

rmSync(out, { recursive: true, force: true });
mkdirSync(`${out}join`, { recursive: true });
cpSync(root('examples/patient-join/index.html'), `${out}join/index.html`);
cpSync(root('packages/elements/dist/cdn'), `${out}cdn`, {
  recursive: true,
  filter: (source) => !/\.(map|d\.ts)$/.test(source),
});
cpSync(root('packages/elements/themes'), `${out}themes`, { recursive: true });
