/**
 * The calendar file sent with a booked appointment's messages (RFC 5545): one VEVENT whose UID is
 * stable per appointment and whose SEQUENCE is the appointment's version, so a calendar updates
 * the same event on a move and removes it on `METHOD:CANCEL`. Times are in UTC (`…Z`), which
 * every calendar shows in its own zone: no VTIMEZONE to get wrong (docs/decisions/0017-messages.md).
 */
import { stripBidi } from '@consultkit/core/contract';

export interface CalendarEvent {
  method: 'REQUEST' | 'CANCEL';
  /** Stable per appointment: `appointment-7@practice.example`. */
  uid: string;
  sequence: number;
  start: Date;
  end: Date;
  /** When the file was made. */
  stamp: Date;
  summary: string;
  description: string;
  location: string;
  organizer: { name: string; email: string };
  attendee: { name: string; email: string };
}

/** `20260303T091000Z` */
export function icsDate(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** A TEXT value: backslash, semicolon, comma and line breaks escaped; controls and bidi removed. */
function text(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  const controls = /[\u0000-\u0009\u000b-\u001f\u007f]/g;
  return stripBidi(value)
    .replace(controls, '')
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r?\n/g, '\\n');
}

/** A parameter value (CN): quoted, without the characters a quoted value cannot hold. */
function param(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  const unsafe = /["\u0000-\u001f\u007f]/g;
  return `"${stripBidi(value).replace(unsafe, '')}"`;
}

/** Folds a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 sequence. */
export function fold(line: string): string {
  const out: string[] = [];
  let current = '';
  let bytes = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch);
    const limit = out.length === 0 ? 75 : 74; // continuation lines start with a space
    if (bytes + size > limit) {
      out.push(current);
      current = '';
      bytes = 0;
    }
    current += ch;
    bytes += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

export function buildIcs(event: CalendarEvent): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//ConsultKit//Appointments//EN',
    'CALSCALE:GREGORIAN',
    `METHOD:${event.method}`,
    'BEGIN:VEVENT',
    `UID:${event.uid}`,
    `SEQUENCE:${event.sequence}`,
    `DTSTAMP:${icsDate(event.stamp)}`,
    `DTSTART:${icsDate(event.start)}`,
    `DTEND:${icsDate(event.end)}`,
    `SUMMARY:${text(event.summary)}`,
    `DESCRIPTION:${text(event.description)}`,
    `LOCATION:${text(event.location)}`,
    `ORGANIZER;CN=${param(event.organizer.name)}:mailto:${event.organizer.email}`,
    `ATTENDEE;CN=${param(event.attendee.name)};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:${event.attendee.email}`,
    `STATUS:${event.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(fold).join('\r\n')}\r\n`;
}
