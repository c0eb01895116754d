/**
 * What a `Consultation` knows of screen sharing before `screen.ts` is imported (decision 47): a
 * screen call is told apart by its metadata, and nobody presents.
 */
import type { MediaConnection } from 'peerjs';
import type { ScreenShareState } from './screen.js';

export const isScreenCall = (call: MediaConnection): boolean =>
  (call.metadata as { screen?: unknown } | undefined)?.screen === true;

/** This browser can share a screen (`getDisplayMedia`). */
export function screenShareSupported(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getDisplayMedia === 'function';
}

/** The state of screen sharing while nobody presents (and `screen.ts` may not be here). */
export function idleScreenShare(getDisplayMedia?: unknown): ScreenShareState {
  return {
    presenter: null,
    local: false,
    stream: null,
    pending: false,
    supported: !!getDisplayMedia || screenShareSupported(),
  };
}
