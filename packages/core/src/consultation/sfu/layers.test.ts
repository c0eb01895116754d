import { expect } from '@open-wc/testing';
import type { NetworkQuality } from '../../media/quality.js';
import {
  DOWN_AFTER,
  UP_AFTER,
  UP_AFTER_MAX,
  diffFeeds,
  feedLayer,
  feedsByMid,
  initialLayerState,
  nextLayer,
  publishersToWatch,
  simulcastEncodings,
  type LayerState,
} from './layers.js';

/** The layers after each sample of `samples`, from the top of three. */
function run(samples: NetworkQuality[], from: LayerState = initialLayerState(2)): number[] {
  const layers: number[] = [];
  let state = from;
  for (const quality of samples) {
    state = nextLayer(state, quality, 2);
    layers.push(state.layer);
  }
  return layers;
}

const times = (quality: NetworkQuality, n: number): NetworkQuality[] => Array.from({ length: n }, () => quality);

describe('SFU layer choice', () => {
  it('starts at the top layer', () => {
    expect(initialLayerState(2).layer).to.equal(2);
  });

  it(`steps down one layer after ${DOWN_AFTER} poor samples in a row, not after one`, () => {
    expect(run(['poor'])).to.deep.equal([2]);
    expect(run(['poor', 'poor'])).to.deep.equal([2, 1]);
    expect(run(times('poor', 4))).to.deep.equal([2, 1, 1, 0]);
  });

  it('never goes below the lowest layer', () => {
    expect(run(times('poor', 10)).at(-1)).to.equal(0);
  });

  it('a good sample between poor ones resets the count; a fair one neither adds nor clears', () => {
    expect(run(['poor', 'good', 'poor', 'good'])).to.deep.equal([2, 2, 2, 2]);
    expect(run(['poor', 'fair', 'poor'])).to.deep.equal([2, 2, 1]);
  });

  it(`steps up one layer after ${UP_AFTER} good samples in a row (slower up than down)`, () => {
    const low = { ...initialLayerState(2), layer: 0 };
    expect(run(times('good', UP_AFTER - 1), low).at(-1)).to.equal(0);
    expect(run(times('good', UP_AFTER), low).at(-1)).to.equal(1);
    expect(run(times('good', 2 * UP_AFTER), low).at(-1)).to.equal(2);
  });

  it('a fair sample ends a good run: no step up on a shaky line', () => {
    const low = { ...initialLayerState(2), layer: 0 };
    const shaky: NetworkQuality[] = ['good', 'good', 'good', 'fair', 'good', 'good', 'good', 'fair'];
    expect(run(shaky, low).at(-1)).to.equal(0);
  });

  it('a step up that fails at once makes the next one wait twice as long, up to a limit', () => {
    const low = { ...initialLayerState(2), layer: 0 };
    // Up after 4 good, then poor twice at once: back down, and the next step up needs 8.
    let state = low;
    for (const quality of [...times('good', UP_AFTER), 'poor', 'poor'] as NetworkQuality[]) {
      state = nextLayer(state, quality, 2);
    }
    expect(state.layer).to.equal(0);
    expect(state.upAfter).to.equal(2 * UP_AFTER);
    expect(run(times('good', 2 * UP_AFTER - 1), state).at(-1)).to.equal(0);
    expect(run(times('good', 2 * UP_AFTER), state).at(-1)).to.equal(1);
    // Failures keep doubling, but never past the limit.
    let probing: LayerState = { ...state, upAfter: UP_AFTER_MAX };
    for (const quality of [...times('good', UP_AFTER_MAX), 'poor', 'poor'] as NetworkQuality[]) {
      probing = nextLayer(probing, quality, 2);
    }
    expect(probing.upAfter).to.equal(UP_AFTER_MAX);
  });

  it('trouble long after a step up is not held against the next one', () => {
    let state = { ...initialLayerState(2), layer: 1 };
    for (const quality of [...times('good', UP_AFTER), ...times('fair', 20), 'poor', 'poor'] as NetworkQuality[]) {
      state = nextLayer(state, quality, 2);
    }
    expect(state.layer).to.equal(1);
    expect(state.upAfter).to.equal(UP_AFTER);
  });

  it('a long good stretch forgives earlier failed probes', () => {
    const state = nextLayer({ ...initialLayerState(2), good: UP_AFTER_MAX - 1, upAfter: 16 }, 'good', 2);
    expect(state.upAfter).to.equal(UP_AFTER);
  });

  it("a feed gets the lower of the network's layer and its tile's wish", () => {
    expect(feedLayer(2, undefined)).to.equal(2);
    expect(feedLayer(2, 0)).to.equal(0);
    expect(feedLayer(0, 2)).to.equal(0);
    expect(feedLayer(1, -3)).to.equal(0);
  });
});

describe('SFU publishers and subscriptions', () => {
  it('watches every other publisher that sends something, never itself', () => {
    const list = [
      { id: 1, streams: [{ type: 'audio' }, { type: 'video' }] },
      { id: 2, streams: [{ type: 'video' }] },
      { id: 3, streams: [{ type: 'video', disabled: true }] },
      { id: 4, streams: [{ type: 'data' }] },
      { id: 5 },
      { id: 'x' },
      null,
    ];
    expect(publishersToWatch(list, 2)).to.deep.equal([1, 5]);
    expect(publishersToWatch(undefined, 2)).to.deep.equal([]);
    expect(publishersToWatch('nonsense', 2)).to.deep.equal([]);
  });

  it('asks for the publishers it lacks and drops those it no longer wants', () => {
    expect(diffFeeds(new Set(), new Set([3, 1]))).to.deep.equal({ subscribe: [1, 3], unsubscribe: [] });
    expect(diffFeeds(new Set([1, 2]), new Set([2, 4]))).to.deep.equal({ subscribe: [4], unsubscribe: [1] });
    expect(diffFeeds(new Set([1, 2]), new Set([1, 2]))).to.deep.equal({ subscribe: [], unsubscribe: [] });
  });

  it('maps each active media line to its publisher; inactive and data lines carry none', () => {
    const map = feedsByMid([
      { mid: '0', type: 'audio', feed_id: 7, active: true },
      { mid: '1', type: 'video', feed_id: 7 },
      { mid: '2', type: 'video', feed_id: 9, active: false },
      { mid: '3', type: 'data' },
      { type: 'video', feed_id: 10 },
    ]);
    expect([...map]).to.deep.equal([
      ['0', { feed: 7, kind: 'audio' }],
      ['1', { feed: 7, kind: 'video' }],
    ]);
    expect(feedsByMid(undefined).size).to.equal(0);
  });

  it('sends each simulcast layer at half the size of the one above, highest first', () => {
    const encodings = simulcastEncodings(['h', 'm', 'l']);
    expect(encodings.map((e) => [e.rid, e.scaleResolutionDownBy])).to.deep.equal([
      ['h', 1],
      ['m', 2],
      ['l', 4],
    ]);
    const bitrates = encodings.map((e) => e.maxBitrate!);
    expect(bitrates[0]).to.be.greaterThan(bitrates[1]!);
    expect(bitrates[1]).to.be.greaterThan(bitrates[2]!);
  });
});
