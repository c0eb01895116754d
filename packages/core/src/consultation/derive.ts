/**
 * The consultation's state, derived from its parts' stores: the room (roster), the local media,
 * the transport (what is received from whom). Pure, so the facade only composes: it recomputes on
 * any change and tells transitions as events.
 */
import type { RosterEntry } from '../contract/room.js';
import type { LocalMediaState } from '../media/local.js';
import type { ParticipantState } from './participant.js';
import type { RoomState } from './room.js';
import { isIn, presenceOf, sends } from './roster.js';
import type { RemoteMedia, TransportState } from './transport.js';
import type { ConsultationEvents, ConsultationState, ConsultationStatus, EndReason } from './types.js';

export interface DeriveInput {
  /** Where the page is in its life: before joining, joined, or over (`ended`/`failed`). */
  phase: 'idle' | 'checking' | 'connecting' | 'joined';
  /** The ticket's counterpart: the first choice for the two-party fields. */
  counterpart: string;
  room: RoomState;
  local: LocalMediaState;
  transport: TransportState;
  signalling: ConsultationState['signalling'];
}

export type Derived = Pick<
  ConsultationState,
  | 'self'
  | 'participants'
  | 'mode'
  | 'pending'
  | 'admitted'
  | 'localStream'
  | 'remoteStream'
  | 'muted'
  | 'cameraOff'
  | 'audioOnly'
  | 'audioOnlyReason'
  | 'remoteAudioOnly'
  | 'quality'
  | 'speakerId'
  | 'signalling'
> & { status: ConsultationStatus };

/** One other participant: their entry, with what this page receives from them. */
export function participantOf(entry: RosterEntry, self: RosterEntry | undefined, remote: RemoteMedia | undefined) {
  // Media still up counts as there, whatever a stale roster says (a signalling outage).
  const linkUp = remote?.status === 'connected' || remote?.status === 'reconnecting';
  const presence =
    !entry.left && linkUp && !entry.connected ? presenceOf({ ...entry, connected: true }) : presenceOf(entry);
  const flowing = !!self && sends(self, entry);
  const participant: ParticipantState = {
    peerId: entry.peerId,
    name: entry.name,
    role: entry.role,
    kind: entry.kind ?? null,
    isLocal: false,
    presence: entry.role === 'clinician' && presence === 'waiting' ? 'admitted' : presence,
    admitted: isIn(entry),
    stream: flowing ? (remote?.stream ?? null) : null,
    networkQuality: remote?.quality?.quality ?? 'unknown',
    speaking: flowing && !!remote?.speaking,
    muted: entry.media?.muted ?? false,
    cameraOff: entry.media?.cameraOff ?? false,
    audioOnly: entry.media?.audioOnly ?? false,
  };
  return participant;
}

export function derive(input: DeriveInput): Derived {
  const { room, local, transport } = input;
  const remotes = new Map(transport.remotes.map((r) => [r.peerId, r]));
  const selfEntry = room.roster.find((e) => e.peerId === room.you);
  const participants = room.roster
    .filter((e) => e.peerId !== room.you)
    .map((e) => participantOf(e, selfEntry, remotes.get(e.peerId)));
  const self: ParticipantState | null = selfEntry
    ? {
        ...participantOf(selfEntry, selfEntry, undefined),
        isLocal: true,
        presence: input.phase === 'joined' ? presenceOf({ ...selfEntry, connected: true }) : 'absent',
        stream: local.stream,
        networkQuality: 'unknown',
        speaking: false,
        muted: local.muted,
        cameraOff: local.cameraOff,
        audioOnly: local.audioOnly,
      }
    : null;
  const selfIn = !!selfEntry && isIn(selfEntry);
  // Those in the call with this page: let in, and there.
  const inCall = participants.filter((p) => p.admitted && p.presence === 'admitted');
  const admitted = selfIn && inCall.length > 0;
  const primary = inCall.find((p) => p.peerId === input.counterpart) ?? inCall[0];
  const primaryMedia = primary ? remotes.get(primary.peerId) : undefined;
  let status: ConsultationStatus = input.phase === 'joined' ? 'waiting' : input.phase;
  if (input.phase === 'joined' && admitted) {
    const links = inCall.map((p) => remotes.get(p.peerId));
    if (links.some((r) => r?.status === 'reconnecting')) status = 'reconnecting';
    else if (links.some((r) => r?.status === 'connected' && r.stream)) status = 'in-call';
    else status = 'admitted';
  }
  return {
    status,
    self,
    participants,
    mode: room.mode,
    pending: room.pending,
    admitted,
    signalling: input.signalling,
    localStream: local.stream,
    remoteStream: admitted ? (primary?.stream ?? null) : null,
    muted: local.muted,
    cameraOff: local.cameraOff,
    audioOnly: local.audioOnly,
    audioOnlyReason: local.audioOnlyReason,
    remoteAudioOnly: primary?.audioOnly ?? false,
    quality: admitted ? (primaryMedia?.quality ?? null) : null,
    speakerId: local.speakerId,
  };
}

type Transition = [keyof ConsultationEvents, ConsultationEvents[keyof ConsultationEvents]];

/** The events a change of state tells. */
export function transitions(before: ConsultationState, after: ConsultationState, you: string): Transition[] {
  const events: Transition[] = [];
  const was = new Map(before.participants.map((p) => [p.peerId, p]));
  for (const p of after.participants) {
    const previous = was.get(p.peerId);
    if (after.role === 'clinician' && p.presence === 'waiting' && previous?.presence !== 'waiting')
      events.push(['participant-waiting', { peerId: p.peerId, role: p.role }]);
    if (after.role === 'clinician' && p.role !== 'clinician' && p.admitted && previous && !previous.admitted)
      events.push(['admitted', { peerId: p.peerId }]);
    if (previous?.presence === 'admitted' && (p.presence === 'left' || p.presence === 'absent'))
      events.push(['remote-left', { remotePeerId: p.peerId }]);
  }
  if (after.role !== 'clinician' && after.self?.admitted && before.self && !before.self.admitted)
    events.push(['admitted', { peerId: you }]);
  const remotePeerId = after.participants.find((p) => p.stream === after.remoteStream && p.stream)?.peerId ?? '';
  if (after.status !== before.status) {
    if (after.status === 'reconnecting') events.push(['reconnecting', { remotePeerId }]);
    if (after.status === 'in-call')
      events.push([before.status === 'reconnecting' ? 'reconnected' : 'call-started', { remotePeerId }]);
  }
  return events;
}

/**
 * Why it ended, as the page says it: the server's `ended` (a clinician ended it for everyone) is
 * `remote-hang-up`; `removed` while still waiting is `declined`.
 */
export function endReasonOf(reason: EndReason, admitted: boolean): EndReason {
  if (reason === 'ended') return 'remote-hang-up';
  return reason === 'removed' && !admitted ? 'declined' : reason;
}
