import { expect } from '@open-wc/testing';
import { senderPlan } from './senders.js';

/** A stand-in for a MediaStream: the plan only asks it for its tracks. */
function stream(audio: boolean, video: boolean) {
  const a = { kind: 'audio' } as MediaStreamTrack;
  const v = { kind: 'video' } as MediaStreamTrack;
  return {
    a,
    v,
    stream: { getAudioTracks: () => (audio ? [a] : []), getVideoTracks: () => (video ? [v] : []) } as MediaStream,
  };
}

describe('senderPlan (which track on which sender, and whether it sends)', () => {
  it('attaches camera and microphone before admission, both inactive', () => {
    const { a, v, stream: s } = stream(true, true);
    expect(senderPlan({ stream: s, send: false, audioOnly: false })).to.deep.equal({
      audio: { track: a, active: false },
      video: { track: v, active: false },
    });
  });

  it('activates both once media flows', () => {
    const { a, v, stream: s } = stream(true, true);
    expect(senderPlan({ stream: s, send: true, audioOnly: false })).to.deep.equal({
      audio: { track: a, active: true },
      video: { track: v, active: true },
    });
  });

  it('empties the video sender for audio only, in the call and before it', () => {
    const { a, stream: s } = stream(true, true);
    expect(senderPlan({ stream: s, send: true, audioOnly: true })).to.deep.equal({
      audio: { track: a, active: true },
      video: { track: null, active: false },
    });
    expect(senderPlan({ stream: s, send: false, audioOnly: true }).video).to.deep.equal({ track: null, active: false });
  });

  it('sends nothing it does not have: no stream yet, or a stream without a camera', () => {
    expect(senderPlan({ stream: null, send: true, audioOnly: false })).to.deep.equal({
      audio: { track: null, active: false },
      video: { track: null, active: false },
    });
    const { a, stream: s } = stream(true, false);
    expect(senderPlan({ stream: s, send: true, audioOnly: false })).to.deep.equal({
      audio: { track: a, active: true },
      video: { track: null, active: false },
    });
  });
});
