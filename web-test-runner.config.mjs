// Browser tests: core and elements in real headless Chromium with fake camera and microphone, real
// RTCPeerConnection, and the real ConsultKit server (PeerJS signalling) started for the run.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter, summaryReporter } from '@web/test-runner';
import { chromeLauncher } from '@web/test-runner-chrome';
import { register } from 'tsx/esm/api';
import { CHROME_ARGS, findChrome, NO_CHROME_MESSAGE } from './scripts/chrome.mjs';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { isolated } from './scripts/netns.mjs';
import { startTurn } from './scripts/turn.mjs';
import { countingReporter } from './scripts/wtr-reporter.mjs';

register();
const { createServer, loadConfig } = await import('./packages/server/src/index.ts');
const { demoTicket } = await import('./packages/server/src/plugins/dev.ts');
const { turnCredentials } = await import('./packages/server/src/turn.ts');
const { seedAroundTheClockPractice } = await import('./packages/server/src/test-helpers.ts');
const { StaffAccounts } = await import('./packages/server/src/staff/accounts.ts');

const executablePath = findChrome();
if (!executablePath) {
  console.error(NO_CHROME_MESSAGE);
  process.exit(1);
}

/**
 * Owns a ConsultKit server (in-memory PGlite) and a coturn TURN server for the run; tests reach
 * them through commands.
 */
