/**
 * `<staff-chat>` without registering it: the class, and `define()` to register it under a tag of
 * the host's choice. Importing this module defines nothing (`define.js` registers the default name).
 */
import { defineElement } from '../internal/define.js';
import { StaffChat } from './staff-chat.js';

export { StaffChat };
export type {
  StaffChatState,
  StaffMessagesLike,
  ColleagueSearch,
  ColleagueSearchState,
  Colleague,
} from './staff-chat.js';

/**
 * Registers the element as `tagName` (default `<staff-chat>`) and returns the class that holds
 * the tag (see `consult-chat`'s `define` for the rules).
 */
export function define(tagName = 'staff-chat'): typeof StaffChat {
  return defineElement(tagName, StaffChat) as typeof StaffChat;
}
