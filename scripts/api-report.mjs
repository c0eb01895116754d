#!/usr/bin/env node
// API reports of the published entry points (API Extractor), checked in under packages/*/etc/:
// `npm run lint` runs this script, which fails when the declarations no longer match the report,
// so a change to what hosts can import (a breaking one above all) is seen in review.
// `npm run api:update` (`--update`) writes the reports after an intended change; commit them with
// a changeset saying what changed.
//
// One report per entry point of each package's `exports` (API Extractor analyses one entry per
// run). The elements' per-tag entries re-export classes the main entry already reports.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = fileURLToPath(new URL('..', import.meta.url));
const update = process.argv.includes('--update');
const ENTRIES = [
  ['core', 'index', 'core'],
  ['core', 'booking/index', 'core-booking'],
  ['core', 'contract/index', 'core-contract'],
  ['elements', 'index', 'elements'],
  ['elements', 'localization', 'elements-localization'],
];

// The declarations come from `tsc -b` (incremental: quick when already built).
const tsc = spawnSync(`${root}node_modules/.bin/tsc`, ['-b', 'packages/core', 'packages/elements'], {
  cwd: root,
  stdio: 'inherit',
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

let changed = 0;
for (const [pkg, entry, report] of ENTRIES) {
  const folder = `${root}packages/${pkg}/`;
  mkdirSync(`${folder}etc`, { recursive: true });
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: folder,
      mainEntryPointFilePath: `${folder}dist/${entry}.d.ts`,
      compiler: { tsconfigFilePath: `${folder}tsconfig.json` },
      apiReport: {
        enabled: true,
        reportFileName: `${report}.api.md`,
        reportFolder: `${folder}etc/`,
        reportTempFolder: `${root}node_modules/.cache/api-extractor/`,
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        // The report is the point; doc-comment style and missing release tags are not checked.
        extractorMessageReporting: {
          default: { logLevel: 'none' },
          'ae-forgotten-export': { logLevel: 'none' },
          'ae-missing-release-tag': { logLevel: 'none' },
        },
        tsdocMessageReporting: { default: { logLevel: 'none' } },
        compilerMessageReporting: { default: { logLevel: 'warning' } },
      },
    },
    configObjectFullPath: `${folder}api-extractor.json`,
    packageJsonFullPath: `${folder}package.json`,
  });
  const result = Extractor.invoke(config, { localBuild: update, showVerboseMessages: false });
  if (result.apiReportChanged) {
    changed += 1;
    if (!update) {
      const reportPath = `packages/${pkg}/etc/${report}.api.md`;
      const now = `node_modules/.cache/api-extractor/${report}.api.md`;
      spawnSync('git', ['diff', '--no-index', '--', reportPath, now], { cwd: root, stdio: 'inherit' });
    }
    console.error(
      update
        ? `api-report: packages/${pkg}/etc/${report}.api.md updated`
        : `api-report: the API of packages/${pkg} (${entry}) changed: see the diff above; if intended, run \`npm run api:update\`, commit packages/${pkg}/etc/${report}.api.md and add a changeset`,
    );
  }
  if (!result.succeeded && !result.apiReportChanged) {
    console.error(`api-report: ${pkg} (${entry}) failed`);
    process.exit(1);
  }
}
if (changed > 0 && !update) process.exit(1);
console.log(`api-report: ${ENTRIES.length} entry points ${update ? 'written' : 'unchanged'}`);
