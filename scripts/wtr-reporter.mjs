// A web-test-runner reporter that counts passed, failed and skipped tests and writes them to
// `$CONSULTKIT_RESULTS_DIR/browser.json`, for the one summary line `npm test` ends with.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function count(suite, totals) {
  for (const test of suite?.tests ?? []) {
    if (test.skipped) totals.skipped += 1;
    else if (test.passed) totals.passed += 1;
    else totals.failed += 1;
  }
  for (const child of suite?.suites ?? []) count(child, totals);
}

export function countingReporter() {
  return {
    onTestRunFinished({ sessions }) {
      const totals = { passed: 0, failed: 0, skipped: 0, files: sessions.length, fileErrors: 0 };
      for (const session of sessions) {
        count(session.testResults, totals);
        // A file that failed to load or threw outside a test counts as one failure.
        if (!session.passed && (session.errors?.length ?? 0) > 0) totals.fileErrors += 1;
      }
      const dir = process.env.CONSULTKIT_RESULTS_DIR;
      if (dir) {
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'browser.json'), JSON.stringify(totals));
      }
    },
  };
}
