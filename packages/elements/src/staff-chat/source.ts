/**
 * What `<staff-chat>` reads of core's `StaffMessages`: its store and its commands. A host may give
 * its own (a vendor console already holding one); tests give a real core store with chosen values.
 */
import { StaffMessages, type StaffMessagesState, type StaffStream } from '@consultkit/core';
import type { StaffClient } from '@consultkit/core/booking';

/** The state the element shows: core's `StaffMessagesState`. */
export type StaffChatState = StaffMessagesState;

/** What the element needs of core's `StaffMessages` (a fake with a store will do in tests). */
export type StaffMessagesLike = Pick<
  StaffMessages,
  'state' | 'start' | 'stop' | 'load' | 'post' | 'markRead' | 'startConversation'
>;

/** Core's `StaffMessages` over `client` (on `stream`, when the page shares one). */
export function staffMessagesFor(client: StaffClient, stream?: StaffStream): StaffMessagesLike {
  return new StaffMessages({ client, stream });
}
