/**
 * The reference server: one Fastify instance, plugins by capability over one storage interface.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Auth } from './auth.js';
import { BookingEvents } from './booking/events.js';
import { seedDemoPractice } from './booking/seed.js';
import { BookingService } from './booking/service.js';
import type { Config } from './config.js';
import { clientErrorHandler, frameworkErrors, installErrorHandlers } from './errors.js';
import { loadJoinKey } from './join/keys.js';
import { appointmentPort, sendGuestLink, sendJoinLink } from './join/booking.js';
import { consultationOf, JoinError, JoinService, type SessionRevocation } from './join/service.js';
import { appointmentOf, Rooms } from './room/registry.js';
import { cdnCacheHeaders } from './plugins/cdn-cache.js';
import { ChatService } from './room/chat.js';
import { storageConsentStore } from './room/recording.js';
import { CONSENT_CAPABILITIES, consentFhir } from './room/consent-fhir.js';
import { chatPlugin } from './plugins/chat.js';
import { corsPlugin } from './plugins/cors.js';
import { DEV_ROUTES, devJoinPlugin } from './plugins/dev.js';
import { StaffAccounts } from './staff/accounts.js';
import { StaffAudit } from './staff/audit.js';
import { installStaffAudit } from './staff/audit-hook.js';
import {
  createDevIdentityProvider,
  DEMO_STAFF,
  DEV_CLIENT_ID,
  DEV_IDP_PATH,
  type DevIdentityProvider,
} from './staff/dev-idp.js';
import { randomBytes } from 'node:crypto';
import { OidcClient } from './staff/oidc.js';
import { staffSignInPlugin } from './plugins/staff-sign-in.js';
import { displayName } from './booking/service.js';
import { installSecurityHeaders } from './plugins/headers.js';
import { loggerOptions } from './logging.js';
import { joinPlugin, SESSION_COOKIE } from './plugins/join.js';
import { guidesPlugin } from './guides/plugin.js';
import { readCookie } from './cookies.js';
import { fhirPlugin } from './plugins/fhir.js';
import { SlotHolds } from './booking/holds.js';
import {
  composeCancellation,
  composeConfirmation,
  composePracticeNotice,
  composeReschedule,
  mailPlugin,
} from './plugins/mail.js';
import { ManageTokens } from './manage/tokens.js';
import { managePlugin } from './plugins/manage.js';
import { LiveSessions, SIGNAL_KEY, SIGNAL_PATH, signallingPlugin } from './plugins/signalling.js';
import { staffPlugin } from './plugins/staff.js';
import type { AppointmentRow, HumanNameJson } from './booking/repository.js';
import { Notifier } from './notify/index.js';
import { attendanceHandler } from './notify/attendance.js';
import { ATTENDANCE, REMINDER, Reminders } from './notify/reminders.js';
import { checkPagePlugin } from './plugins/check.js';
import { reportsPlugin } from './plugins/reports.js';
import { adHocPlugin } from './plugins/adhoc.js';
import { staffCallsPlugin } from './plugins/staff-calls.js';
import { StaffCalls } from './staff/calls.js';
import type { RetryPolicy } from './notify/queue.js';
import { migrate, openStorage, type SqlExecutor, type Storage } from './storage/index.js';
import { SignallingTokens } from './tokens.js';
import { MemoryRateLimiter, PostgresRateLimiter, Throttle, type RateLimiter } from './rate-limit.js';
import { PostgresBus, type Bus } from './bus.js';
import { RoomCluster } from './room/cluster.js';
import { installRateLimits } from './plugins/rate-limits.js';
import { turnCredentials } from './turn.js';
import { JanusAdmin } from './sfu/janus.js';
import { sfuPlugin } from './sfu/plugin.js';
import { ENDS_ROOM, SfuService } from './sfu/service.js';
import { DOCUMENT_CAPABILITIES } from './documents/fhir.js';
import { documentsFhir, documentsPlugin } from './documents/plugin.js';
import { Documents } from './documents/repository.js';
import { RecordingExports, withRecordings } from './recording/export-fhir.js';
import { recordingExportPlugin, recordingReferences } from './recording/export-plugin.js';
import { finishToolsPresent } from './recording/finish.js';
import { sendRetrievalLink } from './recording/mail.js';
import {
  hookJanusCapture,
  JanusCapture,
  publishersFromStorage,
  recordingsSink,
  roomFromStorage,
} from './recording/janus-capture.js';
import { recordingPlugin } from './recording/plugin.js';
import { Recordings } from './recording/repository.js';
import { LocalBus } from './bus.js';
import { Directory, DIRECTORY_CAPABILITIES, seedDemoDirectory } from './staff/directory.js';
import { PresenceService } from './staff/presence.js';
import { directoryFhir, directoryPlugin } from './plugins/directory.js';
import { StaffMessages } from './staff/messages.js';
import { staffChatPlugin } from './plugins/staff-chat.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface ServeOptions {
  /** Folder of runnable examples served at `/examples/` with an index at `/`. */
  examplesDir?: string | undefined;
  /** Folder of the elements' CDN bundles, served at `/cdn/`. */
  cdnDir?: string | undefined;
  /** Folder of the theme CSS files, served at `/themes/`. */
  themesDir?: string | undefined;
  /** The page a join link opens (`/join/{token}`). */
  joinPage?: string | undefined;
  /** The page a recording's retrieval link opens (`/my-consultation/{token}`). */
  myConsultationPage?: string | undefined;
}

