/**
 * A participant as a page shows them: the roster's entry (`contract/room.ts`) joined with what
 * this page knows of them (their stream, how the link to them is doing, whether they speak).
 * `ConsultationState.participants` holds one per other participant; `ConsultationState.self` is
 * this page's own.
 */
import type { Role } from '../contract/join.js';
import type { GuestKind, MediaFlags } from '../contract/room.js';

/**
 * Where a participant is:
 * - `absent`: not connected now, and did not say goodbye (not arrived yet, or lost their network);
 * - `waiting`: connected, not let in yet;
 * - `admitted`: connected and let in;
 * - `left`: said goodbye (they may come back).
 */
export type Presence = 'absent' | 'waiting' | 'admitted' | 'left';

/** How the network to a participant is doing, as this page measures it (`unknown` before a sample). */
export type NetworkQuality = 'good' | 'fair' | 'poor' | 'unknown';

export interface ParticipantState extends MediaFlags {
  peerId: string;
  name: string;
  role: Role;
  /** For a guest: what they are there as; null otherwise. */
  kind: GuestKind | null;
  /** This page's own participant. */
  isLocal: boolean;
  presence: Presence;
  admitted: boolean;
  /** Their camera and microphone as this page receives them (its own, for `self`); null before media flows. */
  stream: MediaStream | null;
  networkQuality: NetworkQuality;
  /** Heard speaking in the last moment (audio level over a threshold). */
  speaking: boolean;
}

/**
 * A command still at work, so a view can disable its button: `admit`/`remove` name the
 * participant; the others concern this page.
 */
export type PendingCommand =
  | { command: 'admit' | 'remove'; peerId: string }
  | { command: 'join' | 'leave' | 'end' | 'switch-camera' | 'switch-microphone' | 'audio-only' };
