/**
 * Test and screenshot support (not built, not exported): participants with real `MediaStream`s
 * drawn on a canvas, as core's `ParticipantState` values look, and the consultation's state
 * around them ({@link fakeRoomState}).
 */
import type { ParticipantState, PendingCommand } from '@consultkit/core';

const streams: { stop(): void }[] = [];

/**
 * A real camera-like `MediaStream` (a canvas's `captureStream()`), `width`×`height`, painting a
 * moving frame with a border in another colour, so a cropped picture shows in a screenshot.
 */
export function canvasCamera(text: string, hue: number, width = 640, height = 480): MediaStream {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const g = canvas.getContext('2d')!;
  let frame = 0;
  const paint = () => {
    frame++;
    g.fillStyle = `hsl(${hue} 45% 35%)`;
    g.fillRect(0, 0, width, height);
    g.strokeStyle = `hsl(${(hue + 180) % 360} 90% 60%)`;
    g.lineWidth = 16;
    g.strokeRect(8, 8, width - 16, height - 16);
    g.fillStyle = '#ffffff';
    g.beginPath();
    g.arc(width / 2, height / 2.4, height / 6, 0, Math.PI * 2);
    g.fill();
    g.fillRect(width / 2 - height / 4, height / 1.7, height / 2, height / 3);
    g.font = `${Math.round(height / 12)}px sans-serif`;
    g.fillText(text, 24, height - 32);
    g.fillRect(((frame * 8) % (width - 40)) + 20, 24, 20, 20);
  };
  paint();
  const timer = setInterval(paint, 50);
  const stream = canvas.captureStream(20);
  streams.push({
    stop: () => {
      clearInterval(timer);
      for (const track of stream.getTracks()) track.stop();
    },
  });
  return stream;
}

/** Stops every stream made so far (call in `afterEach`). */
export function stopCanvasCameras(): void {
  for (const s of streams.splice(0)) s.stop();
}

const PEOPLE: [string, ParticipantState['role'], ParticipantState['kind']][] = [
  ['Sam Patel', 'patient', null],
  ['Amira Haddad', 'guest', 'interpreter'],
  ['Dr Ruth Okafor', 'clinician', null],
  ['John Patel', 'guest', 'carer'],
  ['Nia Evans', 'guest', 'nurse'],
  ['Tomasz Nowak', 'guest', 'social-worker'],
  ['Dr Lee Chen', 'guest', 'specialist'],
];

/** One participant, with a canvas camera unless `stream: null` is given. */
export function fakeParticipant(i: number, overrides: Partial<ParticipantState> = {}): ParticipantState {
  const [person, role, kind] = PEOPLE[i % PEOPLE.length]!;
  const name = overrides.name ?? person;
  return {
    peerId: `peer-${i}`,
    name,
    role,
    kind,
    isLocal: false,
    presence: 'admitted',
    admitted: true,
    stream: overrides.stream === undefined ? canvasCamera(name, (i * 67) % 360) : overrides.stream,
    networkQuality: 'good',
    speaking: false,
    muted: false,
    cameraOff: false,
    audioOnly: false,
    ...overrides,
  };
}

/** This page's own participant: the clinician by default. */
export function fakeSelf(overrides: Partial<ParticipantState> = {}): ParticipantState {
  return fakeParticipant(99, {
    peerId: 'self',
    name: 'Dr Jane Smith',
    role: 'clinician',
    kind: null,
    isLocal: true,
    ...overrides,
  });
}

/**
 * Core's consultation state as a stand-in consultation's store starts (`createStore`): a clinician
 * ({@link fakeSelf}, unless `overrides` gives `self`) in a call on a mesh, connected, nothing
 * muted, no quality sample yet, nobody else, nothing pending; `overrides` sets what a test or a
 * screenshot needs. `screenShare` and `recording` are absent unless given.
 */
export function fakeRoomState(overrides: Record<string, unknown> = {}) {
  return {
    status: 'in-call',
    role: 'clinician',
    admitted: true,
    signalling: 'connected',
    localStream: null,
    remoteStream: null,
    muted: false,
    cameraOff: false,
    audioOnly: false,
    audioOnlyReason: null,
    remoteAudioOnly: false,
    quality: null,
    speakerId: null,
    endReason: null,
    declineMessage: null,
    error: null,
    mode: 'mesh',
    self: ('self' in overrides ? null : fakeSelf()) as ParticipantState | null,
    participants: [] as ParticipantState[],
    pending: [] as PendingCommand[],
    ...overrides,
  };
}