function consultKitServer() {
  let server;
  let url;
  let turn;
  /** A server made, seeded and ready to listen on `port` (0: any). */
  const build = async (port) => {
    const made = await createServer(
      loadConfig({
        PORT: String(port),
        HOST: '127.0.0.1',
        CONSULTKIT_DATA_DIR: 'memory://',
        LOG_LEVEL: 'warn',
        CONSULTKIT_SECRET: 'consultkit-browser-tests-secret-0123456789',
        CONSULTKIT_STAFF_KEY: STAFF_KEY,
        // Not the demo practice (it keeps real hours): a practice open round the clock, seeded
        // below, so that booking tests find free times whatever the hour they run.
        CONSULTKIT_SEED_DEMO: 'off',
        // Join links made by tests open at once, whenever the practice's next slot is.
        CONSULTKIT_JOIN_EARLY_MINUTES: '1440',
        // Every browser test books and joins from 127.0.0.1: no rate limits (rate-limit.test.ts has them).
        CONSULTKIT_RATE_LIMITS: 'off',
      }),
      {},
    );
    await seedAroundTheClockPractice(made.storage, 'Europe/London');
    await made.booking.generateHorizon();
    return made;
  };
  const listen = async (port) => {
    server = await build(port);
    url = await server.listen();
  };
  /**
   * The server a restart brings up, made in advance: making one (a fresh in-memory database,
   * migrated and seeded) takes many seconds on a loaded machine, longer than a test command may.
   */
  let spare;
  const prepareSpare = () => {
    spare = build(Number(new URL(url).port));
    spare.catch(() => undefined);
  };
  const start = async () => {
    turn = await startTurn();
    if (turn.skip) console.log(`TURN: ${turn.skip}`);
    await listen(0);
    prepareSpare();
  };
  return {
    name: 'consultkit-server',
    /** The server's base URL (for the same-origin proxy). */
    url: () => url,
    serverStart: start,
    serverStop: async () => {
      turn?.stop?.();
      await server?.close();
      await (await spare?.catch(() => undefined))?.close();
    },
    async executeCommand({ command, payload }) {
      switch (command) {
        case 'ck-server':
          return { url };
        case 'ck-staff-key':
          return { key: STAFF_KEY };
        case 'ck-join-link':
          return { link: await videoAppointmentLink(url) };
        case 'ck-video-appointment':
          // A booked video appointment: its id (for staff calls such as guests) and the patient's link.
          return await videoAppointment(url);
        case 'ck-store-patient-family-name':
          // As if stored by an older version that let anything through: straight into the database.
          await server.storage.query(
            `UPDATE appointment SET patient_details = jsonb_set(patient_details, '{name,0,family}', to_jsonb($1::text)) WHERE id = $2`,
            [payload.family, Number(payload.appointmentId)],
          );
          return {};
        case 'ck-closed-port':
          return { url: await closedPortUrl() };
        case 'ck-ticket': {
          // A demo consultation's ticket, made in-process: the test server is not in demo mode.
          const demo = demoTicket(server.tokens, payload.consultation, payload.role);
          if (payload.who === undefined) return demo;
          // A guest, or a further clinician: their own peer id (from `who`), name and kind.
          const { token, claims } = server.tokens.issue(demo.consultationId, payload.role, {
            who: String(payload.who),
            ...(payload.name ? { name: String(payload.name) } : {}),
            ...(payload.kind ? { kind: String(payload.kind) } : {}),
          });
          return {
            ...demo,
            peerId: claims.pid,
            token,
            name: claims.name,
            ...(claims.kind ? { kind: claims.kind } : {}),
          };
        }
        case 'ck-staff-cookie': {
          // A staff session cookie (what signing in sets), for the cookie path of the desk: a
          // receptionist's session, started as the sign-in callback starts one.
          const accounts = new StaffAccounts(server.storage, Date.now);
          const [practitioner] = await server.storage.query('SELECT id FROM practitioner ORDER BY id LIMIT 1');
          await accounts.setRoles(practitioner.id, ['receptionist']);
          const person = await accounts.person(practitioner.id);
          const token = await accounts.startSession(person, 'test', '127.0.0.1', 600);
          return { cookie: `ck_staff=${token}` };
        }
        case 'ck-staff-colleagues': {
          // Members of staff of their own for a test (messages between staff): clinicians with
          // stored roles, so the staff key may name each as the acting practitioner (`roles`:
          // other roles, e.g. a receptionist, who has no place in the directory).
          const accounts = new StaffAccounts(server.storage, Date.now);
          const ids = [];
          const roles = payload?.roles ?? ['clinician'];
          for (const family of payload?.families ?? ['Colleague']) {
            const name = roles.includes('clinician')
              ? { prefix: ['Dr'], given: ['Test'], family }
              : { given: ['Test'], family };
            const [made] = await server.storage.query(
              `INSERT INTO practitioner (name, created_at, updated_at) VALUES ($1, now(), now()) RETURNING id`,
              [JSON.stringify(name)],
            );
            await accounts.setRoles(made.id, roles);
            ids.push(String(made.id));
          }
          return { ids, key: STAFF_KEY };
        }
        case 'ck-restart-server': {
          await server.close();
          await new Promise((resolve) => setTimeout(resolve, 500));
          server = await spare;
          url = await server.listen();
          prepareSpare();
          return { url };
        }
        case 'ck-udp-outage':
          return limitUdp(payload.seconds, '8bit', 1);
        case 'ck-udp-throttle':
          return limitUdp(payload.seconds, `${payload.kbit}kbit`, 10);
        case 'ck-turn': {
          if (turn.skip) return { skip: turn.skip };
          const urls = [`${turn.url}?transport=udp`, `${turn.url}?transport=tcp`];
          const { username, credential } = turnCredentials({ urls, secret: turn.secret, ttlSeconds: 600 });
          return { iceServers: [{ urls, username, credential }] };
        }
        default:
          return undefined;
      }
    },
  };
}

/**
 * Limits UDP on loopback for `seconds` with `tc` (only inside the tests' own network namespace,
 * where loopback is the whole network), while TCP (signalling) flows freely. This kernel has no
 * netem and no drop action, so UDP is classified into an HTB class of `rate` with a short queue:
 * at 8 bit/s about one packet in fifty gets through (an outage: ICE consent checks fail); at a few
 * hundred kbit/s video loses packets and the bandwidth estimate falls (a poor network).
 */
