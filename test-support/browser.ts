/**
 * Helpers for browser tests: tickets from the real ConsultKit server of the test run, waiting on
 * stores, and reading decoded frames from a real RTCPeerConnection.
 */
import { executeServerCommand } from '@web/test-runner-commands';
import {
  Consultation,
  type ConsultationOptions,
  type ConsultationStatus,
  type JoinTicket,
  type Role,
} from '@consultkit/core';

/** Base URL of the ConsultKit server started for this test run. */
export async function serverUrl(): Promise<string> {
  const { url } = (await executeServerCommand<{ url: string }>('ck-server')) as { url: string };
  return url;
}

/** A fresh consultation id, so tests never share peers. */
export function consultationId(): string {
  return `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
}

/** A signalling ticket from the server's development join endpoint. */
export async function ticket(consultation: string, role: Role): Promise<JoinTicket> {
  return (await executeServerCommand('ck-ticket', { consultation, role })) as JoinTicket;
}

/** Resolves once `check()` is true; rejects after `timeoutMs` with `what` in the message. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Resolves once the consultation reaches `status`. */
export function untilStatus(consultation: Consultation, status: ConsultationStatus, timeoutMs = 10_000): Promise<void> {
  return until(() => consultation.state.get().status === status, `status "${status}"`, timeoutMs);
}

/** Frames decoded so far on the inbound video of `pc` (0 without inbound video). */
export async function framesDecoded(pc: RTCPeerConnection | null): Promise<number> {
  if (!pc) return 0;
  let frames = 0;
  (await pc.getStats()).forEach((report: { type: string; kind?: string; framesDecoded?: number }) => {
    if (report.type === 'inbound-rtp' && report.kind === 'video') frames += report.framesDecoded ?? 0;
  });
  return frames;
}

/** The sent track of `kind` on `pc`. */
export function sentTrack(pc: RTCPeerConnection | null, kind: 'audio' | 'video'): MediaStreamTrack | null {
  return pc?.getSenders().find((sender) => sender.track?.kind === kind)?.track ?? null;
}

/** ICE servers of the run's TURN server, or why there is none. */
export async function turnServers(): Promise<{ iceServers?: RTCIceServer[]; skip?: string }> {
  return (await executeServerCommand('ck-turn')) as { iceServers?: RTCIceServer[]; skip?: string };
}

/** The type (`host`, `srflx`, `relay`) of the local candidate of the pair in use on `pc`. */
export async function selectedCandidateType(pc: RTCPeerConnection | null): Promise<string | undefined> {
  const stats = await pc?.getStats();
  let pairId: string | undefined;
  stats?.forEach((r: { type: string; selectedCandidatePairId?: string }) => {
    if (r.type === 'transport' && r.selectedCandidatePairId) pairId = r.selectedCandidatePairId;
  });
  const pair = pairId ? (stats?.get(pairId) as { localCandidateId?: string } | undefined) : undefined;
  const local = pair?.localCandidateId ? (stats?.get(pair.localCandidateId) as { candidateType?: string }) : undefined;
  return local?.candidateType;
}

/**
 * Consultations for one `describe`: made against the run's server, hung up after each test.
 * Call at the top of the `describe`.
 */
export function consultations() {
  const open: Consultation[] = [];
  let server = '';
  before(async () => {
    server = await serverUrl();
  });
  afterEach(() => {
    for (const consultation of open.splice(0)) consultation.hangUp();
  });
  const harness = {
    get server(): string {
      return server;
    },
    /** A consultation for `role` in consultation `id`; `ticket` overrides parts of the real ticket. */
    async create(
      id: string,
      role: Role,
      overrides: { ticket?: Partial<JoinTicket>; options?: Partial<ConsultationOptions> } = {},
    ): Promise<Consultation> {
      const consultation = new Consultation({
        server,
        ticket: { ...(await ticket(id, role)), ...overrides.ticket },
        ...overrides.options,
      });
      open.push(consultation);
      return consultation;
    },
    /** Patient and clinician of a fresh consultation (`id`), both in the room, the patient waiting. */
    async waiting(overrides: { ticket?: Partial<JoinTicket>; options?: Partial<ConsultationOptions> } = {}) {
      const id = consultationId();
      const patient = await harness.create(id, 'patient', overrides);
      const clinician = await harness.create(id, 'clinician', overrides);
      await patient.join();
      await clinician.join();
      await until(() => clinician.state.get().participants[0]?.presence === 'waiting', 'the patient to be waiting');
      return { id, patient, clinician };
    },
    /** Patient and clinician of a fresh consultation (`id`): joined, admitted, in the call. */
    async pair(overrides: { ticket?: Partial<JoinTicket>; options?: Partial<ConsultationOptions> } = {}) {
      const { id, patient, clinician } = await harness.waiting(overrides);
      clinician.admit();
      await untilStatus(patient, 'in-call');
      await untilStatus(clinician, 'in-call');
      return { id, patient, clinician };
    },
  };
  return harness;
}

/** Restarts the run's ConsultKit server on the same port (signalling drops, then comes back). */
export async function restartServer(): Promise<void> {
  await executeServerCommand('ck-restart-server');
}

/**
 * Drops all UDP on loopback for `seconds` (a network outage for WebRTC; signalling over TCP
 * stays up). Resolves with `{ skip }` when the run cannot (not root in a network namespace).
 */
export async function udpOutage(seconds: number): Promise<{ skip?: string }> {
  return (await executeServerCommand('ck-udp-outage', { seconds })) as { skip?: string };
}

/**
 * Throttles all UDP on loopback to `kbit` kbit/s with a short queue for `seconds` (a poor network:
 * loss, falling bandwidth estimate). `{ skip }` when the run cannot.
 */
export async function udpThrottle(seconds: number, kbit: number): Promise<{ skip?: string }> {
  return (await executeServerCommand('ck-udp-throttle', { seconds, kbit })) as { skip?: string };
}
