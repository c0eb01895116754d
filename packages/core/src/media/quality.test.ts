import { expect } from '@open-wc/testing';
import { classify, QUALITY_THRESHOLDS } from './quality.js';

const good = {
  rttMs: 20,
  lossPercent: 0,
  jitterMs: 5,
  sendKbps: 900,
  receiveKbps: 900,
  availableKbps: 2000,
  sendingVideo: true,
};

describe('network quality grading', () => {
  it('grades a clean line good', () => {
    expect(classify(good)).to.equal('good');
    expect(classify({ ...good, rttMs: null })).to.equal('good');
  });

  for (const [field, fair, poor] of [
    ['rttMs', 200, 450],
    ['lossPercent', 3, 10],
    ['jitterMs', 40, 90],
    ['availableKbps', 250, 100],
  ] as const) {
    it(`grades by ${field}: fair past ${QUALITY_THRESHOLDS.fair[field === 'availableKbps' ? 'videoKbps' : field]}, poor past ${QUALITY_THRESHOLDS.poor[field === 'availableKbps' ? 'videoKbps' : field]}`, () => {
      expect(classify({ ...good, [field]: fair })).to.equal('fair');
      expect(classify({ ...good, [field]: poor })).to.equal('poor');
    });
  }

  it('does not hold a low bandwidth against audio-only sending', () => {
    expect(classify({ ...good, availableKbps: 50, sendingVideo: false })).to.equal('good');
  });
});
