/**
 * Speaking: whether a participant is heard now, from the audio level of the stream this page
 * receives from them (`RTCRtpReceiver.getSynchronizationSources()`, which the browser updates as
 * packets arrive: no audio graph, no extra decoding). Measured on each page, never sent
 * (docs/decisions/0022-the-room.md).
 */

/**
 * Level (0–1, linear in sound pressure, 1 = 0 dBov) from which a participant counts as speaking
 * (about −34 dBov: quiet speech at a normal distance), and below which they stop (−40 dBov).
 */
export const SPEAKING_ON = 0.02;
export const SPEAKING_OFF = 0.01;
/** Quiet polls in a row before speaking ends: a pause between words does not flicker the marker. */
export const QUIET_POLLS = 4;

export interface SpeakingState {
  speaking: boolean;
  /** Quiet polls in a row. */
  quiet: number;
}

/** The next state after one audio level (null: no level known, counts as quiet). */
export function nextSpeaking(state: SpeakingState, level: number | null): SpeakingState {
  const value = level ?? 0;
  if (value >= SPEAKING_ON) return { speaking: true, quiet: 0 };
  if (value < SPEAKING_OFF || !state.speaking) {
    const quiet = state.quiet + 1;
    return { speaking: state.speaking && quiet < QUIET_POLLS, quiet };
  }
  return { speaking: state.speaking, quiet: 0 };
}

/**
 * Follows the audio received on `pc`, calling `onChange` when speaking starts or ends. Returns a
 * function that stops. The browser measures the level only while the received audio is played (a
 * view plays it, muted or not); a stream nobody plays counts as silent.
 */
export function monitorSpeaking(pc: RTCPeerConnection, onChange: (speaking: boolean) => void, intervalMs = 200) {
  let state: SpeakingState = { speaking: false, quiet: 0 };
  const timer = setInterval(() => {
    const receiver = pc.getReceivers().find((r) => r.track.kind === 'audio');
    const sources = receiver?.getSynchronizationSources?.() ?? [];
    // A source not heard from in the last second is silent (its timestamp is on the performance
    // timeline in current browsers, on the wall clock in older ones).
    const fresh = sources.filter(
      (s) => Math.abs(performance.now() - s.timestamp) < 1000 || Math.abs(Date.now() - s.timestamp) < 1000,
    );
    const level = fresh.length ? Math.max(...fresh.map((s) => s.audioLevel ?? 0)) : null;
    const next = nextSpeaking(state, level);
    if (next.speaking !== state.speaking) onChange(next.speaking);
    state = next;
  }, intervalMs);
  return () => clearInterval(timer);
}
