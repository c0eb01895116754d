/**
 * How a message's text shows, shared by `<consult-chat>` and `<staff-chat>`: as text (never markup),
 * its http and https links as links, and when it was stored.
 */
import { html } from 'lit';
import { CHAT_LINK } from '@consultkit/core/contract';
import { activeLocale } from './active-locale.js';

/**
 * A message's text as text, its http and https links as links: Lit puts every piece in as text
 * (never markup), and a link is followed only when clicked (a new tab, without opener or referrer).
 */
export function textWithLinks(text: string): unknown[] {
  const parts: unknown[] = [];
  let at = 0;
  for (const match of text.matchAll(CHAT_LINK)) {
    const raw = match[0].replace(/[.,;:!?)\]]+$/, '');
    let url: URL | undefined;
    try {
      url = new URL(raw);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) continue;
    parts.push(text.slice(at, match.index));
    parts.push(html`<a part="link" href=${url.href} target="_blank" rel="noopener noreferrer">${raw}</a>`);
    at = match.index + raw.length;
  }
  parts.push(text.slice(at));
  return parts;
}

/**
 * When a message was stored, in the shown language: the time of day today ("14:05"), with the day
 * before today ("Mon 30 Nov, 14:05"). '' without a time.
 */
export function messageTime(sentAt: string | null | undefined, withDay = false): string {
  if (!sentAt) return '';
  const when = new Date(sentAt);
  if (Number.isNaN(when.getTime())) return '';
  const today = when.toDateString() === new Date().toDateString();
  return new Intl.DateTimeFormat(activeLocale(), {
    ...(withDay && !today ? { weekday: 'short', day: 'numeric', month: 'short' } : {}),
    hour: '2-digit',
    minute: '2-digit',
  }).format(when);
}
