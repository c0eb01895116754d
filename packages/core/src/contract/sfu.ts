/**
 * The SFU: what a participant gets from `POST /api/consultations/:id/sfu` (its own join session as
 * the Bearer token) to join its consultation's Janus VideoRoom room (docs/decisions/0013-janus-auth.md,
 * docs/decisions/0027-the-sfu-session.md).
 */
import type { IceServer } from './join.js';

/** The Janus plugin a participant attaches. */
export const SFU_PLUGIN = 'janus.plugin.videoroom';

/** A participant's access to its consultation's room, as the server answers it. */
export interface SfuAccess {
  /** The Janus API to connect to (ws:// or wss://, `janus-protocol`). */
  janusUrl: string;
  /** The plugin to attach. */
  plugin: typeof SFU_PLUGIN;
  room: number;
  pin: string;
  /** Send as `token` in every Janus request, and as `token` in the VideoRoom `join`. */
  token: string;
  /** The publisher id to join with (`id` in the VideoRoom `join`): the roster's `sfuId`. */
  publisherId: number;
  /** The publisher id of this participant's shared screen (a second publisher, only while sharing). */
  screenPublisherId: number;
  /** Up to this many publish at once. */
  publishers: number;
  /** Simulcast layers a publisher sends (rids, highest first); each subscriber picks one. */
  simulcast: { rids: string[] };
}

/** The route's whole answer: the access, the ICE servers (our TURN) to use, and until when. */
export interface SfuAccessResponse extends SfuAccess {
  iceServers: IceServer[];
  /** When the join session (and with it the access) expires, ISO 8601. */
  expiresAt: string;
}
