/**
 * Network quality from `RTCPeerConnection.getStats()`: round trip, packet loss, jitter and the
 * bitrate actually sent, sampled every two seconds and classified as good, fair or poor.
 *
 * Thresholds (any one is enough for the worse grade):
 *
 * | grade | round trip | loss | jitter | available outgoing bandwidth |
 * | --- | --- | --- | --- | --- |
 * | poor | > 400 ms | > 8 % | > 80 ms | < 150 kbit/s while video is sent |
 * | fair | > 150 ms | > 2 % | > 30 ms | < 300 kbit/s while video is sent |
 * | good | otherwise | | | |
 *
 * The bandwidth is the browser's own estimate (`availableOutgoingBitrate`), not what was sent: a
 * still picture sends few bits on a good line.
 *
 * They follow common VoIP planning figures (ITU-T G.114 puts one-way delay under 150 ms for good
 * interaction; a few per cent loss is where Opus and VP8 start to show it).
 */

export type NetworkQuality = 'good' | 'fair' | 'poor';

export interface QualitySample {
  /** Round trip time of the media path, ms (null before it is known). */
  rttMs: number | null;
  /** Packets lost in the last interval, per cent of packets expected (both directions, worse one). */
  lossPercent: number;
  /** Inbound jitter, ms (worse of audio and video). */
  jitterMs: number;
  /** Bitrate sent in the last interval, kbit/s. */
  sendKbps: number;
  /** Bitrate received in the last interval, kbit/s. */
  receiveKbps: number;
  /** The browser's estimate of the bandwidth available for sending, kbit/s (null if unknown). */
  availableKbps: number | null;
  /** Whether video was being sent in the interval (a low bitrate only matters then). */
  sendingVideo: boolean;
  quality: NetworkQuality;
}

export const QUALITY_THRESHOLDS = {
  poor: { rttMs: 400, lossPercent: 8, jitterMs: 80, videoKbps: 150 },
  fair: { rttMs: 150, lossPercent: 2, jitterMs: 30, videoKbps: 300 },
} as const;

/** Grades one interval's figures. */
export function classify(sample: Omit<QualitySample, 'quality'>): NetworkQuality {
  const worse = (t: (typeof QUALITY_THRESHOLDS)['poor' | 'fair']) =>
    (sample.rttMs !== null && sample.rttMs > t.rttMs) ||
    sample.lossPercent > t.lossPercent ||
    sample.jitterMs > t.jitterMs ||
    (sample.sendingVideo && sample.availableKbps !== null && sample.availableKbps < t.videoKbps);
  if (worse(QUALITY_THRESHOLDS.poor)) return 'poor';
  if (worse(QUALITY_THRESHOLDS.fair)) return 'fair';
  return 'good';
}

interface Counters {
  at: number;
  bytesSent: number;
  bytesReceived: number;
  packetsReceived: number;
  packetsLost: number;
  remotePacketsLost: number;
  packetsSent: number;
  framesEncoded: number;
  /** Packets received so far per inbound stream: jitter counts only for streams still receiving. */
  inboundPackets: Map<string, number>;
}

type Report = Record<string, unknown> & { type: string; kind?: string };

/** Reads the cumulative counters and the instantaneous figures of one `getStats()`. */
function read(stats: RTCStatsReport, now: number) {
  const counters: Counters = {
    at: now,
    bytesSent: 0,
    bytesReceived: 0,
    packetsReceived: 0,
    packetsLost: 0,
    remotePacketsLost: 0,
    packetsSent: 0,
    framesEncoded: 0,
    inboundPackets: new Map(),
  };
  const jitters = new Map<string, number>();
  let rttMs: number | null = null;
  let remoteRttMs: number | null = null;
  let availableKbps: number | null = null;
  stats.forEach((report: Report) => {
    const n = (key: string) => (typeof report[key] === 'number' ? (report[key] as number) : 0);
    switch (report.type) {
      case 'outbound-rtp':
        counters.bytesSent += n('bytesSent');
        counters.packetsSent += n('packetsSent');
        if (report.kind === 'video') counters.framesEncoded += n('framesEncoded');
        break;
      case 'inbound-rtp':
        counters.bytesReceived += n('bytesReceived');
        counters.packetsReceived += n('packetsReceived');
        counters.packetsLost += Math.max(0, n('packetsLost'));
        counters.inboundPackets.set(String(report['id']), n('packetsReceived'));
        jitters.set(String(report['id']), n('jitter') * 1000);
        break;
      case 'remote-inbound-rtp':
        counters.remotePacketsLost += Math.max(0, n('packetsLost'));
        if (typeof report['roundTripTime'] === 'number') {
          remoteRttMs = Math.max(remoteRttMs ?? 0, (report['roundTripTime'] as number) * 1000);
        }
        break;
      case 'candidate-pair':
        if (!report['nominated'] || report['state'] !== 'succeeded') break;
        // Consent checks run every few seconds whatever is sent: the freshest round trip there is.
        if (typeof report['currentRoundTripTime'] === 'number') {
          rttMs = (report['currentRoundTripTime'] as number) * 1000;
        }
        if (typeof report['availableOutgoingBitrate'] === 'number') {
          availableKbps = (report['availableOutgoingBitrate'] as number) / 1000;
        }
        break;
    }
  });
  return { counters, rttMs: rttMs ?? remoteRttMs, jitters, availableKbps };
}

/** Turns two successive `getStats()` readings into one interval's sample. */
function sample(previous: Counters, current: ReturnType<typeof read>): QualitySample {
  const c = current.counters;
  const seconds = Math.max(0.001, (c.at - previous.at) / 1000);
  const received = c.packetsReceived - previous.packetsReceived;
  const lost = c.packetsLost - previous.packetsLost;
  const sent = c.packetsSent - previous.packetsSent;
  const remoteLost = c.remotePacketsLost - previous.remotePacketsLost;
  const inboundLoss = received + lost > 0 ? (100 * Math.max(0, lost)) / (received + lost) : 0;
  const outboundLoss = sent > 0 ? (100 * Math.max(0, remoteLost)) / sent : 0;
  // A stream that stopped (the other side went audio only) keeps its last jitter: leave it out.
  let jitterMs = 0;
  for (const [id, packets] of c.inboundPackets) {
    if (packets > (previous.inboundPackets.get(id) ?? 0)) jitterMs = Math.max(jitterMs, current.jitters.get(id) ?? 0);
  }
  const figures = {
    rttMs: current.rttMs,
    lossPercent: Math.max(inboundLoss, outboundLoss),
    jitterMs,
    sendKbps: ((c.bytesSent - previous.bytesSent) * 8) / 1000 / seconds,
    receiveKbps: ((c.bytesReceived - previous.bytesReceived) * 8) / 1000 / seconds,
    availableKbps: current.availableKbps,
    sendingVideo: c.framesEncoded > previous.framesEncoded,
  };
  return { ...figures, quality: classify(figures) };
}

/**
 * Samples `pc` every `intervalMs` and calls `onSample` with each interval's figures. Returns a
 * function that stops it.
 */
export function monitorQuality(
  pc: RTCPeerConnection,
  onSample: (sample: QualitySample) => void,
  intervalMs = 2000,
): () => void {
  let previous: Counters | null = null;
  let stopped = false;
  const tick = async () => {
    if (stopped || pc.connectionState === 'closed') return;
    try {
      const current = read(await pc.getStats(), performance.now());
      if (previous && !stopped) onSample(sample(previous, current));
      previous = current.counters;
    } catch {
      // The connection closed between the check and getStats: the next tick stops.
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), intervalMs);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
