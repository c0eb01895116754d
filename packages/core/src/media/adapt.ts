/**
 * How video adapts to the network: a small ladder, stepped down after sustained poor quality and
 * back up after sustained good quality, so one bad sample never flips it.
 *
 * | step | video | after |
 * | --- | --- | --- |
 * | 0 | full resolution, bitrate as the browser decides | 3 good samples at step 1 |
 * | 1 | half resolution, at most 250 kbit/s | 2 poor samples at step 0, or 3 good at step 2 |
 * | 2 | none: audio only | 3 poor samples at step 1 |
 *
 * With samples every 2 s: down within 4–6 s of trouble, up within 6 s of recovery.
 */
import type { NetworkQuality } from './quality.js';

export interface DegradeStep {
  scaleResolutionDownBy: number;
  /** Bits per second; undefined leaves it to the browser. */
  maxBitrate: number | undefined;
  audioOnly: boolean;
}

export const DEGRADE_STEPS: readonly DegradeStep[] = [
  { scaleResolutionDownBy: 1, maxBitrate: undefined, audioOnly: false },
  { scaleResolutionDownBy: 2, maxBitrate: 250_000, audioOnly: false },
  { scaleResolutionDownBy: 2, maxBitrate: 250_000, audioOnly: true },
];

export interface AdaptState {
  /** Index into `DEGRADE_STEPS`. */
  level: number;
  /** Poor samples in a row. */
  poor: number;
  /** Good samples in a row. */
  good: number;
}

const DOWN_AFTER = [2, 3] as const; // poor samples needed to leave step 0, step 1
const UP_AFTER = 3; // good samples needed to step up

/** The next state after one sample. */
export function adapt(state: AdaptState, quality: NetworkQuality): AdaptState {
  const poor = quality === 'poor' ? state.poor + 1 : 0;
  const good = quality === 'good' ? state.good + 1 : 0;
  const top = DEGRADE_STEPS.length - 1;
  if (state.level < top && poor >= DOWN_AFTER[state.level as 0 | 1])
    return { level: state.level + 1, poor: 0, good: 0 };
  if (state.level > 0 && good >= UP_AFTER) return { level: state.level - 1, poor: 0, good: 0 };
  return { level: state.level, poor, good };
}