/** Slots are generated again this often (six hours). */
export const SLOT_GENERATION_INTERVAL_MS = 6 * 60 * 60 * 1000;

/** What tests and embedders may give the server besides its configuration. */
export interface ServerOptions {
  /** The clock (epoch ms) of booking rules and slot generation; `Date.now` by default. */
  now?: () => number;
  /** A storage to use instead of opening one from the configuration (migrated here; closed on close). */
  storage?: Storage;
  /** Interval of the staff event stream's keep-alive comment (15 s). */
  eventHeartbeatMs?: number;
  /** Where the log goes (standard output by default): tests read it. */
  logStream?: NodeJS.WritableStream;
  /** This instance's id among several on one PostgreSQL (random by default; tests name them). */
  instance?: string;
  /** The job worker's timings (tests: short retries and polls; docs/notifications.md). */
  notify?: { retry?: RetryPolicy; pollMs?: number; leaseMs?: number; concurrency?: number };
}

export interface ConsultKitServer {
  app: FastifyInstance;
  storage: Storage;
  tokens: SignallingTokens;
  /** Booking rules over the storage: the repository, the event bus, slot generation. */
  booking: BookingService;
  /** Who is calling: staff keys and sessions, booking references. */
  auth: Auth;
  /** Every route the server registered (method and URL pattern), for tests that cover them all. */
  routes: readonly { method: string; url: string }[];
  /** The room registry: its `recordingEvents` say when a recording starts and stops (src/room/recording.ts). */
  rooms: Rooms;
  /** Message delivery and reminders: the job worker. */
  notifier: Notifier;
  /** Starts listening; resolves to the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/**
 * The built join page, the CDN bundles it loads and the themes, copied into the package by
 * `npm run build` (scripts/server-assets.mjs), so an npm-installed server serves `/join/*`.
 */
const PACKAGE_PUBLIC = fileURLToPath(new URL('../public/', import.meta.url));

/**
 * What the server serves: in the repository, the examples and the elements' build beside it (edits
 * show without a copy); installed from npm, the copies inside the package (no examples there).
 */
export const DEFAULT_SERVE: ServeOptions = existsSync(`${REPO_ROOT}examples/patient-join/index.html`)
  ? {
      examplesDir: `${REPO_ROOT}examples`,
      cdnDir: `${REPO_ROOT}packages/elements/dist/cdn`,
      themesDir: `${REPO_ROOT}packages/elements/themes`,
      joinPage: `${REPO_ROOT}examples/patient-join/index.html`,
      myConsultationPage: `${REPO_ROOT}examples/my-consultation/index.html`,
    }
  : {
      examplesDir: undefined,
      cdnDir: `${PACKAGE_PUBLIC}cdn`,
      themesDir: `${PACKAGE_PUBLIC}themes`,
      joinPage: `${PACKAGE_PUBLIC}join/index.html`,
      myConsultationPage: undefined,
    };

export async function createServer(
  config: Config,
  serve: ServeOptions = DEFAULT_SERVE,
  options: ServerOptions = {},
): Promise<ConsultKitServer> {
  const storage = options.storage ?? (await openStorage(config));
  // Several instances on one PostgreSQL share rooms, signalling, live events and rate limits
  // through it (docs/decisions/0035-instances.md); alone on PGlite none of that is needed.
  let cluster: RoomCluster | undefined;
  let bus: Bus | undefined;
  /** The log, once the Fastify instance exists (the bus may report before). */
  const early: { log?: FastifyBaseLogger } = {};
  if (config.databaseUrl && storage.kind === 'postgres') {
    bus = await PostgresBus.open({
      connectionString: config.databaseUrl,
      onError: (error) => early.log?.error({ err: error }, 'the PostgreSQL bus failed'),
    });
    cluster = new RoomCluster({
      storage,
      bus,
      instance: options.instance,
      log: { warn: (o, m) => early.log?.warn(o, m), error: (o, m) => early.log?.error(o, m) },
    });
  }
  const now = options.now ?? Date.now;
  const events = new BookingEvents();
  const tokens = new SignallingTokens(config.secret, config.tokenTtlSeconds, now);
  let listeningUrl: string | undefined;
  /**
   * Every absolute URL the server makes (join links, FHIR links, `Location`) starts here: the
   * configured public URL, else where it listens. Never the request's `Host` header.
   */
  const publicBase = () => config.publicUrl ?? listeningUrl ?? `http://localhost:${config.port}`;
  /** Cookies are `Secure` whenever patients reach the server over https. */
  const secureCookies = config.publicUrl?.startsWith('https://') === true;
  // The join service and the booking service need each other: confirming a video appointment
  // issues its join link inside the confirming transaction; joining moves the appointment on.
  let join: JoinService | undefined;
  // The live signalling sockets: revoking a session closes its socket once the change is committed.
  const sessions = new LiveSessions();
  // Rooms on Janus, when one is configured (docs/decisions/0013-janus-auth.md).
  const janusInstances = config.janus
    ? [
        {
          url: config.janus.url,
          admin: new JanusAdmin({
            url: config.janus.adminUrl,
            adminSecret: config.janus.adminSecret,
            roomAdminKey: config.janus.roomAdminKey,
          }),
        },
      ]
    : [];
  const sfu = config.janus
    ? new SfuService({ storage, secret: config.secret, now: () => new Date(now()), instances: janusInstances })
    : undefined;
  // The staff directory and presence (docs/staff.md): alone, a bus of this process.
  const directory = new Directory(storage);
  const presenceBus: Bus =
    bus ?? new LocalBus((error) => early.log?.error({ err: error }, 'a presence message failed'));
  const presence: PresenceService = new PresenceService({
    storage,
    bus: presenceBus,
    instance: cluster?.instance ?? `solo-${process.pid}-${Date.now().toString(36)}`,
    now,
    liveSessions: () => rooms.liveSessions(),
    clustered: !!cluster,
    log: { error: (o, m) => early.log?.error(o, m) },
  });
  /** Revoked sessions: their sockets close, they leave the roster, and their Janus tokens stop working. */
  const endSessions = (ids: readonly string[], reason: SessionRevocation) => {
    sessions.end(ids, reason);
    rooms.forgetSessions(ids);
    // The other instances close the sockets they hold of these sessions, and forget them too.
    cluster?.endSessions(ids, reason);
    sfu?.revoke(ids).catch((error: unknown) => app.log.error({ err: error }, 'revoking Janus tokens failed'));
  };
  // Who is in each consultation, and what pages may ask of it (src/room/registry.ts).
  const rooms: Rooms = new Rooms({
    derivedPeerId: (cid, role) => tokens.peerId(cid, role),
    publisherIdOf: sfu ? (sid, stream) => sfu.publisherIdOf(sid, stream) : undefined,
    sfuFrom: config.sfuFrom,
    sync: cluster,
    // Recording consents and recordings (src/room/recording.ts; migration 0013).
    consentStore: storageConsentStore(storage),
    now,
    onChange: () => {
      presence.roomsChanged();
      staffCalls.roomsChanged();
    },
    log: { warn: (o, m) => app.log.warn(o, m), error: (o, m) => app.log.error(o, m) },
    hooks: {
      closeSessions: (ids, reason) => sessions.end(ids, reason),
      removed: async (_appointmentId, sid) => {
        await join!.revokeSession(sid, 'removed');
        await sfu?.revoke([sid]);
      },
      ended: (appointmentId) => endConsultation(appointmentId),
      patientLeft: (appointmentId) => join!.fulfilled(appointmentId),
      // Admitting, declining, removing and ending, audited with the clinician's person (decision 0045).
      acted: (by, action, target) => {
        const appointmentId = appointmentOf(by.cid);
        if (appointmentId === undefined || !by.sid) return;
        const sid = by.sid;
        void (async () => {
          const actor = await join!.actorOf(sid);
          await audit.write({
            person: actor && { id: actor.practitioner, name: actor.name, roles: ['clinician'] },
            via: actor?.via ?? 'system',
            // consultation.admit-patient, consultation.decline-guest, consultation.remove-guest, consultation.end
            action: target ? `consultation.${action}-${target.role}` : `consultation.${action}`,
            resource: `Appointment/${appointmentId}`,
            status: 200,
            from: sessions.addressOf(sid) ?? 'signalling',
          });
        })().catch((error: unknown) => app.log.error({ err: error }, 'auditing a room action failed'));
      },
    },
  });
  /** A consultation ends: every session revoked, the appointment fulfilled, its Janus room gone. */
  const endConsultation = async (appointmentId: number) => {
    const revoked = await join!.revokeWithin(storage, appointmentId, 'ended');
    sessions.end(revoked.sessions, 'ended');
    rooms.forgetSessions(revoked.sessions);
    await join!.fulfilled(appointmentId);
    await sfu?.end(appointmentId);
  };
  // Calls between clinicians with no patient (docs/staff.md; decision 0045).
  const staffCalls: StaffCalls = new StaffCalls({
    storage,
    join: () => join!,
    presence,
    now,
    isLive: (cid) => rooms.isLive(cid),
    entered: (cid) => rooms.entered(cid),
    end: endConsultation,
    log: { error: (o, m) => early.log?.error(o, m) },
  });
  /** A fresh patient join link, issued in the transaction `tx` (confirmations, moves, reminders). */
  const patientLink = async (appointment: AppointmentRow, tx: SqlExecutor) =>
    (
      await join!.inviteWithin(
        tx,
        { id: appointment.id, start: appointment.start_at, end: appointment.end_at, channel: appointment.channel },
        'patient',
      )
    ).url;
  // The "manage your booking" link of every e-mail about a booking (docs/decisions/0021-manage-booking.md).
  const manageTokens = new ManageTokens(config.secret, now);
  const manageLink = (appointment: AppointmentRow) =>
    `${publicBase()}/manage/${manageTokens.issue(appointment.id, appointment.patient_id, appointment.end_at)}`;
  const reminders = new Reminders({
    storage,
    minutes: config.notify.reminders,
    now,
    baseUrl: publicBase,
    joinLink: patientLink,
    noShowAfterMinutes: config.notify.noShowAfterMinutes,
    manageLink,
  });
  const booking = new BookingService({
    storage,
    events,
    composeConfirmation,
    composeCancellation,
    composeReschedule,
    now,
    revokeAccess: async (appointment, reason, tx) => {
      const revoked = await join!.revokeWithin(tx, appointment.id, reason);
      return () => endSessions(revoked.sessions, reason);
    },
    joinLink: patientLink,
    planReminders: reminders.plan,
    manageLink,
    practiceEmail: config.practiceEmail,
    composePracticeNotice,
  });
  try {
    if (options.storage) await migrate(storage);
    if (config.seedDemo) {
      await seedDemoPractice(storage, config.timeZone);
      await seedDemoDirectory(storage);
    }
    await booking.generateHorizon();
    join = new JoinService(
      storage,
      await loadJoinKey(storage),
      tokens,
      staffCalls.port(appointmentPort(booking)),
      {
        earlyMinutes: config.joinEarlyMinutes,
        graceMinutes: config.joinGraceMinutes,
        baseUrl: publicBase,
        iceServers: () =>
          config.turnUrls.length > 0 && config.turnSecret
            ? [
                turnCredentials(
                  { urls: config.turnUrls, secret: config.turnSecret, ttlSeconds: config.turnTtlSeconds },
                  now(),
                ),
              ]
            : [],
        now: () => new Date(now()),
      },
      { path: SIGNAL_PATH, key: SIGNAL_KEY },
    );
  } catch (error) {
    await bus?.close();
    await storage.close();
    throw error;
  }
  const app = Fastify({
    logger: loggerOptions(config.logLevel, options.logStream),
    bodyLimit: 1024 * 1024,
    forceCloseConnections: true,
    trustProxy: trustProxy(config.trustProxy),
    clientErrorHandler,
    frameworkErrors,
  });
  early.log = app.log;
  const routes: { method: string; url: string }[] = [];
  app.addHook('onRoute', ({ method, url }) => {
    for (const one of [method].flat()) routes.push({ method: one, url });
  });
  installErrorHandlers(app);
  installSecurityHeaders(app, {
    frameAncestors: config.frameAncestors,
    hsts: secureCookies,
    // Pages in a call past four open a WebSocket to Janus (core's SfuSession).
    connectSources: config.janus ? [new URL(config.janus.url).origin] : [],
  });
  const limiter: RateLimiter = cluster ? new PostgresRateLimiter({ storage, now }) : new MemoryRateLimiter({ now });
  const throttle = new Throttle(limiter, config.rateLimits, now);
  installRateLimits(app, throttle);
  // Bookings, patients and sessions are personal: no browser or proxy keeps a copy.
  app.addHook('onSend', async (request, reply) => {
    if ((request.url.startsWith('/fhir') || request.url.startsWith('/api/')) && !reply.hasHeader('cache-control')) {
      reply.header('cache-control', 'no-store');
    }
  });
  // The manage-booking API is a bearer API like /fhir: a practice website on another origin may call it.
  await app.register(corsPlugin, {
    origins: config.corsOrigins,
    // /cdn: a practice website loads the picker as a module script, which the browser fetches with CORS.
    prefixes: ['/fhir', '/api/staff', '/api/outbox', '/api/bookings', '/api/manage', '/cdn'],
  });

  app.get('/healthz', async () => ({ status: 'ok', version: VERSION, storage: storage.kind }));

  // In-call chat on the signalling socket, stored with the consultation (docs/decisions/0024-chat.md).
  const chat = new ChatService({
    storage,
    rooms,
    now,
    log: { warn: (o, m) => app.log.warn(o, m), error: (o, m) => app.log.error(o, m) },
  });
  await app.register(signallingPlugin, {
    tokens,
    sessions,
    rooms,
    chat,
    cluster,
    checkSession: async (token) => {
      try {
        await join!.session(token);
        return null;
      } catch (error) {
        if (error instanceof JoinError) return error.problem;
        throw error;
      }
    },
  });

  // Named staff (docs/staff.md, decision 0041): sessions after an OpenID Connect sign-in, the
  // people the staff key may name, and the audit of every staff action.
  const accounts = new StaffAccounts(storage, now);
  const audit = new StaffAudit(storage, now);
  const auth = new Auth({
    staffKey: config.staffKey,
    repo: booking.repo,
    accounts,
    secureCookies,
    throttle,
  });
  installStaffAudit(app, { auth, audit });
  const redirectUri = () => `${publicBase()}/api/staff/callback`;
  // The relying party: the configured provider, or in demo mode the development one at
  // {public URL}/dev-idp, made on first use (the URL is known once the server listens).
  let oidc: OidcClient | undefined = config.oidc
    ? new OidcClient({ ...config.oidc, allowHttp: config.oidc.issuer.startsWith('http:') }, redirectUri)
    : undefined;
  let devIdp: Promise<DevIdentityProvider> | undefined;
  const devClientSecret = randomBytes(32).toString('base64url');
  const developmentProvider = () =>
    (devIdp ??= (async () => {
      const provider = await createDevIdentityProvider(
        `${publicBase()}${DEV_IDP_PATH}`,
        redirectUri(),
        devClientSecret,
      );
      // The demo's GPs and nurse are the demo practice's practitioners: linked ahead of sign-in.
      const practitioners = await storage.query<{ id: number; name: HumanNameJson }>(
        'SELECT id, name FROM practitioner WHERE active ORDER BY id',
      );
      for (const person of DEMO_STAFF) {
        const match = practitioners.find((p) => displayName(p.name) === displayName(person.name));
        if (match) await accounts.link(provider.issuer, person.sub, match.id);
      }
      return provider;
    })().catch((error: unknown) => {
      devIdp = undefined;
      throw error;
    }));
  if (config.devIdentityProvider) {
    oidc = undefined;
  }
  const relyingParty = (): OidcClient | undefined => {
    if (oidc || !config.devIdentityProvider) return oidc;
    oidc = new OidcClient(
      {
        issuer: `${publicBase()}${DEV_IDP_PATH}`,
        clientId: DEV_CLIENT_ID,
        clientSecret: devClientSecret,
        scopes: ['profile'],
        roles: { claim: 'roles', map: {} },
        allowHttp: true,
      },
      redirectUri,
    );
    return oidc;
  };
  // Documents shared in consultations (docs/collaboration.md, "Documents").
  const documents = new Documents(storage, config.documentsDir);
  const appointmentRow = (id: number) => booking.repo.appointment(id);
  // Exports of finished recordings: FHIR beside the documents, HL7 CDA (docs/recording.md, "Export").
  const recordingExports = new RecordingExports(storage, config.recordingsDir);
  const exportOptions = {
    exports: recordingExports,
    auth,
    storage,
    chat,
    appointment: appointmentRow,
    practice: config.practice,
    publicBase,
    now,
  };
  await app.register(recordingExportPlugin, exportOptions);
  await app.register(fhirPlugin, {
    more: [
      {
        routes: documentsFhir({
          documents,
          auth,
          appointment: appointmentRow,
          baseUrl: () => `${publicBase()}/fhir`,
          more: [recordingReferences(exportOptions)],
        }),
        capabilities: withRecordings(DOCUMENT_CAPABILITIES),
      },
      // Recording consents as FHIR Consent (src/room/consent-fhir.ts).
      {
        routes: consentFhir({ storage, auth, baseUrl: () => `${publicBase()}/fhir` }),
        capabilities: CONSENT_CAPABILITIES,
      },
      {
        routes: directoryFhir({ auth, directory, repo: booking.repo, baseUrl: () => `${publicBase()}/fhir` }),
        capabilities: DIRECTORY_CAPABILITIES,
      },
    ],
    prefix: '/fhir',
    booking,
    auth,
    timeZone: config.timeZone,
    version: VERSION,
    baseUrl: () => `${publicBase()}/fhir`,
    minNoticeMinutes: config.minNoticeMinutes,
    holds: new SlotHolds({ storage, now }),
  });
  await app.register(mailPlugin, { auth, repo: booking.repo });
  await app.register(staffPlugin, { auth, events, heartbeatMs: options.eventHeartbeatMs });
  await app.register(staffSignInPlugin, {
    auth,
    accounts,
    audit,
    oidc: relyingParty,
    publicBase,
    sessionSeconds: config.staffSessionSeconds,
    secureCookies,
  });
  // Development conveniences: only in demo mode, which the configuration allows only with the
  // development secret and staff key and never in production (docs/decisions/0008-demo-mode.md).
  if (config.demo) {
    await app.register(devJoinPlugin, { tokens });
    if (config.devIdentityProvider) {
      await app.register(async (scope) => {
        // oidc-provider reads its own bodies: leave them unread here.
        scope.removeAllContentTypeParsers();
        scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
        const serve = async (request: FastifyRequest, reply: FastifyReply) => {
          const provider = await developmentProvider();
          reply.hijack();
          provider.handle(request.raw, reply.raw);
        };
        scope.all(DEV_IDP_PATH, serve);
        scope.all(`${DEV_IDP_PATH}/*`, serve);
      });
    }
    app.log.warn(
      { routes: DEV_ROUTES },
      `DEMO MODE: development routes are live (${DEV_ROUTES.join('; ')}). Never let real patients reach this server.`,
    );
  }
  await app.register(joinPlugin, {
    secureCookies,
    join,
    requireStaff: async (request) => auth.requireStaff(await auth.caller(request)),
    requireRole: async (request, ...roles) => {
      const caller = await auth.caller(request);
      auth.requireRole(caller, ...roles);
      return caller.kind === 'staff' ? caller.person : undefined;
    },
    actor: async (request) => {
      const decided = await auth.decidedFor(request);
      const person = decided?.caller.kind === 'staff' ? decided.caller.person : undefined;
      return person && { practitioner: person.id, name: person.name, via: decided?.via === 'key' ? 'key' : 'session' };
    },
    sendLink: (appointmentId, url, opensAt) => sendJoinLink(booking, appointmentId, url, opensAt),
    sendGuestLink: (appointmentId, guest, url, opensAt) => sendGuestLink(booking, appointmentId, guest, url, opensAt),
    joinPage: serve.joinPage,
    endSessions,
  });
  // A patient or guest reaches the consultation's Janus room only once let in, as in a mesh they
  // reach only the clinician until then (docs/decisions/0023-guests-and-peer-ids.md, 0027).
  const letIn = async (request: FastifyRequest) => {
    const bearer = /^Bearer +(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const token = bearer ?? readCookie(request.headers.cookie, SESSION_COOKIE);
    if (!token) return; // the route itself refuses a request without a session, saying why
    const session = await join!.session(token).catch(() => undefined);
    if (
      session &&
      session.role !== 'clinician' &&
      !rooms.admitted(consultationOf(session.appointmentId), session.sessionId)
    ) {
      throw new JoinError('wrong-role', 'You can join the video room once the clinician has let you in.');
    }
  };
  app.addHook('onRoute', (route) => {
    if (route.url !== '/api/consultations/:id/sfu' || ![route.method].flat().includes('POST')) return;
    route.preHandler = [...[route.preHandler ?? []].flat(), letIn];
  });
  await app.register(documentsPlugin, {
    documents,
    join,
    auth,
    rooms,
    appointment: appointmentRow,
    now,
    secret: config.secret,
    sessionLive: async (sid) =>
      (
        await storage.query('SELECT 1 FROM join_session WHERE id = $1 AND revoked_at IS NULL AND expires_at > $2', [
          sid,
          new Date(now()),
        ])
      ).length === 1,
  });
  // Recordings: storage, access, audit, retention, the patient's retrieval link (docs/recording.md).
  const sessionLive = async (sid: string) =>
    (
      await storage.query('SELECT 1 FROM join_session WHERE id = $1 AND revoked_at IS NULL AND expires_at > $2', [
        sid,
        new Date(now()),
      ])
    ).length === 1;
  const recordings = new Recordings(storage, config.recordingsDir, config.recordingRetentionDays);
  await app.register(recordingPlugin, {
    recordings,
    documents,
    join,
    auth,
    chat,
    storage,
    appointment: appointmentRow,
    sendRetrievalLink: (appointment, url, expires) => sendRetrievalLink(booking, appointment, url, expires),
    now,
    secret: config.secret,
    sessionLive,
    publicBase,
    page: serve.myConsultationPage,
    secureCookies,
  });
  void finishToolsPresent().then((missing) => {
    if (missing.length > 0) {
      app.log.warn(
        { missing },
        `${missing.join(' and ')} not found: recordings cannot be finished until it is installed (Debian: apt-get install ffmpeg)`,
      );
    }
  });
  // Janus calls are recorded by Janus, and made into one file here (docs/decisions/0039-janus-recording.md).
  if (sfu) {
    const capture = new JanusCapture({
      room: roomFromStorage(storage, janusInstances),
      publishersOf: publishersFromStorage(storage, (sid, stream) => sfu.publisherIdOf(sid, stream)),
      recordingsDir: config.recordingsDir,
      sink: recordingsSink(recordings, now),
      // The consent timeline on the wall clock, as Janus stamps its files (not a test's frozen clock).
      log: { warn: (message) => app.log.warn(message) },
    });
    const unhook = hookJanusCapture(rooms.recordingEvents, capture);
    // Closing: what Janus recorded so far is made into the file (before the storage closes).
    app.addHook('onClose', async () => {
      unhook();
      await capture.stopAll();
    });
  }
  await app.register(sfuPlugin, {
    join,
    sfu,
    appointmentStatus: async (id) => (await booking.repo.appointment(id))?.status ?? (await staffCalls.row(id))?.status,
    iceServers: () => join!.iceServers(),
  });
  // The consultation ended (fulfilled, cancelled, …): its Janus room goes, with every token.
  const stopRooms = sfu
    ? events.subscribe((event) => {
        if (!ENDS_ROOM.has(event.status)) return;
        // The patient left (fulfilled) while others carry on: their room stays until the end.
        if (event.status === 'fulfilled' && rooms.isLive(consultationOf(Number(event.id)))) return;
        sfu
          .end(Number(event.id))
          .catch((error: unknown) => app.log.error({ err: error }, 'destroying a Janus room failed'));
      })
    : undefined;

  const notifier = new Notifier({
    storage,
    config: config.notify,
    now,
    log: app.log,
    handlers: {
      [REMINDER]: reminders.handle,
      [ATTENDANCE]: attendanceHandler({
        storage,
        now,
        markNoShow: async (id) => void (await booking.update(id, { kind: 'staff' }, { status: 'noshow' })),
      }),
    },
    ...options.notify,
  });
  await app.register(checkPagePlugin, {});
  // The patient guides: public pages in every language (docs/patient-guides.md).
  await app.register(guidesPlugin);
  await app.register(managePlugin, {
    booking,
    tokens: manageTokens,
    minNoticeMinutes: config.minNoticeMinutes,
    now,
  });
  await app.register(reportsPlugin, { auth, storage, timeZone: config.timeZone, now });
  await app.register(chatPlugin, { auth, storage, chat });
  await presence.start();
  await app.register(directoryPlugin, {
    auth,
    directory,
    presence,
    join,
    storage,
    heartbeatMs: options.eventHeartbeatMs,
  });
  // Messages between staff (docs/staff.md, "Messages"): told live on the staff stream above.
  await app.register(staffChatPlugin, {
    auth,
    directory,
    messages: new StaffMessages({
      storage,
      directory,
      accounts,
      presence,
      now,
      log: { error: (o, m) => app.log.error(o, m) },
    }),
  });
  await app.register(staffCallsPlugin, { auth, calls: staffCalls, directory });
  await app.register(adHocPlugin, {
    auth,
    storage,
    events,
    now,
    timeZone: config.timeZone,
    joinLink: patientLink,
    plan: reminders.plan,
  });
  notifier.start();

  // Keep eight weeks of slots ahead: again every six hours (the first run was above).
  const generation = setInterval(() => {
    booking.generateHorizon().catch((error: unknown) => app.log.error({ err: error }, 'slot generation failed'));
  }, SLOT_GENERATION_INTERVAL_MS);
  generation.unref();

  await registerStatic(app, serve);

  if (cluster && bus) {
    const stopSharing = events.share(bus, cluster.instance, (error) =>
      app.log.error({ err: error }, 'sharing a booking event failed'),
    );
    await cluster.start({
      rooms,
      sessionsEnded: (ids, reason) => {
        sessions.end(ids, reason as SessionRevocation);
        rooms.forgetSessions(ids, 'elsewhere');
      },
    });
    app.addHook('onClose', async () => {
      stopSharing();
      await cluster.stop();
      await bus.close();
    });
  }

  app.addHook('onClose', async () => {
    presence.stop();
    staffCalls.stop();
    if (!bus) await presenceBus.close();
    stopRooms?.();
    clearInterval(generation);
    await notifier.stop();
    await limiter.close();
    await storage.close();
  });

  return {
    app,
    storage,
    tokens,
    booking,
    auth,
    routes,
    notifier,
    rooms,
    async listen() {
      await app.listen({ host: config.host, port: config.port });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      listeningUrl = `http://${host}:${port}`;
      // The development identity provider is made once the URL is known, not on the first sign-in.
      if (config.devIdentityProvider) {
        developmentProvider().catch((error: unknown) =>
          app.log.error({ err: error }, 'the development identity provider did not start'),
        );
      }
      return listeningUrl;
    },
    close: () => app.close(),
  };
}

/** Fastify's `trustProxy` for the configured setting: a hop count becomes the function it means. */
function trustProxy(setting: Config['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return setting;
}

async function registerStatic(app: FastifyInstance, serve: ServeOptions): Promise<void> {
  const mounts: [string | undefined, string][] = [
    [serve.cdnDir, '/cdn/'],
    [serve.themesDir, '/themes/'],
    [serve.examplesDir, '/examples/'],
  ];
  let decorated = false;
  for (const [root, prefix] of mounts) {
    if (!root || !existsSync(root)) continue;
    // /cdn/: hashed chunks immutable for a year, stable entries a minute (plugins/cdn-cache.ts).
    const cache = prefix === '/cdn/' ? { cacheControl: false, setHeaders: cdnCacheHeaders(root) } : {};
    await app.register(fastifyStatic, { root, prefix, decorateReply: !decorated, index: ['index.html'], ...cache });
    decorated = true;
  }
  const examplesDir = serve.examplesDir;
  if (examplesDir && existsSync(examplesDir)) {
    app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(indexPage(examplesDir)));
  }
}

/** `/`: a plain page listing the examples with their descriptions. */
function indexPage(examplesDir: string): string {
  const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const items = readdirSync(examplesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(`${examplesDir}/${entry.name}/index.html`))
    .map((entry) => {
      let description = '';
      try {
        const pkg = JSON.parse(readFileSync(`${examplesDir}/${entry.name}/package.json`, 'utf8')) as {
          description?: string;
        };
        description = pkg.description ?? '';
      } catch {
        // An example without a package.json is listed by name alone.
      }
      return `<li><a href="/examples/${escape(entry.name)}/">${escape(entry.name)}</a> <span>${escape(description)}</span></li>`;
    })
    .join('\n      ');
  return `<!doctype html>
<html lang="en-GB">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>ConsultKit examples</title>
    <link rel="stylesheet" href="/themes/default.css" />
    <style>body{font-family:system-ui,sans-serif;max-inline-size:48rem;margin:2rem auto;padding-inline:1rem;line-height:1.5}li{margin-block:.5rem}</style>
  </head>
  <body>
    <main>
      <h1>ConsultKit examples</h1>
      <ul>
      ${items}
      </ul>
      <p>Health: <a href="/healthz">/healthz</a></p>
    </main>
  </body>
</html>`;
}
