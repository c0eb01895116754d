/**
 * Which track each sender of a connection carries, and whether it sends: a pure function, so the
 * rules are tested without a connection.
 *
 * - A connection starts with the camera and microphone attached but their encodings inactive
 *   (`encodings[0].active = false`): nothing reaches the other side, yet on admission
 *   `setParameters({ active: true })` gets the first frame out within a frame interval, where
 *   attaching a track then would lose the first frame and start the keyframe at a slow pace
 *   (issue 8, Benchmark).
 * - Audio only: no video track at all (the sender is emptied).
 */
export interface SenderInput {
  /** The local camera and microphone, or null before they are open. */
  stream: MediaStream | null;
  /** Media flows on this connection (both sides let in). */
  send: boolean;
  /** Send no video (chosen, or the network). */
  audioOnly: boolean;
}

export interface SenderPlan {
  track: MediaStreamTrack | null;
  /** `encodings[0].active`. */
  active: boolean;
}

/** What the audio and the video sender of one connection should be. */
export function senderPlan(input: SenderInput): Record<'audio' | 'video', SenderPlan> {
  const audio = input.stream?.getAudioTracks()[0] ?? null;
  const video = input.audioOnly ? null : (input.stream?.getVideoTracks()[0] ?? null);
  return {
    audio: { track: audio, active: input.send && audio !== null },
    video: { track: video, active: input.send && video !== null },
  };
}

/** The video sender's degrade step (`media/adapt.ts`). */
export interface VideoLevel {
  scaleResolutionDownBy: number;
  maxBitrate: number | undefined;
}

/**
 * Applies a plan to a connection's senders (found by their transceiver's kind): replaces a track
 * that differs, and sets `active` (and, for video, the degrade step's `scaleResolutionDownBy` and
 * `maxBitrate`) where they differ. Resolves when done; errors (a connection closing under it) are
 * swallowed: the next apply repeats it. Callers serialize applies on one connection (a
 * `setParameters` while another is pending is refused).
 */
export async function applySenderPlan(
  pc: RTCPeerConnection,
  plan: Record<'audio' | 'video', SenderPlan>,
  video: VideoLevel,
): Promise<void> {
  if (pc.signalingState === 'closed') return;
  const work: Promise<unknown>[] = [];
  for (const transceiver of pc.getTransceivers()) {
    const kind = transceiver.receiver.track.kind as 'audio' | 'video';
    const wanted = plan[kind];
    if (wanted) work.push(applyToSender(transceiver.sender, kind, wanted, video).catch(() => undefined));
  }
  await Promise.all(work);
}

async function applyToSender(
  sender: RTCRtpSender,
  kind: 'audio' | 'video',
  wanted: SenderPlan,
  video: VideoLevel,
): Promise<void> {
  if (sender.track !== wanted.track) await sender.replaceTrack(wanted.track);
  // Parameters are read right before they are set: a transaction id does not outlive its task.
  const parameters = sender.getParameters();
  const encoding = parameters.encodings?.[0];
  if (!encoding) return;
  let changed = encoding.active !== wanted.active;
  encoding.active = wanted.active;
  if (kind === 'video') {
    changed ||= (encoding.scaleResolutionDownBy ?? 1) !== video.scaleResolutionDownBy;
    changed ||= encoding.maxBitrate !== video.maxBitrate;
    encoding.scaleResolutionDownBy = video.scaleResolutionDownBy;
    if (video.maxBitrate) encoding.maxBitrate = video.maxBitrate;
    else delete encoding.maxBitrate;
  }
  if (changed) await sender.setParameters(parameters);
}

/**
 * The estimate video starts at, kbit/s (WebRTC's default is 300). At 300 the first keyframe
 * after admission is paced out over several frame intervals; starting higher gets it across
 * sooner, and the bandwidth estimator lowers the rate once media flows on a slower path (issue 8,
 * Benchmark; bench/README.md, `join`).
 */
export const START_BITRATE_KBPS = 1000;

/** Codecs that carry no picture of their own (retransmission, redundancy, error correction). */
const NOT_PICTURE = /^(rtx|red|ulpfec|flexfec-03)$/i;

/**
 * Adds `x-google-start-bitrate` to every video codec of `sdp` (PeerJS's `sdpTransform`, on the
 * offer and the answer). Chromium reads it from the remote description, so each side's
 * description sets the other side's start: both sides transform theirs. Other browsers ignore it.
 */
export function withStartBitrate(sdp: string, kbps: number = START_BITRATE_KBPS): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const lines = sdp.split(eol);
  const out: string[] = [];
  let video = false;
  const codecs = new Set<string>();
  const withFmtp = new Set<string>();
  // First pass: the video codecs' payload types, and which of them have an fmtp line.
  for (const line of lines) {
    if (line.startsWith('m=')) video = line.startsWith('m=video');
    if (!video) continue;
    const rtpmap = /^a=rtpmap:(\d+) ([^/]+)\//.exec(line);
    if (rtpmap && !NOT_PICTURE.test(rtpmap[2]!)) codecs.add(rtpmap[1]!);
    const fmtp = /^a=fmtp:(\d+) /.exec(line);
    if (fmtp) withFmtp.add(fmtp[1]!);
  }
  video = false;
  for (const line of lines) {
    if (line.startsWith('m=')) video = line.startsWith('m=video');
    const fmtp = video ? /^a=fmtp:(\d+) /.exec(line) : null;
    if (fmtp && codecs.has(fmtp[1]!) && !line.includes('x-google-start-bitrate')) {
      out.push(`${line};x-google-start-bitrate=${kbps}`);
      continue;
    }
    out.push(line);
    const rtpmap = video ? /^a=rtpmap:(\d+) /.exec(line) : null;
    if (rtpmap && codecs.has(rtpmap[1]!) && !withFmtp.has(rtpmap[1]!)) {
      out.push(`a=fmtp:${rtpmap[1]} x-google-start-bitrate=${kbps}`);
    }
  }
  return out.join(eol);
}
