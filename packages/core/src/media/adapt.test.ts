import { expect } from '@open-wc/testing';
import { adapt, DEGRADE_STEPS, type AdaptState } from './adapt.js';
import type { NetworkQuality } from './quality.js';

const run = (samples: NetworkQuality[], from: AdaptState = { level: 0, poor: 0, good: 0 }) =>
  samples.reduce(adapt, from).level;

describe('video adaptation ladder', () => {
  it('ignores one poor sample, steps down after two, then to audio only after three more', () => {
    expect(run(['poor'])).to.equal(0);
    expect(run(['poor', 'poor'])).to.equal(1);
    expect(run(['poor', 'poor', 'poor', 'poor'])).to.equal(1);
    expect(run(['poor', 'poor', 'poor', 'poor', 'poor'])).to.equal(2);
    expect(DEGRADE_STEPS[2]!.audioOnly).to.equal(true);
    expect(DEGRADE_STEPS[1]!.scaleResolutionDownBy).to.equal(2);
  });

  it('needs poor samples in a row: a fair one in between resets the count', () => {
    expect(run(['poor', 'fair', 'poor'])).to.equal(0);
  });

  it('restores video after three good samples, one step at a time', () => {
    const audioOnly: AdaptState = { level: 2, poor: 0, good: 0 };
    expect(run(['good', 'good'], audioOnly)).to.equal(2);
    expect(run(['good', 'good', 'good'], audioOnly)).to.equal(1);
    expect(run(['good', 'good', 'good', 'good', 'good', 'good'], audioOnly)).to.equal(0);
    expect(run(['good', 'good', 'fair', 'good'], audioOnly)).to.equal(2);
  });

  it('never goes past either end', () => {
    expect(run(Array(20).fill('poor'))).to.equal(2);
    expect(run(Array(20).fill('good'))).to.equal(0);
  });
});
