#!/usr/bin/env node
/* global document */
// Screenshots of the room's states in headless Chromium, to look at (not compared):
// `node packages/elements/screenshots/shoot.mjs [out-dir]` writes PNGs at 1280×800 and 360×740,
// and in Urdu (right to left). The page is served from source by @web/dev-server.
import { startDevServer } from '@web/dev-server';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CHROME_ARGS, findChrome } from '../../../scripts/chrome.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const out = process.argv[2] ?? '/tmp/ck-room-shots';
mkdirSync(out, { recursive: true });

const server = await startDevServer({
  config: {
    rootDir: root,
    port: 0,
    hostname: '127.0.0.1',
    nodeResolve: { exportConditions: ['browser'] },
    plugins: [
      {
        name: 'core-from-source',
        resolveImport: ({ source }) => (source === '@consultkit/core' ? '/packages/core/src/index.ts' : undefined),
      },
      esbuildPlugin({ ts: true, target: 'es2022', tsconfig: `${root}packages/elements/tsconfig.json` }),
    ],
  },
  readCliArgs: false,
  readFileConfig: false,
  logStartMessage: false,
});
const base = `http://127.0.0.1:${server.server.address().port}/packages/elements/screenshots/room.html`;
const browser = await chromium.launch({ executablePath: findChrome(), args: CHROME_ARGS });
const shots = [
  ['2-others-clinician', 'others=2'],
  ['1-other-patient', 'others=1&role=patient'],
  ['5-others', 'others=5'],
  ['alone-waiting-list', 'others=0&status=waiting&waiting&pending'],
  ['ended-patient', 'others=0&status=ended&role=patient&end=remote-hang-up'],
  ['3-party-guest-waiting', 'others=1&waiting-guest'],
  ['3-party-patient-left', 'others=2&patient-left'],
  ['3-party-colleague-leave', 'others=2&colleague'],
  [
    'removed-guest',
    'others=0&status=ended&role=guest&end=removed&message=Thank%20you%2C%20we%20have%20what%20we%20need.',
  ],
  ['2-others-screen', 'others=2&screen'],
  ['5-others-screen', 'others=5&screen'],
  ['invite', 'invite'],
  ['invited', 'invite&invited'],
];
try {
  for (const [viewport, size] of [
    [{ width: 1280, height: 800 }, '1280'],
    [{ width: 360, height: 740 }, '360'],
  ]) {
    for (const [name, query] of shots) {
      const both =
        size === '1280' && ['2-others-clinician', '2-others-screen', '3-party-colleague-leave'].includes(name);
      for (const dir of both ? ['ltr', 'rtl'] : ['ltr']) {
        const page = await browser.newPage({ viewport });
        await page.goto(`${base}?${query}&dir=${dir}`);
        // Every tile's video painting (or no video expected).
        await page.waitForFunction(() => {
          const videos = [];
          const walk = (root) => {
            for (const el of root.querySelectorAll('*')) {
              if (el.tagName === 'VIDEO') videos.push(el);
              if (el.shadowRoot) walk(el.shadowRoot);
            }
          };
          walk(document);
          return videos.every((v) => !v.srcObject || v.videoWidth > 0);
        });
        await page.waitForTimeout(300); // a painted frame after the first, for the picture only
        const file = `${out}/${name}-${size}${dir === 'rtl' ? '-rtl' : ''}.png`;
        await page.screenshot({ path: file });
        console.log(file);
        await page.close();
      }
    }
  }
} finally {
  await browser.close();
  await server.stop();
}
