/**
 * Where a page keeps its chat posts not yet stored (`chat.ts`), so that a reload loses none; apart
 * from the chat, whose module the consultation imports on first need (decision 47): a reload that
 * left posts waiting is one.
 */

/** The session storage key of `peerId`'s outbox. */
export const chatOutboxKey = (peerId: string): string => `consultkit-chat-outbox:${peerId}`;

/** The session storage, where there is one that works (not in Node, not when blocked). */
export function sessionStore(): Storage | undefined {
  try {
    return typeof sessionStorage === 'undefined' ? undefined : sessionStorage;
  } catch {
    return undefined;
  }
}

/** Whether posts of `peerId`'s wait in this tab's outbox (a reload came before they were stored). */
export function hasChatOutbox(peerId: string): boolean {
  try {
    const raw = sessionStore()?.getItem(chatOutboxKey(peerId));
    return !!raw && raw !== '[]';
  } catch {
    return false;
  }
}
