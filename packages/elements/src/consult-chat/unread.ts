/**
 * The chat toggle's unread count, apart from `<consult-chat>` so that `<consult-room>` can show it
 * without the chat panel's module, which it imports when the chat is first opened (decision 43).
 */
import { msg, str } from '@lit/localize';
import { plural } from '../internal/words.js';

/** "3 unread messages", in the shown language's plural forms. */
export function unreadText(n: number): string {
  return plural(n, {
    zero: () => msg(str`${n} unread messages`, { id: 'chat-unread-zero' }),
    one: () => msg(str`${n} unread message`, { id: 'chat-unread-one' }),
    two: () => msg(str`${n} unread messages`, { id: 'chat-unread-two' }),
    few: () => msg(str`${n} unread messages`, { id: 'chat-unread-few' }),
    many: () => msg(str`${n} unread messages`, { id: 'chat-unread-many' }),
    other: () => msg(str`${n} unread messages`, { id: 'chat-unread-other' }),
  });
}
