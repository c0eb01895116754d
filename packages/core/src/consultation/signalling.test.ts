import { expect } from '@open-wc/testing';
import { BACKOFF_FIRST_MS, BACKOFF_MAX_MS, mapPeerError, nextBackoff } from './signalling.js';

describe('signalling', () => {
  it('backs off from 0.5 s, doubling, to at most 8 s', () => {
    const delays = [BACKOFF_FIRST_MS];
    for (let i = 0; i < 6; i++) delays.push(nextBackoff(delays.at(-1)!));
    expect(delays).to.deep.equal([500, 1000, 2000, 4000, 8000, 8000, 8000]);
    expect(Math.max(...delays)).to.equal(BACKOFF_MAX_MS);
  });

  it('maps PeerJS errors: a refused id is refused, a socket error unreachable', () => {
    const error = (type: string) => Object.assign(new Error(type), { type }) as never;
    expect(mapPeerError(error('unavailable-id')).code).to.equal('signalling-refused');
    expect(mapPeerError(error('invalid-key')).code).to.equal('signalling-refused');
    expect(mapPeerError(error('socket-error')).code).to.equal('signalling-unreachable');
    expect(mapPeerError(error('browser-incompatible')).code).to.equal('webrtc-unsupported');
    expect(mapPeerError(error('something-new')).code).to.equal('signalling-unreachable');
  });
});
