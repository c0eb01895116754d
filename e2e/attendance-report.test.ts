/**
 * The attendance report in the vendor console example, in Chromium: reception signs in (demo) and
 * reads the month's figures, in all and by channel, from `GET /api/reports/attendance`; a range too
 * long is explained. The page's scripts break no CSP rule. (The figures themselves are checked
 * against a fixture month in packages/server/src/notify/attendance.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { type RunningServer, signInToConsole, startServerAndBrowser, stopServerAndBrowser } from './support.js';

describe('attendance report in the vendor console', () => {
  let browser: Browser;
  let server: RunningServer;

  before(async () => {
    ({ server, browser } = await startServerAndBrowser());
  });

  after(() => stopServerAndBrowser(server, browser));

  it('shows booked, attended, missed and cancelled by month and channel', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations: string[] = [];
    await page.exposeFunction('reportViolation', (v: string) => violations.push(v));
    await page.addInitScript(() =>
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { reportViolation(v: string): void }).reportViolation(e.violatedDirective),
      ),
    );
    await page.goto(`${server.url}/examples/vendor-console/`);
    await signInToConsole(page, 'Grace Adeyemi');
    await page.locator('#attendance').waitFor({ state: 'visible' });
    const month = new Date().toISOString().slice(0, 7);
    await page.fill('#report-from', month);
    await page.fill('#report-to', month);
    await page.click('#show-report');
    await page.locator('#report').waitFor({ state: 'visible' });
    const rows = await page
      .locator('#report tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    assert.deepEqual(
      rows.map((r) => r.slice(0, 2)),
      [
        [month, 'All'],
        [month, 'Video'],
        [month, 'Phone'],
        [month, 'In person'],
      ],
    );
    for (const row of rows)
      assert.ok(
        row.slice(2).every((n) => /^\d+$/.test(n ?? '')),
        JSON.stringify(row),
      );

    // A bad range is explained, not shown as an empty table.
    await page.fill('#report-from', '2020-01');
    await page.click('#show-report');
    await page.locator('#report-problem').filter({ hasText: 'at most 24 months' }).waitFor();
    assert.deepEqual(violations, []);
    await context.close();
  });
});
