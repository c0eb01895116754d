import { expect } from '@open-wc/testing';
import { senderPlan, withStartBitrate } from './senders.js';

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

describe('withStartBitrate (the start estimate of video, in the SDP)', () => {
  const sdp = [
    'v=0',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'a=rtpmap:111 opus/48000/2',
    'a=fmtp:111 minptime=10;useinbandfec=1',
    'm=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 100',
    'a=rtpmap:96 VP8/90000',
    'a=rtcp-fb:96 nack',
    'a=rtpmap:97 rtx/90000',
    'a=fmtp:97 apt=96',
    'a=rtpmap:98 H264/90000',
    'a=fmtp:98 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
    'a=rtpmap:99 red/90000',
    'a=rtpmap:100 ulpfec/90000',
    '',
  ].join('\r\n');

  it('gives every picture codec of the video section a start bitrate, and nothing else', () => {
    const lines = withStartBitrate(sdp, 1000).split('\r\n');
    expect(lines.filter((l) => l.includes('x-google-start-bitrate'))).to.deep.equal([
      'a=fmtp:96 x-google-start-bitrate=1000',
      'a=fmtp:98 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f;x-google-start-bitrate=1000',
    ]);
    // VP8 had no fmtp line: one is added right after its rtpmap.
    expect(lines[lines.indexOf('a=rtpmap:96 VP8/90000') + 1]).to.equal('a=fmtp:96 x-google-start-bitrate=1000');
    expect(lines).to.include('a=fmtp:97 apt=96');
    expect(lines).to.include('a=fmtp:111 minptime=10;useinbandfec=1');
    expect(lines.at(-1)).to.equal('');
  });

  it('is idempotent, and leaves an SDP without video alone', () => {
    const once = withStartBitrate(sdp);
    expect(withStartBitrate(once)).to.equal(once);
    const audioOnly = sdp.split('m=video')[0]!;
    expect(withStartBitrate(audioOnly)).to.equal(audioOnly);
  });
});
