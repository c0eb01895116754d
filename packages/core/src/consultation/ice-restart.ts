import type { MediaConnection, Peer } from 'peerjs';
import { ICE_RESTART_ANSWER, ICE_RESTART_OFFER, type IceRestartMessage } from '../contract/signalling.js';

/**
 * ICE restarts over PeerJS. PeerJS cannot renegotiate (a second offer on a connection closes it),
 * so the offer and answer of a restart travel as our own message types through the same signalling
 * socket; the new candidates then flow through PeerJS's own `CANDIDATE` messages as usual.
 */
const OFFER = ICE_RESTART_OFFER;
const ANSWER = ICE_RESTART_ANSWER;
type RestartMessage = IceRestartMessage & { src: string };

/** Offers an ICE restart on `call` (the side that placed the call does this). */
export async function offerIceRestart(peer: Peer, call: MediaConnection): Promise<void> {
  const pc = call.peerConnection;
  if (!pc || pc.signalingState !== 'stable' || peer.disconnected) return;
  const offer = await pc.createOffer({ iceRestart: true });
  await pc.setLocalDescription(offer);
  peer.socket.send({ type: OFFER, dst: call.peer, payload: { call: call.connectionId, sdp: offer } });
}

/**
 * Answers restart offers and applies restart answers for the calls `find` returns. Returns a
 * function that stops listening.
 */
export function handleIceRestarts(peer: Peer, find: (peerId: string, callId: string) => MediaConnection | null) {
  const onMessage = async (message: RestartMessage) => {
    if (message.type !== OFFER && message.type !== ANSWER) return;
    const call = find(message.src, message.payload?.call);
    const pc = call?.peerConnection;
    if (!call || !pc) return;
    try {
      if (message.type === OFFER) {
        await pc.setRemoteDescription(message.payload.sdp);
        const answer = await pc.createAnswer();
        await pc.setLocalDescription(answer);
        peer.socket.send({ type: ANSWER, dst: call.peer, payload: { call: call.connectionId, sdp: answer } });
      } else if (pc.signalingState === 'have-local-offer') {
        await pc.setRemoteDescription(message.payload.sdp);
      }
    } catch {
      // A restart that crossed another, or a connection closing under it: the next attempt retries.
    }
  };
  peer.socket.on('message', onMessage);
  return () => peer.socket.off('message', onMessage);
}