async function limitUdp(seconds, rate, queue) {
  if (!isolated()) return { skip: 'not in a loopback-only network namespace (needs root): network tests skipped' };
  const tc = (args) => spawnSync('tc', args.split(' '), { encoding: 'utf8' });
  const steps = [
    'qdisc add dev lo root handle 1: htb default 1 r2q 1',
    'class add dev lo parent 1: classid 1:1 htb rate 10gbit quantum 60000',
    `class add dev lo parent 1: classid 1:2 htb rate ${rate} ceil ${rate} burst 1 cburst 1 quantum 1500`,
    `qdisc add dev lo parent 1:2 handle 20: pfifo limit ${queue}`,
    'filter add dev lo parent 1: protocol ip prio 1 u32 match ip protocol 17 0xff flowid 1:2',
  ];
  for (const step of steps) {
    const result = tc(step);
    if (result.status !== 0) {
      tc('qdisc del dev lo root');
      return { skip: `tc could not limit UDP (${step}): ${result.stderr.trim()}` };
    }
  }
  setTimeout(() => tc('qdisc del dev lo root'), seconds * 1000);
  return {};
}

/** The staff key the test server starts with (booking-desk tests send it as `staffKey`). */
const STAFF_KEY = 'consultkit-browser-tests-staff-key-0123456789';

/** `http://127.0.0.1:<port>` of a port that was free a moment ago and is closed now. */
function closedPortUrl() {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(`http://127.0.0.1:${port}`));
    });
  });
}

/**
 * Forwards `/fhir/…` and `/api/…` from the test page's origin to the run's ConsultKit server (bodies
 * and event streams included), so booking elements are tested as the examples use them,
 * `fhir-base="/fhir"` on the server's origin: the staff event stream and the staff session cookie
 * work on the same origin only. (A few tests call the server on its own origin, through CORS.)
 */
function sameOriginBookingApi(serverUrl) {
  return async (context, next) => {
    if (!/^\/(fhir|api)(\/|\?|$)/.test(context.url)) return next();
    const target = new URL(context.url, serverUrl());
    context.respond = false;
    await new Promise((resolve) => {
      const upstream = httpRequest(
        target,
        { method: context.method, headers: { ...context.req.headers, host: target.host } },
        (response) => {
          context.res.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(context.res);
          response.on('end', resolve);
          response.on('error', resolve);
        },
      );
      upstream.on('error', () => {
        if (!context.res.headersSent) context.res.writeHead(502);
        context.res.end();
        resolve();
      });
      context.res.on('close', () => {
        upstream.destroy();
        resolve();
      });
      context.req.pipe(upstream);
    });
  };
}

/**
 * Books and confirms a video appointment on the run's server, as a patient and the practice would
 * over FHIR, and returns the join link the confirmation e-mail carries.
 */
async function videoAppointmentLink(base) {
  return (await videoAppointment(base)).link;
}

/** Books a video appointment as a patient, confirms it as staff: its id and the patient's join link. */
async function videoAppointment(base) {
  const staff = { authorization: `Bearer ${STAFF_KEY}` };
  const json = async (response) => {
    const body = await response.json();
    if (!response.ok) throw new Error(`${response.status}: ${JSON.stringify(body)}`);
    return body;
  };
  const start = new Date(Date.now() + 60_000).toISOString();
  const bundle = await json(
    await fetch(`${base}/fhir/Slot?status=free&start=ge${start}&_count=200&_include=Slot:schedule`),
  );
  const videoSchedules = new Set(
    bundle.entry
      .filter((e) => e.resource.resourceType === 'Schedule')
      .filter((e) => JSON.stringify(e.resource.extension ?? []).includes('"Video"'))
      .map((e) => `Schedule/${e.resource.id}`),
  );
  const slot = bundle.entry
    .map((e) => e.resource)
    .find((r) => r.resourceType === 'Slot' && videoSchedules.has(r.schedule.reference));
  const email = `link-${Date.now()}-${Math.random().toString(36).slice(2)}@example.org`;
  const booked = await json(
    await fetch(`${base}/fhir/Appointment`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify({
        resourceType: 'Appointment',
        status: 'proposed',
        contained: [
          {
            resourceType: 'Patient',
            id: 'patient',
            name: [{ given: ['Test'], family: 'Patient' }],
            birthDate: '1970-01-01',
            telecom: [{ system: 'email', value: email }],
          },
        ],
        participant: [{ actor: { reference: '#patient' }, status: 'accepted' }],
        slot: [{ reference: `Slot/${slot.id}` }],
        start: slot.start,
        end: slot.end,
        extension: [
          { url: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-DeliveryChannel', valueCode: 'Video' },
        ],
      }),
    }),
  );
  await json(
    await fetch(`${base}/fhir/Appointment/${booked.id}`, {
      method: 'PUT',
      headers: { ...staff, 'content-type': 'application/fhir+json', 'if-match': `W/"${booked.meta.versionId}"` },
      body: JSON.stringify({ ...booked, status: 'booked' }),
    }),
  );
  const outbox = await json(await fetch(`${base}/api/outbox`, { headers: staff }));
  const text = outbox.messages.find((m) => m.to === email)?.text ?? '';
  return { id: booked.id, link: /Join: +(\S+)/.exec(text)?.[1] };
}

