import { expect } from '@open-wc/testing';
import { nextSpeaking, QUIET_POLLS, SPEAKING_OFF, SPEAKING_ON, type SpeakingState } from './speaking.js';

describe('speaking', () => {
  const run = (levels: (number | null)[]) => {
    let state: SpeakingState = { speaking: false, quiet: 0 };
    return levels.map((level) => (state = nextSpeaking(state, level)).speaking);
  };

  it('starts at once over the threshold', () => {
    expect(run([0, SPEAKING_ON])).to.deep.equal([false, true]);
  });

  it('carries on through a short pause and between the thresholds; stops after enough quiet', () => {
    const between = (SPEAKING_ON + SPEAKING_OFF) / 2;
    const quiet = Array.from({ length: QUIET_POLLS }, () => 0);
    const result = run([SPEAKING_ON, between, 0, SPEAKING_ON, ...quiet]);
    expect(result.slice(0, 4)).to.deep.equal([true, true, true, true]);
    expect(result.at(-1)).to.equal(false);
    expect(result.at(-2)).to.equal(true);
  });

  it('does not start between the thresholds, nor without a level', () => {
    expect(run([(SPEAKING_ON + SPEAKING_OFF) / 2, null])).to.deep.equal([false, false]);
  });
});
