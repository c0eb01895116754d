/**
 * What `<staff-chat>` reads of core's `StaffMessages`: its store and its commands. A host may give
 * its own (a vendor console already holding one); tests give a real core store with chosen values.
 */
import type { ReadableStore } from '@consultkit/core';
import type { StaffClient } from '@consultkit/core/booking';
import type { StaffConversation, StaffConversationRequest, StaffMessage } from '@consultkit/core/contract';

/** How the live stream is: not yet, opening, on it, or waiting to retry. */
export type StaffChatLive = 'off' | 'connecting' | 'streaming' | 'retrying';

export interface StaffChatState {
  /** `loading` until the conversations are first listed. */
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** The viewer's conversations, most recent first. */
  conversations: readonly StaffConversation[];
  /** The messages held of each conversation (loaded ones), in `seq` order. */
  messages: Readonly<Record<string, readonly StaffMessage[]>>;
  live: StaffChatLive;
  /** Why the last listing failed. */
  error: { code?: string; status?: number } | null;
}

export interface StaffMessagesLike {
  readonly state: ReadableStore<StaffChatState>;
  start(): void;
  stop(): void;
  /** Loads a conversation's messages (those after the last held). */
  load(conversation: string): Promise<void>;
  send(conversation: string, text: string): Promise<StaffMessage>;
  markRead(conversation: string, upTo: number): Promise<void>;
  startConversation(request: Omit<StaffConversationRequest, 'id'>): Promise<StaffConversation>;
}

/** Core's `StaffMessages` over `client`. */
export function staffMessagesFor(_client: StaffClient): StaffMessagesLike | undefined {
  return undefined;
}
