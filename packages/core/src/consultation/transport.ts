/**
 * How media travels between the participants: the seam between the room and the wire. The mesh
 * (`mesh.ts`: one connection per other participant) is one implementation; the SFU session
 * (`sfu/`: one connection to Janus) is the other. The facade gives a transport the roster; the
 * transport reports, per other participant, what it receives and how the link is doing.
 */
import type { JoinTicket } from '../contract/join.js';
import type { RosterEntry } from '../contract/room.js';
import type { QualitySample } from '../media/quality.js';
import type { ReadableStore } from '../store.js';
import type { LinkStatus } from './link.js';

export interface RemoteMedia {
  peerId: string;
  status: LinkStatus;
  stream: MediaStream | null;
  quality: QualitySample | null;
  /** Video is sent to them at the audio-only step of the network ladder. */
  audioOnlyForNetwork: boolean;
  speaking: boolean;
  /** The connection carrying their media (the SFU's one for every participant), for statistics. */
  peerConnection: RTCPeerConnection | null;
}

export interface TransportState {
  remotes: readonly RemoteMedia[];
}

/** What a transport is given when it is made. */
export interface TransportContext {
  server: string | URL;
  ticket: JoinTicket;
  /** The local stream, and whether video is off for the whole page (audio only). */
  local: () => { stream: MediaStream | null; audioOnly: boolean };
  qualityIntervalMs: number;
  /** Lower the video under a poor network (and restore it). */
  adapt: boolean;
}

export interface MediaTransport {
  readonly state: ReadableStore<TransportState>;
  /** The roster changed: connect, drop, start or stop sending. */
  sync(you: string, roster: readonly RosterEntry[]): void;
  /** The local stream or audio only changed: the senders follow. */
  refresh(): void;
  /** Video chosen again after audio only: forget what the network taught. */
  resetAdaptation(): void;
  close(): void;
}