/** Tests run on sources: `@consultkit/core` resolves to its TypeScript, not its build. */
const coreFromSource = {
  name: 'consultkit-core-from-source',
  resolveImport: ({ source }) =>
    source === '@consultkit/core'
      ? '/packages/core/src/index.ts'
      : source === '@consultkit/core/booking'
        ? '/packages/core/src/booking/index.ts'
        : undefined,
};

/** `sdp` (inside PeerJS's WebRTC adapter) is CommonJS posing as ESM: wrap it as a module. */
const sdpAsModule = {
  name: 'sdp-as-module',
  transform(context) {
    if (!context.path.endsWith('/sdp/sdp.js')) return undefined;
    return { body: `const module = { exports: {} };\n${context.body}\nexport default module.exports;\n` };
  },
};

/**
 * tus-js-client (core's documents): its browser build, as rollup's `browser: true` picks it; under
 * it `url-parse` is CommonJS, for which the platform's URL stands in.
 */
const urlParseShim = {
  name: 'tus-js-client-for-browsers',
  resolveImport: ({ source }) =>
    source === 'url-parse'
      ? '/test-support/url-parse.js'
      : source === 'tus-js-client'
        ? '/node_modules/tus-js-client/lib.esm/browser/index.js'
        : undefined,
};

/**
 * Tests run on sources: a module a computed `import()` asks for as `.js` (a locale of the elements,
 * `./locales/${locale}.js`) is served from its `.ts`, as the esbuild plugin does for static imports.
 */
function tsForJs(context, next) {
  const match = /^(\/packages\/[\w/.-]+)\.js(\?.*)?$/.exec(context.url);
  if (match && !existsSync(`.${match[1]}.js`) && existsSync(`.${match[1]}.ts`)) {
    context.url = `${match[1]}.ts${match[2] ?? ''}`;
  }
  return next();
}

const ckServer = consultKitServer();
const ELEMENTS_VERSION = JSON.parse(readFileSync('./packages/elements/package.json', 'utf8')).version;

export default {
  files: ['packages/*/src/**/*.test.ts', '!packages/server/**'],
  nodeResolve: { exportConditions: ['browser'] },
  concurrency: 1,
  testFramework: { config: { timeout: 20000 } },
  testsFinishTimeout: 300000,
  // Starting a page can take long on a loaded two-core machine (30 s by default was seen to fail).
  browserStartTimeout: 120000,
  browsers: [chromeLauncher({ launchOptions: { executablePath, headless: true, args: CHROME_ARGS } })],
  middleware: [tsForJs, sameOriginBookingApi(() => ckServer.url())],
  plugins: [
    ckServer,
    coreFromSource,
    sdpAsModule,
    urlParseShim,
    esbuildPlugin({
      ts: true,
      target: 'es2022',
      tsconfig: './packages/elements/tsconfig.json',
      // The elements' version, as rollup writes it in (internal/version.ts).
      define: { __CONSULTKIT_ELEMENTS_VERSION__: JSON.stringify(ELEMENTS_VERSION) },
    }),
  ],
  reporters: [defaultReporter(), summaryReporter({ flatten: false }), countingReporter()],
};
